"""Two-role PostgreSQL in the test suite (a pytest plugin; docs/deploy-postgresql-roles.md).

With MIGRATION_DATABASE_URL set, the test database is created and migrated as the owner role, as
`manage.py migrate_as_owner` would in production (so the owner owns every table and
function, and grants the app role its privileges); then every test runs as the app role of
DATABASE_URL, and the database is dropped as the owner again. The flush between transactional
tests runs as the owner too (testing/backends/postgresql). Without it, nothing changes.

Fixtures: `two_roles` (skips unless the run has two roles), `owner_connection` (a connection to
the test database as the owner, of the test's own), `as_migration_role` (the test's default
connection is the owner's: for tests that migrate).
"""

from __future__ import annotations

import pytest

OWNER_ALIAS = "migrations"
_CREDENTIALS = ("USER", "PASSWORD")


def _two_roles() -> bool:
    from django.conf import settings

    return OWNER_ALIAS in settings.DATABASES


def _connect_as(alias_from: str) -> None:
    """The default connection logs in with the credentials of `alias_from` from now on."""
    from django.conf import settings
    from django.db import connections

    source = settings.DATABASES[alias_from] if alias_from != "default" else _APP
    connections["default"].close()
    for key in _CREDENTIALS:
        connections["default"].settings_dict[key] = source[key]


_APP: dict = {}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """Before the test database is made: the default connection logs in as the owner."""
    if _two_roles():
        from django.conf import settings

        _APP.update({key: settings.DATABASES["default"][key] for key in _CREDENTIALS})
        _connect_as(OWNER_ALIAS)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After it was made and migrated by the owner: the app role runs the tests; the owner drops it."""
    if not _two_roles():
        yield
        return
    from django.conf import settings
    from django.db import connections

    settings.DATABASES[OWNER_ALIAS]["NAME"] = connections["default"].settings_dict["NAME"]  # the test database
    with django_db_blocker.unblock():
        _connect_as("default")
    yield
    with django_db_blocker.unblock():
        _connect_as(OWNER_ALIAS)


@pytest.fixture
def two_roles():
    if not _two_roles():
        pytest.skip("needs the two-role PostgreSQL deployment: set MIGRATION_DATABASE_URL (docs/deploy-postgresql-roles.md)")


@pytest.fixture
def owner_connection(transactional_db):
    """A Django connection to the test database as the owner role (MIGRATION_DATABASE_URL), or, with one role, as
    the default's role; its own, closed after the test."""
    from django.db import connections

    from testing.backends.postgresql.base import owner_connection_create

    if connections["default"].vendor != "postgresql":
        pytest.skip("the owner role is PostgreSQL's")
    alias = OWNER_ALIAS if _two_roles() else "default"
    connection = owner_connection_create(name=connections["default"].settings_dict["NAME"], alias=alias)
    yield connection
    connection.close()


@pytest.fixture
def as_migration_role(transactional_db):
    """The default connection is the owner's for this test (it migrates); the app's again after."""
    if not _two_roles():
        yield
        return
    _connect_as(OWNER_ALIAS)
    yield
    # Tables the test's migrations made again (migrated back and forward) get the app role's grants
    # back, as `migrate` gives them (its post_migrate; a MigrationExecutor sends none).
    from portal.db import app_role_grant

    app_role_grant(sender=None, using="default")
    _connect_as("default")
