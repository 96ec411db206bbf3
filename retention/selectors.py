"""Reading the state of the retention purge: whether the scheduled purge is overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone as django_timezone

# The scheduled purge: its beat entry (migration 0004) and how stale a success may get.
PURGE_TASK = "retention.tasks.retention_purge_task"
PURGE_OVERDUE_AFTER = timedelta(hours=48)


def purge_warning_get(*, now: datetime | None = None) -> str:
    """A warning when the purge is scheduled but no run succeeded in the last 48 hours ("" if fine)."""
    from django_celery_beat.models import PeriodicTask

    from retention.models import PurgeReceipt

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
