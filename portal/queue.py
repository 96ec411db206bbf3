"""Sending Celery tasks when the broker may be down.

`task_send(task, *args)` queues a task and returns True, or, when the broker cannot be reached,
logs one warning (with the broker's host, never its password) and returns False, so the caller can
mark its work waiting and say "saved, will start when the queue is back" instead of failing the
request. Waiting work is sent again by each app's periodic re-queue job (uploads_requeue,
exports_requeue, reporting_timezone_rebuild_requeue), which survives restarts of any process.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError

    return (OperationalError, ConnectionError, OSError, TimeoutError)


def task_send(task, *args) -> bool:
    try:
        task.delay(*args)
        return True
    except broker_errors() as exc:
        logger.warning("queue unreachable, %s%r not sent yet: %s", task.name, args, type(exc).__name__)
    return False
