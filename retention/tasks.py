"""Celery tasks of retention, thin shims over its services (the beat schedule runs the purge)."""

from celery import shared_task


@shared_task(ignore_result=True)
def retention_purge_task() -> None:
    from retention.models import PurgeReceipt
    from retention.services import retention_purge

    retention_purge(trigger=PurgeReceipt.Trigger.SCHEDULE)
