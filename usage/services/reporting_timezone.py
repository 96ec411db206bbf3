"""The reporting timezone as an admin setting: changing it rebuilds the rollups in the background.

The new timezone applies at once; its rollups are rebuilt a slice of days at a time by a Celery
task that reports progress on PortalSettings (pages say so meanwhile). When the rebuild is done,
the previous timezone's rollups are dropped. With the broker down the rebuild waits ("waiting"),
and reporting_timezone_rebuild_requeue (a periodic job) sends it when the broker is back.
"""

from __future__ import annotations

import logging

from django.utils import timezone as django_timezone

from portal.cache import data_version_bump
from portal.models import PortalSettings
from portal.queue import task_send
from portal.selectors import reporting_timezone_get
from usage.services.rollups import rollup_rebuild, rollups_drop
from usage.tasks import reporting_timezone_rebuild_task

logger = logging.getLogger(__name__)
DAYS_PER_SLICE = 14


def reporting_timezone_rebuild_enqueue(*, timezone: str, previous: str) -> bool:
    """Send the rebuild to the workers; with the broker down, mark it waiting. True when sent."""
    if task_send(reporting_timezone_rebuild_task, timezone, previous):
        return True
    PortalSettings.objects.filter(pk=1, rebuild_status="queued").update(rebuild_status="waiting")
    return False


def reporting_timezone_rebuild_requeue() -> bool:
    """Send a rebuild that waits for the broker. True when one was sent."""
    state = PortalSettings.objects.filter(pk=1, rebuild_status="waiting").values("rebuild_previous_timezone").first()
    if state is None:
        return False
    previous = state["rebuild_previous_timezone"] or reporting_timezone_get()
    if not task_send(reporting_timezone_rebuild_task, reporting_timezone_get(), previous):
        return False
    PortalSettings.objects.filter(pk=1, rebuild_status="waiting").update(rebuild_status="queued")
    return True


def reporting_timezone_rebuild(*, timezone: str, previous: str) -> None:
    """Rebuild `timezone`'s rollups from the stored events, DAYS_PER_SLICE days per transaction,
    then drop those of the previous timezone (unless it is the reporting timezone again)."""

    def progress(percent: int) -> None:
        PortalSettings.objects.filter(pk=1).update(rebuild_progress=min(99, percent))
        data_version_bump(reason="rollups")  # each slice committed changes the figures in the new timezone

    PortalSettings.objects.filter(pk=1).update(rebuild_status="running", rebuild_started_at=django_timezone.now())
    try:
        rollup_rebuild(timezone=timezone, days_per_transaction=DAYS_PER_SLICE, on_progress=progress)
        if previous != timezone and reporting_timezone_get() == timezone:
            rollups_drop(timezone=previous)
    except Exception as error:  # recorded for the admin page; the task itself does not retry
        logger.exception("Rebuilding the rollups in the new reporting timezone failed")
        PortalSettings.objects.filter(pk=1).update(rebuild_status="failed", rebuild_error=f"{type(error).__name__}: {error}")
        data_version_bump(reason="rollups")
        return
    PortalSettings.objects.filter(pk=1).update(
        rebuild_status="done", rebuild_progress=100, rebuild_finished_at=django_timezone.now()
    )
    data_version_bump(reason="rollups")
