"""The reporting timezone as an admin setting: changing it rebuilds the rollups in the background.

The new timezone applies at once; its rollups are rebuilt a slice of days at a time by a Celery
task that reports progress on PortalSettings (pages say so meanwhile). When the rebuild is done,
the previous timezone's rollups are dropped.
"""

from __future__ import annotations

import logging

from django.utils import timezone as django_timezone

from portal.models import PortalSettings
from portal.selectors import reporting_timezone_get
from usage.services.rollups import rollup_rebuild, rollups_drop

logger = logging.getLogger(__name__)
DAYS_PER_SLICE = 14


def reporting_timezone_rebuild(*, timezone: str, previous: str) -> None:
    """Rebuild `timezone`'s rollups from the stored events, DAYS_PER_SLICE days per transaction,
    then drop those of the previous timezone (unless it is the reporting timezone again)."""

    def progress(percent: int) -> None:
        PortalSettings.objects.filter(pk=1).update(rebuild_progress=min(99, percent))

    PortalSettings.objects.filter(pk=1).update(rebuild_status="running", rebuild_started_at=django_timezone.now())
    try:
        rollup_rebuild(timezone=timezone, days_per_transaction=DAYS_PER_SLICE, on_progress=progress)
        if previous != timezone and reporting_timezone_get() == timezone:
            rollups_drop(timezone=previous)
    except Exception as error:  # recorded for the admin page; the task itself does not retry
        logger.exception("Rebuilding the rollups in the new reporting timezone failed")
        PortalSettings.objects.filter(pk=1).update(rebuild_status="failed", rebuild_error=f"{type(error).__name__}: {error}")
        return
    PortalSettings.objects.filter(pk=1).update(
        rebuild_status="done", rebuild_progress=100, rebuild_finished_at=django_timezone.now()
    )
