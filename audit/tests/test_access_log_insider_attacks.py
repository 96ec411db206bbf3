"""An insider with the app's code or its database login tries to rewrite or erase the access log,
on SQLite and PostgreSQL; every attempt fails and the records stay as written (issue 10, §3).

The Python guards (the queryset is also the base manager) and the database's (audit/db.py) are
tried separately: each attack that gets past Python meets a trigger, a privilege or the floor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from audit.models import AccessLogIsAppendOnly, AccessRecord
from audit.services import access_log_purge
from portal.db import append_only_lifted

TABLE = AccessRecord._meta.db_table

# Each test commits: a refused statement aborts its transaction, and the owner's own connection
# must see the records.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def records() -> list[AccessRecord]:
    """A current record and one past every floor."""
    return [
        AccessRecord.objects.create(username="alice", view_name="dashboard-overview", occurred_at=timezone.now() - timedelta(days=3)),
        AccessRecord.objects.create(username="bob", view_name="access-log", occurred_at=datetime(2020, 6, 1, tzinfo=UTC)),
    ]


def _intact(records) -> None:
    assert sorted(AccessRecord.objects.values_list("pk", "username")) == sorted((r.pk, r.username) for r in records)


def _refused_sql(sql: str, params=None, *, using=None, match="append-only|permission denied|must be owner|refused") -> None:
    using = using or connection
    with pytest.raises(DatabaseError, match=match):
        with transaction.atomic(using=using.alias) if using is connection else _autocommit(), using.cursor() as cursor:
            cursor.execute(sql, params)


class _autocommit:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_base_manager_update_is_refused(records):
    with pytest.raises(AccessLogIsAppendOnly):
        AccessRecord._base_manager.update(username="mallory")
    with pytest.raises(AccessLogIsAppendOnly):
        AccessRecord._default_manager.filter(pk=records[0].pk).update(justification="edited")
    _intact(records)


def test_an_upsert_through_bulk_create_is_refused(records):
    forged = AccessRecord(pk=records[0].pk, username="mallory")
    with pytest.raises(AccessLogIsAppendOnly):
        AccessRecord.objects.bulk_create([forged], update_conflicts=True, unique_fields=["id"], update_fields=["username"])
    with pytest.raises(AccessLogIsAppendOnly):
        AccessRecord._base_manager.bulk_update([forged], ["username"])
    _intact(records)


def test_raw_delete_and_the_unguarded_queryset_methods_are_refused(records):
    with pytest.raises(AccessLogIsAppendOnly):
        AccessRecord.objects.all()._raw_delete(connection.alias)
    with pytest.raises((AccessLogIsAppendOnly, DatabaseError)):  # QuerySet.delete itself, skipping the override
        with transaction.atomic():
            models.QuerySet.delete(AccessRecord.objects.all())
    with pytest.raises(DatabaseError, match="append-only|permission denied"):  # Django's internal update: the database refuses
        with transaction.atomic():
            AccessRecord.objects.filter(pk=records[0].pk)._update([(AccessRecord._meta.get_field("username"), None, "mallory")])
    _intact(records)


def test_raw_sql_updates_deletes_and_upserts_are_refused(records):
    _refused_sql(f"UPDATE {TABLE} SET username = 'mallory'")
    _refused_sql(f"DELETE FROM {TABLE}")
    _refused_sql(f"DELETE FROM {TABLE} WHERE occurred_at < %s", [datetime(2021, 1, 1, tzinfo=UTC)])
    _refused_sql(
        f"INSERT INTO {TABLE} (id, occurred_at, username, action, view_name, path, query, scope, person_rows, members,"
        " outcome, justification, user_agent) VALUES (%s, %s, 'mallory', 'view', '', '', '{}', 'none', 0, '[]', 'allowed', '', '')"
        " ON CONFLICT (id) DO UPDATE SET username = 'mallory'",
        [records[0].pk, timezone.now()],
    )
    _intact(records)


def test_a_replace_over_a_record_is_refused(records):
    """SQLite's INSERT OR REPLACE deletes the old row without firing delete triggers; PostgreSQL's
    nearest, an upsert, is an UPDATE (test above)."""
    if connection.vendor == "sqlite":
        sql = f"INSERT OR REPLACE INTO {TABLE}"
        when = connection.ops.adapt_datetimefield_value(timezone.now())
    else:
        sql = f"INSERT INTO {TABLE}"
        when = timezone.now()
    _refused_sql(
        f"{sql} (id, occurred_at, username, action, view_name, path, query, scope, person_rows,"
        " members, outcome, justification, user_agent) VALUES (%s, %s, 'mallory', 'view', '', '', '{}', 'none', 0, '[]',"
        " 'allowed', '', '')",
        [records[0].pk, when],
        match="append-only|duplicate key",
    )
    _intact(records)


def test_the_purge_refuses_a_cutoff_newer_than_the_floor(records, settings):
    assert settings.RETENTION_FLOOR_ACCESS_LOG_DAYS == 365
    for before in (timezone.now() - timedelta(days=30), timezone.now(), datetime(2999, 1, 1, tzinfo=UTC)):
        with pytest.raises(AccessLogIsAppendOnly, match="keeps at least 365 days"):
            access_log_purge(before=before)
    _intact(records)


def test_a_lowered_floor_in_python_does_not_lower_the_databases(records, settings):
    """An insider edits the setting in the running app: the database keeps the floor migrate wrote."""
    settings.RETENTION_FLOOR_ACCESS_LOG_DAYS = 1
    with pytest.raises(DatabaseError, match="append-only|keeps at least 365 days"):
        access_log_purge(before=timezone.now())
    _intact(records)


def test_the_purge_permission_forged_for_2999_deletes_nothing_current(records, request):
    """The purge's permission forged past access_log_purge, for a cutoff in 2999: on SQLite the
    connection flag set by hand; on PostgreSQL the transaction-local setting, as the owner (or a
    one-role deployment), and the purge function called with 2999. The floor refuses each."""
    if connection.vendor == "sqlite":
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), append_only_lifted(connection=connection, purge_before="2999-01-01 00:00:00"):
                with connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {TABLE}")
        _intact(records)
        return
    owner = request.getfixturevalue("owner_connection")
    with pytest.raises(DatabaseError, match="append-only"):
        with owner.cursor() as cursor:
            cursor.execute("BEGIN")
            try:
                cursor.execute("SELECT set_config('usage_portal.access_log_purge_before', '2999-01-01', true)")
                cursor.execute(f"DELETE FROM {TABLE}")
            finally:
                cursor.execute("ROLLBACK")
    with pytest.raises(DatabaseError, match="keeps at least 365 days"):
        with owner.cursor() as cursor:
            cursor.execute("SELECT analytics_accessrecord_purge('2999-01-01')")
    _intact(records)


def test_the_purge_still_deletes_records_past_the_floor(records):
    assert access_log_purge(before=timezone.now() - timedelta(days=400)) == 1
    assert list(AccessRecord.objects.values_list("username", flat=True)) == ["alice"]


# --- Two-role PostgreSQL: the app's login cannot switch the guards off ---------------------------


def test_the_app_role_cannot_disable_drop_or_bypass_the_trigger(records, two_roles):
    _refused_sql(f"ALTER TABLE {TABLE} DISABLE TRIGGER analytics_accessrecord_append_only")
    _refused_sql(f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL")
    _refused_sql(f"DROP TRIGGER analytics_accessrecord_append_only ON {TABLE}")
    _refused_sql("SET session_replication_role = replica", match="permission denied")
    _refused_sql(f"TRUNCATE {TABLE}", match="permission denied")
    _refused_sql(f"ALTER TABLE {TABLE} OWNER TO CURRENT_USER")
    _refused_sql(
        "CREATE OR REPLACE FUNCTION analytics_accessrecord_purge(before timestamptz) RETURNS bigint"
        " LANGUAGE sql AS 'SELECT 0::bigint'"
    )
    _intact(records)


def test_the_app_role_setting_the_purge_setting_to_2999_cannot_delete(records, two_roles):
    with pytest.raises(DatabaseError, match="permission denied"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('usage_portal.access_log_purge_before', '2999-01-01', true)")
            cursor.execute(f"DELETE FROM {TABLE}")
    with pytest.raises(DatabaseError, match="keeps at least 365 days"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT analytics_accessrecord_purge(now())")
    _intact(records)


def test_the_app_role_holds_only_insert_select_and_the_purge_function(two_roles):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT privilege, has_table_privilege(%s, privilege) FROM unnest(ARRAY"
            "['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','TRIGGER','REFERENCES']) AS privilege",
            [TABLE],
        )
        privileges = dict(cursor.fetchall())
        cursor.execute("SELECT has_function_privilege('analytics_accessrecord_purge(timestamptz)', 'EXECUTE')")
        may_purge = cursor.fetchone()[0]
        cursor.execute("SELECT pg_get_userbyid(relowner) <> current_user FROM pg_class WHERE relname = %s", [TABLE])
        not_owner = cursor.fetchone()[0]
        cursor.execute(
            "SELECT prosecdef, pg_get_userbyid(proowner) = pg_get_userbyid(c.relowner) FROM pg_proc, pg_class c"
            " WHERE proname = 'analytics_accessrecord_purge' AND c.relname = %s",
            [TABLE],
        )
        definer, owned_by_table_owner = cursor.fetchone()
    assert privileges == {
        "SELECT": True, "INSERT": True, "UPDATE": False, "DELETE": False, "TRUNCATE": False, "TRIGGER": False, "REFERENCES": False,
    }
    assert may_purge and not_owner and definer and owned_by_table_owner
