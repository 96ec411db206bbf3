"""The reporting timezone as an admin setting: changing it rebuilds the rollups in the background.

The new timezone applies at once; its rollups are rebuilt a slice of days at a time by a Celery
task that reports progress on PortalSettings (pages say so meanwhile). When the rebuild is done,
the previous timezone's rollups are dropped.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone as django_timezone

from ingest.models import Event
from portal.models import PortalSettings
from portal.selectors import reporting_timezone_get
from usage.models import DailyActivity, DailyTotal, MemberTotal
from usage.services.rollups import local_days, rollup_refresh, rollups_lock

logger = logging.getLogger(__name__)
DAYS_PER_SLICE = 14


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
        if previous != timezone and reporting_timezone_get() == timezone:
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
