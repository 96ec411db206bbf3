"""An install migrated to the one-app layout (analytics 0005) with data in every table moves
forward to the apps-by-concern layout with every row, its permissions and the access-log
trigger intact, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

OLD_LAYOUT = ("analytics", "0005_rollout")
NEW_APPS = ["portal", "audit", "people", "notes", "ingest", "usage", "exports", "retention"]
WHEN = datetime(2025, 9, 2, 8, 0, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def latest():
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes()]


def old_data(apps) -> dict[str, int]:
    """One row or more in every table of the old layout; returns the row count of each table."""
    model = lambda name: apps.get_model("analytics", name)  # noqa: E731
    team = model("Team").objects.create(name="Data")
    department = model("Department").objects.create(name="Engineering")
    cohort = model("Cohort").objects.create(name="pilot")
    upload = model("Upload").objects.create(file="uploads/2025/09/audit.csv", original_name="audit.csv", status="done", rows_imported=1)
    member = model("Member").objects.create(
        email="ada.lovelace@example.com", name="Ada Lovelace", pseudonym="Member 0000-0001", first_upload=upload,
        on_roster=True, team=team, department=department, seat_start=date(2025, 9, 1), first_seen=WHEN, last_seen=WHEN,
    )
    member.cohorts.add(cohort)
    model("Event").objects.create(occurred_at=WHEN, event="conversation_created", member=member, upload=upload, dedupe_key="k" * 32)
    model("DailyActivity").objects.create(timezone="UTC", day=WHEN.date(), member=member, events=1, conversations=1, last_event_at=WHEN)
    model("DailyTotal").objects.create(timezone="UTC", day=WHEN.date(), active_users=1, events=1, conversations=1)
    model("MemberTotal").objects.create(timezone="UTC", member=member, first_day=WHEN.date(), last_day=WHEN.date(), last_event_at=WHEN, events=1, conversations=1)
    model("AccessRecord").objects.create(username="viewer", view_name="dashboard-overview", scope="aggregate")
    model("Export").objects.create(view="overview", format="csv", expires_at=WHEN + timedelta(days=7))
    model("PurgeReceipt").objects.create(trigger="user", status="succeeded")
    model("RetentionSettingsChange").objects.create(username="auditor", changes={"exports_days": [7, 5]})
    model("Milestone").objects.create(label="Pilot start", date=WHEN.date(), is_baseline=True)
    note = model("ChampionNote").objects.create(date=WHEN.date(), text="MCP servers enabled", team=team)
    model("ChampionNoteRevision").objects.create(note=note, date=WHEN.date(), text="MCP enabled")
    model("PortalSettings").objects.update_or_create(pk=1, defaults={"reporting_timezone": ""})
    model("RetentionSettings").objects.update_or_create(pk=1, defaults={"exports_days": 5})
    tables = {m._meta.db_table for m in apps.get_app_config("analytics").get_models()} | {"analytics_member_cohorts"}
    return {table: table_count(table) for table in sorted(tables)}


def table_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


@pytest.fixture
def old_layout(transactional_db, as_migration_role):
    """The database as today's main left it (analytics 0005), restored to the latest layout after;
    migrated, as in production, by the role that runs migrate (the owner, with two roles)."""
    executor = migrate([OLD_LAYOUT] + [(app, None) for app in NEW_APPS])
    yield executor.loader.project_state([OLD_LAYOUT]).apps
    migrate(latest())


def test_every_row_permission_and_schedule_survives_the_move(old_layout):
    from django.contrib.contenttypes.models import ContentType

    counts = old_data(old_layout)
    OldContentType = old_layout.get_model("contenttypes", "ContentType")
    member_type = OldContentType.objects.get(app_label="analytics", model="member").pk
    OldUser = old_layout.get_model("auth", "User")
    viewer = OldUser.objects.create(username="viewer")
    # The role as the old migrations made it (a test that emptied the database may have removed it).
    viewers, _ = old_layout.get_model("auth", "Group").objects.get_or_create(name="Usage viewers")
    viewers.permissions.add(old_layout.get_model("auth", "Permission").objects.get(content_type__app_label="analytics", codename="view_dashboard"))
    viewer.groups.add(viewers)
    # The purge schedule as migration 0004 made it, naming the task where it lived then.
    crontab = old_layout.get_model("django_celery_beat", "CrontabSchedule").objects.create(minute="30", hour="2")
    old_layout.get_model("django_celery_beat", "PeriodicTask").objects.update_or_create(
        name="Retention purge", defaults={"task": "analytics.tasks.retention_purge_task", "crontab": crontab}
    )

    migrate(latest())

    assert {table: table_count(table) for table in counts} == counts
    assert all(count > 0 for count in counts.values())
    from ingest.models import Event
    from people.models import Member
    from portal.selectors import retention_settings_get
    from usage.models import RollupTimezone

    member = Member.objects.get()
    assert (member.team.name, member.department.name, [c.name for c in member.cohorts.all()]) == ("Data", "Engineering", ["pilot"])
    assert member.first_upload.original_name == "audit.csv"
    assert Event.objects.get().member == member
    assert retention_settings_get().exports_days == 5
    # Content types moved, ids kept: permissions, group grants and admin history follow the models.
    assert ContentType.objects.get(app_label="people", model="member").pk == member_type
    assert not ContentType.objects.filter(app_label="analytics").exists()
    assert User.objects.get(username="viewer").has_perm("usage.view_dashboard")
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.get(name="Retention purge").task == "retention.tasks.retention_purge_task"
    assert list(RollupTimezone.objects.values_list("timezone", "complete")) == [("UTC", True)]


def test_the_access_log_stays_append_only(old_layout):
    old_layout.get_model("analytics", "AccessRecord").objects.create(username="viewer", view_name="dashboard-overview")

    migrate(latest())

    from audit.models import AccessLogIsAppendOnly, AccessRecord

    record = AccessRecord.objects.get()
    with pytest.raises(AccessLogIsAppendOnly):
        AccessRecord.objects.filter(pk=record.pk).update(username="someone else")
    if connection.vendor == "postgresql":  # the database's own guard, whatever the application does
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE analytics_accessrecord SET username = 'someone else'")
    assert AccessRecord.objects.get().username == "viewer"
