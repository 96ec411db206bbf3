"""A periodic job sends a reporting-timezone rebuild that waits because the broker was down."""

from django.db import migrations

REQUEUE_TASK_NAME = "Timezone rebuild re-queue"
EVERY_MINUTES = 2


def requeue_schedule(apps, schema_editor):
    interval, _ = apps.get_model("django_celery_beat", "IntervalSchedule").objects.get_or_create(
        every=EVERY_MINUTES, period="minutes"
    )
    apps.get_model("django_celery_beat", "PeriodicTask").objects.get_or_create(
        name=REQUEUE_TASK_NAME,
        defaults={
            "task": "usage.tasks.reporting_timezone_rebuild_requeue_task",
            "interval": interval,
            "enabled": True,
            "description": "Sends the rollup rebuild for a new reporting timezone when it was changed while the queue "
            "was unreachable.",
        },
    )


def requeue_unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=REQUEUE_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("usage", "0002_rollup_timezones"),
    ]

    operations = [migrations.RunPython(requeue_schedule, requeue_unschedule)]
