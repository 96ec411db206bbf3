"""Reading roster files (CSV, XLSX) in bounded time and memory, for the roster admin and import_roster.

A roster file is at most ROSTER_MAX_BYTES and ROSTER_MAX_ROWS rows. An XLSX is read with openpyxl
in read-only mode, with the sheet's declared dimensions ignored (a 5 KB file can declare
A1:XFD1048576, and openpyxl would make an empty cell for each) and only the first
ROSTER_MAX_COLUMNS columns read; a sheet that declares more than those limits is refused at once,
with a message, before any row is read (an "XLSX bomb").

What a workbook really holds is checked before openpyxl reads it too (`_xlsx_parts_check`), since
openpyxl builds every cell of a row before it drops those past ROSTER_MAX_COLUMNS, and every shared
string at once: a 250 KB file with one row of five million cells took 45 s and 3 GB. Its XML parts
may inflate to XLSX_MAX_INFLATION times ROSTER_MAX_BYTES in all, none more than IMPORT_ZIP_MAX_RATIO
times its compressed size (past its first MiB); a row may hold at most EXCEL_MAX_COLUMNS cells and
the workbook twice the cells of a full roster (ROSTER_MAX_ROWS x ROSTER_MAX_COLUMNS).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from import_export.formats.base_formats import CSV, XLSX


class RosterFileRefused(ValueError):
    """The file is not read; the message says why, for the person who chose it."""


def roster_size_check(*, size: int) -> None:
    if size > settings.ROSTER_MAX_BYTES:
        raise RosterFileRefused(
            f"The file is {filesizeformat(size)}; a roster file may be at most {filesizeformat(settings.ROSTER_MAX_BYTES)} "
            "(ROSTER_MAX_BYTES)."
        )


def _rows_check(count: int) -> None:
    if count > settings.ROSTER_MAX_ROWS:
        raise RosterFileRefused(
            f"The file has more than {settings.ROSTER_MAX_ROWS:,} rows, the most a roster may have (ROSTER_MAX_ROWS)."
        )


# An XLSX's XML inflates 5 to 15 times; the parts of a workbook may inflate to this many times
# ROSTER_MAX_BYTES in all.
XLSX_MAX_INFLATION = 20
# Excel's own limit (column XFD): a row holding more cells than this was not written by Excel.
EXCEL_MAX_COLUMNS = 16_384
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?(row|c)[\s/>]")  # <row ...> or <c ...>, any prefix
_SCAN_CHUNK = 1 << 16
_BOMB = " Copy the roster's columns into a new workbook, or save it as CSV."


def _xlsx_parts_check(content: bytes) -> None:
    """Refuse a workbook whose parts would cost openpyxl more than a roster can need (module docstring).
    The sizes checked are the ones the ZIP declares: zipfile gives no more than those, and a part
    that inflates to something else fails its CRC check."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return  # openpyxl says it is not a workbook
    with archive:
        parts = archive.infolist()
        inflated_cap = XLSX_MAX_INFLATION * settings.ROSTER_MAX_BYTES
        if sum(part.file_size for part in parts) > inflated_cap:
            raise RosterFileRefused(
                f"The workbook inflates to more than {filesizeformat(inflated_cap)} ({XLSX_MAX_INFLATION} times "
                "ROSTER_MAX_BYTES); a roster's is far smaller." + _BOMB
            )
        for part in parts:
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size > 1024**2 and ratio > settings.IMPORT_ZIP_MAX_RATIO:
                raise RosterFileRefused(
                    f"The workbook's {part.filename[:80]} inflates {ratio:,.0f} times its compressed size; the limit is "
                    f"{settings.IMPORT_ZIP_MAX_RATIO} times (IMPORT_ZIP_MAX_RATIO), as no real workbook compresses that "
                    "well (an XLSX bomb?)." + _BOMB
                )
        budget = 2 * (settings.ROSTER_MAX_ROWS + 1) * settings.ROSTER_MAX_COLUMNS
        for part in parts:
            budget -= _cells_count(archive, part, budget)


