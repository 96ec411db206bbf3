"""A corpus of hostile audit-log files, generated in code (tests and `benchmark --hostile`).

Each file is written to disk in pieces, so making a 400 MiB row costs this process little
memory. `scale` shrinks the big parts (the tests use a small one; the benchmark the full size),
keeping every one well past the import limits of the default settings.

Every file has a few ordinary events by invented people at example.com around its hostile part,
so an outcome of "done" also shows that the rest of the file was imported.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

MIB = 1024**2
# Yesterday, so the events are within any raw-event retention period.
DAY = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
COLUMNS = ["created_at", "actor_info", "event", "event_info", "entity_info", "ip_address", "device_id", "user_agent", "client_platform"]


@dataclass(frozen=True)
class HostileFile:
    name: str
    attack: str
    status: str  # "done" or "failed"
    says: str  # in the upload's error (failed) or in a rejected row's reason (done)
    good_rows: int  # ordinary events the upload imports when done
    write: Callable[[Path, float], None]


def _event(n: int) -> dict:
    email = f"hostile.member{n % 3}@example.com"
    return {
        "created_at": f"{DAY}T08:{n // 60:02d}:{n % 60:02d}.000000Z",
        "actor_info": str({"name": f"Member {n % 3}", "uuid": f"00000000-0000-4000-8000-00000000000{n % 3}", "metadata": {"email_address": email}}),
        "event": "conversation_created",
        "event_info": "{}",
        "entity_info": str({"type": "chat_conversation", "uuid": f"10000000-0000-4000-8000-{n:012d}"}),
        "ip_address": "203.0.113.7",
        "device_id": "device-1",
        "user_agent": "Mozilla/5.0",
        "client_platform": "web_claude_ai",
    }


def _csv_line(values: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue().encode()


def _csv_rows(first: int, count: int) -> bytes:
    return b"".join(_csv_line([_event(n)[c] for c in COLUMNS]) for n in range(first, first + count))


def _repeat(handle, piece: bytes, total: int) -> None:
    total -= total % len(piece)  # whole pieces only
    block = piece * max(1, MIB // len(piece))
    written = 0
    while written < total:
        chunk = block[: total - written]
        handle.write(chunk)
        written += len(chunk)


def _size(mib: float, scale: float) -> int:
    return max(int(mib * MIB * scale), 6 * MIB)  # always past the 4 MiB row limit


def _row_with(handle, column: str, write_value: Callable) -> None:
    """One CSV row whose `column` cell is written by write_value(handle), unquoted."""
    values = _event(99)
    cells = [values[c] for c in COLUMNS]
    at = COLUMNS.index(column)
    before, after = _csv_line(cells[:at] + [""]).rstrip(b"\n"), _csv_line([""] + cells[at + 1 :])
    handle.write(before)
    write_value(handle)
    handle.write(after)


# --- the files ------------------------------------------------------------------------------------


def _zip_bomb(path: Path, scale: float) -> None:
    """~400 KB that inflates to 400 MiB: a header and one row of 400 MiB (at scale 1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("audit_logs.csv", "w", force_zip64=True) as member:
            member.write(_csv_line(COLUMNS))
            _row_with(member, "event_info", lambda h: _repeat(h, b"A", _size(400, scale)))


def _zip_random_row(path: Path, scale: float) -> None:
    """A ZIP that compresses like a real one (random text), holding one 64 MiB row among good ones."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("audit_logs.csv", "w", force_zip64=True) as member:
            member.write(_csv_line(COLUMNS) + _csv_rows(0, 3))

            def noise(handle):
                left = _size(64, scale)
                while left > 0:
                    chunk = base64.b64encode(os.urandom(768 * 1024))[:left]
                    handle.write(chunk)
                    left -= len(chunk)

            _row_with(member, "event_info", noise)
            member.write(_csv_rows(3, 3))


def _huge_field(path: Path, scale: float) -> None:
    """One quoted 3 MB cell (the case of the issue): only that row is rejected."""
    with path.open("wb") as handle:
        handle.write(_csv_line(COLUMNS) + _csv_rows(0, 3))
        _row_with(handle, "user_agent", lambda h: (h.write(b'"'), _repeat(h, b"Mozilla ", 3 * 1000 * 1000), h.write(b'"')))
        handle.write(_csv_rows(3, 3))


def _huge_line(path: Path, scale: float) -> None:
    """Good rows, then a 200 MiB line with no newline at all, to the end of the file."""
    with path.open("wb") as handle:
        handle.write(_csv_line(COLUMNS) + _csv_rows(0, 6))
        handle.write(b"2025-10-01T09:00:00Z,")
        _repeat(handle, b"x", _size(200, scale))


def _huge_multiline_field(path: Path, scale: float) -> None:
    """A quoted cell of 32 MiB over many short lines, then good rows."""
    with path.open("wb") as handle:
        handle.write(_csv_line(COLUMNS) + _csv_rows(0, 3))
        _row_with(handle, "user_agent", lambda h: (h.write(b'"'), _repeat(h, b"y" * 99 + b"\n", _size(32, scale)), h.write(b'"')))
        handle.write(_csv_rows(3, 3))


def _many_columns(path: Path, scale: float) -> None:
    """Rows of 3 million cells (just under the row limit), and one of 12 million (past it)."""
    with path.open("wb") as handle:
        handle.write(_csv_line(COLUMNS) + _csv_rows(0, 3))
        for cells in (3 * 1000 * 1000, 12 * 1000 * 1000):
            handle.write(_csv_rows(10 + cells % 7, 1).rstrip(b"\n"))
            _repeat(handle, b",", cells)
            handle.write(b"\n")
        handle.write(_csv_rows(3, 3))


def _wide_header(path: Path, scale: float) -> None:
    """A header of the right columns followed by 2 million more: longer than any row may be."""
    with path.open("wb") as handle:
        handle.write(b",".join(c.encode() for c in COLUMNS))
        _repeat(handle, b",extra", 12 * 1000 * 1000)
        handle.write(b"\n" + _csv_rows(0, 6))


def _nested_cell(path: Path, scale: float) -> None:
    """An actor_info cell of 900 KB of nested dicts, which a Python-literal reader would choke on."""
    with path.open("wb") as handle:
        handle.write(_csv_line(COLUMNS) + _csv_rows(0, 3))
        depth = 900 * 1000 // 8
        _row_with(handle, "actor_info", lambda h: (h.write(b'"'), _repeat(h, b"{'a': ", depth * 6), _repeat(h, b"}", depth), h.write(b'"')))
        handle.write(_csv_rows(3, 3))


def _json_items(first: int, count: int) -> bytes:
    return b",".join(json.dumps(_event(n)).encode() for n in range(first, first + count))


def _json_deep(path: Path, scale: float) -> None:
    """A JSON array with an event nested 2 million levels deep between good ones."""
    with path.open("wb") as handle:
        handle.write(b"[" + _json_items(0, 3) + b',{"created_at": "2025-10-01T09:00:00Z", "event": "x", "actor_info": ')
        _repeat(handle, b"[", 2 * 1000 * 1000)
        _repeat(handle, b"]", 2 * 1000 * 1000)
        handle.write(b"}," + _json_items(3, 3) + b"]")


def _json_giant_string(path: Path, scale: float) -> None:
    """A JSON array with one event whose user_agent is a 300 MiB string."""
    with path.open("wb") as handle:
        handle.write(b"[" + _json_items(0, 3) + b',{"created_at": "2025-10-01T09:00:00Z", "event": "x", "user_agent": "')
        _repeat(handle, b"z", _size(300, scale))
        handle.write(b'"},' + _json_items(3, 3) + b"]")


def _json_giant_item(path: Path, scale: float) -> None:
    """A JSON array with one event of 100 MiB made of short strings (no string is long)."""
    with path.open("wb") as handle:
        handle.write(b"[" + _json_items(0, 3) + b',{"created_at": "2025-10-01T09:00:00Z", "event": "x", "tags": [')
        _repeat(handle, b'"tag",', _size(100, scale))
        handle.write(b'"end"]},' + _json_items(3, 3) + b"]")


def _jsonl_deep(path: Path, scale: float) -> None:
    """JSON lines with one line nested 1.5 million levels deep (3 MB)."""
    lines = [json.dumps(_event(n)).encode() for n in range(6)]
    with path.open("wb") as handle:
        handle.write(b"\n".join(lines[:3]) + b"\n")
        handle.write(b'{"created_at": "2025-10-01T09:00:00Z", "event": "x", "actor_info": ')
        _repeat(handle, b"[", 1500 * 1000)
        _repeat(handle, b"]", 1500 * 1000)
        handle.write(b"}\n" + b"\n".join(lines[3:]) + b"\n")


def _jsonl_giant_line(path: Path, scale: float) -> None:
    """JSON lines with one 200 MiB line."""
    lines = [json.dumps(_event(n)).encode() for n in range(6)]
    with path.open("wb") as handle:
        handle.write(b"\n".join(lines[:3]) + b"\n")
        handle.write(b'{"created_at": "2025-10-01T09:00:00Z", "event": "x", "user_agent": "')
        _repeat(handle, b"w", _size(200, scale))
        handle.write(b'"}\n' + b"\n".join(lines[3:]) + b"\n")


CORPUS = [
    HostileFile("zip_bomb.zip", "~400 KB ZIP inflating to 400 MiB of one CSV row", "failed", "IMPORT_ZIP_MAX_RATIO", 0, _zip_bomb),
    HostileFile("zip_random_row.zip", "ZIP of random text with one 64 MiB row", "done", "IMPORT_MAX_ROW_BYTES", 6, _zip_random_row),
    HostileFile("huge_field.csv", "one quoted 3 MB field", "done", "IMPORT_MAX_FIELD_BYTES", 6, _huge_field),
    HostileFile("huge_line.csv", "a 200 MiB line without newline", "done", "IMPORT_MAX_ROW_BYTES", 6, _huge_line),
    HostileFile("huge_multiline_field.csv", "a 32 MiB quoted field over many lines", "done", "IMPORT_MAX_FIELD_BYTES", 6, _huge_multiline_field),
    HostileFile("many_columns.csv", "rows of 3 and 12 million cells", "done", "IMPORT_MAX_ROW_BYTES", 7, _many_columns),
    HostileFile("wide_header.csv", "a header of 12 million columns", "failed", "first line is longer", 0, _wide_header),
    HostileFile("nested_cell.csv", "a 900 KB nested actor_info cell", "done", "actor_info", 6, _nested_cell),
    HostileFile("deep.json", "JSON array, an event nested 2 million deep", "done", "nested more than", 6, _json_deep),
    HostileFile("giant_string.json", "JSON array, a 300 MiB string", "done", "IMPORT_MAX_FIELD_BYTES", 6, _json_giant_string),
    HostileFile("giant_item.json", "JSON array, a 100 MiB event of short strings", "done", "IMPORT_MAX_ROW_BYTES", 6, _json_giant_item),
    HostileFile("deep.jsonl", "JSON lines, a line nested 1.5 million deep", "done", "nested too deeply", 6, _jsonl_deep),
    HostileFile("giant_line.jsonl", "JSON lines, a 200 MiB line", "done", "IMPORT_MAX_ROW_BYTES", 6, _jsonl_giant_line),
]


def hostile_file_write(hostile: HostileFile, folder: Path, *, scale: float = 1.0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / hostile.name
    hostile.write(path, scale)
    return path
