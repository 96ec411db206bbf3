"""The roster import reads the file's format from its content (nothing to pick, whatever the
file's name or a posted choice says), and its preview carries no inline styles (the CSP)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import Member
from testing.roster import CSV, XLSX, confirm

ROSTER = b"email,name,team,seat_start\nada@example.com,Ada Lovelace,Platform,2025-09-01\n"


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def as_importer(client, importer):
    client.force_login(importer)
    return client


def _preview(client, content: bytes, name: str, **extra):
    return client.post(
        reverse("admin:people_rosterentry_import"), {"resource": "0", "import_file": SimpleUploadedFile(name, content), **extra}
    )


def test_the_import_form_asks_for_the_file_only(as_importer):
    page = as_importer.get(reverse("admin:people_rosterentry_import")).content.decode()

    assert '<select name="format"' not in page
    assert "guess_format" not in page
    assert "the format is read from the file" in page


@pytest.mark.parametrize(
    ("content", "name", "detected"),
    [
        (ROSTER, "roster.csv", "CSV"),
        (ROSTER, "roster.xlsx", "CSV"),  # the name misleads; the content decides
        (_xlsx([["email", "name", "team", "seat_start"], ["ada@example.com", "Ada Lovelace", "Platform", "2025-09-01"]]), "roster", "Excel (XLSX)"),
    ],
)
def test_the_format_is_detected_from_the_content_and_the_preview_says_so(as_importer, content, name, detected):
    previewed = _preview(as_importer, content, name)

    html = previewed.content.decode()
    assert previewed.context["confirm_form"] is not None, html[:2000]
    assert f"Read as <strong>{detected}</strong>" in html
    confirmed = confirm(as_importer, previewed)
    assert "Import finished: 1 new" in confirmed.content.decode()
    assert Member.objects.get(email="ada@example.com").team.name == "Platform"


def test_a_posted_format_that_contradicts_the_content_is_ignored(as_importer):
    previewed = _preview(as_importer, ROSTER, "roster.csv", format=XLSX)

    assert "Read as <strong>CSV</strong>" in previewed.content.decode()
    assert previewed.context["confirm_form"].initial["format"] == CSV


def test_an_old_excel_workbook_is_refused_with_what_to_do(as_importer):
    response = _preview(as_importer, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "roster.xls")

    assert response.context.get("confirm_form") is None
    assert "old Excel (.xls) workbook; save it as Excel (XLSX) or CSV" in response.content.decode()


def test_the_preview_of_changes_has_no_inline_styles(as_importer):
    confirm(as_importer, _preview(as_importer, ROSTER, "roster.csv"))
    changed = ROSTER.replace(b"Platform", b"Data").replace(b"2025-09-01", b"2025-10-01")

    html = _preview(as_importer, changed, "roster.csv").content.decode()

    assert "style=" not in html
    assert '<del class="diff-removed">Platform</del>' in html
    assert '<ins class="diff-added">Data</ins>' in html
