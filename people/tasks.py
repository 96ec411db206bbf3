"""Celery tasks of people, thin shims over people.services (the beat schedule runs the rotation daily)."""

from celery import shared_task


@shared_task(ignore_result=True)
def pseudonyms_rotate_task() -> None:
    from people.services import pseudonyms_rotate

    pseudonyms_rotate()
