"""Bulk insertion of parsed events, skipping those already stored (same dedupe key)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime
from typing import BinaryIO, TextIO

from django.db import connection

from ingest.db import event_conflict_columns, event_partitions_ensure
from ingest.importers.audit_log import AuditRecord, sqlite_instant
from ingest.models import Event

_COLUMNS = "occurred_at, event, member_id, entity_type, entity_id, client_platform, upload_id, dedupe_key"


def event_bulk_insert(*, records: Sequence[AuditRecord], member_ids: dict[str, int], upload_id: int) -> int:
    """Insert the records; return how many were new. Call inside a transaction."""
    if records:
        instants = [r.occurred_at for r in records]
        event_partitions_ensure(first=min(instants), last=max(instants))
    if connection.vendor == "postgresql":
        return _insert_postgresql(records, member_ids, upload_id)
    return _insert_generic(records, member_ids, upload_id)


def _insert_generic(records: Sequence[AuditRecord], member_ids: dict[str, int], upload_id: int) -> int:
    if connection.vendor == "sqlite":
        instants = [sqlite_instant(r.instant) for r in records]  # Django's own format, without its per-call cost
    else:
        instants = [connection.ops.adapt_datetimefield_value(r.occurred_at) for r in records]
    rows = [
        (
            instant,
            r.event,
            member_ids.get(r.actor_email),
            r.entity_type,
            r.entity_id,
            r.client_platform,
            upload_id,
            r.dedupe_key,
        )
        for r, instant in zip(records, instants)
    ]
    sql = (
        f"INSERT INTO {Event._meta.db_table} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
        f"ON CONFLICT {event_conflict_columns()} DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        return cursor.rowcount


# The staging table of PostgreSQL inserts (a temporary table: never WAL-logged), in _COLUMNS' order.
_STAGE_CREATE = (
    "CREATE TEMP TABLE IF NOT EXISTS event_import_stage ("
    "occurred_at timestamptz, event text, member_id bigint, entity_type text, entity_id text, "
    "client_platform text, upload_id bigint, dedupe_key text)"
)


def _stage_row(r: AuditRecord, member_ids: dict[str, int], upload_id: int) -> tuple:
    """A record as a row of the staging table (and of a chunk file)."""
    return (
        r.instant + "+00:00", r.event, member_ids.get(r.actor_email), r.entity_type, r.entity_id,
        r.client_platform, upload_id, r.dedupe_key,
    )


def _insert_postgresql(records: Sequence[AuditRecord], member_ids: dict[str, int], upload_id: int) -> int:
    # COPY into a session-local staging table, then one INSERT … ON CONFLICT DO NOTHING:
    # several times faster than row-wise INSERTs, and duplicates are skipped by the database.
    table = Event._meta.db_table
    with connection.cursor() as cursor:
        # A batch lost to a crash is re-imported when the upload is taken over, so skip the wait for the flush.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(_STAGE_CREATE)
        with cursor.cursor.copy(f"COPY event_import_stage ({_COLUMNS}) FROM STDIN") as copy:
            for r in records:
                copy.write_row(_stage_row(r, member_ids, upload_id))
        cursor.execute(
            f"INSERT INTO {table} ({_COLUMNS}) SELECT {_COLUMNS} FROM event_import_stage "
            f"ON CONFLICT {event_conflict_columns()} DO NOTHING"
        )
        inserted = cursor.rowcount
        cursor.execute("TRUNCATE event_import_stage")
        return inserted


# --- Chunks of a large upload (ingest.services.uploads): rows written by the task that parses the
# file, inserted by any worker. CSV in PostgreSQL's COPY csv layout, the columns of _COLUMNS.
# An empty field is NULL (member_id); the text columns are never NULL.
_CHUNK_COPY = f"COPY event_import_stage ({_COLUMNS}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (event, entity_type, entity_id, client_platform, dedupe_key))"


def event_chunk_write(*, records: Sequence[AuditRecord], member_ids: dict[str, int], upload_id: int, out: TextIO) -> None:
    """Append the records, with their members resolved, to a chunk file."""
    csv.writer(out, lineterminator="\n").writerows(_stage_row(r, member_ids, upload_id) for r in records)


def event_chunk_insert(*, chunk: BinaryIO, first: datetime, last: datetime) -> int:
    """PostgreSQL: insert a chunk file's rows (events between `first` and `last`); return how many
    were new. Call inside a transaction."""
    event_partitions_ensure(first=first, last=last)
    with connection.cursor() as cursor:
        # A chunk lost to a database crash loses its "done" mark with it and is inserted again.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(_STAGE_CREATE)
        with cursor.cursor.copy(_CHUNK_COPY) as copy:
            while block := chunk.read(1024 * 1024):
                copy.write(block)
        # In key order: chunks inserting the same keys at once (a file's duplicates) take the
        # keys' locks in one order, so they wait for each other instead of deadlocking.
        cursor.execute(
            f"INSERT INTO {Event._meta.db_table} ({_COLUMNS}) SELECT {_COLUMNS} FROM event_import_stage "
            f"ORDER BY dedupe_key ON CONFLICT {event_conflict_columns()} DO NOTHING"
        )
        inserted = cursor.rowcount
        cursor.execute("TRUNCATE event_import_stage")
        return inserted
