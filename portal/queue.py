"""Sending Celery tasks when the broker may be down.

`task_send(task, *args)` queues a task and returns True, or, when the broker cannot be reached,
logs one warning (with the broker's host, never its password), keeps trying in a background
thread of this process until the broker is back, and returns False, so the caller can say
"saved, will start when the queue is back" instead of failing the request. The thread does not
outlive the process: work that must survive a restart is also re-queued by a periodic job
(uploads: ingest.tasks.uploads_requeue_task).
"""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger(__name__)

RETRY_SECONDS = (1, 2, 5, 10, 30, 60)


def broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError

    return (OperationalError, ConnectionError, OSError, TimeoutError)


def task_send(task, *args, retry_in_background: bool = True) -> bool:
    try:
        task.delay(*args)
        return True
    except broker_errors() as exc:
        logger.warning("queue unreachable, %s%r not sent yet: %s", task.name, args, type(exc).__name__)
    if retry_in_background:
        threading.Thread(target=_send_when_back, args=(task, args), daemon=True, name=f"send-{task.name}").start()
    return False


def _send_when_back(task, args: tuple) -> None:
    attempt = 0
    while True:
        time.sleep(RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)])
        attempt += 1
        try:
            task.delay(*args)
        except broker_errors():
            continue
        except Exception:  # noqa: BLE001 - a background thread must not die with a traceback on stderr
            logger.exception("sending %s failed", task.name)
            return
        logger.info("queue reachable again, %s%r sent", task.name, args)
        return
