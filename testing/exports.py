"""Helpers shared by the exports/tests/test_exports_*.py files: request an export from a dashboard
view as the browser does, build it as the task does, and read the downloaded file back."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import openpyxl
from django.test import TestCase
from django.urls import reverse

from exports.models import Export
from exports.services import export_build
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


def export_requested(client, *, view: str = "conversations", format: str = "csv", as_of: str = DAY, sort: str = "") -> Export:
    """POST the dashboard header's export form; the build task is queued on commit (not run)."""
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        response = client.post(reverse("export-create"), {"view": view, "format": format, "as_of": as_of, "sort": sort})
    export = Export.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == reverse("export-detail", args=[export.pk])
    assert len(queued) == 1, "the build is queued once, after commit"
    return export


def export_made(client, **request) -> Export:
    """Request an export and build it, as the Celery task would."""
    export = export_build(export_id=export_requested(client, **request).pk)
    assert export.status == Export.Status.DONE, export.error
    return export


def download(client, export: Export) -> bytes:
    response = client.get(reverse("export-download", args=[export.pk]))
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def file_rows(export: Export, content: bytes) -> list[list]:
    """The file's rows, trailing empty cells dropped (XLSX rows are padded to the widest)."""
    if export.format == Export.Format.CSV:
        rows = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    trimmed = []
    for row in rows:
        while row and row[-1] in (None, ""):
            row = row[:-1]
        trimmed.append(row)
    return trimmed


def downloaded_rows(client, export: Export) -> list[list]:
    return file_rows(export, download(client, export))


def section(rows: list[list], title: str) -> list[list]:
    """The rows of one section after its heading and header rows, up to the blank row that ends it."""
    start = rows.index([title]) + 2
    end = rows.index([], start) if [] in rows[start:] else len(rows)  # an XLSX has no trailing blank row
    return rows[start:end]


def titles(rows: list[list]) -> list[str]:
    """Every section heading: a one-cell row right after a blank row (the provenance block's end included)."""
    return [rows[n][0] for n in range(1, len(rows)) if rows[n - 1] == [] and len(rows[n]) == 1]
