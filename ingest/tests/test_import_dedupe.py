"""Consecutive exports overlap: the same event, imported twice, is stored once.

The identity of an event is the normalised (instant, event name, actor uuid or email, entity id,
device id), whatever the file, the format, the quoting or the spelling of the instant.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import zipfile

import pytest

from ingest.models import Event
from people.models import Member
from testing import SAMPLES
from usage.models import DailyActivity

COLUMNS = [
    "created_at", "actor_info", "event", "event_info", "entity_info",
    "ip_address", "device_id", "user_agent", "client_platform",
]


@pytest.fixture(autouse=True)
def utc_reporting(settings):
    """Rollups are checked in UTC, whatever REPORTING_TIMEZONE the environment sets."""
    settings.REPORTING_TIMEZONE = "UTC"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def sample_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(sample("claude_enterprise_audit.csv").decode("utf-8"))))


def to_csv(rows, columns=COLUMNS, *, quoting=csv.QUOTE_MINIMAL) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=quoting)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue().encode("utf-8")


def rollups() -> list[tuple]:
    rows = DailyActivity.objects.values_list("timezone", "day", "member_id", "events", "conversations")
    return sorted(rows, key=lambda r: (r[0], r[1], r[2] or 0))


def counts(upload) -> tuple[int, int, int, int]:
    assert upload.status == "done", upload.error
    return upload.rows_read, upload.rows_imported, upload.rows_duplicate, upload.rows_rejected


def test_the_zip_then_the_json_then_the_csv_sample_give_26_imported_then_26_duplicate_twice(import_sample):
    assert counts(import_sample("claude_enterprise_audit_export.zip")) == (26, 26, 0, 0)
    assert counts(import_sample("claude_enterprise_audit.json")) == (26, 0, 26, 0)
    assert counts(import_sample("claude_enterprise_audit.csv")) == (26, 0, 26, 0)
    assert Event.objects.count() == 26


def test_the_same_file_imported_twice_is_stored_once_and_the_rollups_do_not_double(import_sample):
    first = import_sample("claude_enterprise_audit.csv")
    rollup_before = rollups()
    second = import_sample("claude_enterprise_audit.csv")
    assert counts(first) == (26, 26, 0, 0)
    assert counts(second) == (26, 0, 26, 0)
    assert Event.objects.count() == 26
    assert set(Event.objects.values_list("upload_id", flat=True)) == {first.pk}
    assert rollups() == rollup_before
    assert sum(DailyActivity.objects.filter(timezone="UTC").values_list("events", flat=True)) == 26


def test_a_row_repeated_within_one_file_is_stored_once(import_bytes):
    rows = sample_rows()
    upload = import_bytes(to_csv(rows + rows[:5] + rows[3:4]))
    assert counts(upload) == (32, 26, 6, 0)
    assert Event.objects.count() == 26


def test_a_repeat_split_across_import_batches_is_stored_once(import_bytes, settings):
    settings.IMPORT_BATCH_SIZE = 3
    rows = sample_rows()
    upload = import_bytes(to_csv(rows + list(reversed(rows))))
    assert counts(upload) == (52, 26, 26, 0)


@pytest.mark.parametrize(
    "first, second",
    [
        ("2025-09-03T11:30:00Z", "2025-09-03T11:30:00.000000+00:00"),
        ("2025-09-03T11:30:00.000000Z", "2025-09-03T11:30:00+00:00"),
        ("2025-09-03T11:30:00Z", "2025-09-03T13:30:00+02:00"),
        ("2025-10-01T08:01:45.902117Z", "2025-10-01T08:01:45.902117+00:00"),
        ("2025-10-01T08:01:45.902117Z", "2025-10-01 08:01:45.902117Z"),
        ("2025-10-01T08:01:45.902117Z", "2025-10-01T04:01:45.902117-04:00"),
        ("2025-10-01T08:01:45.900000Z", "2025-10-01T08:01:45.9Z"),
    ],
)
def test_another_spelling_of_the_same_instant_is_the_same_event(import_bytes, first, second):
    row = sample_rows()[7]
    one = import_bytes(to_csv([{**row, "created_at": first}]), "first.csv")
    two = import_bytes(to_csv([{**row, "created_at": second}]), "second.csv")
    assert counts(one) == (1, 1, 0, 0)
    assert counts(two) == (1, 0, 1, 0)


def test_all_spellings_in_one_file_are_one_event(import_bytes):
    row = sample_rows()[21]  # the sample's own 2025-09-03T11:30:00Z row
    spellings = ["2025-09-03T11:30:00Z", "2025-09-03T11:30:00.000000+00:00", "2025-09-03T11:30:00.000Z",
                 "2025-09-03T12:30:00+01:00", "2025-09-03T11:30:00.000000Z"]
    upload = import_bytes(to_csv([{**row, "created_at": s} for s in spellings]))
    assert counts(upload) == (5, 1, 4, 0)


def test_other_quoting_of_the_same_cells_is_the_same_event(import_bytes):
    rows = sample_rows()
    as_json_cells = [
        {
            **row,
            "actor_info": json.dumps(ast.literal_eval(row["actor_info"])),
            "entity_info": json.dumps(ast.literal_eval(row["entity_info"])) if row["entity_info"] else "",
            "event_info": json.dumps(ast.literal_eval(row["event_info"])),
        }
        for row in rows
    ]
    assert any("O'Neil" in row["actor_info"] for row in as_json_cells)
    import_bytes(to_csv(rows), "a.csv")
    assert counts(import_bytes(to_csv(rows, quoting=csv.QUOTE_ALL), "b.csv")) == (26, 0, 26, 0)
    assert counts(import_bytes(to_csv(as_json_cells), "c.csv")) == (26, 0, 26, 0)


def test_json_cells_and_python_repr_cells_of_the_same_event_are_one(import_bytes):
    actor_py = "{'name': 'Kim Example', 'uuid': 'kim-uuid', 'metadata': {'email_address': 'kim@example.com'}}"
    actor_json = '{"name": "Kim Example", "uuid": "kim-uuid", "metadata": {"email_address": "kim@example.com"}}'
    entity_py = "{'type': 'chat_conversation', 'uuid': 'conv-1', 'metadata': {'project_uuid': None}}"
    entity_json = '{"type": "chat_conversation", "uuid": "conv-1", "metadata": {"project_uuid": null}}'
    base = {"created_at": "2025-10-01T09:00:00Z", "event": "conversation_created", "device_id": "dev-1"}
    import_bytes(to_csv([{**base, "actor_info": actor_py, "entity_info": entity_py}]))
    again = import_bytes(to_csv([{**base, "actor_info": actor_json, "entity_info": entity_json}]))
    assert counts(again) == (1, 0, 1, 0)


def test_the_same_events_as_csv_and_as_json_lines_are_one_set(import_bytes):
    import_sample_csv = import_bytes(sample("claude_enterprise_audit.csv"), "a.csv")
    lines = "\n".join(json.dumps(o) for o in json.loads(sample("claude_enterprise_audit.json"))).encode()
    again = import_bytes(lines, "a.jsonl")
    assert counts(import_sample_csv) == (26, 26, 0, 0)
    assert counts(again) == (26, 0, 26, 0)


def test_overlapping_exports_store_the_union(import_bytes):
    rows = sample_rows()
    older = import_bytes(to_csv(rows[:18]), "older.csv")
    newer_zip = io.BytesIO()
    with zipfile.ZipFile(newer_zip, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("audit_logs.csv", to_csv(rows[10:]))
    newer = import_bytes(newer_zip.getvalue(), "newer.zip")
    assert counts(older) == (18, 18, 0, 0)
    assert counts(newer) == (16, 8, 8, 0)
    assert Event.objects.count() == 26
    assert sum(DailyActivity.objects.filter(timezone="UTC").values_list("events", flat=True)) == 26


def test_email_case_does_not_split_the_events_of_an_actor_without_uuid(import_bytes):
    base = {"created_at": "2025-10-01T09:00:00Z", "event": "conversation_created",
            "entity_info": "{'type': 'chat_conversation', 'uuid': 'conv-1'}"}
    import_bytes(to_csv([{**base, "actor_info": "{'name': 'Kim', 'metadata': {'email_address': 'Kim@Example.com'}}"}]))
    again = import_bytes(to_csv([{**base, "actor_info": "{'name': 'Kim', 'metadata': {'email_address': 'kim@example.com'}}"}]))
    assert counts(again) == (1, 0, 1, 0)
    assert Member.objects.count() == 1


def test_ip_user_agent_event_info_platform_and_name_do_not_make_a_new_event(import_bytes):
    rows = sample_rows()
    changed = [
        {
            **row,
            "ip_address": "192.0.2.250",
            "user_agent": "Other/1.0",
            "event_info": "{'new_name': 'something else'}",
            "client_platform": "ios",
            "actor_info": row["actor_info"].replace("Alice Example", "Alice Renamed"),
        }
        for row in rows
    ]
    import_bytes(to_csv(rows), "a.csv")
    assert counts(import_bytes(to_csv(changed), "b.csv")) == (26, 0, 26, 0)


@pytest.mark.parametrize(
    "change",
    [
        {"created_at": "2025-09-01T08:01:45.902118Z"},
        {"event": "conversation_deleted"},
        {"entity_info": "{'type': 'chat_conversation', 'uuid': 'another-conversation'}"},
        {"device_id": "another-device"},
        {"actor_info": "{'name': 'Bob Sample', 'uuid': '90b1696b-7503-48a4-85a2-77543dc94ded', 'metadata': {'email_address': 'bob@example.com'}}"},
    ],
    ids=["instant", "event", "entity", "device", "actor"],
)
def test_a_different_instant_event_entity_device_or_actor_is_another_event(import_bytes, change):
    row = sample_rows()[1]
    import_bytes(to_csv([row]), "a.csv")
    assert counts(import_bytes(to_csv([{**row, **change}]), "b.csv")) == (1, 1, 0, 0)
    assert Event.objects.count() == 2


def test_service_account_and_actor_less_duplicates_are_stored_once(import_bytes):
    rows = [
        {"created_at": "2025-10-01T00:00:00Z", "event": "org_sso_toggled", "actor_info": ""},
        {"created_at": "2025-10-01T00:00:00Z", "event": "org_sso_toggled", "actor_info": "{}"},
        {"created_at": "2025-10-01T00:00:00Z", "event": "org_sso_toggled", "actor_info": "None"},
        {"created_at": "2025-10-01T00:05:00Z", "event": "org_user_deleted",
         "actor_info": "{'name': 'Sync service', 'uuid': 'svc-1', 'metadata': {}}"},
        {"created_at": "2025-10-01T00:05:00.000000+00:00", "event": "org_user_deleted",
         "actor_info": "{'name': 'Sync service', 'uuid': 'svc-1', 'metadata': {}}"},
    ]
    assert counts(import_bytes(to_csv(rows))) == (5, 2, 3, 0)
