"""What every importer shares: the file-level error, the limits a file may ask of a worker, the
rejected-row record, and a line reader that never holds more of a line than its limit.

Importers are pure parsers (no ORM): they yield records (NamedTuples) and `RejectedRow`s, and raise
`UnsupportedFile` for a file that cannot be imported as a whole.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, Any, NamedTuple


class UnsupportedFile(Exception):
    """The file as a whole cannot be imported; the message is meant for the person who uploaded it."""


@dataclass(frozen=True)
class ImportLimits:
    """What one file may ask of a worker (the settings IMPORT_MAX_* and IMPORT_ZIP_MAX_*)."""

    max_field_chars: int = 1024**2  # one CSV cell or JSON string
    max_row_chars: int = 4 * 1024**2  # one CSV row (all its lines), JSON line or JSON array item
    max_json_depth: int = 32  # objects and arrays inside one JSON event
    zip_max_inflated_bytes: int = 16 * 1024**3  # the CSV inside a ZIP
    zip_max_ratio: int = 100  # inflated / compressed size of that CSV (past its first MiB)


DEFAULT_LIMITS = ImportLimits()
CHUNK = 1 << 16


def size_text(chars: int) -> str:
    return f"{chars / 1024**2:g} MiB" if chars >= 1024**2 else f"{chars / 1024:g} KiB"


class RowTooLong(Exception):
    pass


class BoundedLines:
    """The physical lines of a text stream for csv.reader, never holding more of a record than
    `limit` characters: past it, the rest of the line is read in chunks and dropped, and
    RowTooLong is raised (csv.reader passes it on and starts afresh on the next call).
    `line` counts the physical lines read; set `record_chars = 0` before each record."""

    def __init__(self, text: io.TextIOBase, limit: int):
        self._text = text
        self._limit = limit
        self.line = 0
        self.record_chars = 0
        self.record_quotes = 0
        self.exhausted = False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self._text.readline(self._limit + 1)
        if not line:
            self.exhausted = True
            raise StopIteration
        self.line += 1
        self.record_chars += len(line)
        self.record_quotes += line.count('"')
        if self.record_chars > self._limit:
            if line[-1] not in "\r\n":
                self._rest_of_line()
            raise RowTooLong
        return line

    def _rest_of_line(self) -> bool:
        """Read past the rest of a physical line, counting its quotes; False at the end of the file."""
        while True:
            piece = self._text.readline(CHUNK)
            if not piece:
                return False
            self.record_quotes += piece.count('"')
            if piece[-1] in "\r\n":
                return True

    def skip_open_quote(self) -> None:
        """After a record was cut inside a quoted field, read past the lines up to the one that closes it
        (quotes come in pairs in a well-formed CSV, "" included), so its rest is not taken for rows."""
        while self.record_quotes % 2:
            self.line += 1
            if not self._rest_of_line():
                return


class RejectedRow(NamedTuple):
    line: int
    reason: str


def skip_bom(binary: IO[bytes]) -> None:
    binary.seek(0)
    if binary.read(3) != b"\xef\xbb\xbf":
        binary.seek(0)


def longest_string(value: Any) -> int:
    longest, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            longest = max(longest, len(item))
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return longest


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether objects and arrays nest more than `limit` levels in `value` (itself the first level),
    as the JSON array scanner of audit_log counts them."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in item)
    return False
