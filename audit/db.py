"""The access log's guards in the database: triggers that refuse UPDATE and DELETE (and, on SQLite,
an INSERT OR REPLACE over a record) except the purge of records older than the retention floor,
and on PostgreSQL the one function that purges, `analytics_accessrecord_purge(before)`: SECURITY
DEFINER, owned by the role that ran `migrate`, it refuses a cutoff newer than the floor itself.

The floor (RETENTION_FLOOR_ACCESS_LOG_DAYS) is written into the SQL: audit migration 0002 installs
it, and every later `migrate` (post_migrate, AuditConfig.ready) installs it again when the setting
changed, if it runs as the table's owner. A purge may delete records older than `before` only when
`before` is at least floor − 1 days ago (a period of N days keeps today and the N − 1 days before;
2 hours of slack for a daylight-saving shift of the reporting timezone).
"""

from __future__ import annotations

from django.conf import settings

TABLE = "analytics_accessrecord"
MIGRATION = ("audit", "0002_access_log_guards")
PURGE_FUNCTION = "analytics_accessrecord_purge"
PURGE_SETTING = "usage_portal.access_log_purge_before"
SLACK = "2 hours"

SQLITE_TRIGGERS = ("analytics_accessrecord_no_update", "analytics_accessrecord_no_delete", "analytics_accessrecord_no_replace")


def _floor() -> int:
    return settings.RETENTION_FLOOR_ACCESS_LOG_DAYS


def _sqlite_sql(floor: int) -> list[str]:
    return [
        f"""CREATE TRIGGER analytics_accessrecord_no_update BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'the access log is append-only: UPDATE is not allowed'); END""",
        f"""CREATE TRIGGER analytics_accessrecord_no_delete BEFORE DELETE ON {TABLE}
WHEN NOT (usage_portal_flushing() OR (usage_portal_purge_before() IS NOT NULL
    AND usage_portal_purge_before() <= datetime('now', '-{floor - 1} days', '+{SLACK}')
    AND OLD.occurred_at < usage_portal_purge_before()))
BEGIN SELECT RAISE(ABORT, 'the access log is append-only: DELETE is not allowed'); END""",
        f"""CREATE TRIGGER analytics_accessrecord_no_replace BEFORE INSERT ON {TABLE}
WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'the access log is append-only: a record is never replaced'); END""",
    ]


def _postgresql_sql(floor: int, schema: str) -> list[str]:
    marker = f"-- retention floor: {floor} days"
    allowed = f"now() - interval '{floor - 1} days' + interval '{SLACK}'"
    return [
        f"""CREATE OR REPLACE FUNCTION analytics_accessrecord_append_only() RETURNS trigger AS $$
{marker}
DECLARE
    purge_before text := current_setting('{PURGE_SETTING}', true);
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(purge_before, '') <> ''
       AND purge_before::timestamptz <= {allowed}
       AND OLD.occurred_at < purge_before::timestamptz THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the access log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS analytics_accessrecord_append_only ON {TABLE}",
        f"""CREATE TRIGGER analytics_accessrecord_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION analytics_accessrecord_append_only()""",
        f"""CREATE OR REPLACE FUNCTION {PURGE_FUNCTION}(before timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$
{marker}
DECLARE
    deleted bigint;
BEGIN
    IF before IS NULL OR before > {allowed} THEN
        RAISE EXCEPTION 'the access log keeps at least {floor} days: a purge before % is refused', before
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM set_config('{PURGE_SETTING}', before::text, true);
    DELETE FROM {TABLE} WHERE occurred_at < before;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    PERFORM set_config('{PURGE_SETTING}', '', true);
    RETURN deleted;
END
$$""",
        f"REVOKE ALL ON FUNCTION {PURGE_FUNCTION}(timestamptz) FROM PUBLIC",
    ]


# Migration 0003's trigger function, which trusted the transaction-local setting alone (put back
# when audit 0002 is unapplied).
_POSTGRESQL_BEFORE = f"""CREATE OR REPLACE FUNCTION analytics_accessrecord_append_only() RETURNS trigger AS $$
DECLARE
    purge_before text := current_setting('{PURGE_SETTING}', true);
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(purge_before, '') <> ''
       AND OLD.occurred_at < purge_before::timestamptz THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the access log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql"""


def access_log_guards_install(*, connection, only_if_changed: bool = False) -> bool:
    """Install (or re-install with the current floor) the guards; True when it did."""
    floor = _floor()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if only_if_changed:
                cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [SQLITE_TRIGGERS[1]])
                row = cursor.fetchone()
                if row and f"'-{floor - 1} days'" in row[0]:
                    return False
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            for sql in _sqlite_sql(floor):
                cursor.execute(sql)
            return True
        if connection.vendor != "postgresql":
            return False
        cursor.execute(
            "SELECT current_schema(), pg_has_role(current_user, relowner, 'USAGE') FROM pg_class WHERE oid = %s::regclass",
            [TABLE],
        )
        schema, owner = cursor.fetchone()
        if only_if_changed:
            if not owner:  # the app role after a flush: the owner's guards stay as they are
                return False
            cursor.execute(
                "SELECT count(*) FROM pg_proc WHERE proname IN ('analytics_accessrecord_append_only', %s) AND prosrc LIKE %s",
                [PURGE_FUNCTION, f"%-- retention floor: {floor} days%"],
            )
            if cursor.fetchone()[0] == 2:
                return False
        for sql in _postgresql_sql(floor, schema):
            cursor.execute(sql, None)  # no placeholders: "%" is PL/pgSQL's
        return True


def access_log_guards_remove(*, connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {PURGE_FUNCTION}(timestamptz)")
            cursor.execute(_POSTGRESQL_BEFORE, None)


def access_log_guards_refresh(sender, using, **kwargs) -> None:
    """post_migrate: once audit 0002 is applied, a changed floor reaches the database."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if MIGRATION in MigrationRecorder(connection).applied_migrations():
        access_log_guards_install(connection=connection, only_if_changed=True)
