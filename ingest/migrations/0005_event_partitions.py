"""PostgreSQL: the event table becomes a table partitioned by UTC month of occurred_at (ingest/db.py),
with its rows, ids, sequence and grants; the SECURITY DEFINER functions that make and drop
partitions are installed. Nothing on SQLite, and Django's state does not change: the model still
says `dedupe_key unique`, which (dedupe_key, occurred_at) keeps, as a key determines its instant.
A later migration that alters dedupe_key or the primary key must therefore write its own SQL on
PostgreSQL.

Set-based and in the migration's one transaction: rename the old table, make the partitioned one
LIKE it, make the months its rows need, INSERT … SELECT, carry the sequence and the grants over,
drop the old table. Reversible the same way.
"""

from django.db import migrations

from ingest.db import FUNCTIONS, TABLE, partition_functions_remove_sql, partition_functions_sql

OLD = f"{TABLE}_unpartitioned"


def _one(cursor, sql, params=None):
    cursor.execute(sql, params)
    return cursor.fetchone()


def _constraints_and_indexes_drop(cursor, table):
    """Frees the names of `table`'s constraints and indexes for the table that replaces it."""
    cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('p', 'u')", [table])
    for (name,) in cursor.fetchall():
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    cursor.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass", [table])
    for (index,) in cursor.fetchall():
        cursor.execute(f"DROP INDEX {index}")


def _grants_copy(cursor, *, source, target, functions):
    """Gives every role `source`'s privileges on `target` too (the app role of a two-role install),
    and EXECUTE on the partition functions to the roles that may insert events."""
    cursor.execute(
        "SELECT a.grantee, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a "
        "WHERE c.oid = %s::regclass AND a.grantee <> c.relowner",
        [source],
    )
    grants = {}
    for grantee, privilege in cursor.fetchall():
        grants.setdefault(grantee, []).append(privilege)
    for grantee, privileges in grants.items():
        role = "PUBLIC" if grantee == 0 else _one(cursor, "SELECT quote_ident(rolname) FROM pg_roles WHERE oid = %s", [grantee])[0]
        cursor.execute(f'GRANT {", ".join(privileges)} ON "{target}" TO {role}')
        if "INSERT" in privileges and functions:
            for function in FUNCTIONS:
                cursor.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {role}")


def _sequence_carry(cursor, *, source, target):
    """The new table's ids go on where the old table's left off."""
    old = _one(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [source])[0]
    new = _one(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [target])[0]
    last_value, is_called = _one(cursor, f"SELECT last_value, is_called FROM {old}")
    cursor.execute("SELECT setval(%s, %s, %s)", [new, last_value, is_called])


def _table_rename(cursor, *, table, to):
    """Renames the table and its id sequence (so the new table's gets the usual name)."""
    sequence = _one(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [table])[0]
    cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{to}"')
    cursor.execute(f'ALTER SEQUENCE {sequence} RENAME TO "{to}_id_seq"')


def _columns(cursor, table):
    cursor.execute(
        "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [table],
    )
    return ", ".join(name for (name,) in cursor.fetchall())


def partition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        schema, kind = _one(cursor, "SELECT current_schema(), relkind FROM pg_class WHERE oid = %s::regclass", [TABLE])
        if kind == "p":
            return
        _table_rename(cursor, table=TABLE, to=OLD)
        _constraints_and_indexes_drop(cursor, OLD)
        cursor.execute(
            f'CREATE TABLE "{TABLE}" (LIKE "{OLD}" INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING STORAGE, '
            f'CONSTRAINT "{TABLE}_pkey" PRIMARY KEY (id, occurred_at), '
            f'CONSTRAINT "{TABLE}_dedupe_key_occurred_at_key" UNIQUE (dedupe_key, occurred_at)) '
            "PARTITION BY RANGE (occurred_at)"
        )
        cursor.execute(f'CREATE INDEX "event_occurred_at" ON "{TABLE}" (occurred_at)')
        cursor.execute(f'CREATE INDEX "event_upload_occurred_at" ON "{TABLE}" (upload_id, occurred_at)')
        for sql in partition_functions_sql(schema=schema):
            cursor.execute(sql, None)  # no placeholders: "%" is PL/pgSQL's
        first, last = _one(cursor, f'SELECT min(occurred_at), max(occurred_at) FROM "{OLD}"')
        if first is not None:
            cursor.execute("SELECT analytics_event_partitions_ensure(%s, %s)", [first, last])
        columns = _columns(cursor, OLD)
        cursor.execute(f'INSERT INTO "{TABLE}" ({columns}) SELECT {columns} FROM "{OLD}"')
        _sequence_carry(cursor, source=OLD, target=TABLE)
        _grants_copy(cursor, source=OLD, target=TABLE, functions=True)
        cursor.execute(f'DROP TABLE "{OLD}"')
        cursor.execute(f'ANALYZE "{TABLE}"')


def unpartition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if _one(cursor, "SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE])[0] != "p":
            return
        partitioned = f"{TABLE}_partitioned"
        _table_rename(cursor, table=TABLE, to=partitioned)
        _constraints_and_indexes_drop(cursor, partitioned)
        schema_editor.create_model(apps.get_model("ingest", "Event"))  # as migration 0004 left it
        columns = _columns(cursor, partitioned)
        cursor.execute(f'INSERT INTO "{TABLE}" ({columns}) SELECT {columns} FROM "{partitioned}"')
        _sequence_carry(cursor, source=partitioned, target=TABLE)
        _grants_copy(cursor, source=partitioned, target=TABLE, functions=False)
        cursor.execute(f'DROP TABLE "{partitioned}"')  # and its partitions
        for sql in partition_functions_remove_sql():
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("ingest", "0004_claude_code_sources")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
