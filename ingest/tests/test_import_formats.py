"""Formats, detected from the content: the export ZIP, the CSV inside it, a JSON array, JSON lines.

Also the tolerated variations: a UTF-8 BOM, CRLF or LF, columns in any order, extra columns,
semicolons from a spreadsheet re-save, and unknown event names (kept and counted).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from ingest.models import Event, Upload
from people.models import Member
from testing import SAMPLES
from usage.models import DailyActivity

COLUMNS = [
    "created_at", "actor_info", "event", "event_info", "entity_info",
    "ip_address", "device_id", "user_agent", "client_platform",
]
SAMPLE_EMAILS = {
    "alice@example.com", "bob@example.com", "carol@example.com",
    "dana.oneil@example.com", "erik@example.com", "fatima@example.com",
}


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def sample_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(sample("claude_enterprise_audit.csv").decode("utf-8"))))


def to_csv(rows, columns=COLUMNS, *, lineterminator="\n", bom=False, delimiter=",", quoting=csv.QUOTE_MINIMAL) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator, delimiter=delimiter, quoting=quoting)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def to_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def json_lines(*, crlf=False, bom=False) -> bytes:
    objects = json.loads(sample("claude_enterprise_audit.json"))
    text = ("\r\n" if crlf else "\n").join(json.dumps(o) for o in objects) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def stored() -> list[tuple]:
    rows = Event.objects.values_list(
        "occurred_at", "event", "member__email", "entity_type", "entity_id", "client_platform", "dedupe_key"
    )
    return sorted(rows, key=lambda r: (r[0], r[1], r[-1]))


def import_alone(import_bytes, content: bytes, name: str) -> tuple[Upload, list[tuple]]:
    """Import into an empty database; return the upload and what it stored, then empty it again."""
    assert not Event.objects.exists()
    upload = import_bytes(content, name)
    events = stored()
    Event.objects.all().delete()
    DailyActivity.objects.all().delete()
    Member.objects.all().delete()
    return upload, events


@pytest.fixture
def plain_csv_events(import_bytes):
    upload, events = import_alone(import_bytes, sample("claude_enterprise_audit.csv"), "audit_logs.csv")
    assert (upload.status, upload.rows_imported, len(events)) == ("done", 26, 26)
    return events


@pytest.mark.parametrize(
    "content, name, detected",
    [
        (lambda: sample("claude_enterprise_audit_export.zip"), "export.zip", "zip"),
        (lambda: sample("claude_enterprise_audit.csv"), "audit_logs.csv", "csv"),
        (lambda: sample("claude_enterprise_audit.json"), "audit.json", "json"),
        (lambda: json_lines(), "audit.jsonl", "jsonl"),
    ],
    ids=["zip", "csv", "json-array", "json-lines"],
)
def test_every_format_holds_the_same_26_events(import_bytes, plain_csv_events, content, name, detected):
    upload, events = import_alone(import_bytes, content(), name)
    assert (upload.status, upload.error, upload.detected_format) == ("done", "", detected)
    assert (upload.rows_read, upload.rows_imported, upload.rows_duplicate, upload.rows_rejected) == (26, 26, 0, 0)
    assert events == plain_csv_events


@pytest.mark.parametrize(
    "content, misleading_name, detected",
    [
        (lambda: sample("claude_enterprise_audit_export.zip"), "audit_logs.csv", "zip"),
        (lambda: sample("claude_enterprise_audit.json"), "export.zip", "json"),
        (lambda: sample("claude_enterprise_audit.csv"), "events.json", "csv"),
        (lambda: json_lines(), "export.csv", "jsonl"),
        (lambda: sample("claude_enterprise_audit.csv"), "no-extension", "csv"),
    ],
)
def test_the_format_is_detected_from_the_content_not_the_file_name(import_bytes, content, misleading_name, detected):
    upload = import_bytes(content(), misleading_name)
    assert (upload.status, upload.detected_format, upload.rows_imported) == ("done", detected, 26)


@pytest.mark.parametrize(
    "variant",
    [
        {"bom": True},
        {"lineterminator": "\r\n"},
        {"bom": True, "lineterminator": "\r\n"},
        {"quoting": csv.QUOTE_ALL, "lineterminator": "\r\n"},
    ],
    ids=["bom", "crlf", "bom-crlf", "all-quoted-crlf"],
)
def test_a_bom_and_crlf_file_imports_like_the_plain_one(import_bytes, plain_csv_events, variant):
    upload, events = import_alone(import_bytes, to_csv(sample_rows(), **variant), "audit_logs.csv")
    assert (upload.status, upload.rows_read, upload.rows_rejected) == ("done", 26, 0)
    assert events == plain_csv_events


def test_a_bom_crlf_file_keeps_the_first_column_name_and_line_numbers(import_bytes):
    rows = sample_rows()
    rows[2]["created_at"] = "not a time"
    upload = import_bytes(to_csv(rows, bom=True, lineterminator="\r\n"))
    # Without BOM handling the first header would read "\ufeffcreated_at" and the file would fail.
    assert (upload.status, upload.rows_imported, upload.rows_rejected) == ("done", 25, 1)
    assert upload.rejected_sample == [{"line": 4, "reason": "created_at is not an ISO 8601 timestamp"}]


@pytest.mark.parametrize("variant", [{"bom": True}, {"crlf": True}, {"bom": True, "crlf": True}])
def test_json_lines_with_a_bom_or_crlf_import_like_the_plain_file(import_bytes, plain_csv_events, variant):
    upload, events = import_alone(import_bytes, json_lines(**variant), "audit.jsonl")
    assert (upload.status, upload.detected_format, upload.rows_rejected) == ("done", "jsonl", 0)
    assert events == plain_csv_events


def test_a_json_array_with_a_bom_and_crlf_imports_like_the_plain_file(import_bytes, plain_csv_events):
    content = b"\xef\xbb\xbf" + sample("claude_enterprise_audit.json").replace(b"\n", b"\r\n")
    upload, events = import_alone(import_bytes, content, "audit.json")
    assert (upload.status, upload.detected_format) == ("done", "json")
    assert events == plain_csv_events


def test_a_compact_json_array_on_one_line_imports(import_bytes, plain_csv_events):
    content = json.dumps(json.loads(sample("claude_enterprise_audit.json")), separators=(",", ":")).encode()
    upload, events = import_alone(import_bytes, content, "audit.json")
    assert events == plain_csv_events


def test_columns_in_any_order_and_extra_columns_import_like_the_plain_file(import_bytes, plain_csv_events):
    rows = sample_rows()
    for number, row in enumerate(rows):
        row["org_uuid"] = f"org-{number}"
        row["notes"] = "ignored, with a comma"
    shuffled = ["notes", "client_platform", "user_agent", "event", "org_uuid", "entity_info",
                "device_id", "actor_info", "ip_address", "event_info", "created_at"]
    upload, events = import_alone(import_bytes, to_csv(rows, shuffled), "audit_logs.csv")
    assert (upload.status, upload.rows_rejected) == ("done", 0)
    assert events == plain_csv_events


def test_header_names_ignore_case_and_surrounding_spaces(import_bytes, plain_csv_events):
    header = [" Created_At ", "ACTOR_INFO", "Event", "event_info", "Entity_Info",
              "ip_address", " device_id", "user_agent", "Client_Platform "]
    body = to_csv(sample_rows()).split(b"\n", 1)[1]
    content = ",".join(header).encode() + b"\n" + body
    upload, events = import_alone(import_bytes, content, "audit_logs.csv")
    assert events == plain_csv_events


def test_a_file_with_only_the_required_columns_imports(import_bytes):
    upload = import_bytes(to_csv(sample_rows(), ["event", "created_at", "actor_info"]))
    assert (upload.status, upload.rows_read, upload.rows_imported, upload.rows_rejected) == ("done", 26, 26, 0)
    assert set(Member.objects.values_list("email", flat=True)) == SAMPLE_EMAILS
    assert set(Event.objects.values_list("entity_id", "client_platform").distinct()) == {("", "")}


def test_a_row_with_more_cells_than_the_header_is_read_by_the_header(import_bytes):
    # Cells past the header's (a trailing comma, a stray value) must not stand in for a
    # missing optional column such as entity_info or device_id.
    content = (
        "created_at,actor_info,event\n"
        "2025-10-01T09:00:00Z,,conversation_created,stray\n"
        "2025-10-01T09:00:00Z,,conversation_created\n"
        "2025-10-01T09:05:00Z,,conversation_created,,\n"
    ).encode()
    upload = import_bytes(content)
    assert (upload.status, upload.rows_read, upload.rows_rejected) == ("done", 3, 0)
    assert (upload.rows_imported, upload.rows_duplicate) == (2, 1)


def test_blank_lines_before_the_header_and_between_rows_are_ignored(import_bytes, plain_csv_events):
    lines = to_csv(sample_rows(), lineterminator="\r\n").split(b"\r\n")
    content = b"\r\n\r\n" + b"\r\n\r\n".join(lines)
    upload, events = import_alone(import_bytes, content, "audit_logs.csv")
    assert (upload.status, upload.error, upload.rows_read, upload.rows_rejected) == ("done", "", 26, 0)
    assert events == plain_csv_events


def test_blank_lines_before_the_header_still_count_in_line_numbers(import_bytes):
    rows = sample_rows()[:3]
    rows[1]["event"] = ""
    upload = import_bytes(b"\n\n" + to_csv(rows))
    # line 3 is the header, the second row is line 5
    assert upload.rejected_sample == [{"line": 5, "reason": "missing event name"}]


def test_a_semicolon_separated_file_from_a_spreadsheet_imports(import_bytes, plain_csv_events):
    upload, events = import_alone(import_bytes, to_csv(sample_rows(), delimiter=";", bom=True), "audit_logs.csv")
    assert (upload.status, upload.rows_rejected) == ("done", 0)
    assert events == plain_csv_events


def test_unknown_event_names_are_kept_and_counted(import_bytes):
    rows = sample_rows()
    rows[0]["event"] = "user_teleported"
    rows[1]["event"] = "user_teleported"
    rows[2]["event"] = "org_moon_base_opened"
    rows.append(dict(rows[0]))  # a duplicate of an unknown event is still read as one
    upload = import_bytes(to_csv(rows))
    assert (upload.status, upload.rows_imported, upload.rows_duplicate) == ("done", 26, 1)
    assert upload.unknown_events == {"user_teleported": 3, "org_moon_base_opened": 1}
    assert Event.objects.filter(event="user_teleported").count() == 2
    assert Event.objects.filter(event="org_moon_base_opened").count() == 1


def test_known_event_names_leave_unknown_events_empty(import_bytes):
    assert import_bytes(sample("claude_enterprise_audit.csv")).unknown_events == {}


def test_the_export_zip_may_hold_the_csv_in_a_folder_beside_other_files(import_bytes, plain_csv_events):
    content = to_zip(
        {
            "README.txt": b"Audit log export",
            "__MACOSX/export/._audit_logs.csv": b"\x00\x05\x16\x07 mac resource fork",
            "export/summary.csv": b"a,b\n1,2\n" * 500,  # larger, but not the audit log
            "export/audit_logs.csv": sample("claude_enterprise_audit.csv"),
        }
    )
    upload, events = import_alone(import_bytes, content, "export.zip")
    assert (upload.status, upload.error, upload.detected_format) == ("done", "", "zip")
    assert events == plain_csv_events


def test_a_zip_with_one_csv_of_another_name_imports_it(import_bytes, plain_csv_events):
    content = to_zip({"Claude Export 2025-10-01.CSV": to_csv(sample_rows(), bom=True, lineterminator="\r\n")})
    upload, events = import_alone(import_bytes, content, "download")
    assert (upload.status, upload.detected_format) == ("done", "zip")
    assert events == plain_csv_events


def test_json_objects_may_carry_python_repr_cells_and_extra_keys(import_bytes, plain_csv_events):
    objects = [{**row, "org_uuid": "org-1"} for row in sample_rows()]  # every value a string, as in the CSV
    upload, events = import_alone(import_bytes, json.dumps(objects).encode(), "audit.json")
    assert (upload.status, upload.rows_rejected) == ("done", 0)
    assert events == plain_csv_events


def test_a_file_larger_than_one_batch_imports_whole(import_bytes, plain_csv_events, settings):
    settings.IMPORT_BATCH_SIZE = 4
    upload, events = import_alone(import_bytes, sample("claude_enterprise_audit_export.zip"), "export.zip")
    assert (upload.status, upload.rows_imported, upload.progress) == ("done", 26, 100)
    assert events == plain_csv_events
