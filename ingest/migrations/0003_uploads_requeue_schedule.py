"""The periodic job that re-queues uploads whose worker died and uploads never picked up."""

from django.db import migrations

REQUEUE_TASK_NAME = "Uploads re-queue"
EVERY_MINUTES = 2


def requeue_schedule(apps, schema_editor):
    interval, _ = apps.get_model("django_celery_beat", "IntervalSchedule").objects.get_or_create(
        every=EVERY_MINUTES, period="minutes"
    )
    apps.get_model("django_celery_beat", "PeriodicTask").objects.get_or_create(
        name=REQUEUE_TASK_NAME,
        defaults={
            "task": "ingest.tasks.uploads_requeue_task",
            "interval": interval,
            "enabled": True,
            "description": "Queues again the uploads whose worker went silent for UPLOAD_STALE_AFTER_SECONDS "
            "(it died or was restarted) and queued uploads never picked up (the queue was down when they were saved).",
        },
    )


def requeue_unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=REQUEUE_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("ingest", "0002_event_links"),
    ]

    operations = [migrations.RunPython(requeue_schedule, requeue_unschedule)]
