"""Celery tasks of usage, thin shims over its services."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def reporting_timezone_rebuild_task(timezone: str, previous: str) -> None:
    from usage.services.reporting_timezone import reporting_timezone_rebuild

    reporting_timezone_rebuild(timezone=timezone, previous=previous)


@shared_task(ignore_result=True)
def reporting_timezone_rebuild_requeue_task() -> None:
    from usage.services.reporting_timezone import reporting_timezone_rebuild_requeue

    reporting_timezone_rebuild_requeue()


@shared_task(ignore_result=True)
def figures_warm_task() -> None:
    from usage.services.figures_warm import figures_warm

    figures_warm()
