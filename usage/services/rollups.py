"""Rollups: per member per calendar day in a timezone, recomputed from raw events set-based (one
INSERT … SELECT for many days); the daily and member totals over them; per member per ISO week
(WeeklyActivity, WeeklyTotal: the days' rollups with the week's Claude Code member-days); and each
member's first code-active date (CodeMemberTotal).

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
from django.db.models import Max, Min, Q

from ingest.models import Event, OtelEvent
from portal.db import table_lock
from portal.selectors import reporting_timezone_get
from usage.models import (
    CodeDay,
    CodeMemberTotal,
    DailyActivity,
    DailyTotal,
    MemberTotal,
    RollupTimezone,
    WeeklyActivity,
    WeeklyTotal,
)

ROLLUP_MODELS = (DailyActivity, DailyTotal, MemberTotal, WeeklyActivity, WeeklyTotal)
# Calendar days per INSERT … SELECT: 30 kept the 1M-row import at 198 MB peak on SQLite, where 300
# took 257 MB (its GROUP BY sorts in memory: temp_store=MEMORY) and was no faster.
DAYS_PER_STATEMENT = 30
ROLLUP_WORK_MEM = "64MB"  # PostgreSQL: per sort or hash of a refresh's statements
IN_CHUNK = 500  # values per IN (…) list
PLUGIN_EVENTS = ("plugin_installed", "plugin_loaded")  # as usage.selectors.claude_code.PLUGIN_EVENTS

# One statement for many days: a table of the days with their UTC bounds (computed in Python by
# day_bounds_utc, so every day is DST-correct, 23 or 25 hours where it must be) joined with the
# events by range, so each day reads its events through the occurred_at index.
_INSERT_DAYS = """
INSERT INTO {rollup} (timezone, day, member_id, events, conversations, projects, files, last_event_at)
WITH days (day, start_at, end_at) AS (VALUES {values})
SELECT %s, days.day, e.member_id, COUNT(*),
       SUM(CASE WHEN e.event = 'conversation_created' THEN 1 ELSE 0 END),
       SUM(CASE WHEN e.event = 'project_created' THEN 1 ELSE 0 END),
       SUM(CASE WHEN e.event = 'file_uploaded' THEN 1 ELSE 0 END),
       MAX(e.occurred_at)
FROM days JOIN {event} e ON e.occurred_at >= days.start_at AND e.occurred_at < days.end_at
GROUP BY days.day, e.member_id
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
WHERE timezone = %s {members}
GROUP BY timezone, member_id
"""

# Per member and ISO week: the audit rollups of the week's days in the timezone, the dates on which
# the member was code-active (CodeDay summed per member and UTC date, as
# usage.selectors.claude_code.code_active_member_days decides) with their sessions, and plugin events.
_INSERT_WEEKS = """
INSERT INTO {weekly} (timezone, week, member_id, events, conversations, projects, files, code_days, code_sessions, plugin_events)
SELECT %s, week, member_id, SUM(events), SUM(conversations), SUM(projects), SUM(files),
       SUM(code_days), SUM(code_sessions), SUM(plugin_events)
FROM (
    SELECT {week_of_day} AS week, member_id, events, conversations, projects, files,
           0 AS code_days, 0 AS code_sessions, 0 AS plugin_events
    FROM {rollup} WHERE timezone = %s AND member_id IS NOT NULL AND day >= %s AND day <= %s
    UNION ALL
    SELECT {week_of_date}, member_id, 0, 0, 0, 0, 1, SUM(sessions), 0
    FROM {code_day} WHERE date >= %s AND date <= %s
    GROUP BY member_id, date
    HAVING SUM(sessions) + SUM(lines_added) + SUM(lines_removed) + SUM(commits) + SUM(pull_requests)
           + SUM(edits_accepted) + SUM(edits_rejected) > 0
    UNION ALL
    SELECT {week_of_date}, member_id, 0, 0, 0, 0, 0, 0, COUNT(*)
    FROM {otel_event} WHERE date >= %s AND date <= %s AND member_id IS NOT NULL AND name IN ({plugin_names})
    GROUP BY member_id, date
) AS member_days
WHERE week IN ({weeks})
GROUP BY week, member_id
"""

_INSERT_WEEKLY_TOTALS = """
INSERT INTO {total} (timezone, week, active_users, conversations, project_users, file_users, code_active_users,
                     any_active_users, code_sessions, plugin_users)
