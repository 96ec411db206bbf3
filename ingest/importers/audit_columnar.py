"""The audit-log CSV read column-wise by DuckDB: the fast path of `AuditLogFile.rows()`.

DuckDB parses the CSV in C (bounded memory, streamed in file order) and checks every row's
cells column-wise against the shape real exports have: the export's own spelling of the
instant, a plain event name, an entity cell of the canonical shape, a plain device id. Python
then only reads the actor cell (cached: actors repeat), hashes the dedupe key and builds the
record. A row DuckDB cannot vouch for goes through `normalise_row`, the row-by-row path's own
reader, with the same cells, so it is read or rejected with the same words.

A file that is not plain is not read here at all: `columnar_rows` returns None before yielding
anything, and the caller reads it row by row. Plain means one record per physical line (no
blank lines, no line breaks inside cells, no CR), no NUL and no byte-order mark, a header of
column names only, no cell or line past the import limits, and nothing DuckDB's strict reader
refuses (invalid UTF-8, a row with too many or too few cells, a stray quote).

DuckDB rather than Apache Arrow's CSV reader: handing the six cells of the 1M-row bench export to
Python with the instant's check took about as long with either (Arrow's streaming reader 3.1 and
4.1 s, DuckDB 4.0 and 4.3 s, alternating in one run, 2 vCPUs); DuckDB runs the other checks and the
entity extraction as SQL while it streams and keeps to a memory limit of its own (this reader's
process peaked at 142 MB, against 340 MB for Arrow's with 4 MiB blocks), and it is already the
benchmark's yardstick.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime
from typing import IO

from .audit_log import (
    _NONE_TEXT,
    MAX_ENTITY_ID,
    MAX_ENTITY_TYPE,
    MAX_EVENT,
    REQUIRED_COLUMNS,
    AuditRecord,
    RejectedRow,
    _actor,
    _platform,
    dedupe_key,
    normalise_row,
)
from .common import ImportLimits
from .info_cell import _CANONICAL_ENTITY, _EMPTY

# Smaller files are read row by row: about 18,000 rows, where the fast path would save a fifth of
# a second at most (about 10 µs a row) against DuckDB's start-up of a tenth.
COLUMNAR_MIN_BYTES = 8 << 20
# What DuckDB may hold at once besides its read buffers (two lines as long as a row may be,
# per thread); past it, it spills to a temporary directory.
DUCKDB_MEMORY_MB = 32
FETCH_ROWS = 5000

_STAMP = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$"
_EVENT = rf"^[A-Za-z0-9_.:-]{{1,{MAX_EVENT}}}$"
_DEVICE = r"^[A-Za-z0-9_.:-]*$"
_ENTITY = "^" + _CANONICAL_ENTITY.pattern + "$"
_COLUMNS = ("created_at", "event", "actor_info", "entity_info", "device_id", "client_platform")


class ColumnarRows:
    """The records of a plain CSV, in file order; `progress` is the share yielded so far."""

    def __init__(self, connection, query: str, parameters: dict, rows: int):
        self._connection = connection
        self._query = query
        self._parameters = parameters
        self._rows = max(rows, 1)
        self.progress = 0.0

    def __iter__(self) -> Iterator[AuditRecord | RejectedRow]:
        line = 1  # the header's
        try:
            cursor = self._connection.execute(self._query, self._parameters)
            while batch := cursor.fetchmany(FETCH_ROWS):
                for created_at, event, actor_cell, entity_cell, device, platform, plain, entity_type, entity_id in batch:
                    line += 1
                    record = _plain_record(line, created_at, event, actor_cell, entity_type, entity_id, device, platform) if plain else None
                    yield record or normalise_row(line, created_at, event, actor_cell, entity_cell, device, platform)
                self.progress = min((line - 1) / self._rows, 1.0)
        finally:
            self._connection.close()


def _plain_record(line, created_at, event, actor_cell, entity_type, entity_id, device, platform) -> AuditRecord | None:
    """The record of a row whose cells DuckDB found plain, as normalise_row would read it; None
    when the actor cell or the instant needs normalise_row after all (to be rejected, or read)."""
    actor = _actor(actor_cell)
    if type(actor) is str:
        return None
    try:
        occurred_at = datetime.fromisoformat(created_at)
    except ValueError:  # the right shape, not a real instant (February 30th)
        return None
    email, uuid, name = actor
    instant = created_at[:26]  # the export's own spelling is canonical
    if device in _NONE_TEXT:
        device = ""
    key = dedupe_key(instant=instant, event=event, actor=uuid or email, entity_id=entity_id, device_id=device)
    return _record((line, occurred_at, instant, event, email, name, uuid, entity_type, entity_id, _platform(platform), key))


_record = AuditRecord._make  # a third of the cost of calling the class with eleven arguments


def columnar_rows(source: IO[bytes] | str, *, limits: ImportLimits, workdir: str) -> ColumnarRows | None:
    """The records of a plain CSV (see the module's docstring), or None when it is not one.
    `source` is the CSV's path, or the CSV, read from its path when it has one, else copied into `workdir`."""
    import duckdb  # about 0.1 s to import: only when a large file is read

    path = source if isinstance(source, str) else _on_disk(source, workdir)
    header, lines = _plain_shape(path)
    if header is None:
        return None
    columns = header.split(",")
    if len(set(columns)) != len(columns) or any(c not in columns for c in REQUIRED_COLUMNS):
        return None
    buffer_bytes = max(2 * limits.max_row_chars, 8 << 20)
    memory_mb = DUCKDB_MEMORY_MB + 4 * buffer_bytes // (1 << 20)
    connection = duckdb.connect(
        config={"threads": 2, "memory_limit": f"{memory_mb}MB", "preserve_insertion_order": True, "temp_directory": workdir}
    )
    try:
        every_column = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in columns) + "}"
        csv_read = (
            f"read_csv($path, header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
            f"strict_mode = true, max_line_size = {int(limits.max_row_chars)}, buffer_size = {buffer_bytes}, columns = {every_column})"
        )
        longest = "greatest(" + ", ".join(f"coalesce(length({_quoted(c)}), 0)" for c in columns) + ")"
        rows, longest_cell = connection.execute(f"SELECT count(*), coalesce(max({longest}), 0) FROM {csv_read}", {"path": path}).fetchone()
    except duckdb.Error:
        connection.close()
        return None
    if rows + 1 != lines or longest_cell > limits.max_field_chars:
        connection.close()
        return None
    cell = {c: (f"coalesce({_quoted(c)}, '')" if c in columns else "''") for c in _COLUMNS}
    empty_entity = ", ".join(f"'{value}'" for value in sorted(_EMPTY))
    query = f"""
        SELECT {cell['created_at']}, {cell['event']}, {cell['actor_info']}, {cell['entity_info']},
               {cell['device_id']}, {cell['client_platform']},
               regexp_matches({cell['created_at']}, $stamp)
               AND regexp_matches({cell['event']}, $event)
               AND regexp_matches({cell['device_id']}, $device)
               AND ({cell['entity_info']} IN ({empty_entity})
                    OR (regexp_matches({cell['entity_info']}, $entity)
                        AND length(regexp_extract({cell['entity_info']}, $entity, 1)) <= {MAX_ENTITY_TYPE}
                        AND length(regexp_extract({cell['entity_info']}, $entity, 2)) <= {MAX_ENTITY_ID})),
               regexp_extract({cell['entity_info']}, $entity, 1), regexp_extract({cell['entity_info']}, $entity, 2)
        FROM {csv_read}
    """
    parameters = {"path": path, "stamp": _STAMP, "event": _EVENT, "device": _DEVICE, "entity": _ENTITY}
    return ColumnarRows(connection, query, parameters, rows)


