"""Every cell of an export (CSV and XLSX) that a spreadsheet would read as a formula starts with an
apostrophe: names starting with =, +, -, @, a tab or a carriage return come out neutralised."""

from __future__ import annotations

import pytest

from people.models import Member
from testing.exports import (
    downloaded_rows,
    export_made,
    export_with_names,
    section,
)

NAMES = {
    "eq@example.com": '=HYPERLINK("https://evil.example","Click")',
    "plus@example.com": "+1",
    "minus@example.com": "-2",
    "at@example.com": "@x",
    "tab@example.com": "tab placeholder",
    "cr@example.com": "cr placeholder",
}
# The importer strips surrounding whitespace from names, so these two are set directly: data that
# reaches the database another way must not get through either.
SET_DIRECTLY = {"tab@example.com": "\tx", "cr@example.com": "\rx"}


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_cells_starting_like_a_formula_get_a_leading_apostrophe(client, detail_viewer, reveal_names, import_bytes, format):
    import_bytes(export_with_names(NAMES))
    for email, name in SET_DIRECTLY.items():
        Member.objects.filter(email=email).update(name=name)
    client.force_login(detail_viewer)
    reveal_names(client)

    rows = downloaded_rows(client, export_made(client, format=format))

    names = {row[2]: row[1] for row in section(rows, "Conversations per member")}  # email -> name
    expected = {**NAMES, **SET_DIRECTLY}
    if format == "xlsx":  # XML reads a bare carriage return back as a line feed
        expected["cr@example.com"] = "\nx"
    assert names == {email: f"'{name}" for email, name in expected.items()}
    leaders = {row[3]: row[2] for row in section(rows, "Top members")}
    assert leaders == names
    # Counts stay numbers (in XLSX real numbers), never escaped.
    counts = [row[3:6] for row in section(rows, "Conversations per member")]
    assert counts == [[2, 2, 2] if format == "xlsx" else ["2", "2", "2"]] * len(expected)
    dangerous = ("=", "+", "-", "@", "\t", "\r")
    assert not [cell for row in rows for cell in row if isinstance(cell, str) and cell.startswith(dangerous)]
