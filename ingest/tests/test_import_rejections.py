"""Bad input gets a clear error and loses nothing.

A row that cannot be read is rejected with its line number and reason while the rest import.
A file that is not an audit log fails the upload with a message saying what was expected, and
a file that fails midway leaves no rows behind (no events, rollups, or members it alone
created), while rows from earlier good uploads stay.
"""

from __future__ import annotations

import csv
import io
import json
import random
import struct
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from ingest.models import Event, Upload
from ingest.services import uploads
from people.models import Member
from testing import SAMPLES
from usage.models import DailyActivity, DailyTotal, MemberTotal
from usage.services import rollups

COLUMNS = [
    "created_at", "actor_info", "event", "event_info", "entity_info",
    "ip_address", "device_id", "user_agent", "client_platform",
]
EXPECTED = "Expected a Claude for Enterprise audit-log export"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def sample_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(sample("claude_enterprise_audit.csv").decode("utf-8"))))


def to_csv(rows, columns=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue().encode("utf-8")


def to_zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def many_rows(count: int, start: datetime = datetime(2025, 10, 1, tzinfo=UTC)) -> list[dict[str, str]]:
    """`count` distinct events by the sample's people, one a minute from `start`."""
    rows = sample_rows()
    return [
        {**rows[i % len(rows)], "created_at": (start + timedelta(minutes=i)).isoformat().replace("+00:00", "Z")}
        for i in range(count)
    ]


def _data_models():
    """Every table an import writes to (events, members, rollups of any kind), not the uploads."""
    return [Event, Member, DailyActivity, DailyTotal, MemberTotal]


def db_state() -> dict[str, list]:
    state = {}
    for model in _data_models():
        # Rollup rows are recomputed (deleted and re-inserted), so their ids are not compared.
        fields = [f.attname for f in model._meta.concrete_fields if model is Member or not f.primary_key]
        state[model.__name__] = sorted(model.objects.values_list(*fields), key=repr)
    return state


def assert_nothing_stored():
    assert {m.__name__: m.objects.count() for m in _data_models()} == {m.__name__: 0 for m in _data_models()}
    assert (Event.objects.count(), Member.objects.count(), DailyActivity.objects.count()) == (0, 0, 0)


def assert_failed(upload: Upload, *fragments: str):
    assert upload.status == Upload.Status.FAILED
    assert upload.rows_imported == 0
    assert upload.finished_at is not None
    for fragment in fragments:
        assert fragment in upload.error


@pytest.fixture
def earlier_good_upload(import_bytes):
    """Alice, Bob and a colleague imported before: their rows must survive a later failure."""
    rows = sample_rows()[:7] + [
        {
            "created_at": "2025-08-20T10:00:00Z",
            "actor_info": "{'name': 'Gus Earlier', 'uuid': 'gus-uuid', 'metadata': {'email_address': 'gus@example.com'}}",
            "event": "conversation_created",
            "entity_info": "{'type': 'chat_conversation', 'uuid': 'gus-conv'}",
        }
    ]
    upload = import_bytes(to_csv(rows), "earlier.csv")
    assert (upload.status, upload.rows_imported) == ("done", 8)
    return db_state()


@pytest.fixture
def inserted_during_import(monkeypatch):
    """Counts the events actually written, so a 'midway' failure is known to be midway."""
    written = []
    real = uploads.event_bulk_insert

    def spy(**kwargs):
        count = real(**kwargs)
        written.append(count)
        return count

    monkeypatch.setattr(uploads, "event_bulk_insert", spy)
    return written


# --- rows that cannot be read ----------------------------------------------------------------


def test_unreadable_rows_are_rejected_with_line_and_reason_and_the_rest_import(import_bytes):
    rows = sample_rows()
    rows[1]["created_at"] = "01/09/2025 08:01"
    rows[4]["event"] = ""
    rows[8]["created_at"] = "2025-09-01T22:15:03"
    rows[11]["actor_info"] = "Alice <alice@example.com>"
    rows[13]["entity_info"] = "chat_conversation f05fb772"
    rows[20]["created_at"] = ""
    upload = import_bytes(to_csv(rows))
    assert upload.status == "done"
    assert (upload.rows_read, upload.rows_imported, upload.rows_duplicate, upload.rows_rejected) == (26, 20, 0, 6)
    assert upload.rejected_sample == [
        {"line": 3, "reason": "created_at is not an ISO 8601 timestamp"},
        {"line": 6, "reason": "missing event name"},
        {"line": 10, "reason": "created_at has no UTC offset (was the file re-saved by a spreadsheet?)"},
        {"line": 13, "reason": "actor_info could not be read"},
        {"line": 15, "reason": "entity_info could not be read"},
        {"line": 22, "reason": "missing created_at timestamp"},
    ]
    with upload.rejected_report.open("rb") as report:
        assert list(csv.reader(io.StringIO(report.read().decode("utf-8")))) == [
            ["line", "reason"],
            ["3", "created_at is not an ISO 8601 timestamp"],
            ["6", "missing event name"],
            ["10", "created_at has no UTC offset (was the file re-saved by a spreadsheet?)"],
            ["13", "actor_info could not be read"],
            ["15", "entity_info could not be read"],
            ["22", "missing created_at timestamp"],
        ]
    assert Event.objects.count() == 20


def test_a_clean_file_has_no_rejected_report(import_sample):
    upload = import_sample("claude_enterprise_audit.csv")
    assert (upload.rows_rejected, upload.rejected_sample, upload.rejected_report.name) == (0, [], "")


def test_line_numbers_count_quoted_cells_that_span_lines(import_bytes):
    rows = sample_rows()[:4]
    rows[0]["user_agent"] = "Agent\nwith\nthree line breaks\n"
    rows[1]["event_info"] = "{'new_name': 'two\nlines'}"
    rows[2]["created_at"] = "bad"
    upload = import_bytes(to_csv(rows))
    # header 1, row one 2-5, row two 6-7, so the bad row starts on line 8
    assert upload.rejected_sample == [{"line": 8, "reason": "created_at is not an ISO 8601 timestamp"}]
    assert upload.rows_imported == 3


def test_json_lines_rejects_carry_the_line_number(import_bytes):
    objects = json.loads(sample("claude_enterprise_audit.json"))[:4]
    lines = [
        json.dumps(objects[0]),
        "",
        '{"created_at": "2025-09-01T08:01:45Z", "event": "conversation_created", ',  # cut off
        json.dumps(objects[1]),
        "[1, 2, 3]",
        json.dumps({**objects[2], "created_at": "soon"}),
        json.dumps({**objects[3], "event": None}),
    ]
    upload = import_bytes("\n".join(lines).encode(), "audit.jsonl")
    assert (upload.status, upload.rows_imported, upload.rows_rejected) == ("done", 2, 4)
    assert upload.rejected_sample == [
        {"line": 3, "reason": "not valid JSON"},
        {"line": 5, "reason": "not a JSON object"},
        {"line": 6, "reason": "created_at is not an ISO 8601 timestamp"},
        {"line": 7, "reason": "missing event name"},
    ]


def test_json_array_rejects_carry_the_position_of_the_object(import_bytes):
    objects = json.loads(sample("claude_enterprise_audit.json"))[:4]
    items = [objects[0], "just a string", {**objects[1], "created_at": 1725177600}, objects[2], {**objects[3], "actor_info": [1]}]
    upload = import_bytes(json.dumps(items).encode(), "audit.json")
    assert (upload.status, upload.rows_imported, upload.rows_rejected) == ("done", 2, 3)
    assert upload.rejected_sample == [
        {"line": 2, "reason": "not a JSON object"},
        {"line": 3, "reason": "created_at is not an ISO 8601 timestamp"},
        {"line": 5, "reason": "actor_info could not be read"},
    ]


def test_the_rejected_sample_keeps_the_first_50_and_the_report_lists_all(import_bytes):
    rows = many_rows(130)
    for row in rows[:120]:
        row["created_at"] = "bad"
    upload = import_bytes(to_csv(rows))
    assert (upload.rows_read, upload.rows_imported, upload.rows_rejected) == (130, 10, 120)
    assert upload.rejected_sample == [
        {"line": line, "reason": "created_at is not an ISO 8601 timestamp"} for line in range(2, 52)
    ]
    with upload.rejected_report.open("rb") as report:
        lines = report.read().decode().splitlines()
    assert lines[0] == "line,reason"
    assert [line.split(",")[0] for line in lines[1:]] == [str(n) for n in range(2, 122)]


def test_a_file_whose_every_row_is_unreadable_imports_nothing_and_says_why(import_bytes):
    rows = sample_rows()[:3]
    for row in rows:
        row["event"] = ""
    upload = import_bytes(to_csv(rows))
    assert (upload.status, upload.rows_imported, upload.rows_rejected) == ("done", 0, 3)
    assert_nothing_stored()


def test_overlong_values_reject_the_row_not_the_file(import_bytes):
    # On PostgreSQL an event name longer than the column used to fail the whole upload.
    rows = sample_rows()
    rows[2]["event"] = "x" * 150
    rows[3]["actor_info"] = rows[3]["actor_info"].replace("bob@example.com", "b" * 300 + "@example.com")
    upload = import_bytes(to_csv(rows))
    assert (upload.status, upload.rows_imported, upload.rows_rejected) == ("done", 24, 2)
    assert upload.rejected_sample == [
        {"line": 4, "reason": "event name is longer than 100 characters"},
        {"line": 5, "reason": "actor email is longer than 254 characters"},
    ]


def test_a_nul_character_in_a_stored_value_rejects_the_row_not_the_file(import_bytes):
    # PostgreSQL text cannot hold NUL: such a row used to fail the whole upload there. The good
    # rows come first and fill more than the 64 KiB the format check reads, as in a real export.
    rows = many_rows(400)
    bad = [
        {**rows[0], "created_at": "2025-12-01T00:00:00Z", "event": "conversation\x00created"},
        {**rows[0], "created_at": "2025-12-01T00:00:01Z", "actor_info": "{'name': 'Nu\x00l', 'metadata': {'email_address': 'nul@example.com'}}"},
        {**rows[2], "created_at": "2025-12-01T00:00:02Z", "entity_info": "{'type': 'file', 'uuid': 'f\x00'}"},
        {**rows[0], "created_at": "2025-12-01T00:00:03Z", "user_agent": "harmless\x00agent"},  # not stored
    ]
    content = to_csv(rows + bad)
    assert b"\x00" not in content[:65536]
    upload = import_bytes(content)
    assert (upload.status, upload.rows_imported, upload.rows_rejected) == ("done", 401, 3)
    assert upload.rejected_sample == [
        {"line": 402, "reason": "event name holds a NUL character"},
        {"line": 403, "reason": "actor_info could not be read"},
        {"line": 404, "reason": "entity_info could not be read"},
    ]
    assert not Member.objects.filter(email="nul@example.com").exists()


def test_a_nul_character_in_a_json_value_rejects_the_row_not_the_file(import_bytes):
    objects = json.loads(sample("claude_enterprise_audit.json"))[:3]
    objects[1]["actor_info"]["metadata"]["email_address"] = "bob\u0000@example.com"
    objects[2]["entity_info"]["uuid"] = "a\u0000b"
    lines = "\n".join(json.dumps(o) for o in objects).encode()  # NUL written as the escape \\u0000
    upload = import_bytes(lines, "audit.jsonl")
    assert (upload.status, upload.rows_imported, upload.rows_rejected) == ("done", 1, 2)
    assert upload.rejected_sample == [
        {"line": 2, "reason": "a value holds a NUL character"},
        {"line": 3, "reason": "a value holds a NUL character"},
    ]


# --- files that are not audit logs -----------------------------------------------------------


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0) + bytes(20)


