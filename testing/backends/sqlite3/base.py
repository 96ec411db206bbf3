"""SQLite as in production; its flush (DELETE FROM every table) runs with the triggers' flush
permission on this connection (portal.db.append_only_lifted), and only the flush does."""

from django.db.backends.sqlite3 import base

from portal.db import append_only_lifted


class DatabaseOperations(base.DatabaseOperations):
    def execute_sql_flush(self, sql_list):
        with append_only_lifted(connection=self.connection, flushing=True):
            super().execute_sql_flush(sql_list)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
