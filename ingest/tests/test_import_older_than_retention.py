"""An import skips the events from before the raw-event retention period (they would only be
purged) and counts them as "older than retention", neither duplicate nor rejected; the rest is imported."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from ingest.models import Event
from people.models import Member
from portal.models import RetentionSettings
from portal.selectors import retention_cutoff_get

COLUMNS = ["created_at", "actor_info", "event", "event_info", "entity_info", "ip_address", "device_id", "user_agent", "client_platform"]


@pytest.fixture(autouse=True)
def thirty_days_in_new_york(settings, db):
    settings.REPORTING_TIMEZONE = "America/New_York"
    RetentionSettings.objects.update_or_create(pk=1, defaults={"raw_events_days": 30})


def export(rows: list[tuple[datetime, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for n, (at, email) in enumerate(rows):
        stamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        actor = f"{{'name': 'Someone', 'uuid': '', 'metadata': {{'email_address': '{email}'}}}}"
        entity = f"{{'type': 'chat_conversation', 'uuid': 'c{n}'}}"
        writer.writerow([stamp, actor, "conversation_created", "{}", entity, "", "d", "", "web_claude_ai"])
    return out.getvalue().encode()


def test_events_before_local_midnight_of_the_oldest_day_kept_are_skipped_and_counted(import_bytes):
    kept_from = retention_cutoff_get(days=30).first_instant_kept  # midnight in New York
    content = export(
        [
            (kept_from - timedelta(days=400), "old@example.com"),
            (kept_from - timedelta(microseconds=1), "old@example.com"),
            (kept_from, "ana@example.com"),
            (kept_from + timedelta(days=10), "ana@example.com"),
        ]
    )

    upload = import_bytes(content)

    assert upload.status == "done", upload.error
    counts = (upload.rows_read, upload.rows_imported, upload.rows_too_old, upload.rows_duplicate, upload.rows_rejected)
    assert counts == (4, 2, 2, 0, 0)
    assert sorted(Event.objects.values_list("occurred_at", flat=True)) == [kept_from, kept_from + timedelta(days=10)]
    assert list(Member.objects.values_list("email", flat=True)) == ["ana@example.com"]  # nothing kept of the old rows


def test_the_same_file_again_counts_the_kept_events_as_duplicates_and_the_old_ones_as_too_old(import_bytes):
    kept_from = retention_cutoff_get(days=30).first_instant_kept
    content = export([(kept_from - timedelta(days=1), "ana@example.com"), (kept_from + timedelta(days=1), "ana@example.com")])
    import_bytes(content)

    again = import_bytes(content)

    assert (again.rows_read, again.rows_imported, again.rows_too_old, again.rows_duplicate, again.rows_rejected) == (2, 0, 1, 1, 0)
    assert Event.objects.count() == 1
