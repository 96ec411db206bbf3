"""Is the imported data complete and current? One answer per source.

The Claude audit log's days are calendar days in the given timezone, read from its daily totals
(DailyTotal); the other sources' days are the UTC dates their records carry (tickets: created
dates). A gap is a run of days, between the first and the last day with records, with none.
Where Anthropic's own analytics summaries were imported, a reconciliation compares their weekly
active users with the portal's count from the imported files.

A source is fresh while its newest day is at most FRESH_WITHIN_DAYS behind today (in the
reporting timezone for the audit log, UTC for the others), stale past that.

"First seen" event names are those of the last completed import (its stored events and the names
listed in its unknown_events) that no earlier completed import had, by the same measure. Events
removed by the retention purge no longer count as seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone as django_timezone

from ingest.importers.detect import AUDIT_FORMATS
from ingest.models import AnalyticsSummary, CodeUsage, Event, OtelEvent, OtelPoint, SpendRow, Ticket, Upload
from ingest.services.code_imports import SKIPPED
from portal import privacy
from portal.cache import figure_cached
from usage.models import CodeDay, DailyActivity, DailyTotal
from usage.selectors import activity
from usage.selectors.activity import DailySeries
from usage.selectors.claude_code import code_active_member_days

AUDIT_LOG = "Claude audit log"
# The other sources: (name, the upload formats it comes in, its records' date field, querysets,
# whether days without records are listed: weekends never are).
DATED_SOURCES = (
# Days without tickets are normal, so their gaps are not listed.
    ("Claude Code usage report", ("claude_code_usage_report",), "date", lambda: CodeUsage.objects.filter(source="usage_report"), True),
    ("Analytics API: /users", ("analytics_users",), "date", lambda: CodeUsage.objects.filter(source="analytics"), True),
    ("Analytics API: /summaries", ("analytics_summaries",), "date", lambda: AnalyticsSummary.objects.all(), True),
    ("Claude Code OpenTelemetry metrics", ("otel_metrics",), "date", lambda: OtelPoint.objects.all(), True),
    ("Claude Code OpenTelemetry events", ("otel_logs",), "date", lambda: OtelEvent.objects.all(), True),
    ("Spend report", ("spend_report",), "date", lambda: SpendRow.objects.all(), True),
    ("Support tickets", ("support_tickets",), "created_at__date", lambda: Ticket.objects.all(), False),
)
# Exports are pulled daily and Anthropic computes a day the next morning: yesterday's data may
# arrive today, so a day more than that behind is late.
FRESH_WITHIN_DAYS = 2
RECONCILIATION_CAUSES = (
    "Anthropic counts UTC days; the audit log's days here are in the reporting timezone.",
    "Late data: Anthropic computes a day the next morning and revises it for a few days; re-import recent days.",
    "People outside the tenant, or whose files were not imported (a month of audit log missing, say).",
    "Anthropic counts a Claude Code session only with tool use or git activity, and usage in the Desktop app may be missing.",
)


@dataclass(frozen=True)
class Gap:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class SourceHealth:
    name: str
    last_import: Upload | None  # the newest upload, whatever its status
    last_done_import: Upload | None  # the newest completed one
    newest_event_at: datetime | None
    data_through: date | None  # the newest event's day
    first_day: date | None
    last_day: date | None
    gaps: list[Gap] = field(default_factory=list)
    first_seen_events: list[str] = field(default_factory=list)
    rejected_last_import: int = 0
    rejected_total: int = 0
    freshness: str = "empty"  # "fresh", "stale", or "empty" (no data yet)
    number: int = 0  # 0: the audit log; n: DATED_SOURCES[n - 1] (its records-per-day chart)
    days_behind: int | None = None  # today minus the newest day

    @property
    def freshness_label(self) -> str:
        if self.days_behind is None:
            return "No data yet"
        if self.days_behind <= 0:
            return f"{self.freshness.capitalize()}: data through today"
        if self.days_behind == 1:
            return f"{self.freshness.capitalize()}: data through yesterday"
        return f"{self.freshness.capitalize()}: the newest data is {self.days_behind:,} days old"


@dataclass(frozen=True)
class Reconciliation:
    date: date
    anthropic_weekly_active_users: int
    portal_weekly_active_users: int | None  # None: fewer than the minimum group size
    causes: tuple[str, ...] = RECONCILIATION_CAUSES


@dataclass(frozen=True)
class DataHealth:
    timezone: str
    sources: list[SourceHealth]
    reconciliation: Reconciliation | None = None

    @property
    def data_through(self) -> date | None:
        return max((source.data_through for source in self.sources if source.data_through), default=None)


@figure_cached
def gaps_list(*, days: list[date]) -> list[Gap]:
    """The runs of missing days between consecutive days of `days` (sorted)."""
    return [
        Gap(first=before + timedelta(days=1), last=after - timedelta(days=1))
        for before, after in zip(days, days[1:])
        if (after - before).days > 1
    ]


def _event_names(*, upload: Upload) -> set[str]:
    stored = Event.objects.filter(upload=upload).values_list("event", flat=True).distinct()
    return set(stored) | set(upload.unknown_events or {})


def _audit_uploads():
    return Upload.objects.filter(models.Q(detected_format__in=AUDIT_FORMATS) | models.Q(detected_format=""))


def first_seen_event_list(*, upload: Upload) -> list[str]:
    """Event names of `upload` that no completed upload finished before it had."""
    names = _event_names(upload=upload)
    earlier = Upload.objects.filter(status=Upload.Status.DONE, finished_at__lt=upload.finished_at)
    seen = set(
        Event.objects.filter(upload__in=earlier, event__in=names).values_list("event", flat=True).distinct()
    )
    for unknown in earlier.values_list("unknown_events", flat=True):
        seen |= set(unknown or {})
    return sorted(names - seen)


def _audit_log_health(*, timezone: str) -> SourceHealth:
    last_import = _audit_uploads().order_by("-created_at", "-id").first()
    last_done = _audit_uploads().filter(status=Upload.Status.DONE).order_by("-finished_at", "-id").first()
    newest = Event.objects.aggregate(newest=Max("occurred_at"))["newest"]
    totals = DailyTotal.objects.filter(timezone=timezone, events__gt=0)
    span = totals.aggregate(first=Min("day"), last=Max("day"))
    return SourceHealth(
        name=AUDIT_LOG,
        last_import=last_import,
        last_done_import=last_done,
        newest_event_at=newest,
        data_through=newest.astimezone(ZoneInfo(timezone)).date() if newest else None,
        first_day=span["first"],
        last_day=span["last"],
        gaps=gaps_list(days=list(totals.order_by("day").values_list("day", flat=True))),
        first_seen_events=first_seen_event_list(upload=last_done) if last_done else [],
        rejected_last_import=last_import.rows_rejected if last_import else 0,
        rejected_total=_audit_uploads().aggregate(total=Sum("rows_rejected"))["total"] or 0,
    )


def _weekend_only(gap: Gap) -> bool:
    """A Saturday, a Sunday or both: no Claude Code on a weekend is no sign of missing data."""
    return gap.days <= 2 and all((gap.first + timedelta(days=n)).weekday() >= 5 for n in range(gap.days))


def _dated_source_health(name: str, formats: tuple[str, ...], date_field: str, records, track_gaps: bool) -> SourceHealth | None:
    uploads = Upload.objects.filter(detected_format__in=formats)
    last_import = uploads.order_by("-created_at", "-id").first()
    if last_import is None:
        return None
    last_done = uploads.filter(status=Upload.Status.DONE).order_by("-finished_at", "-id").first()
    days = sorted(records().values_list(date_field, flat=True).distinct().order_by())
    first_seen = []
    if last_done is not None:  # unknown metrics, events and tools of the last import no earlier one had
        earlier = uploads.filter(status=Upload.Status.DONE, finished_at__lt=last_done.finished_at)
        seen = set().union(*(set(unknown or {}) for unknown in earlier.values_list("unknown_events", flat=True)))
        first_seen = sorted(name for name in set(last_done.unknown_events or {}) - seen if not name.startswith(SKIPPED))
    return SourceHealth(
        name=name,
        last_import=last_import,
        last_done_import=last_done,
        newest_event_at=None,
        data_through=days[-1] if days else None,
        first_day=days[0] if days else None,
        last_day=days[-1] if days else None,
        gaps=[gap for gap in gaps_list(days=days) if not _weekend_only(gap)] if track_gaps else [],
        first_seen_events=first_seen,
        rejected_last_import=last_import.rows_rejected,
        rejected_total=uploads.aggregate(total=Sum("rows_rejected"))["total"] or 0,
    )


@figure_cached
def reconciliation_get(*, timezone: str) -> Reconciliation | None:
    """Anthropic's weekly active users on the newest summarised date, against the members the
    imported files show active (audit log, or code-active) in the 7 days ending that date."""
    summary = AnalyticsSummary.objects.order_by("-date").first()
    if summary is None:
        return None
    first = summary.date - timedelta(days=6)
    chat = DailyActivity.objects.filter(timezone=timezone, member__isnull=False, day__range=(first, summary.date))
    code = code_active_member_days(CodeDay.objects.filter(date__range=(first, summary.date)))
    active = set(chat.values_list("member", flat=True)) | {pair["member"] for pair in code}
    counted = len(active)
    return Reconciliation(
        date=summary.date,
        anthropic_weekly_active_users=summary.weekly_active_users,
        portal_weekly_active_users=counted if privacy.group_is_shown(size=counted) else None,
    )


def source_freshness_get(*, source: SourceHealth, today: date) -> SourceHealth:
    """The source with its freshness against `today` (FRESH_WITHIN_DAYS)."""
    if source.data_through is None:
        return replace(source, freshness="empty", days_behind=None)
    behind = (today - source.data_through).days
    return replace(source, freshness="fresh" if behind <= FRESH_WITHIN_DAYS else "stale", days_behind=behind)


@figure_cached(today=True)
def data_health_get(*, timezone: str) -> DataHealth:
    now = django_timezone.now()
    sources = [source_freshness_get(source=_audit_log_health(timezone=timezone), today=now.astimezone(ZoneInfo(timezone)).date())]
    sources += [
        source_freshness_get(source=replace(health, number=number), today=now.astimezone(ZoneInfo("UTC")).date())
        for number, source in enumerate(DATED_SOURCES, start=1)
        if (health := _dated_source_health(*source)) is not None
    ]
    return DataHealth(timezone=timezone, sources=sources, reconciliation=reconciliation_get(timezone=timezone))


# --- Records per day, one chart per source ----------------------------------------------------

RECORDS_CHART_DAYS = 90


@figure_cached
def source_records_per_day_list(*, source: int, timezone: str) -> DailySeries | None:
    """How many records source number `source` (0: the audit log, then DATED_SOURCES in order) holds
    per day, for the RECORDS_CHART_DAYS days up to its newest day, zero days included: a volume
    check (a dip is a missing file), not a usage figure. None for no such source. Values None while
    the organisation is smaller than the minimum group size, as on the dashboards."""
    if source == 0:
        rows = DailyTotal.objects.filter(timezone=timezone).values_list("day", "events")
    elif 0 < source <= len(DATED_SOURCES):
        _, _, date_field, records, _ = DATED_SOURCES[source - 1]
        rows = records().values(date_field).annotate(n=Count("pk")).order_by().values_list(date_field, "n")
    else:
        return None
    counts = dict(rows)
    if not counts:
        return DailySeries(points=[])
    last = max(counts)
    first = max(min(counts), last - timedelta(days=RECORDS_CHART_DAYS - 1))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if not activity.group_shown(group=None, as_of=last, timezone=timezone):
        return DailySeries(points=[(day, None) for day in days], suppressed=True)
    return DailySeries(points=[(day, counts.get(day, 0)) for day in days])


def stored_data_last_day_get(*, timezone: str) -> date | None:
    """The last day with any stored data: the audit rollups in `timezone`, Claude Code's records and
    OpenTelemetry events (UTC dates), support tickets (their day in `timezone`); None before any."""
    last_ticket = Ticket.objects.aggregate(last=Max("created_at"))["last"]
    days = [
        activity.data_last_day_get(timezone=timezone),
        CodeDay.objects.aggregate(last=Max("date"))["last"],
        OtelEvent.objects.aggregate(last=Max("date"))["last"],
        last_ticket.astimezone(ZoneInfo(timezone)).date() if last_ticket else None,
    ]
    return max((day for day in days if day is not None), default=None)
