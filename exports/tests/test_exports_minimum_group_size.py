"""Minimum group size in exports, exactly as on screen: an organisation of k-1 users exports
"fewer than k people" for every figure (never 0 or blank) and no per-member rows; k users export figures."""

from __future__ import annotations

import pytest

from testing.exports import DAY, downloaded_rows, export_made, section
from testing.fixtures import export_csv

K = 5
MARKER = f"fewer than {K} people"
FIGURE_SECTIONS = ["Totals", "Conversations by period"]
COUNT_SECTIONS = ["Conversations per day", "Users by conversations created"]


@pytest.fixture(autouse=True)
def k_is_five(settings):
    settings.MIN_GROUP_SIZE = K


def organisation_of(import_bytes, size: int) -> None:
    upload = import_bytes(export_csv({f"person{n}@example.com": n + 1 for n in range(size)}, day=DAY))
    assert upload.status == "done", upload.error


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_an_organisation_below_k_exports_the_marker_for_every_figure(client, detail_viewer, import_bytes, format):
    organisation_of(import_bytes, K - 1)
    client.force_login(detail_viewer)

    export = export_made(client, format=format)
    rows = downloaded_rows(client, export)

    for title in FIGURE_SECTIONS:
        assert [row[1] for row in section(rows, title)] == [MARKER] * len(section(rows, title)), title
    assert section(rows, "Conversations per day") and all(row[1:] == [MARKER] for row in section(rows, "Conversations per day"))
    assert [row[1:] for row in section(rows, "Users by conversations created")] == [[MARKER] * 3] * 4
    for title in ("Top members", "Conversations per member"):
        assert section(rows, title) == [[f"Hidden: the organisation has {MARKER} up to this day (minimum group size)."]]
    assert export.rows == 0
    assert not any(f"person{n}" in str(cell) for row in rows for cell in row for n in range(K))


def test_an_organisation_of_k_exports_its_figures(client, detail_viewer, import_bytes):
    organisation_of(import_bytes, K)
    client.force_login(detail_viewer)

    rows = downloaded_rows(client, export_made(client))

    assert section(rows, "Totals")[0][:2] == ["Users", str(K)]
    assert section(rows, "Conversations by period")[2][:2] == ["All time", str(sum(range(1, K + 1)))]
    assert len(section(rows, "Conversations per member")) == K
    assert MARKER not in str(rows[11:])  # only the provenance block names the marker
