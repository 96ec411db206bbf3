"""Is the imported data complete and current? One answer per source of events.

Today there is one source, the Claude audit log (every Upload). Days are calendar days in the
given timezone, read from its daily totals (DailyTotal): a gap is a run of days, between the first
and the last day with events, on which no event at all happened.

"First seen" event names are those of the last completed import (its stored events and the names
listed in its unknown_events) that no earlier completed import had, by the same measure. Events
removed by the retention purge no longer count as seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Max, Min, Sum

from ingest.models import Event, Upload
from usage.models import DailyTotal

AUDIT_LOG = "Claude audit log"


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


@dataclass(frozen=True)
class DataHealth:
    timezone: str
    sources: list[SourceHealth]

    @property
    def data_through(self) -> date | None:
        return max((source.data_through for source in self.sources if source.data_through), default=None)


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
    last_import = Upload.objects.order_by("-created_at", "-id").first()
    last_done = Upload.objects.filter(status=Upload.Status.DONE).order_by("-finished_at", "-id").first()
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
        rejected_total=Upload.objects.aggregate(total=Sum("rows_rejected"))["total"] or 0,
    )


def data_health_get(*, timezone: str) -> DataHealth:
    return DataHealth(timezone=timezone, sources=[_audit_log_health(timezone=timezone)])
