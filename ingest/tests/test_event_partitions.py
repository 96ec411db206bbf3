"""The event table's layout (ingest/db.py): on PostgreSQL partitioned by UTC month, its months made
by the import before its events go in, and only through the owner's functions in a two-role
deployment; an install from before (ingest 0004) migrates with its rows, ids and grants. SQLite
keeps one table with a unique dedupe key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from ingest.db import event_conflict_columns, event_partitions_ensure, event_partitions_list
from ingest.models import Event
from testing.fixtures import export_csv

BEFORE = ("ingest", "0004_claude_code_sources")


def months() -> list[str]:
    return [name.removeprefix("analytics_event_") for name, _, _ in event_partitions_list()]


def sql_one(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("partitions are PostgreSQL's")


def test_the_conflict_key_includes_the_instant_only_where_the_table_is_partitioned(db):
    if connection.vendor == "postgresql":
        assert event_conflict_columns() == "(dedupe_key, occurred_at)"
    else:
        assert event_conflict_columns() == "(dedupe_key)"
        assert event_partitions_list() == []


def test_an_import_makes_the_months_of_its_events_and_skips_duplicates(postgresql, import_bytes):
    assert event_conflict_columns() == "(dedupe_key, occurred_at)"
    assert sql_one("SELECT relkind FROM pg_class WHERE relname = 'analytics_event'")[0] == "p"
    emails = {"ada@example.com": 2, "grace@example.com": 1}

    content = export_csv(emails, day="2025-09-30") + export_csv(emails, day="2025-11-02").split(b"\n", 1)[1]
    first = import_bytes(content)
    again = import_bytes(content, name="again.csv")

    assert (first.status, first.rows_imported) == ("done", 10)
    assert {"2025_09", "2025_10", "2025_11"} <= set(months())
    in_partition = "SELECT count(*) FROM analytics_event WHERE tableoid = %s::regclass"  # the app role reads the parent only
    assert sql_one(in_partition, ["analytics_event_2025_09"])[0] == 5
    assert sql_one(in_partition, ["analytics_event_2025_11"])[0] == 5
    assert (again.status, again.rows_imported, again.rows_duplicate) == ("done", 0, 10)
    assert Event.objects.count() == 10


def test_a_month_is_made_once_and_there_is_no_default_partition(postgresql, db):
    at = datetime(2031, 5, 31, 23, 59, tzinfo=UTC)
    with pytest.raises(DatabaseError, match="no partition"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO analytics_event (occurred_at, event, entity_type, entity_id, client_platform, dedupe_key) "
            "VALUES (%s, 'x', '', '', '', 'k')",
            [at],
        )
    event_partitions_ensure(first=at, last=at + timedelta(minutes=2))  # into June
    event_partitions_ensure(first=at, last=at)

    assert [m for m in months() if m.startswith("2031")] == ["2031_05", "2031_06"]
    assert sql_one("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                   "WHERE i.inhparent = 'analytics_event'::regclass AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'")[0] == 0


def test_the_app_role_makes_and_drops_partitions_only_through_the_owners_functions(two_roles, db):
    with pytest.raises(DatabaseError, match="must be owner|permission denied"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE analytics_event_2032_01 PARTITION OF analytics_event FOR VALUES FROM ('2032-01-01') TO ('2032-02-01')")

    event_partitions_ensure(first=datetime(2032, 1, 5, tzinfo=UTC), last=datetime(2032, 1, 6, tzinfo=UTC))

    owner, = sql_one("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'analytics_event_2032_01'")
    assert owner != sql_one("SELECT current_user")[0]
    for ddl in ("ALTER TABLE analytics_event DETACH PARTITION analytics_event_2032_01", "DROP TABLE analytics_event_2032_01"):
        with pytest.raises(DatabaseError, match="must be owner|permission denied"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(ddl)
    assert "2032_01" in months()


@pytest.fixture
def before_partitions(transactional_db, as_migration_role):
    """The database as ingest 0004 left it (one event table); migrated forward again after."""
    if connection.vendor != "postgresql":
        pytest.skip("the migration changes PostgreSQL only")
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    yield executor.loader.project_state([BEFORE]).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_an_existing_install_migrates_with_its_events_ids_and_sequence(before_partitions, import_bytes):
    OldEvent = before_partitions.get_model("ingest", "Event")
    assert sql_one("SELECT relkind FROM pg_class WHERE relname = 'analytics_event'")[0] == "r"
    instants = [datetime(2025, 8, 31, 23, 59, tzinfo=UTC), datetime(2025, 9, 1, tzinfo=UTC), datetime(2026, 1, 10, 8, tzinfo=UTC)]
    for n, at in enumerate(instants + [instants[-1] + timedelta(hours=1)]):
        OldEvent.objects.create(occurred_at=at, event="conversation_created", entity_id=f"e{n}", dedupe_key=f"{at:%Y%m%d%H%M%S}000000{n:012d}")
    OldEvent.objects.order_by("-id").first().delete()  # the sequence is past the last id kept
    rows = list(OldEvent.objects.order_by("id").values_list("id", "occurred_at", "event", "entity_id", "dedupe_key"))
    next_id = sql_one("SELECT last_value + 1 FROM analytics_event_id_seq")[0]

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert sql_one("SELECT relkind FROM pg_class WHERE relname = 'analytics_event'")[0] == "p"
    assert list(Event.objects.order_by("id").values_list("id", "occurred_at", "event", "entity_id", "dedupe_key")) == rows
    assert months() == ["2025_08", "2025_09", "2025_10", "2025_11", "2025_12", "2026_01"]
    assert not sql_one("SELECT to_regclass('analytics_event_unpartitioned')")[0]
    if settings.DATABASE_APP_ROLE:  # the app role keeps its grants on the new table and may make partitions
        role = settings.DATABASE_APP_ROLE
        assert sql_one("SELECT has_table_privilege(%s, 'analytics_event', 'INSERT, DELETE')", [role])[0]
        assert sql_one("SELECT has_function_privilege(%s, 'analytics_event_partitions_ensure(timestamptz, timestamptz)', 'EXECUTE')", [role])[0]
    new = Event.objects.create(occurred_at=datetime(2026, 2, 1, tzinfo=UTC), event="conversation_created", dedupe_key="2026020100000000000000new")
    assert new.id == next_id
    upload = import_bytes(export_csv({"ada@example.com": 2}, day="2025-09-02"))
    assert (upload.status, upload.rows_imported) == ("done", 3)
    assert Event.objects.count() == len(rows) + 1 + 3


def test_migrating_back_keeps_the_events(before_partitions):
    # The fixture went back once already (on an empty table); here with rows, there and back.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    at = datetime(2025, 9, 2, 8, tzinfo=UTC)
    Event.objects.create(occurred_at=at, event="conversation_created", dedupe_key="20250902080000000000back")

    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])

    assert sql_one("SELECT relkind FROM pg_class WHERE relname = 'analytics_event'")[0] == "r"
    assert sql_one("SELECT count(*), min(occurred_at) FROM analytics_event") == (1, at)
    assert not sql_one("SELECT to_regproc('analytics_event_partitions_ensure')")[0]
