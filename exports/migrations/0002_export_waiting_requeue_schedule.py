"""Exports requested while the broker is down wait ("waiting"); a periodic job sends them when it is back."""

from django.db import migrations, models

REQUEUE_TASK_NAME = "Exports re-queue"
EVERY_MINUTES = 2


def requeue_schedule(apps, schema_editor):
    interval, _ = apps.get_model("django_celery_beat", "IntervalSchedule").objects.get_or_create(
        every=EVERY_MINUTES, period="minutes"
    )
    apps.get_model("django_celery_beat", "PeriodicTask").objects.get_or_create(
        name=REQUEUE_TASK_NAME,
        defaults={
            "task": "exports.tasks.exports_requeue_task",
            "interval": interval,
            "enabled": True,
            "description": "Sends the builds of exports requested while the queue was unreachable.",
        },
    )


def requeue_unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=REQUEUE_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("exports", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="export",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("waiting", "Saved, waiting for the queue"),
                    ("running", "Running"),
                    ("done", "Done"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=10,
            ),
        ),
        migrations.RunPython(requeue_schedule, requeue_unschedule),
    ]
