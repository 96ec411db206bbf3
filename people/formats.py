"""Reading roster files (CSV, XLSX) in bounded time and memory, for the roster admin and import_roster.

A roster file is at most ROSTER_MAX_BYTES and ROSTER_MAX_ROWS rows. An XLSX is read with openpyxl
in read-only mode, with the sheet's declared dimensions ignored (a 5 KB file can declare
A1:XFD1048576, and openpyxl would make an empty cell for each) and only the first
ROSTER_MAX_COLUMNS columns read; a sheet that declares more than those limits is refused at once,
with a message, before any row is read (an "XLSX bomb").
"""

from __future__ import annotations

import io
import zipfile

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


def roster_xlsx_dataset(content: bytes) -> tablib.Dataset:
    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    roster_size_check(size=len(content))
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
