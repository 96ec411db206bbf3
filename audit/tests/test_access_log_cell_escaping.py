"""escape_cell: a cell a spreadsheet would read as a formula gets a leading apostrophe; others stay as they are."""

from __future__ import annotations

import pytest

from portal.spreadsheets import escape_cell


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        '=HYPERLINK("https://evil.example","Click")',
        "+49 30 1234567",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\rcmd",
    ],
)
def test_a_cell_starting_like_a_formula_gets_a_leading_apostrophe(value):
    assert escape_cell(value) == f"'{value}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("alice", "alice"),
        ("dashboard-overview", "dashboard-overview"),  # a dash inside is harmless
        ("a=b", "a=b"),
        (" =1+1", " =1+1"),  # a leading space is not one of the trigger characters
        ("'quoted", "'quoted"),
        ("", ""),
        (None, ""),
        (42, "42"),
        ("2025-03-01 09:00:00", "2025-03-01 09:00:00"),
        ("Ünïcode ✓", "Ünïcode ✓"),
    ],
)
def test_harmless_values_are_untouched(value, expected):
    assert escape_cell(value) == expected


def test_non_text_values_are_escaped_by_their_text():
    assert escape_cell(-5) == "'-5"