SELECT timezone, week,
       SUM(CASE WHEN events > 0 THEN 1 ELSE 0 END), SUM(conversations),
       SUM(CASE WHEN projects > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN files > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN code_days > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN events > 0 OR code_days > 0 THEN 1 ELSE 0 END),
       SUM(code_sessions), SUM(CASE WHEN code_days > 0 AND plugin_events > 0 THEN 1 ELSE 0 END)
FROM {weekly}
WHERE timezone = %s AND week IN ({weeks})
GROUP BY timezone, week
"""


def day_bounds_utc(*, day: date, timezone: str) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of a calendar day in `timezone` (23 or 25 hours on DST days)."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return start, end


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def rollups_lock() -> None:
    """Serialise rollup writers (imports, first reports in a new timezone) until the transaction ends.

    Readers are not blocked.
    """
    table_lock(DailyActivity)


def rollup_timezones() -> list[str]:
    """The timezones whose rollups imports keep current: the kept ones and the reporting timezone."""
    kept = set(RollupTimezone.objects.values_list("timezone", flat=True))
    return sorted(kept | {reporting_timezone_get()})


def _chunks(values: list, size: int = IN_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _days_members(*, timezone: str, days: list[date]) -> set[int | None]:
    members: set[int | None] = set()
    for chunk in _chunks(days):
        members.update(DailyActivity.objects.filter(timezone=timezone, day__in=chunk).values_list("member_id", flat=True).distinct().order_by())
    return members


def rollup_refresh(*, timezone: str, days: Iterable[date]) -> None:
    """Recompute the rollup rows of the given days from events, and the totals and weeks built on
    them, in one transaction: set-based, one INSERT … SELECT for up to DAYS_PER_STATEMENT days."""
    days = sorted(set(days))
    if not days:
        return
    with transaction.atomic():
        rollups_lock()
        if connection.vendor == "postgresql":
            # Room for the GROUP BY of DAYS_PER_STATEMENT days in memory (the server's default 4 MB
            # spills); and no JIT compilation, which the join's row estimate triggers and which
            # took 0.8 s of each 3.4 s statement at 1M events, to save nothing (make bench).
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{ROLLUP_WORK_MEM}'")
                cursor.execute("SET LOCAL jit = off")
        members = _days_members(timezone=timezone, days=days)  # whose totals may change: before …
        _days_rebuild(timezone=timezone, days=days)
        members |= _days_members(timezone=timezone, days=days)  # … and after
        _member_totals_refresh(timezone=timezone, members=members)


def _days_rebuild(*, timezone: str, days: list[date]) -> None:
    """The daily rows of `days` (sorted) from events, then the daily totals and the weeks they touch."""
    rollup = DailyActivity._meta.db_table
    ops = connection.ops
    postgresql = connection.vendor == "postgresql"
    row = "(CAST(%s AS date), CAST(%s AS timestamptz), CAST(%s AS timestamptz))" if postgresql else "(%s, %s, %s)"
    for chunk in _chunks(days):
        DailyActivity.objects.filter(timezone=timezone, day__in=chunk).delete()
    with connection.cursor() as cursor:
        for chunk in _chunks(days, DAYS_PER_STATEMENT):
            params: list = []
            for day in chunk:
                start, end = day_bounds_utc(day=day, timezone=timezone)
                params += [ops.adapt_datefield_value(day), ops.adapt_datetimefield_value(start), ops.adapt_datetimefield_value(end)]
            sql = _INSERT_DAYS.format(rollup=rollup, event=Event._meta.db_table, values=", ".join([row] * len(chunk)))
            cursor.execute(sql, [*params, timezone])
        first, last = ops.adapt_datefield_value(days[0]), ops.adapt_datefield_value(days[-1])
        DailyTotal.objects.filter(timezone=timezone, day__gte=days[0], day__lte=days[-1]).delete()
        cursor.execute(_INSERT_DAILY_TOTALS.format(total=DailyTotal._meta.db_table, rollup=rollup), [timezone, first, last])
    weekly_rollups_refresh(timezone=timezone, weeks={week_start(day) for day in days})


def weekly_rollups_refresh(*, timezone: str, weeks: Iterable[date]) -> None:
    """Recompute WeeklyActivity and WeeklyTotal of the ISO weeks (their Mondays) in `timezone`, from
    the daily rollups, CodeDay and the plugin events; in the caller's transaction."""
    weeks = sorted(set(weeks))
    if not weeks:
        return
    ops = connection.ops
    if connection.vendor == "postgresql":
        week_of_day, week_of_date = "CAST(date_trunc('week', day) AS date)", "CAST(date_trunc('week', date) AS date)"
    else:  # the Sunday on or after the day, less six days: its Monday
        week_of_day, week_of_date = "date(day, 'weekday 0', '-6 days')", "date(date, 'weekday 0', '-6 days')"
    with transaction.atomic(), connection.cursor() as cursor:
        for chunk in _chunks(weeks):
            WeeklyActivity.objects.filter(timezone=timezone, week__in=chunk).delete()
            WeeklyTotal.objects.filter(timezone=timezone, week__in=chunk).delete()
            first, last = ops.adapt_datefield_value(chunk[0]), ops.adapt_datefield_value(chunk[-1] + timedelta(days=6))
            listed = [ops.adapt_datefield_value(week) for week in chunk]
            marks = ", ".join(["%s"] * len(chunk))
            sql = _INSERT_WEEKS.format(
                weekly=WeeklyActivity._meta.db_table,
                rollup=DailyActivity._meta.db_table,
                code_day=CodeDay._meta.db_table,
                otel_event=OtelEvent._meta.db_table,
                week_of_day=week_of_day,
                week_of_date=week_of_date,
                plugin_names=", ".join(["%s"] * len(PLUGIN_EVENTS)),
                weeks=marks,
            )
            cursor.execute(sql, [timezone, timezone, first, last, first, last, first, last, *PLUGIN_EVENTS, *listed])
            cursor.execute(
                _INSERT_WEEKLY_TOTALS.format(total=WeeklyTotal._meta.db_table, weekly=WeeklyActivity._meta.db_table, weeks=marks),
                [timezone, *listed],
            )


