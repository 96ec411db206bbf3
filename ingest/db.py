"""The event table's storage details that more than one service needs: the unique key an insert
conflicts on, and (PostgreSQL) the monthly partitions a batch of events needs before it is stored.

One home, so the importers' insert path and the retention purge agree on the table's layout.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection

# The columns of the unique index inserts skip duplicates on (ON CONFLICT … DO NOTHING).
EVENT_CONFLICT_COLUMNS = "(dedupe_key)"


def event_conflict_columns() -> str:
    """The conflict target for INSERT … ON CONFLICT on the event table, on this connection."""
    return EVENT_CONFLICT_COLUMNS


def event_partitions_ensure(*, first: datetime, last: datetime) -> None:
    """Make sure the event table can take events between `first` and `last` (UTC instants).
    Call before inserting them, inside the importing transaction. A table that is not
    partitioned (SQLite, and PostgreSQL before partitioning) takes any instant."""
    if connection.vendor != "postgresql":
        return
