"""Hostile files, as an attacker with an importer login would upload them: every one ends with the
right outcome (its hostile row rejected with line and reason and the rest imported, or the file
failed with a clear message and nothing kept), never a crash. Memory is measured by
`manage.py benchmark --hostile` (a real import process per file), not here."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files import File

from devtools.hostile import CORPUS, COLUMNS, _csv_line, _csv_rows, hostile_file_write
from ingest.importers.audit_log import ImportLimits, RejectedRow, open_audit_log
from ingest.models import Event, Upload
from ingest.services.uploads import upload_create, upload_process
from people.models import Member


def _import_path(path) -> Upload:
    with path.open("rb") as handle:
        upload = upload_create(file=File(handle, name=path.name), name=path.name, queue=False)
    upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    return upload


@pytest.mark.parametrize("hostile", CORPUS, ids=[h.name for h in CORPUS])
def test_a_hostile_file_ends_with_the_right_outcome(hostile, tmp_path, db):
    path = hostile_file_write(hostile, tmp_path, scale=0.02)

    upload = _import_path(path)

    assert upload.status == hostile.status, upload.error
    if hostile.status == "failed":
        assert hostile.says in upload.error
        assert upload.error != "" and "internal error" not in upload.error
        assert Event.objects.count() == 0 and Member.objects.count() == 0
    else:
        assert upload.rows_imported == hostile.good_rows == Event.objects.count()
        assert upload.rows_rejected >= 1
        assert any(hostile.says in row["reason"] for row in upload.rejected_sample), upload.rejected_sample


def test_a_3_mb_field_is_one_rejected_row_with_its_line_and_the_file_goes_on(tmp_path, db):
    hostile = next(h for h in CORPUS if h.name == "huge_field.csv")

    upload = _import_path(hostile_file_write(hostile, tmp_path))

    assert (upload.status, upload.rows_read, upload.rows_imported, upload.rows_rejected) == ("done", 7, 6, 1)
    assert upload.rejected_sample == [{"line": 5, "reason": "a field is longer than 1 MiB (IMPORT_MAX_FIELD_BYTES)"}]


def test_a_long_quoted_field_over_many_lines_is_one_rejected_row_and_the_rows_after_it_import(tmp_path, db, settings):
    settings.IMPORT_MAX_FIELD_BYTES = 10_000
    text = _csv_line(COLUMNS) + _csv_rows(0, 2)
    value = "\n".join(["quoted line, with a comma"] * 2000)
    rows = io.StringIO()
    import csv

    csv.writer(rows, lineterminator="\n").writerow(["2025-10-01T09:00:00Z", "{}", "x", "{}", "{}", "", "", value, "web"])
    path = tmp_path / "export.csv"
    path.write_bytes(text + rows.getvalue().encode() + _csv_rows(2, 3))

    upload = _import_path(path)

    assert (upload.status, upload.rows_imported, upload.rows_rejected) == ("done", 5, 1)
    assert upload.rejected_sample[0]["line"] == 4


def test_the_row_and_field_limits_are_settings(tmp_path, db, settings):
    settings.IMPORT_MAX_ROW_BYTES = 600
    settings.IMPORT_MAX_FIELD_BYTES = 100
    path = tmp_path / "export.csv"
    path.write_bytes(_csv_line(COLUMNS) + _csv_rows(0, 3))

    upload = _import_path(path)

    # The sample rows are about 400 characters, with cells past 100 (the actor).
    assert upload.rows_rejected == 3
    assert {row["reason"] for row in upload.rejected_sample} == {"a field is longer than 0.0976562 KiB (IMPORT_MAX_FIELD_BYTES)"}


def test_a_zip_whose_csv_inflates_past_the_size_cap_fails_and_keeps_nothing(tmp_path, db, settings):
    settings.IMPORT_ZIP_MAX_INFLATED_BYTES = 50_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("audit_logs.csv", _csv_line(COLUMNS) + _csv_rows(0, 200))
    path = tmp_path / "export.zip"
    path.write_bytes(buffer.getvalue())

    upload = _import_path(path)

    assert upload.status == "failed"
    assert "IMPORT_ZIP_MAX_INFLATED_BYTES" in upload.error and "nothing from this file was kept" in upload.error
    assert Event.objects.count() == 0


def test_a_zip_that_declares_small_sizes_but_inflates_more_is_stopped_while_reading():
    """The sizes in a ZIP's headers can lie; the cap counts the bytes really inflated."""
    content = _csv_line(COLUMNS) + _csv_rows(0, 3) + b"2025-10-01T09:00:00Z," + b"q" * (30 * 1024**2) + b"\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("audit_logs.csv", content)
    log = open_audit_log(io.BytesIO(buffer.getvalue()), limits=ImportLimits(zip_max_ratio=1_000_000))
    tight = ImportLimits(zip_max_ratio=50)
    log.limits = tight  # the declared sizes passed a lenient check; reading meets the tight one
    from ingest.importers.audit_log import UnsupportedFile

    with pytest.raises(UnsupportedFile, match="IMPORT_ZIP_MAX_RATIO"):
        list(log.rows())


def test_deeply_nested_json_lines_are_rejected_rows():
    content = b'{"created_at": "2025-10-01T09:00:00Z", "event": "a"}\n' + b'{"event": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
    rows = list(open_audit_log(io.BytesIO(content)).rows())
    assert rows[1] == RejectedRow(2, "the event is nested too deeply")


def test_a_later_upload_imports_after_the_hostile_ones(tmp_path, db, sample_path):
    for hostile in CORPUS[:3]:
        _import_path(hostile_file_write(hostile, tmp_path, scale=0.02))

    upload = _import_path(sample_path("claude_enterprise_audit_export.zip"))

    assert (upload.status, upload.rows_imported) == ("done", 26)


def _nested(levels: int) -> dict:
    value: dict = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize("layout", ["jsonl", "json"])
def test_an_event_nested_past_import_max_json_depth_is_rejected_in_json_lines_as_in_a_json_array(layout):
    """The event is the first level: event_info nested 31 levels makes 32, the limit; one more is past it."""
    event = {
        "created_at": "2025-10-01T09:00:00Z",
        "event": "conversation_created",
        "actor_info": {"name": "Ana", "uuid": "u-1", "metadata": {"email_address": "ana@example.com"}},
    }
    events = [event, {**event, "event_info": _nested(31)}, {**event, "event_info": _nested(32)}]
    content = ("\n".join(map(json.dumps, events)) if layout == "jsonl" else json.dumps(events)).encode()

    rows = list(open_audit_log(io.BytesIO(content)).rows())

    assert [type(row).__name__ for row in rows] == ["AuditRecord", "AuditRecord", "RejectedRow"]
    assert rows[2] == RejectedRow(3, "the event is nested more than 32 levels deep")
