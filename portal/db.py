"""Database helpers every app shares."""

from __future__ import annotations

from django.db import connection, models


def table_lock(model: type[models.Model], *, mode: str = "EXCLUSIVE") -> None:
    """Lock `model`'s table until the transaction ends (PostgreSQL), so that writers of one kind run
    one at a time. SQLite transactions here are IMMEDIATE and so already exclusive.

    EXCLUSIVE lets readers read on; SHARE ROW EXCLUSIVE also admits no other locker of that mode.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} IN {mode} MODE")
