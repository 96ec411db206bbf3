# A group's figures read its members' daily rows from this index alone on PostgreSQL: without it, a
# team of 250 had its 80,000 rows read by a scan of every member's rows at ten million events.
# PostgreSQL only, so it is made here rather than in the model's Meta: SQLite ignores INCLUDE and
# would keep a second copy of activity_tz_member_day, to be written by every import.

from django.db import migrations

INDEX = "activity_group_cover"


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON analytics_dailyactivity (timezone, member_id, day) "
            "INCLUDE (events, conversations, projects, files)"
        )


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0004_member_anthropic_user_id"),
        ("usage", "0006_code_member_totals"),
    ]

    operations = [migrations.RunPython(index_create, index_drop, elidable=False)]
