"""Database helpers every app shares."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, models


def table_lock(model: type[models.Model], *, mode: str = "EXCLUSIVE") -> None:
    """Lock `model`'s table until the transaction ends (PostgreSQL), so that writers of one kind run
    one at a time. SQLite transactions here are IMMEDIATE and so already exclusive.

    EXCLUSIVE lets readers read on; SHARE ROW EXCLUSIVE also admits no other locker of that mode.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} IN {mode} MODE")


# --- Append-only tables ----------------------------------------------------------------------
# The access log, the retention settings changes and finished purge receipts never change. Each
# model's queryset (also its base manager) refuses it in Python, and database triggers refuse it
# in SQL (migrations of audit, portal and retention). On SQLite a trigger asks the connection
# whether the one allowed path is running, through SQL functions registered on every connection:
# usage_portal_purge_before() is the cutoff while audit.services.access_log_purge runs (else
# NULL), usage_portal_flushing() is 1 only while the test suite's backend (testing/backends)
# empties the database between transactional tests. A connection without them (the sqlite3
# shell) can delete nothing: the trigger's condition then fails with "no such function".


class AppendOnlyError(Exception):
    """A write that an append-only table refuses."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses updates and deletes however they are asked for (the model refuses save and delete)."""

    refused_update = "These records are append-only: they are never changed."
    refused_delete = "These records are append-only: they are never deleted."

    def update(self, **kwargs):
        raise AppendOnlyError(self.refused_update)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(self.refused_update)

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        if update_conflicts:
            raise AppendOnlyError(self.refused_update)
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self):
        raise AppendOnlyError(self.refused_delete)

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):
        raise AppendOnlyError(self.refused_delete)


def sqlite_functions_register(sender, connection, **kwargs) -> None:
    """connection_created: the SQL functions the SQLite append-only triggers read (see above)."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        "usage_portal_purge_before", 0, lambda: getattr(connection, "usage_portal_purge_before", None)
    )
    connection.connection.create_function(
        "usage_portal_flushing", 0, lambda: 1 if getattr(connection, "usage_portal_flushing", False) else 0
    )


@contextmanager
def append_only_lifted(*, connection, purge_before: str | None = None, flushing: bool = False):
    """Within: SQLite's append-only triggers let through the purge of records older than
    `purge_before` (a stored UTC text), or, with `flushing`, a flush. For access_log_purge and the
    test suite's flush only; cleared on the way out, whatever happens."""
    connection.usage_portal_purge_before = purge_before
    connection.usage_portal_flushing = flushing
    try:
        yield
    finally:
        connection.usage_portal_purge_before = None
        connection.usage_portal_flushing = False


def app_role_grant(sender, using, apps=None, **kwargs) -> None:
    """post_migrate, two-role PostgreSQL (DATABASE_APP_ROLE set): `migrate`, run as the owner
    role, grants the app role what it may do: everything on every table and sequence, except on
    the models that declare APP_ROLE_PRIVILEGES (the append-only ones), where it gets only those,
    and EXECUTE on the functions named in any model's APP_ROLE_FUNCTIONS. Nothing when run as the app."""
    from django.apps import apps as global_apps
    from django.conf import settings
    from django.db import connections

    role = settings.DATABASE_APP_ROLE
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        user, schema = cursor.fetchone()
        if user == role:
            return
        quote = connection.ops.quote_name
        cursor.execute(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {quote(role)}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quote(schema)} TO {quote(role)}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {quote(role)}")
        for model in global_apps.get_models():
            for function in getattr(model, "APP_ROLE_FUNCTIONS", ()):
                cursor.execute("SELECT to_regprocedure(%s)", [function])
                if cursor.fetchone()[0]:  # not there when migrated back past the migration that makes it
                    cursor.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {quote(role)}")
            privileges = getattr(model, "APP_ROLE_PRIVILEGES", None)
            if privileges is None:
                continue
            table = quote(model._meta.db_table)
            cursor.execute(f"REVOKE ALL ON {table} FROM {quote(role)}")
            cursor.execute(f"GRANT {privileges} ON {table} TO {quote(role)}")


def append_only_triggers_sql(
    *, vendor: str, table: str, label: str, update_allowed_when: str | None = None, unchanged: tuple[str, ...] = ()
) -> tuple[list[str], list[str]]:
    """SQL that makes `table` append-only (install, remove), for the migrations of these tables.

    DELETE is refused (SQLite: except the test suite's flush; PostgreSQL: its flush is TRUNCATE);
    UPDATE is refused unless `update_allowed_when` (SQL on OLD and NEW) holds and none of the
    `unchanged` columns changes; on SQLite an INSERT OR REPLACE over a row is refused too.
    """
    name = f"{table}_append_only"
    if vendor == "sqlite":
        same = " AND ".join(f'NEW."{column}" IS OLD."{column}"' for column in ("id", *unchanged))
        allowed = f"({update_allowed_when}) AND {same}" if update_allowed_when else "0"
        install = [
            f"""CREATE TRIGGER {name}_update BEFORE UPDATE ON {table} WHEN NOT ({allowed})
BEGIN SELECT RAISE(ABORT, '{label} are append-only: UPDATE is not allowed'); END""",
            f"""CREATE TRIGGER {name}_delete BEFORE DELETE ON {table} WHEN NOT usage_portal_flushing()
BEGIN SELECT RAISE(ABORT, '{label} are append-only: DELETE is not allowed'); END""",
            f"""CREATE TRIGGER {name}_replace BEFORE INSERT ON {table} WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, '{label} are append-only: a row is never replaced'); END""",
        ]
        remove = [f"DROP TRIGGER IF EXISTS {name}_{kind}" for kind in ("update", "delete", "replace")]
        return install, remove
    if vendor == "postgresql":
        same = " AND ".join(f'NEW."{column}" IS NOT DISTINCT FROM OLD."{column}"' for column in ("id", *unchanged))
        allowed = f"({update_allowed_when}) AND {same}" if update_allowed_when else "false"
        install = [
            f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND {allowed} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{label} are append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql""",
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
        remove = [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
        return install, remove
    return [], []