def _cells_count(archive: zipfile.ZipFile, part: zipfile.ZipInfo, budget: int) -> int:
    """The cell elements of one part, read in chunks; refused past EXCEL_MAX_COLUMNS in a row or
    `budget` in all."""
    cells = row_cells = 0
    carry = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(_SCAN_CHUNK)
            data = carry + chunk
            cut = max(len(data) - 64, 0) if chunk else len(data)  # a tag cut by the chunk is read with the next
            for match in _ROW_OR_CELL.finditer(data):
                if match.start() >= cut:
                    break
                if match.group(1) == b"row":
                    row_cells = 0
                    continue
                cells += 1
                row_cells += 1
                if row_cells > EXCEL_MAX_COLUMNS:
                    raise RosterFileRefused(
                        f"A row of the workbook holds more than {EXCEL_MAX_COLUMNS:,} cells, more than Excel allows "
                        "(an XLSX bomb?)." + _BOMB
                    )
                if cells > budget:
                    raise RosterFileRefused(
                        f"The workbook holds more cells than twice a roster of {settings.ROSTER_MAX_ROWS:,} rows "
                        f"(ROSTER_MAX_ROWS) and {settings.ROSTER_MAX_COLUMNS} columns (ROSTER_MAX_COLUMNS) would." + _BOMB
                    )
            if not chunk:
                return cells
            carry = data[cut:]


def roster_xlsx_dataset(content: bytes) -> tablib.Dataset:
    roster_size_check(size=len(content))
    try:
        _xlsx_parts_check(content)
        return _xlsx_dataset(content)
    except (zipfile.BadZipFile, zlib.error, EOFError, SyntaxError) as exc:  # a part damaged inside (bad CRC, XML ParseError)
        raise RosterFileRefused(f"The file is not a readable Excel (XLSX) workbook ({type(exc).__name__}).") from None


def _xlsx_dataset(content: bytes) -> tablib.Dataset:
    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    max_rows, max_columns = settings.ROSTER_MAX_ROWS, settings.ROSTER_MAX_COLUMNS
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RosterFileRefused(f"The file is not a readable Excel (XLSX) workbook ({type(exc).__name__}).") from None
    try:
        sheet = book.active
        try:
            declared = sheet.calculate_dimension()
        except ValueError:  # no dimension declared: nothing to check before reading
            declared = ""
        try:
            _, _, max_col, max_row = range_boundaries(declared) if declared else (1, 1, 1, 1)
        except (TypeError, ValueError):
            max_col = max_row = None
        if max_col is not None and (max_col > max_columns or (max_row or 0) > max_rows + 1):
            raise RosterFileRefused(
                f"The sheet declares the range {declared} ({max_col:,} columns, {max_row:,} rows); a roster has at most "
                f"{max_columns} columns (ROSTER_MAX_COLUMNS) and {max_rows:,} rows (ROSTER_MAX_ROWS). Copy the "
                "roster's columns into a new sheet, or save it as CSV."
            )
        sheet.reset_dimensions()  # read the cells the sheet holds, not the ones it declares
        rows = sheet.iter_rows(max_col=max_columns, values_only=True)
        header = list(next(rows, ()))
        width = max((i + 1 for i, value in enumerate(header) if value not in (None, "")), default=0)
        dataset = tablib.Dataset(headers=[value for value in header[:width]])
        scanned = 0
        for row in rows:
            scanned += 1
            if scanned > max_rows * 2:  # blank rows count too, past twice the cap
                _rows_check(scanned)
            values = list(row[:width]) + [None] * (width - len(row))
            if any(value not in (None, "") for value in values):
                dataset.append(values)
                _rows_check(len(dataset))
        return dataset
    finally:
        book.close()


class RosterCSV(CSV):
    def create_dataset(self, in_stream, **kwargs):
        roster_size_check(size=len(in_stream))
        dataset = super().create_dataset(in_stream, **kwargs)
        _rows_check(len(dataset))
        return dataset


class RosterXLSX(XLSX):
    def create_dataset(self, in_stream):
        return roster_xlsx_dataset(in_stream)
