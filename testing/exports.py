"""Helpers shared by the exports/tests/test_exports_*.py files (and usage's export tests): request
an export from a dashboard view as the browser does, build it as the task does when it went to the
background, and read the downloaded file back (a ZIP of CSVs, or a workbook of sheets)."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

import openpyxl
from django.test import TestCase
from django.urls import reverse

from exports.models import Export
from exports.selectors import SMALL_EXPORT_PEOPLE
from exports.services import export_build
from people.models import Member
from portal import spreadsheets
from testing.fixtures import export_csv

# A recent day, so the import keeps its events (older ones fall outside raw-event retention).
DAY = (datetime.now() - timedelta(days=2)).date().isoformat()


def export_with_names(names_by_email: dict[str, str], conversations: int = 2) -> bytes:
    """An import (testing.fixtures.export_csv) whose members carry the given names."""
    content = export_csv({email: conversations for email in names_by_email}, day=DAY)
    rows = list(csv.reader(io.StringIO(content.decode(), newline="")))
    for n, name in enumerate(names_by_email.values()):
        for row in rows[1:]:
            row[1] = row[1].replace(f"'Member {n:03d}'", repr(name))
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def more_people_than_small(*, team=None) -> None:
    """Enough roster members (invented, without activity) that an export with per-member rows is
    no longer small (exports.selectors.SMALL_EXPORT_PEOPLE) and goes to the background."""
    known = Member.objects.count()
    Member.objects.bulk_create(
        Member(email=f"roster{n:05d}@example.com", pseudonym=f"Member R{n:04d}", on_roster=True, team=team)
        for n in range(SMALL_EXPORT_PEOPLE + 1 - known)
    )


def _posted(client, *, view: str, format: str, as_of: str, sort: str, group: str = ""):
    data = {"view": view, "format": format, "as_of": as_of, "sort": sort}
    if group:
        data["group"] = group
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        response = client.post(reverse("export-create"), data)
    return Export.objects.latest("id"), response, queued


def export_requested(client, *, view: str = "conversations", format: str = "csv", as_of: str = DAY, sort: str = "", group: str = "") -> Export:
    """POST the dashboard header's export form for a large export: it goes to its page, and the
    build task is queued on commit (not run)."""
    export, response, queued = _posted(client, view=view, format=format, as_of=as_of, sort=sort, group=group)
    assert response.status_code == 302 and response["Location"] == reverse("export-detail", args=[export.pk])
    assert len(queued) == 1, "the build is queued once, after commit"
    return export


def export_clicked(client, *, view: str = "conversations", format: str = "csv", as_of: str = DAY, sort: str = "", group: str = "") -> Export:
    """POST the export form for a small export: built in the request, which redirects to the download."""
    export, response, queued = _posted(client, view=view, format=format, as_of=as_of, sort=sort, group=group)
    assert response.status_code == 302 and response["Location"] == reverse("export-download", args=[export.pk]), response
    assert len(queued) == 0, "a small export queues nothing"
    assert export.status == Export.Status.DONE, export.error
    return export


def export_made(client, *, view: str = "conversations", format: str = "csv", as_of: str = DAY, sort: str = "", group: str = "") -> Export:
    """Request an export; if it went to the background, build it as the Celery task would."""
    export, response, queued = _posted(client, view=view, format=format, as_of=as_of, sort=sort, group=group)
    assert response.status_code == 302, response.status_code
    if queued:
        export = export_build(export_id=export.pk)
    assert export.status == Export.Status.DONE, export.error
    return export


def download(client, export: Export) -> bytes:
    response = client.get(reverse("export-download", args=[export.pk]))
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


@dataclass
class ExportFile:
    """A downloaded export read back: the provenance rows, and each table's rows (its header
    first) by its full title, in the file's order. XLSX cells keep their types (numbers, datetimes);
    `formats` holds each table's XLSX cells' number formats, row by row."""

    provenance: list[list]
    tables: dict[str, list[list]]
    names: dict[str, str]  # title -> file or sheet name
    formats: dict[str, list[list[str]]]


def _trimmed(rows) -> list[list]:
    trimmed = []
    for row in rows:
        row = list(row)
        while row and row[-1] in (None, ""):
            row = row[:-1]
        trimmed.append(row)
    return trimmed


def _contents(provenance: list[list]) -> dict[str, str]:
    """file or sheet name -> title, from the provenance's table list (after its blank row)."""
    start = provenance.index([]) + 2
    return {row[0]: row[1] for row in provenance[start:]}


def file_read(export: Export, content: bytes) -> ExportFile:
    if export.format == Export.Format.CSV:
        archive = zipfile.ZipFile(io.BytesIO(content))

        def rows_of(name: str) -> list[list]:
            return _trimmed(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"), newline="")))

        provenance = rows_of(spreadsheets.PROVENANCE_FILE)
        contents = _contents(provenance)
        assert archive.namelist() == [spreadsheets.PROVENANCE_FILE, *contents], archive.namelist()
        tables = {title: rows_of(name) for name, title in contents.items()}
        return ExportFile(provenance, tables, {title: name for name, title in contents.items()}, {})
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    provenance = _trimmed(workbook[spreadsheets.PROVENANCE_SHEET].iter_rows(values_only=True))
    contents = _contents(provenance)
    assert workbook.sheetnames == [spreadsheets.PROVENANCE_SHEET, *contents], workbook.sheetnames
    tables = {title: _trimmed(workbook[name].iter_rows(values_only=True)) for name, title in contents.items()}
    formats = {title: [[cell.number_format for cell in row] for row in workbook[name].iter_rows()] for name, title in contents.items()}
    return ExportFile(provenance, tables, {title: name for name, title in contents.items()}, formats)


def downloaded_file(client, export: Export) -> ExportFile:
    return file_read(export, download(client, export))


def _as_text(value):
    """A datetime read from a workbook as the CSV writes it: a day, or a moment to the minute."""
    if isinstance(value, datetime):
        return value.date().isoformat() if (value.hour, value.minute, value.second) == (0, 0, 0) else value.strftime("%Y-%m-%d %H:%M")
    return value


def file_rows(export: Export, content: bytes) -> list[list]:
    """The whole file as one list of rows, as the old single-sheet layout had it: the provenance
    facts, a blank row, then per table its title, header and rows and a blank row. XLSX numbers stay
    numbers; its dates read as ISO text (check real date cells with file_read)."""
    read = file_read(export, content)
    rows = read.provenance[: read.provenance.index([]) + 1] if [] in read.provenance else [*read.provenance, []]
    for title, table in read.tables.items():
        rows += [[title], *([_as_text(cell) for cell in row] for row in table), []]
    return rows


def downloaded_rows(client, export: Export) -> list[list]:
    return file_rows(export, download(client, export))


def section(rows: list[list], title: str) -> list[list]:
    """The rows of one section after its heading and header rows, up to the blank row that ends it."""
    start = rows.index([title]) + 2
    end = rows.index([], start) if [] in rows[start:] else len(rows)
    return rows[start:end]


def titles(rows: list[list]) -> list[str]:
    """Every section heading: a one-cell row right after a blank row (the provenance block's end included)."""
    return [rows[n][0] for n in range(1, len(rows)) if rows[n - 1] == [] and len(rows[n]) == 1]
