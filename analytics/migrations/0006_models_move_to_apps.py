"""Hand every model to the app of its concern. Tables keep their names (analytics_*), so no row
moves; the content types move with the models, so permissions, group memberships and admin
history follow them, and the purge schedule names the task where it now lives."""

from django.db import migrations

# Model -> the app that now holds it.
MOVED = {
    "portalsettings": "portal", "retentionsettings": "portal", "retentionsettingschange": "portal",
    "accessrecord": "audit",
    "team": "people", "department": "people", "cohort": "people", "member": "people", "rosterentry": "people",
    "milestone": "notes", "championnote": "notes", "championnoterevision": "notes",
    "upload": "ingest", "event": "ingest",
    "dailyactivity": "usage", "dailytotal": "usage", "membertotal": "usage",
    "export": "exports",
    "purgereceipt": "retention",
}
TASKS = {"analytics.tasks.retention_purge_task": "retention.tasks.retention_purge_task"}


def content_types_move(apps, schema_editor, *, forward=True):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app in MOVED.items():
        old, new = ("analytics", app) if forward else (app, "analytics")
        # A content type already made for the new label (none in practice) holds nothing yet.
        ContentType.objects.filter(app_label=new, model=model).delete()
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def tasks_rename(apps, schema_editor, *, forward=True):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in TASKS.items():
        PeriodicTask.objects.filter(task=old if forward else new).update(task=new if forward else old)


def forwards(apps, schema_editor):
    content_types_move(apps, schema_editor)
    tasks_rename(apps, schema_editor)


def backwards(apps, schema_editor):
    content_types_move(apps, schema_editor, forward=False)
    tasks_rename(apps, schema_editor, forward=False)


class Migration(migrations.Migration):

    dependencies = [
        ("analytics", "0005_rollout"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("portal", "0001_initial"),
        ("audit", "0001_initial"),
        ("people", "0001_initial"),
        ("notes", "0001_initial"),
        ("ingest", "0002_event_links"),
        ("usage", "0001_initial"),
        ("exports", "0001_initial"),
        ("retention", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='AccessRecord',
                ),
                migrations.RemoveField(
                    model_name='championnote',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='championnote',
                    name='team',
                ),
                migrations.RemoveField(
                    model_name='championnoterevision',
                    name='note',
                ),
                migrations.RemoveField(
                    model_name='championnoterevision',
                    name='replaced_by',
                ),
                migrations.RemoveField(
                    model_name='member',
                    name='cohorts',
                ),
                migrations.RemoveField(
                    model_name='dailyactivity',
                    name='member',
                ),
                migrations.DeleteModel(
                    name='DailyTotal',
                ),
                migrations.RemoveField(
                    model_name='member',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='event',
                    name='member',
                ),
                migrations.RemoveField(
                    model_name='event',
                    name='upload',
                ),
                migrations.RemoveField(
                    model_name='export',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='member',
                    name='first_upload',
                ),
                migrations.RemoveField(
                    model_name='member',
                    name='team',
                ),
                migrations.RemoveField(
                    model_name='membertotal',
                    name='member',
                ),
                migrations.DeleteModel(
                    name='Milestone',
                ),
                migrations.DeleteModel(
                    name='PortalSettings',
                ),
                migrations.DeleteModel(
                    name='PurgeReceipt',
                ),
                migrations.DeleteModel(
                    name='RetentionSettings',
                ),
                migrations.RemoveField(
                    model_name='retentionsettingschange',
                    name='changed_by',
                ),
                migrations.RemoveField(
                    model_name='upload',
                    name='uploaded_by',
                ),
                migrations.DeleteModel(
                    name='RosterEntry',
                ),
                migrations.DeleteModel(
                    name='ChampionNote',
                ),
                migrations.DeleteModel(
                    name='ChampionNoteRevision',
                ),
                migrations.DeleteModel(
                    name='Cohort',
                ),
                migrations.DeleteModel(
                    name='DailyActivity',
                ),
                migrations.DeleteModel(
                    name='Department',
                ),
                migrations.DeleteModel(
                    name='Event',
                ),
                migrations.DeleteModel(
                    name='Export',
                ),
                migrations.DeleteModel(
                    name='Team',
                ),
                migrations.DeleteModel(
                    name='Member',
                ),
                migrations.DeleteModel(
                    name='MemberTotal',
                ),
                migrations.DeleteModel(
                    name='RetentionSettingsChange',
                ),
                migrations.DeleteModel(
                    name='Upload',
                ),
                ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
