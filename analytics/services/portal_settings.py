"""The reporting timezone as an admin setting: changing it rebuilds the rollups in the background.

The new timezone applies at once; its rollups are rebuilt a slice of days at a time by a Celery
task that reports progress on PortalSettings (pages say so meanwhile). When the rebuild is done,
the previous timezone's rollups are dropped.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.utils import timezone as django_timezone

from analytics.models import DailyActivity, DailyTotal, Event, MemberTotal, PortalSettings
from analytics.selectors.usage import reporting_timezone
from analytics.services.rollups import local_days, rollup_refresh, rollups_lock

logger = logging.getLogger(__name__)
DAYS_PER_SLICE = 14


def portal_settings_get() -> PortalSettings:
    return PortalSettings.objects.get_or_create(pk=1)[0]


def reporting_timezone_change(*, timezone: str) -> PortalSettings:
    """Switch the reporting timezone and queue the rebuild of its rollups (no change, nothing queued)."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{timezone!r} is not a known timezone") from None
    previous = reporting_timezone()
    settings_row = portal_settings_get()
    if timezone == previous:
        return settings_row
    settings_row.reporting_timezone = timezone
    settings_row.rebuild_status, settings_row.rebuild_progress, settings_row.rebuild_error = "queued", 0, ""
    settings_row.rebuild_started_at = settings_row.rebuild_finished_at = None
    settings_row.save()
    from analytics.tasks import reporting_timezone_rebuild_task

    transaction.on_commit(lambda: reporting_timezone_rebuild_task.delay(timezone, previous))
    return settings_row


def reporting_timezone_rebuild(*, timezone: str, previous: str) -> None:
    """Rebuild `timezone`'s rollups from the stored events, DAYS_PER_SLICE days per transaction."""
    PortalSettings.objects.filter(pk=1).update(rebuild_status="running", rebuild_started_at=django_timezone.now())
    try:
        span = Event.objects.order_by("occurred_at").values_list("occurred_at", flat=True)
        first, last = span.first(), span.last()
        with transaction.atomic():
            rollups_lock()
            for model in (DailyActivity, DailyTotal, MemberTotal):
                model.objects.filter(timezone=timezone).delete()
        days = local_days(first=first, last=last, timezone=timezone) if first is not None else []
        for start in range(0, len(days), DAYS_PER_SLICE):
            rollup_refresh(timezone=timezone, days=days[start : start + DAYS_PER_SLICE])
            done = min(start + DAYS_PER_SLICE, len(days))
            PortalSettings.objects.filter(pk=1).update(rebuild_progress=min(99, done * 100 // len(days)))
        if previous != timezone and reporting_timezone() == timezone:
            with transaction.atomic():
                rollups_lock()
                for model in (DailyActivity, DailyTotal, MemberTotal):
                    model.objects.filter(timezone=previous).delete()
    except Exception as error:  # recorded for the admin page; the task itself does not retry
        logger.exception("Rebuilding the rollups in the new reporting timezone failed")
        PortalSettings.objects.filter(pk=1).update(rebuild_status="failed", rebuild_error=f"{type(error).__name__}: {error}")
        return
    PortalSettings.objects.filter(pk=1).update(
        rebuild_status="done", rebuild_progress=100, rebuild_finished_at=django_timezone.now()
    )