def code_rollups_refresh(*, member_dates: set[tuple[int, date]]) -> None:
    """After Claude Code member-days changed: the members' first code-active dates, and the weeks
    of those UTC dates in every kept timezone."""
    weeks = {week_start(day) for _, day in member_dates}
    if not weeks:
        return
    with transaction.atomic():
        rollups_lock()
        code_member_totals_refresh(members={member for member, _ in member_dates})
        for timezone in rollup_timezones():
            weekly_rollups_refresh(timezone=timezone, weeks=weeks)


def purged_rollups_refresh(*, before: date) -> None:
    """After a purge of the daily rows and member-days before `before`: drop the weeks wholly before
    it, recompute the week it cuts from what is left (in every timezone that has weeks), and the
    members' first code-active dates."""
    with transaction.atomic():
        rollups_lock()
        code_member_totals_refresh()
        WeeklyActivity.objects.filter(week__lt=week_start(before)).delete()
        WeeklyTotal.objects.filter(week__lt=week_start(before)).delete()
        if before != week_start(before):
            for timezone in WeeklyTotal.objects.values_list("timezone", flat=True).distinct().order_by():
                weekly_rollups_refresh(timezone=timezone, weeks=[week_start(before)])


def code_member_totals_refresh(*, members: Iterable[int] | None = None) -> None:
    """Recompute CodeMemberTotal (the first code-active date) of `members` (None: everyone) from CodeDay."""

    active = Q()
    for figure in ("sessions", "lines_added", "lines_removed", "commits", "pull_requests", "edits_accepted", "edits_rejected"):
        active |= Q(**{f"{figure}__gt": 0})  # no figure is ever negative: any above zero makes the date's sum so
    with transaction.atomic():
        chunks = [None] if members is None else list(_chunks(sorted(set(members))))
        for chunk in chunks:
            stored, days = CodeMemberTotal.objects.all(), CodeDay.objects.filter(active)
            if chunk is not None:
                stored, days = stored.filter(member_id__in=chunk), days.filter(member_id__in=chunk)
            stored.delete()
            firsts = days.values("member").annotate(first=Min("date")).order_by().values_list("member", "first")
            CodeMemberTotal.objects.bulk_create(
                (CodeMemberTotal(member_id=member, first_active_date=first) for member, first in firsts.iterator(chunk_size=5000)),
                batch_size=2000,
            )


