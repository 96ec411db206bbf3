"""PostgreSQL: the purge drops the event table's wholly expired months as partitions (detached and
dropped, rows counted first) and deletes in batches only inside the month of the cutoff; a dry run
drops nothing. On SQLite there are no partitions and the batches do it all (the other tests).

"Now" is 2026-03-20 16:00 UTC; with a 10-day period in UTC the first instant kept is 2026-03-11.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ingest.db import event_partitions_ensure, event_partitions_list
from ingest.models import Event
from portal.models import RetentionSettings
from retention.models import PurgeReceipt
from retention.services import retention_purge

NOW = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)
FIRST_INSTANT_KEPT = datetime(2026, 3, 11, tzinfo=UTC)
# Events per month: December and January wholly expired, February expired and empty, March the
# boundary month (4 before the cutoff, 5 from it on).
EXPIRED_WHOLE = {datetime(2025, 12, 3, tzinfo=UTC): 2, datetime(2026, 1, 31, 23, tzinfo=UTC): 3}
BOUNDARY_EXPIRED = 4
KEPT = 5


@pytest.fixture(autouse=True)
def months_of_events(settings, retention_floors_lowered, db):
    if connection.vendor != "postgresql":
        pytest.skip("partitions are PostgreSQL's")
    settings.REPORTING_TIMEZONE = "UTC"
    RetentionSettings.objects.update_or_create(pk=1, defaults={"raw_events_days": 10})
    event_partitions_ensure(first=datetime(2025, 12, 1, tzinfo=UTC), last=NOW)  # February too, empty
    instants = [at + timedelta(minutes=n) for at, count in EXPIRED_WHOLE.items() for n in range(count)]
    instants += [FIRST_INSTANT_KEPT - timedelta(minutes=n + 1) for n in range(BOUNDARY_EXPIRED)]
    instants += [FIRST_INSTANT_KEPT + timedelta(minutes=n) for n in range(KEPT)]
    Event.objects.bulk_create(
        Event(occurred_at=at, event="conversation_created", dedupe_key=f"{at:%Y%m%d%H%M%S}000000{n:012d}")
        for n, at in enumerate(instants)
    )


def months() -> list[str]:
    return [name.removeprefix("analytics_event_") for name, _, _ in event_partitions_list()]


def test_wholly_expired_months_are_dropped_and_the_boundary_month_is_deleted_in_batches():
    assert months() == ["2025_12", "2026_01", "2026_02", "2026_03"]

    with CaptureQueriesContext(connection) as queries:
        receipt = retention_purge(trigger=PurgeReceipt.Trigger.USER, now=NOW, batch_size=3)

    assert receipt.status == PurgeReceipt.Status.SUCCEEDED, receipt.errors
    assert months() == ["2026_03"]
    assert receipt.deleted["raw_events"]["rows"] == sum(EXPIRED_WHOLE.values()) + BOUNDARY_EXPIRED
    assert Event.objects.count() == KEPT
    assert not Event.objects.filter(occurred_at__lt=FIRST_INSTANT_KEPT).exists()
    drops = [q for q in queries if "analytics_event_partition_drop_oldest" in q["sql"]]
    assert len(drops) == 4  # three months, then none left to drop
    deletes = [q for q in queries if q["sql"].startswith('DELETE FROM "analytics_event"')]
    assert len(deletes) >= 2  # 4 rows of March in batches of 3, then an empty batch


def test_a_dry_run_counts_the_same_rows_and_drops_nothing():
    dry = retention_purge(dry_run=True, trigger=PurgeReceipt.Trigger.USER, now=NOW)

    assert months() == ["2025_12", "2026_01", "2026_02", "2026_03"]
    assert Event.objects.count() == sum(EXPIRED_WHOLE.values()) + BOUNDARY_EXPIRED + KEPT
    real = retention_purge(trigger=PurgeReceipt.Trigger.USER, now=NOW)
    assert dry.deleted["raw_events"]["rows"] == real.deleted["raw_events"]["rows"] == 9


def test_an_import_after_the_purge_makes_the_month_again():
    retention_purge(trigger=PurgeReceipt.Trigger.USER, now=NOW)
    at = datetime(2026, 1, 15, tzinfo=UTC)  # expired, but a month can come back (a longer period set later)

    Event.objects.create(occurred_at=at, event="conversation_created", dedupe_key=f"{at:%Y%m%d%H%M%S}000000" + "a" * 12)

    assert months() == ["2026_01", "2026_03"]
    assert Event.objects.filter(occurred_at=at).count() == 1
