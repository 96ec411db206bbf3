"""`manage.py migrate_as_owner` on the two-role PostgreSQL deployment (docs/deploy-postgresql-roles.md):
it leaves the process logged in as the app role again; without MIGRATION_DATABASE_URL it refuses.

On SQLite, or on PostgreSQL with one role (no MIGRATION_DATABASE_URL), there is no second role: skipped.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

OWNER_ALIAS = "migrations"


@pytest.fixture
def two_role_postgresql(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("migrate_as_owner is for PostgreSQL's two-role deployment; SQLite has no roles")
    if OWNER_ALIAS not in settings.DATABASES:
        pytest.skip("needs the two-role PostgreSQL deployment: set MIGRATION_DATABASE_URL (docs/deploy-postgresql-roles.md)")
    return settings.DATABASES[OWNER_ALIAS], connections["default"].settings_dict


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
