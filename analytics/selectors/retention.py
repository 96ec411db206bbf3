"""How long data is kept: the retention settings in force and the cutoffs they give today.

A period of N days keeps the reporting day of "now" and the N-1 days before it; anything from
an earlier day is past retention. So with N = 30 on 2026-11-22 (in the reporting timezone),
2026-10-24 is kept and 2026-10-23 goes. Cutoffs are the first instant kept: midnight, in the
reporting timezone, at the start of the oldest day kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone as django_timezone

from analytics.models import RetentionSettings
from analytics.selectors.usage import reporting_timezone

# The categories a purge handles, with the setting that gives each one's period.
CATEGORIES = {
    "raw_events": "raw_events_days",
    "rollups": "rollups_days",
    "uploads": "uploads_days",
    "exports": "exports_days",
    "access_log": "access_log_days",
}


def retention_settings_get() -> RetentionSettings:
    return RetentionSettings.objects.get_or_create(pk=1)[0]


@dataclass(frozen=True)
class Cutoff:
    oldest_day_kept: date
    first_instant_kept: datetime  # aware, in the reporting timezone


def retention_cutoff_get(*, days: int, now: datetime | None = None, timezone: str | None = None) -> Cutoff:
    zone = ZoneInfo(timezone or reporting_timezone())
    today = (now or django_timezone.now()).astimezone(zone).date()
    oldest = today - timedelta(days=days - 1)
    return Cutoff(oldest_day_kept=oldest, first_instant_kept=datetime.combine(oldest, time.min, tzinfo=zone))


def retention_cutoffs_get(*, now: datetime | None = None, settings: RetentionSettings | None = None) -> dict[str, Cutoff]:
    """The cutoff of every category under the settings in force (or `settings`)."""
    settings = settings or retention_settings_get()
    return {category: retention_cutoff_get(days=getattr(settings, field), now=now) for category, field in CATEGORIES.items()}


# The scheduled purge: its beat entry (migration 0004) and how stale a success may get.
PURGE_TASK = "analytics.tasks.retention_purge_task"
PURGE_OVERDUE_AFTER = timedelta(hours=48)


def purge_warning_get(*, now: datetime | None = None) -> str:
    """A warning when the purge is scheduled but no run succeeded in the last 48 hours ("" if fine)."""
    from django_celery_beat.models import PeriodicTask

    from analytics.models import PurgeReceipt

    if not PeriodicTask.objects.filter(task=PURGE_TASK, enabled=True).exists():
        return ""
    since = (now or django_timezone.now()) - PURGE_OVERDUE_AFTER
    succeeded = PurgeReceipt.objects.filter(
        status=PurgeReceipt.Status.SUCCEEDED, dry_run=False, finished_at__gte=since
    ).exists()
    if succeeded:
        return ""
    return (
        "The retention purge is scheduled, but no run has succeeded in the last 48 hours: data past its "
        "retention period may still be stored. Check that the Celery worker and beat are running, and the "
        "purge receipts for errors."
    )
