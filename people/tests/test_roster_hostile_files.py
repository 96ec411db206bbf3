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

from people.formats import RosterFileRefused, roster_xlsx_dataset
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


def xlsx_with_a_wide_row(cells: int) -> bytes:
    """A workbook whose third row holds `cells` cells, written in pieces: its declared dimension
    stays A1:D2, and the file stays small (the cells compress ~400 times)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx(ROWS[:2])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with target.open(info.filename, "w", force_zip64=True) as part:
                part.write(head + b'<row r="3">')
                piece = b'<c t="n"><v>1</v></c>' * 10_000
                for _ in range(cells // 10_000):
                    part.write(piece)
                part.write(b"</row></sheetData>" + tail)
    return out.getvalue()


def test_a_small_xlsx_with_a_row_of_millions_of_cells_is_refused_fast(as_importer):
    """The dimension it declares is small; its content is not (openpyxl alone took 45 s and 3 GB on 5 million)."""
    content = xlsx_with_a_wide_row(2_000_000)
    assert len(content) < 200_000

    started = time.monotonic()
    response = preview(as_importer, content, name="roster.xlsx", file_format=XLSX)

    assert time.monotonic() - started < 3
    assert "IMPORT_ZIP_MAX_RATIO" in _errors(response) and "an XLSX bomb?" in _errors(response)
    assert Member.objects.count() == 0


def test_a_row_of_more_cells_than_excel_allows_is_refused_whatever_the_ratio(settings):
    settings.IMPORT_ZIP_MAX_RATIO = 1_000_000

    started = time.monotonic()
    with pytest.raises(RosterFileRefused, match="holds more than 16,384 cells"):
        roster_xlsx_dataset(xlsx_with_a_wide_row(1_000_000))
    assert time.monotonic() - started < 3


def test_a_workbook_inflating_past_its_cap_is_refused_before_it_is_read(settings):
    settings.IMPORT_ZIP_MAX_RATIO = 1_000_000
    settings.ROSTER_MAX_BYTES = 200_000  # the parts may inflate to 20 times that: 4 MB

    with pytest.raises(RosterFileRefused, match="inflates to more than 3.8"):
        roster_xlsx_dataset(xlsx_with_a_wide_row(300_000))  # 6.6 MB of XML


def test_a_workbook_with_more_cells_than_twice_a_full_roster_is_refused(settings):
    settings.ROSTER_MAX_ROWS, settings.ROSTER_MAX_COLUMNS = 100, 5  # at most 2 x 101 x 5 = 1,010 cells
    rows = ROWS + [[f"p{n}@example.com", f"P {n}", "Data", "2025-09-01", "x", "y"] for n in range(200)]

    with pytest.raises(RosterFileRefused, match="more cells than twice a roster of 100 rows"):
        roster_xlsx_dataset(xlsx(rows, dimension="A1:D3"))


def test_a_workbook_damaged_inside_a_part_gets_a_message_not_a_traceback(as_importer):
    content = bytearray(xlsx(ROWS + [[f"p{n}@example.com", f"P {n}", "Data", "2025-09-01"] for n in range(3000)]))
    part = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("xl/worksheets/sheet1.xml")
    header = part.header_offset  # the local header: 30 bytes, then the name and the extra field
    name_length, extra_length = (int.from_bytes(content[header + at : header + at + 2], "little") for at in (26, 28))
    middle = header + 30 + name_length + extra_length + part.compress_size // 2
    content[middle : middle + 200] = bytes(b ^ 0x5A for b in content[middle : middle + 200])  # the deflated XML, garbled

    response = preview(as_importer, bytes(content), name="roster.xlsx", file_format=XLSX)

    assert response.status_code == 200
    assert "not a readable Excel (XLSX) workbook" in _errors(response)
    assert Member.objects.count() == 0