def member_totals_rebuild(*, timezone: str) -> None:
    """Recompute a timezone's member totals from its daily rollups (after they changed)."""
    with transaction.atomic():
        rollups_lock()
        MemberTotal.objects.filter(timezone=timezone).delete()
        with connection.cursor() as cursor:
            sql = _INSERT_MEMBER_TOTALS.format(total=MemberTotal._meta.db_table, rollup=DailyActivity._meta.db_table, members="")
            cursor.execute(sql, [timezone])


def _member_totals_refresh(*, timezone: str, members: set[int | None]) -> None:
    """Recompute the member totals of `members` (None: the row of service accounts and actor-less events)."""
    total, rollup = MemberTotal._meta.db_table, DailyActivity._meta.db_table
    with connection.cursor() as cursor:
        if None in members:
            MemberTotal.objects.filter(timezone=timezone, member__isnull=True).delete()
            cursor.execute(_INSERT_MEMBER_TOTALS.format(total=total, rollup=rollup, members="AND member_id IS NULL"), [timezone])
        for chunk in _chunks(sorted(m for m in members if m is not None)):
            MemberTotal.objects.filter(timezone=timezone, member_id__in=chunk).delete()
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                _INSERT_MEMBER_TOTALS.format(total=total, rollup=rollup, members=f"AND member_id IN ({marks})"), [timezone, *chunk]
            )


def local_days(*, first: datetime, last: datetime, timezone: str) -> list[date]:
    zone = ZoneInfo(timezone)
    start, end = first.astimezone(zone).date(), last.astimezone(zone).date()
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def rollups_refresh_span(*, first: datetime, last: datetime) -> None:
    """Refresh, in every kept timezone, each day that the instants first..last touch."""
    # The events' statistics first: a month partition an import just filled has none where
    # autovacuum is off or behind, and the refresh's join would be planned blind.
    _statistics_update(models=(Event,))
    for timezone in rollup_timezones():
        rollup_refresh(timezone=timezone, days=local_days(first=first, last=last, timezone=timezone))
    _statistics_update(models=ROLLUP_MODELS)


def _statistics_update(*, models) -> None:
    """Tell the query planner how the tables grew; without it, PostgreSQL servers with autovacuum
    off plan the member table as if it had three rows."""
    tables = [model._meta.db_table for model in models]
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
            with transaction.atomic():
                rollups_lock()
                _days_rebuild(timezone=timezone, days=days[start : start + step])
            if on_progress is not None:
                on_progress(min(start + step, len(days)) * 100 // len(days))
        with transaction.atomic():  # the weeks with Claude Code data but no events
            rollups_lock()
            weeks = {week_start(day) for day in _code_dates()} - {week_start(day) for day in days}
            weekly_rollups_refresh(timezone=timezone, weeks=weeks)
        member_totals_rebuild(timezone=timezone)
        RollupTimezone.objects.filter(timezone=timezone).update(complete=True)


def _code_dates() -> set[date]:
    """The UTC dates with member-days or plugin events (what the weeks count besides events)."""
    dates = set(CodeDay.objects.values_list("date", flat=True).distinct().order_by())
    plugin = OtelEvent.objects.filter(name__in=PLUGIN_EVENTS, member__isnull=False)
    return dates | set(plugin.values_list("date", flat=True).distinct().order_by())


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
