"""Daily rollups: per member per calendar day in a timezone, recomputed from raw events.

Rollups are kept (RollupTimezone) for the reporting timezone and for each other timezone a report
asked for; an import refreshes the days it touched in each kept timezone, and in no other. A
timezone's rollups are trusted only once a full build from every stored event has finished.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Max, Min

from ingest.models import Event
from portal.db import table_lock
from portal.selectors import reporting_timezone_get
from usage.models import DailyActivity, DailyTotal, MemberTotal, RollupTimezone

ROLLUP_MODELS = (DailyActivity, DailyTotal, MemberTotal)

_INSERT_DAY = """
INSERT INTO {rollup} (timezone, day, member_id, events, conversations, projects, files, last_event_at)
SELECT %s, %s, member_id, COUNT(*),
       SUM(CASE WHEN event = 'conversation_created' THEN 1 ELSE 0 END),
       SUM(CASE WHEN event = 'project_created' THEN 1 ELSE 0 END),
       SUM(CASE WHEN event = 'file_uploaded' THEN 1 ELSE 0 END),
       MAX(occurred_at)
FROM {event}
WHERE occurred_at >= %s AND occurred_at < %s
GROUP BY member_id
"""


_INSERT_DAILY_TOTALS = """
INSERT INTO {total} (timezone, day, active_users, events, conversations, projects, files)
SELECT timezone, day, COUNT(member_id), SUM(events), SUM(conversations), SUM(projects), SUM(files)
FROM {rollup}
WHERE timezone = %s AND day >= %s AND day <= %s
GROUP BY timezone, day
"""

_INSERT_MEMBER_TOTALS = """
INSERT INTO {total} (timezone, member_id, first_day, last_day, last_event_at, events, conversations)
SELECT timezone, member_id, MIN(day), MAX(day), MAX(last_event_at), SUM(events), SUM(conversations)
FROM {rollup}
WHERE timezone = %s
GROUP BY timezone, member_id
"""


def day_bounds_utc(*, day: date, timezone: str) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of a calendar day in `timezone` (23 or 25 hours on DST days)."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return start, end


def rollups_lock() -> None:
    """Serialise rollup writers (imports, first reports in a new timezone) until the transaction ends.

    Readers are not blocked.
    """
    table_lock(DailyActivity)


def rollup_timezones() -> list[str]:
    """The timezones whose rollups imports keep current: the kept ones and the reporting timezone."""
    kept = set(RollupTimezone.objects.values_list("timezone", flat=True))
    return sorted(kept | {reporting_timezone_get()})


def rollup_refresh(*, timezone: str, days: Iterable[date]) -> None:
    """Recompute the rollup rows of the given days from events, and the totals built on them,
    in one transaction."""
    days = sorted(set(days))
    if not days:
        return
    rollup = DailyActivity._meta.db_table
    sql = _INSERT_DAY.format(rollup=rollup, event=Event._meta.db_table)
    ops = connection.ops
    with transaction.atomic():
        rollups_lock()
        for chunk_start in range(0, len(days), 500):
            DailyActivity.objects.filter(timezone=timezone, day__in=days[chunk_start : chunk_start + 500]).delete()
        with connection.cursor() as cursor:
            for day in days:
                start, end = day_bounds_utc(day=day, timezone=timezone)
                cursor.execute(
                    sql,
                    [
                        timezone,
                        ops.adapt_datefield_value(day),
                        ops.adapt_datetimefield_value(start),
                        ops.adapt_datetimefield_value(end),
                    ],
                )
            first, last = ops.adapt_datefield_value(days[0]), ops.adapt_datefield_value(days[-1])
            DailyTotal.objects.filter(timezone=timezone, day__gte=days[0], day__lte=days[-1]).delete()
            cursor.execute(
                _INSERT_DAILY_TOTALS.format(total=DailyTotal._meta.db_table, rollup=rollup), [timezone, first, last]
            )
        member_totals_rebuild(timezone=timezone)


def member_totals_rebuild(*, timezone: str) -> None:
    """Recompute a timezone's member totals from its daily rollups (after they changed)."""
    with transaction.atomic():
        rollups_lock()
        MemberTotal.objects.filter(timezone=timezone).delete()
        with connection.cursor() as cursor:
            sql = _INSERT_MEMBER_TOTALS.format(total=MemberTotal._meta.db_table, rollup=DailyActivity._meta.db_table)
            cursor.execute(sql, [timezone])


def local_days(*, first: datetime, last: datetime, timezone: str) -> list[date]:
    zone = ZoneInfo(timezone)
    start, end = first.astimezone(zone).date(), last.astimezone(zone).date()
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def rollups_refresh_span(*, first: datetime, last: datetime) -> None:
    """Refresh, in every kept timezone, each day that the instants first..last touch."""
    for timezone in rollup_timezones():
        rollup_refresh(timezone=timezone, days=local_days(first=first, last=last, timezone=timezone))
    _statistics_update()


def _statistics_update() -> None:
    """Tell the query planner how the tables grew; without it, PostgreSQL servers with autovacuum
    off plan the member table as if it had three rows."""
    tables = [model._meta.db_table for model in (Event, DailyActivity, DailyTotal, MemberTotal)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")


def rollup_rebuild(*, timezone: str, days_per_transaction: int | None = None, on_progress=None) -> None:
    """Build a timezone's rollups from every stored event, replacing what it had, and keep the
    timezone (complete) from then on.

    In one transaction; or, with `days_per_transaction`, a slice of days per transaction so that
    readers and imports are never held up long (imports meanwhile refresh the days they touch, as
    the timezone is kept from the start). `on_progress(percent)` is called after each slice.
    """
    span = Event.objects.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    with transaction.atomic() if days_per_transaction is None else nullcontext():
        with transaction.atomic():
            rollups_lock()
            RollupTimezone.objects.update_or_create(timezone=timezone, defaults={"complete": False})
            for model in ROLLUP_MODELS:
                model.objects.filter(timezone=timezone).delete()
        days = [] if span["first"] is None else local_days(first=span["first"], last=span["last"], timezone=timezone)
        step = days_per_transaction or max(len(days), 1)
        for start in range(0, len(days), step):
            rollup_refresh(timezone=timezone, days=days[start : start + step])
            if on_progress is not None:
                on_progress(min(start + step, len(days)) * 100 // len(days))
        RollupTimezone.objects.filter(timezone=timezone).update(complete=True)


def rollups_drop(*, timezone: str) -> None:
    """Stop keeping a timezone's rollups (the previous reporting timezone, once the new one is built)."""
    with transaction.atomic():
        rollups_lock()
        for model in ROLLUP_MODELS:
            model.objects.filter(timezone=timezone).delete()
        RollupTimezone.objects.filter(timezone=timezone).delete()


def rollup_ensure(*, timezone: str) -> None:
    """Build a timezone's rollups unless they are complete (cover every stored event); two callers
    at once build them once."""
    with transaction.atomic():
        rollups_lock()
        if not RollupTimezone.objects.filter(timezone=timezone, complete=True).exists():
            rollup_rebuild(timezone=timezone)
