"""Retention settings changes are append-only like the access log: triggers on SQLite and
PostgreSQL refuse UPDATE and DELETE (the one update allowed: a deleted user's link becomes NULL),
and the guarded queryset becomes the base manager (state only)."""

from django.db import migrations

TABLE = "analytics_retentionsettingschange"


def _sql(connection):
    from portal.db import append_only_triggers_sql

    return append_only_triggers_sql(
        vendor=connection.vendor,
        table=TABLE,
        label="retention settings changes",
        update_allowed_when="NEW.changed_by_id IS NULL",
        unchanged=("changed_at", "username", "changes"),
    )


def install(apps, schema_editor):
    for sql in _sql(schema_editor.connection)[0]:
        schema_editor.execute(sql, params=None)


def remove(apps, schema_editor):
    for sql in _sql(schema_editor.connection)[1]:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [("portal", "0002_settings_rows")]

    operations = [
        migrations.AlterModelOptions(
            name="retentionsettingschange",
            options={"base_manager_name": "objects", "ordering": ["-changed_at", "-id"]},
        ),
        migrations.RunPython(install, remove),
    ]
