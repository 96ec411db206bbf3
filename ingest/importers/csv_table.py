"""Header-led CSV files (the spend report, help-desk ticket exports) read row by row in bounded memory.

The audit-log reader's treatment, for files whose columns are found by name: the header is the first
non-blank line; the delimiter is a comma, semicolon or tab (a spreadsheet's re-save); a row longer
than the row limit or holding a field longer than the field limit is read past in chunks and
rejected with its line, and the file goes on. Header names are compared normalised
(`normalise_header`), so "User's email", "user email" and "user_email" are one spelling.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import IO

from .common import BoundedLines, ImportLimits, RejectedRow, RowTooLong, UnsupportedFile, size_text

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_header(name: str) -> str:
    """Lower-cased, stripped, every run of other characters than a-z and 0-9 (spaces, hyphens,
    apostrophes, parentheses) one underscore: "User's email" → "user_s_email", "Net spend (USD)"
    → "net_spend_usd"."""
    return _NOT_ALNUM.sub("_", name.strip().lstrip("\ufeff").lower()).strip("_")


def delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get)


def header_cells(header_line: str) -> list[str]:
    """The raw cells of a header line (BOM and surrounding blanks stripped)."""
    row = next(csv.reader([header_line.rstrip("\r\n")], delimiter=delimiter(header_line)), [])
    return [cell.strip().lstrip("\ufeff").strip() for cell in row]


def head_header(head: str) -> list[str]:
    """The header cells of a file's first 64 KiB (its first non-blank line); [] when there is none."""
    for line in head.lstrip("\ufeff").splitlines():
        if line.strip():
            return header_cells(line)
    return []


def has_nul(*cells: str) -> bool:
    return any("\x00" in cell for cell in cells)


class CsvRows:
    """The rows of a header-led CSV: `header` (raw cells) once read, then `rows()` yields
    (line, cells) per non-blank row, padded with "" to the header's width, or RejectedRow."""

    def __init__(self, binary: IO[bytes], limits: ImportLimits, expected: str):
        self._binary = binary
        self._limits = limits
        self._expected = expected
        self.header: list[str] = []

    def rows(self) -> Iterator[tuple[int, list[str]] | RejectedRow]:
        self._binary.seek(0)
        text = io.TextIOWrapper(self._binary, encoding="utf-8-sig", newline="")
        lines = BoundedLines(text, self._limits.max_row_chars)
        try:
            yield from self._rows(lines)
        except UnicodeDecodeError:
            raise UnsupportedFile("The file is not UTF-8 text. " + self._expected) from None
        except csv.Error as exc:
            raise UnsupportedFile(f"The CSV is malformed ({exc}). " + self._expected) from None
        finally:
            text.detach()

    def _rows(self, lines: BoundedLines) -> Iterator[tuple[int, list[str]] | RejectedRow]:
        limits = self._limits
        try:
            header_line = next(lines, "")
            while header_line and not header_line.strip():
                lines.record_chars = 0
                header_line = next(lines, "")
        except RowTooLong:
            raise UnsupportedFile(
                f"The CSV's first line is longer than {size_text(limits.max_row_chars)}. " + self._expected
            ) from None
        self.header = header_cells(header_line)
        width = len(self.header)
        reader = csv.reader(lines, delimiter=delimiter(header_line))
        too_long = f"the row is longer than {size_text(limits.max_row_chars)} (IMPORT_MAX_ROW_BYTES)"
        field_too_long = f"a field is longer than {size_text(limits.max_field_chars)} (IMPORT_MAX_FIELD_BYTES)"
        previous_field_limit = csv.field_size_limit(limits.max_field_chars)
        try:
            while True:
                start = lines.line + 1
                lines.record_chars = lines.record_quotes = 0
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except RowTooLong:
                    lines.skip_open_quote()
                    yield RejectedRow(start, too_long)
                    continue
                except csv.Error as exc:
                    if "field limit" not in str(exc):
                        raise
                    lines.skip_open_quote()
                    yield RejectedRow(start, field_too_long)
                    continue
                if lines.exhausted and lines.line > start and lines.record_quotes % 2:
                    raise csv.Error(f"a quoted field opened on line {start} is never closed")
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(row) < width:
                    row += [""] * (width - len(row))
                yield start, row
        finally:
            csv.field_size_limit(previous_field_limit)
