"""Celery tasks of retention, thin shims over its services (the beat schedule runs the purge)."""

from celery import shared_task


@shared_task(ignore_result=True)
def retention_purge_task() -> None:
    from retention.models import PurgeReceipt
    from retention.services import retention_purge

    retention_purge(trigger=PurgeReceipt.Trigger.SCHEDULE)


@shared_task(ignore_result=True)
def retention_dry_run_task(user_id: int) -> None:
    """A dry run someone asked for (the receipts page's "Dry run now"): counts, deletes nothing."""
    from django.contrib.auth import get_user_model

    from retention.models import PurgeReceipt
    from retention.services import retention_purge

    user = get_user_model().objects.filter(pk=user_id).first()
    retention_purge(dry_run=True, trigger=PurgeReceipt.Trigger.USER, triggered_by=user.get_username() if user else "")