BAD_FILES = {
    "wrong columns": (lambda: b"name,email\nKim Example,kim@example.com\n", ["lacks the column(s) created_at, event, actor_info", "found: name, email", EXPECTED]),
    "png": (_png, ["neither a ZIP, CSV nor JSON", EXPECTED]),
    "random bytes": (lambda: random.Random(7).randbytes(4096), ["neither a ZIP, CSV nor JSON", EXPECTED]),
    "random bytes without NUL": (lambda: bytes(random.Random(8).randrange(128, 256) for _ in range(4096)), ["not UTF-8", EXPECTED]),
    "empty": (lambda: b"", ["empty", EXPECTED]),
    "blank lines only": (lambda: b"\r\n  \n\n", ["empty", EXPECTED]),
    "header only": (lambda: b"created_at,actor_info,event\r\n", ["header but no events"]),
    "a letter": (lambda: b"Dear team, please find the export attached.\nKim\n", ["not a row of column names", EXPECTED]),
    "an expired-link page": (lambda: b"<html><body>This download link has expired.</body></html>", ["lacks the column(s)", EXPECTED]),
    "utf-16 csv": (lambda: sample("claude_enterprise_audit.csv").decode().encode("utf-16"), ["neither a ZIP, CSV nor JSON", EXPECTED]),
    "truncated zip": (lambda: sample("claude_enterprise_audit_export.zip")[:600], ["damaged or incomplete", EXPECTED]),
    "zip without a csv": (lambda: to_zip({"readme.txt": b"hi", "audit.json": sample("claude_enterprise_audit.json")}), ["holds no CSV", EXPECTED]),
    "zip of another csv": (lambda: to_zip({"users.csv": b"name,email\nKim,kim@example.com\n"}), ["lacks the column(s)", EXPECTED]),
    "empty zip": (lambda: to_zip({}), ["holds no CSV", EXPECTED]),
    "json array of other objects": (lambda: b'[{"name": "Kim", "email": "kim@example.com"}]', ["does not hold audit-log events", EXPECTED]),
    "empty json array": (lambda: b"[]", ["does not hold audit-log events", EXPECTED]),
    "one pretty-printed json object": (lambda: json.dumps(json.loads(sample("claude_enterprise_audit.json"))[0], indent=2).encode(), ["JSON lines", EXPECTED]),
    "json lines of other objects": (lambda: b'{"name": "Kim"}\n{"name": "Lee"}\n', ["JSON lines", EXPECTED]),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_file_that_is_not_an_audit_log_fails_with_what_was_expected_and_stores_nothing(import_bytes, kind):
    content, fragments = BAD_FILES[kind]
    upload = import_bytes(content(), "export.csv")
    assert_failed(upload, *fragments)
    assert_nothing_stored()


@pytest.mark.parametrize("kind", ["wrong columns", "png", "truncated zip", "zip without a csv", "empty json array"])
def test_a_bad_file_leaves_earlier_uploads_untouched(import_bytes, earlier_good_upload, kind):
    content, fragments = BAD_FILES[kind]
    assert_failed(import_bytes(content(), "export.zip"), *fragments)
    assert db_state() == earlier_good_upload


# --- files that fail midway ------------------------------------------------------------------


def _cut_json_array(objects: list, keep: int) -> bytes:
    text = json.dumps(objects, indent=2)
    whole = json.dumps(objects[:keep], indent=2)[:-2]  # without the closing "\n]"
    assert text.startswith(whole)
    return (whole + ',\n  {\n    "created_at": "2025-09-0').encode()


def test_a_json_array_cut_off_after_some_objects_leaves_no_rows(import_bytes, earlier_good_upload, inserted_during_import, settings):
    settings.IMPORT_BATCH_SIZE = 2
    upload = import_bytes(_cut_json_array(json.loads(sample("claude_enterprise_audit.json")), keep=20), "audit.json")
    assert_failed(upload, "malformed or ends early", EXPECTED)
    assert sum(inserted_during_import) > 0, "the failure should come after some events were written"
    assert db_state() == earlier_good_upload
    assert not Member.objects.filter(email="erik@example.com").exists()


def test_a_cut_off_json_array_alone_leaves_nothing_at_all(import_bytes, inserted_during_import, settings):
    settings.IMPORT_BATCH_SIZE = 3
    upload = import_bytes(_cut_json_array(json.loads(sample("claude_enterprise_audit.json")), keep=24), "audit.json")
    assert_failed(upload, "malformed or ends early")
    assert sum(inserted_during_import) >= 20
    assert_nothing_stored()


def _corrupt_member_near_end(archive: bytes, name: str, back: int = 64) -> bytes:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        info = zf.getinfo(name)
    header = info.header_offset
    name_length, extra_length = struct.unpack("<HH", archive[header + 26 : header + 30])
    data_end = header + 30 + name_length + extra_length + info.compress_size
    spot = data_end - back
    damaged = bytearray(archive)
    for i in range(spot, spot + 16):
        damaged[i] ^= 0x5A
    return bytes(damaged)


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED], ids=["deflated", "stored"])
def test_a_zip_whose_csv_is_corrupted_near_the_end_leaves_no_rows(
    import_bytes, earlier_good_upload, inserted_during_import, settings, compression
):
    settings.IMPORT_BATCH_SIZE = 50
    archive = to_zip({"audit_logs.csv": to_csv(many_rows(3000))}, compression)
    upload = import_bytes(_corrupt_member_near_end(archive, "audit_logs.csv"), "export.zip")
    assert_failed(upload, "damaged")
    assert sum(inserted_during_import) >= 1000, "the corruption should be met late in the file"
    assert db_state() == earlier_good_upload


