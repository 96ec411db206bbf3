"""PostgreSQL as in production. With two roles (MIGRATION_DATABASE_URL, docs/deploy-postgresql-roles.md)
the flush's TRUNCATE runs as the owner role, on a connection of its own: the app role may not
truncate the append-only tables, and that is the point. With one role it is Django's flush."""

from django.conf import settings
from django.db import connections
from django.db.backends.postgresql import base

OWNER_ALIAS = "migrations"


class DatabaseOperations(base.DatabaseOperations):
    def execute_sql_flush(self, sql_list):
        if OWNER_ALIAS not in settings.DATABASES or self.connection.alias == OWNER_ALIAS:
            return super().execute_sql_flush(sql_list)
        owner = owner_connection_create(name=self.connection.settings_dict["NAME"])
        try:
            with owner.cursor() as cursor:  # autocommit: TRUNCATE is one statement
                for sql in sql_list:
                    cursor.execute(sql)
        finally:
            owner.close()


def owner_connection_create(*, name: str, alias: str = OWNER_ALIAS):
    """A new connection to database `name` with the credentials of `alias`, under an alias of its
    own (Django's test cases refuse connections of aliases a test did not ask for)."""
    settings_dict = {**connections.settings[alias], "NAME": name}
    return type(connections[alias])(settings_dict, alias=f"{alias} (own connection)")


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
