"""The benchmarks' PostgreSQL databases: made afresh, made if missing, dropped. One home for what
`scripts/bench`, `manage.py benchmark` and the partition and scaling benchmarks all need.

Each takes the database's own URL (postgres://user@host:port/name) and works through the
server's `postgres` database; no Django, so scripts can call it before settings are loaded.
"""

from __future__ import annotations

import sys

import psycopg
from psycopg import sql


def _admin_and_name(url: str) -> tuple[str, str]:
    base, name = url.rsplit("/", 1)
    return f"{base}/postgres", name


def postgres_recreate(url: str) -> None:
    """Drop the database (whoever is connected) and create it empty."""
    admin, name = _admin_and_name(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def postgres_ensure(url: str) -> None:
    """Create the database unless it exists (a cached dataset is kept)."""
    admin, name = _admin_and_name(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def postgres_drop(url: str) -> None:
    admin, name = _admin_and_name(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


if __name__ == "__main__":  # python -m devtools.bench_db recreate|ensure|drop URL (scripts/bench)
    action, url = sys.argv[1:]
    {"recreate": postgres_recreate, "ensure": postgres_ensure, "drop": postgres_drop}[action](url)
