"""The purge deletes events and rollups in bounded batches, each its own short transaction, until none is left."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ingest.models import Event
from portal.models import RetentionSettings
from retention.models import PurgeReceipt
from retention.services import retention_purge
from usage.models import DailyActivity

NOW = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def short_periods(settings, retention_floors_lowered, db):
    settings.REPORTING_TIMEZONE = "Europe/Berlin"
    RetentionSettings.objects.update_or_create(pk=1, defaults={"raw_events_days": 10, "rollups_days": 10})


def deletes_from(queries, model) -> int:
    return sum(1 for q in queries if q["sql"].startswith(f'DELETE FROM "{model._meta.db_table}"'))


def test_old_events_and_rollups_go_in_batches_of_the_given_size():
    # In the month of the cutoff (10 March), which PostgreSQL also deletes in batches; the months
    # before it go whole (test_retention_partitions).
    old = NOW - timedelta(days=15)
    Event.objects.bulk_create(
        Event(occurred_at=old + timedelta(minutes=n), event="conversation_created", dedupe_key=f"key{n}") for n in range(25)
    )
    DailyActivity.objects.bulk_create(
        DailyActivity(timezone="Europe/Berlin", day=date(2025, 12, 1) + timedelta(days=n), events=1, last_event_at=old)
        for n in range(25)
    )

    with CaptureQueriesContext(connection) as queries:
        receipt = retention_purge(trigger=PurgeReceipt.Trigger.USER, now=NOW, batch_size=10)

    assert Event.objects.count() == 0 and DailyActivity.objects.count() == 0
    assert receipt.deleted["raw_events"]["rows"] == 25 and receipt.deleted["rollups"]["rows"] == 25
    assert deletes_from(queries, Event) >= 3
    assert deletes_from(queries, DailyActivity) >= 3