def test_a_csv_that_turns_into_non_utf8_text_midway_leaves_no_rows(
    import_bytes, earlier_good_upload, inserted_during_import, settings
):
    settings.IMPORT_BATCH_SIZE = 20
    rows = many_rows(400)
    content = to_csv(rows) + "2025-12-01T00:00:00Z,,conversation_created,,,,,Caf\u00e9 agent,\n".encode("latin-1")
    upload = import_bytes(content, "audit_logs.csv")
    assert_failed(upload, "not UTF-8", EXPECTED)
    assert sum(inserted_during_import) >= 300
    assert db_state() == earlier_good_upload


def test_a_csv_with_a_quote_never_closed_fails_and_leaves_no_rows(
    import_bytes, earlier_good_upload, inserted_during_import, settings
):
    settings.IMPORT_BATCH_SIZE = 20
    rows = many_rows(200)
    # The last row gets one more cell whose opening quote is never closed: it runs to the end of the file.
    content = to_csv(rows).rstrip(b"\n") + b',"Mozilla, never closed\n' + b"x" * 140_000
    upload = import_bytes(content, "audit_logs.csv")
    assert_failed(upload, "The CSV is malformed")
    assert sum(inserted_during_import) >= 100
    assert db_state() == earlier_good_upload


def test_an_internal_error_midway_also_leaves_no_rows(import_bytes, earlier_good_upload, monkeypatch, settings):
    settings.IMPORT_BATCH_SIZE = 5
    real = uploads.event_bulk_insert
    calls = []

    def fail_on_third_batch(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("connection lost: 203.0.113.10")
        return real(**kwargs)

    monkeypatch.setattr(uploads, "event_bulk_insert", fail_on_third_batch)
    upload = import_bytes(sample("claude_enterprise_audit.csv"))
    assert_failed(upload, "internal error")
    assert "203.0.113.10" not in upload.error  # the exception's text may quote the file
    assert db_state() == earlier_good_upload


def test_a_failure_after_the_rows_are_written_leaves_existing_members_as_they_were(
    import_bytes, earlier_good_upload, monkeypatch
):
    real = rollups.rollups_refresh_span
    calls = []

    def rollups_broke(**kwargs):  # the import's refresh fails; the clean-up's works
        calls.append(kwargs)
        if len(calls) == 1:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(rollups, "rollups_refresh_span", rollups_broke)
    assert_failed(import_bytes(sample("claude_enterprise_audit.csv")), "internal error")
    assert db_state() == earlier_good_upload


def test_a_midway_failure_leaves_no_rows_when_batches_really_commit(transactional_db, import_bytes, settings):
    # Outside a test transaction each batch commits (and may be written by another thread),
    # as in the worker: the clean-up must still remove them all.
    settings.IMPORT_BATCH_SIZE = 2
    good = import_bytes(to_csv(sample_rows()[:7]), "earlier.csv")
    assert good.rows_imported == 7
    before = db_state()
    upload = import_bytes(_cut_json_array(json.loads(sample("claude_enterprise_audit.json")), keep=22), "audit.json")
    assert_failed(upload, "malformed or ends early")
    assert db_state() == before
