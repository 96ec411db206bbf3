"""Celery tasks of ingest, thin shims over ingest.services."""

from celery import shared_task


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def upload_process_task(self, upload_id: int) -> None:
    from ingest.services.uploads import UploadBusy, upload_process

    try:
        upload_process(upload_id=upload_id)
    except UploadBusy as exc:
        raise self.retry(exc=exc, countdown=5) from None


@shared_task(ignore_result=True)
def uploads_requeue_task() -> None:
    """Beat runs this every few minutes (the periodic task made by ingest's migration 0003)."""
    from ingest.services.uploads import uploads_requeue

    uploads_requeue()


@shared_task(acks_late=True, ignore_result=True)
def upload_chunk_task(chunk_id: int) -> None:
    """One chunk of a large upload (ingest.services.uploads, "Chunked"); any number run at once."""
    from ingest.services.uploads import upload_chunk_process

    upload_chunk_process(chunk_id=chunk_id)
