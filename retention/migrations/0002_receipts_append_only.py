"""Purge receipts are append-only once finished: triggers on SQLite and PostgreSQL refuse DELETE,
and UPDATE except of a running receipt's progress (deleted, errors, status, finished_at); the
guarded queryset becomes the base manager (state only)."""

from django.db import migrations

TABLE = "analytics_purgereceipt"


def _sql(connection):
    from portal.db import append_only_triggers_sql

    return append_only_triggers_sql(
        vendor=connection.vendor,
        table=TABLE,
        label="purge receipts",
        update_allowed_when="OLD.status = 'running'",
        unchanged=("started_at", "trigger", "triggered_by", "dry_run", "settings_in_force", "cutoffs"),
    )


def install(apps, schema_editor):
    for sql in _sql(schema_editor.connection)[0]:
        schema_editor.execute(sql, params=None)


def remove(apps, schema_editor):
    for sql in _sql(schema_editor.connection)[1]:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [("retention", "0001_initial"), ("analytics", "0006_models_move_to_apps")]

    operations = [
        migrations.AlterModelOptions(
            name="purgereceipt",
            options={"base_manager_name": "objects", "ordering": ["-started_at", "-id"]},
        ),
        migrations.RunPython(install, remove),
    ]
