"""The purge runs daily at 02:30 in the reporting timezone: a beat entry made by migration, naming
a task the worker knows."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from retention.models import PurgeReceipt

TASK = "retention.tasks.retention_purge_task"


@pytest.mark.django_db
def test_migrate_schedules_the_purge_daily_at_0230_in_the_reporting_timezone():
    entry = PeriodicTask.objects.get(name="Retention purge")

    assert (entry.task, entry.enabled) == (TASK, True)
    crontab = entry.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == ("30", "2", "*", "*", "*")
    assert str(crontab.timezone) == settings.REPORTING_TIMEZONE


def test_the_task_is_registered_in_the_celery_app():
    from usage_portal.celery import app

    app.loader.import_default_modules()

    assert TASK in app.tasks


@pytest.mark.worker
def test_the_worker_runs_the_task_and_a_scheduled_receipt_is_written(celery_worker_thread):
    from retention.tasks import retention_purge_task

    retention_purge_task.delay()

    deadline = time.monotonic() + 60
    while not PurgeReceipt.objects.exclude(status=PurgeReceipt.Status.RUNNING).exists():
        assert time.monotonic() < deadline, "no finished purge receipt after 60 s"
        time.sleep(0.2)
    receipt = PurgeReceipt.objects.get()
    assert (receipt.trigger, receipt.status, receipt.dry_run) == ("schedule", "succeeded", False)
