"""The access log is append-only in the database on SQLite too, and its purge is bounded by the
retention floor on both: SQLite triggers (refusing UPDATE, DELETE and INSERT OR REPLACE, except the
purge of records older than the floor, asked of the connection); on PostgreSQL the trigger of
analytics 0003 also checks the floor, and the purge goes through a SECURITY DEFINER function owned
by the role running this migration. The guarded queryset becomes the base manager (state only).
See audit/db.py."""

from django.db import migrations


def install(apps, schema_editor):
    from audit.db import access_log_guards_install

    access_log_guards_install(connection=schema_editor.connection)


def remove(apps, schema_editor):
    from audit.db import access_log_guards_remove

    access_log_guards_remove(connection=schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("analytics", "0006_models_move_to_apps"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="accessrecord",
            options={"base_manager_name": "objects", "ordering": ["-occurred_at", "-id"]},
        ),
        migrations.RunPython(install, remove),
    ]
