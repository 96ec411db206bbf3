"""`manage.py migrate_as_owner`, for real, on the two-role PostgreSQL deployment
(docs/deploy-postgresql-roles.md): a fresh database migrated by the command, in its own process as in
production, ends with every table and function owned by the owner role, and the app role unable to
disable, drop or get past the access log's trigger; a plain `migrate` as the app role fails on the first
DDL; the command leaves the process logged in as the app role again.

On SQLite, or on PostgreSQL with one role (no MIGRATION_DATABASE_URL), there is no second role: skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]
OWNER_ALIAS = "migrations"
ACCESS_LOG = "analytics_accessrecord"


@pytest.fixture
def two_role_postgresql(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("migrate_as_owner is for PostgreSQL's two-role deployment; SQLite has no roles")
    if OWNER_ALIAS not in settings.DATABASES:
        pytest.skip("needs the two-role PostgreSQL deployment: set MIGRATION_DATABASE_URL (docs/deploy-postgresql-roles.md)")
    return settings.DATABASES[OWNER_ALIAS], connections["default"].settings_dict


def _url(login: dict, name: str) -> str:
    credentials = quote(login["USER"], safe="") + (":" + quote(login["PASSWORD"], safe="") if login["PASSWORD"] else "")
    return f"postgres://{credentials}@{login['HOST'] or '127.0.0.1'}:{login['PORT'] or 5432}/{name}"


def _connect(login: dict, name: str):
    import psycopg

    return psycopg.connect(_url(login, name), autocommit=True)


@pytest.fixture
def fresh_database(two_role_postgresql, tmp_path):
    """An empty database made by the owner role (as the deployment guide does), and how to run
    manage.py against it as a deployment would: DATABASE_URL the app's, MIGRATION_DATABASE_URL the owner's."""
    owner, app = two_role_postgresql
    name = f"{connections['default'].settings_dict['NAME']}_migrate_as_owner"[:63]
    with _connect(owner, "postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SECRET_KEY": "tests-only-not-secret",
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": _url(app, name),
        "MIGRATION_DATABASE_URL": _url(owner, name),
        "LOG_LEVEL": "WARNING",
    }

    def manage(*args: str, without: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
        run_env = {key: value for key, value in env.items() if key not in without}
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=600
        )

    yield name, manage
    with _connect(owner, "postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrate_as_owner_leaves_the_owner_owning_everything_and_the_app_role_unable_to_switch_the_trigger_off(
    two_role_postgresql, fresh_database
):
    owner, app = two_role_postgresql
    name, manage = fresh_database

    plain = manage("migrate", "-v0", without=("MIGRATION_DATABASE_URL",))  # the app role alone
    assert plain.returncode != 0 and "permission denied" in plain.stderr, plain.stdout + plain.stderr[-2000:]

    migrated = manage("migrate_as_owner", "-v0")
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr[-3000:]

    with _connect(owner, name) as as_owner:
        tables = dict(as_owner.execute("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'").fetchall())
        functions = dict(
            as_owner.execute(
                "SELECT proname, pg_get_userbyid(proowner) FROM pg_proc WHERE proname IN "
                "('analytics_accessrecord_purge', 'analytics_accessrecord_append_only')"
            ).fetchall()
        )
        applied = as_owner.execute("SELECT app, name FROM django_migrations WHERE app = 'audit'").fetchall()
    assert ("audit", "0002_access_log_guards") in applied
    assert len(tables) > 30 and ACCESS_LOG in tables
    assert {table for table, role in tables.items() if role != owner["USER"]} == set()
    assert functions == {"analytics_accessrecord_purge": owner["USER"], "analytics_accessrecord_append_only": owner["USER"]}

    import psycopg

    with _connect(app, name) as as_app:
        for attack in (
            f"ALTER TABLE {ACCESS_LOG} DISABLE TRIGGER analytics_accessrecord_append_only",
            f"ALTER TABLE {ACCESS_LOG} DISABLE TRIGGER ALL",
            f"DROP TRIGGER analytics_accessrecord_append_only ON {ACCESS_LOG}",
            f"TRUNCATE {ACCESS_LOG}",
            f"DELETE FROM {ACCESS_LOG}",
            f"UPDATE {ACCESS_LOG} SET username = 'mallory'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                as_app.execute(attack)
        privileges = dict(
            as_app.execute(
                "SELECT privilege, has_table_privilege(%s, privilege) FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE',"
                "'TRUNCATE','TRIGGER']) AS privilege",
                [ACCESS_LOG],
            ).fetchall()
        )
        assert privileges == {
            "SELECT": True, "INSERT": True, "UPDATE": False, "DELETE": False, "TRUNCATE": False, "TRIGGER": False,
        }
        # What the app role does need was granted: it reads and writes the other tables, and purges through the function.
        assert as_app.execute("SELECT count(*) FROM analytics_member").fetchone() == (0,)
        assert as_app.execute("SELECT analytics_accessrecord_purge(now() - interval '400 days')").fetchone() == (0,)


def test_a_second_run_changes_nothing_and_succeeds(two_role_postgresql, fresh_database):
    name, manage = fresh_database
    assert manage("migrate_as_owner", "-v0").returncode == 0

    again = manage("migrate_as_owner")

    assert again.returncode == 0, again.stderr[-2000:]
    assert "No migrations to apply." in again.stdout


def test_in_process_the_command_leaves_the_connection_logged_in_as_the_app_role(two_role_postgresql):
    owner, app = two_role_postgresql

    call_command("migrate_as_owner", verbosity=0)  # the test database, migrated already: nothing to apply

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app["USER"] != owner["USER"]
    assert connection.settings_dict["USER"] == app["USER"]


def test_without_migration_database_url_the_command_refuses(db, monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.delitem(settings.DATABASES, OWNER_ALIAS, raising=False)
    with pytest.raises(CommandError, match="Set MIGRATION_DATABASE_URL"):
        call_command("migrate_as_owner")
