"""The event table's storage details that more than one service needs: the unique key an insert
conflicts on, and (PostgreSQL) the monthly partitions a batch of events needs before it is stored
and the retention purge drops when they expired.

One home, so the importers' insert path and the retention purge agree on the table's layout.

On PostgreSQL `analytics_event` is partitioned by range of `occurred_at`, one partition per UTC
month (`analytics_event_2025_09`), made by ingest migration 0005. A partitioned table's unique
keys must include the partition key, so the primary key is (id, occurred_at) (ids still come from
the one identity sequence) and the unique key (dedupe_key, occurred_at): the same thing as a unique
dedupe_key, since a key starts with its instant's digits. There is no DEFAULT partition: the
month's partition is made before its events are inserted (an event of a month without one fails
loudly instead of landing somewhere a later CREATE PARTITION would trip over).

Making and dropping a partition is DDL, which the app role of a two-role deployment may not run
(docs/deploy-postgresql-roles.md); so both go through SECURITY DEFINER functions owned by the role
that ran `migrate`, with EXECUTE granted to the app role only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import connection, transaction

TABLE = "analytics_event"
ENSURE_FUNCTION = "analytics_event_partitions_ensure"
DROP_FUNCTION = "analytics_event_partition_drop_oldest"
# For portal.db.app_role_grant (through Event.APP_ROLE_FUNCTIONS) and the migration's grants.
FUNCTIONS = (f"{ENSURE_FUNCTION}(timestamptz, timestamptz)", f"{DROP_FUNCTION}(timestamptz)")

# The columns of the unique index inserts skip duplicates on (ON CONFLICT … DO NOTHING).
_CONFLICT_COLUMNS = {"postgresql": "(dedupe_key, occurred_at)"}
_CONFLICT_COLUMNS_DEFAULT = "(dedupe_key)"


# SQLite's page cache while an audit file is imported: half the connection's usual 64 MiB
# (settings), so that the worker stays under 250 MB with DuckDB's reader beside it; the 1M-row
# import took as long either way (make bench).
IMPORT_SQLITE_CACHE_KIB = 32 * 1024


@contextmanager
def import_page_cache() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        usual = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(usual)}")


def event_conflict_columns() -> str:
    """The conflict target for INSERT … ON CONFLICT on the event table, on this connection."""
    return _CONFLICT_COLUMNS.get(connection.vendor, _CONFLICT_COLUMNS_DEFAULT)


def event_partitions_ensure(*, first: datetime, last: datetime) -> None:
    """Make sure the event table can take events between `first` and `last` (UTC instants).
    Call before inserting them, inside the importing transaction. A table that is not
    partitioned (SQLite) takes any instant. Making a month's partition locks the event table
    until the transaction ends; that happens once a month."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {ENSURE_FUNCTION}(%s, %s)", [first, last])


def event_partitions_drop(*, before: datetime) -> Iterator[int]:
    """PostgreSQL: detach and drop, oldest first, every partition whose month ends at or before
    `before`; yields the rows of each as it goes (counted under the drop's lock, so exact). One
    short transaction per partition. Nothing on SQLite."""
    if connection.vendor != "postgresql":
        return
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT {DROP_FUNCTION}(%s)", [before])
            rows = cursor.fetchone()[0]
        if rows is None:
            return
        yield rows


def event_partitions_list() -> list[tuple[str, datetime, datetime]]:
    """PostgreSQL: (name, from, to) of each partition, oldest first; [] elsewhere."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, lower_bound, upper_bound FROM ({_PARTITIONS_SQL}) p ORDER BY lower_bound", [TABLE])
        return list(cursor.fetchall())


# Each partition with its bounds, read from the catalog ("FOR VALUES FROM ('…') TO ('…')").
_PARTITIONS_SQL = """SELECT c.relname::text AS name, c.oid AS oid,
       substring(pg_get_expr(c.relpartbound, c.oid) FROM 'FROM \\(''([^'']+)''\\)')::timestamptz AS lower_bound,
       substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''([^'']+)''\\)')::timestamptz AS upper_bound
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = %s::regclass"""


def partition_functions_sql(*, schema: str) -> list[str]:
    """The SECURITY DEFINER functions that make and drop partitions, for ingest migration 0005.
    Both run in UTC, whatever the session's time zone, so months are UTC months."""
    partitions = _PARTITIONS_SQL.replace("%s", f"'{TABLE}'")
    header = f'LANGUAGE plpgsql SECURITY DEFINER SET search_path = "{schema}", pg_temp SET timezone = \'UTC\' AS $$'
    return [
        f"""CREATE OR REPLACE FUNCTION {ENSURE_FUNCTION}(first timestamptz, last timestamptz) RETURNS integer
{header}
DECLARE
    month timestamptz := date_trunc('month', first);
    name text;
    made integer := 0;
BEGIN
    IF first IS NULL OR last IS NULL OR last < first THEN
        RAISE EXCEPTION 'partitions between % and %: not a time span', first, last;
    END IF;
    WHILE month <= last LOOP
        name := '{TABLE}_' || to_char(month, 'YYYY_MM');
        IF to_regclass(name) IS NULL THEN
            -- Two imports wanting the same new month: the second waits, then finds it made.
            PERFORM pg_advisory_xact_lock(hashtext('{TABLE} partitions'));
            IF to_regclass(name) IS NULL THEN
                EXECUTE format('CREATE TABLE %I PARTITION OF {TABLE} FOR VALUES FROM (%L) TO (%L)',
                               name, month, month + interval '1 month');
                made := made + 1;
            END IF;
        END IF;
        month := month + interval '1 month';
    END LOOP;
    RETURN made;
END
$$""",
        f"""CREATE OR REPLACE FUNCTION {DROP_FUNCTION}(before timestamptz) RETURNS bigint
{header}
DECLARE
    oldest regclass;
    rows bigint;
BEGIN
    SELECT p.oid::regclass INTO oldest FROM ({partitions}) p
        WHERE p.upper_bound <= before ORDER BY p.upper_bound LIMIT 1;
    IF oldest IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('ALTER TABLE {TABLE} DETACH PARTITION %s', oldest);
    EXECUTE format('SELECT count(*) FROM %s', oldest) INTO rows;
    EXECUTE format('DROP TABLE %s', oldest);
    RETURN rows;
END
$$""",
        *(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC" for function in FUNCTIONS),
    ]


def partition_functions_remove_sql() -> list[str]:
    return [f"DROP FUNCTION IF EXISTS {function}" for function in FUNCTIONS]
