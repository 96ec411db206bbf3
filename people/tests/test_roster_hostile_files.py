"""Hostile roster files in the admin's import: a tiny XLSX declaring A1:XFD4000 (an "XLSX bomb"),
real cells far to the right, too many rows, too large a file. Each is refused fast with a message,
or read within bounds; nothing is imported from a refused file."""

from __future__ import annotations

import io
import re
import time
import zipfile

import openpyxl
import pytest

from people.formats import roster_xlsx_dataset
from people.models import Member
from testing.roster import XLSX, import_roster, preview

ROWS = [
    ["email", "name", "team", "seat_start"],
    ["ada@example.com", "Ada Example", "Data", "2025-09-01"],
    ["bo@example.com", "Bo Example", "Data", "2025-09-01"],
]


def xlsx(rows=ROWS, *, dimension: str | None = None, far_cell: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if far_cell:
        sheet[far_cell] = "far away"
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    # Rewrite the sheet's declared dimension, as a hostile (or careless) tool would.
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}" />'.encode(), data)
            target.writestr(info, data)
    return out.getvalue()


@pytest.fixture
def as_importer(client, importer):
    client.force_login(importer)
    return client


def _errors(response) -> str:
    return " ".join(str(e) for e in response.context["form"].errors.get("import_file", []))


def test_an_xlsx_bomb_declaring_a1_xfd4000_fails_fast_with_a_message(as_importer):
    content = xlsx(dimension="A1:XFD4000")
    assert len(content) < 10_000

    started = time.monotonic()
    response = preview(as_importer, content, name="roster.xlsx", file_format=XLSX)

    assert time.monotonic() - started < 3
    assert response.status_code == 200
    assert "declares the range A1:XFD4000 (16,384 columns, 4,000 rows)" in _errors(response)
    assert Member.objects.count() == 0


def test_real_cells_far_to_the_right_are_not_read_past_the_column_limit(settings):
    settings.ROSTER_MAX_COLUMNS = 10
    content = xlsx(far_cell="XFD2", dimension="A1:D3")  # the declaration lies small

    dataset = roster_xlsx_dataset(content)

    assert dataset.headers == ["email", "name", "team", "seat_start"]
    assert len(dataset) == 2


def test_a_sheet_without_a_declared_dimension_is_read_for_its_cells(as_importer):
    content = xlsx(dimension="A1")  # a one-cell declaration: openpyxl alone would read one cell

    confirmed = import_roster(as_importer, content, name="roster.xlsx", file_format=XLSX)

    assert confirmed.status_code == 200
    assert sorted(Member.objects.values_list("email", flat=True)) == ["ada@example.com", "bo@example.com"]


def test_a_roster_with_more_rows_than_the_limit_is_refused(as_importer, settings):
    settings.ROSTER_MAX_ROWS = 1

    as_csv = preview(as_importer, b"email,name,team,seat_start\na@example.com,A,T,2025-09-01\nb@example.com,B,T,2025-09-01\n")
    as_xlsx = preview(as_importer, xlsx(), name="roster.xlsx", file_format=XLSX)

    for response in (as_csv, as_xlsx):
        assert "1 rows (ROSTER_MAX_ROWS)" in _errors(response) or "more than 1 rows" in _errors(response)
    assert Member.objects.count() == 0


def test_a_roster_file_larger_than_the_limit_is_refused_by_the_form(as_importer, settings):
    settings.ROSTER_MAX_BYTES = 1000

    response = preview(as_importer, b"email,name,team,seat_start\n" + b"x@example.com,X,T,2025-09-01\n" * 100)

    assert response.status_code == 200
    assert "a roster file may be at most 1000" in _errors(response)
    assert Member.objects.count() == 0


def test_a_file_that_is_not_a_workbook_gets_a_message(as_importer):
    response = preview(as_importer, b"PK\x03\x04 not really a zip", name="roster.xlsx", file_format=XLSX)

    assert "not a readable Excel (XLSX) workbook" in _errors(response)
