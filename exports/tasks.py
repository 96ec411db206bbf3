"""Celery tasks of exports, thin shims over exports.services."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def export_build_task(export_id: int) -> None:
    from exports.services import export_build

    export_build(export_id=export_id)


@shared_task(ignore_result=True)
def exports_requeue_task() -> None:
    from exports.services import exports_requeue

    exports_requeue()
