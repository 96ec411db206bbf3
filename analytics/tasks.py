"""Celery tasks: thin shims over the services."""

from celery import shared_task


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def upload_process_task(self, upload_id: int) -> None:
    from analytics.services.uploads import UploadBusy, upload_process

    try:
        upload_process(upload_id=upload_id)
    except UploadBusy as exc:
        raise self.retry(exc=exc, countdown=5) from None


@shared_task(acks_late=True, ignore_result=True)
def export_build_task(export_id: int) -> None:
    from analytics.services.exports import export_build

    export_build(export_id=export_id)


@shared_task(ignore_result=True)
def retention_purge_task() -> None:
    from analytics.models import PurgeReceipt
    from analytics.services.retention import retention_purge

    retention_purge(trigger=PurgeReceipt.Trigger.SCHEDULE)


@shared_task(acks_late=True, ignore_result=True)
def reporting_timezone_rebuild_task(timezone: str, previous: str) -> None:
    from analytics.services.portal_settings import reporting_timezone_rebuild

    reporting_timezone_rebuild(timezone=timezone, previous=previous)