def _quoted(column: str) -> str:
    return '"' + column + '"'  # a header of [a-z_] names only (_plain_shape)


def _on_disk(binary: IO[bytes], workdir: str) -> str:
    name = getattr(binary, "name", None)
    if isinstance(name, str) and os.path.isfile(name) and binary.seekable():
        binary.seek(0, os.SEEK_END)
        if binary.tell() == os.path.getsize(name):
            binary.seek(0)
            return name
    binary.seek(0)
    path = os.path.join(workdir, "audit.csv")
    with open(path, "wb") as copy:
        shutil.copyfileobj(binary, copy, 1 << 20)
    binary.seek(0)
    return path


def _plain_shape(path: str) -> tuple[str | None, int]:
    """The header line and the number of physical lines, or (None, 0) when the file is not plain
    as far as bytes tell: a byte-order mark, CR or NUL anywhere, a blank line, a header of other
    than [a-z_] column names."""
    with open(path, "rb") as raw:
        first = raw.readline(4096)
        if not first.endswith(b"\n") or not _plain_header(first[:-1]):
            return None, 0
        lines, previous_end = 1, b"\n"
        while block := raw.read(1 << 20):
            if b"\r" in block or b"\x00" in block or b"\n\n" in block or (previous_end == b"\n" and block[:1] == b"\n"):
                return None, 0
            lines += block.count(b"\n")
            previous_end = block[-1:]
        if previous_end != b"\n":
            lines += 1  # the last line has no line break
    return first[:-1].decode("ascii"), lines


def _plain_header(header: bytes) -> bool:
    return all(name and all(97 <= byte <= 122 or byte == 95 for byte in name) for name in header.split(b","))


def columnar_workdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="audit-columnar-")
