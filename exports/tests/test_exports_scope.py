"""An export shows what its requester sees on screen: aggregates for usage viewers, pseudonymous
per-member rows for individual-detail viewers, names and emails only while names are revealed.
The scope is decided when the export is requested and stored on it."""

from __future__ import annotations

import pytest

from people.models import Member
from portal.models import Scope
from testing.exports import (
    downloaded_rows,
    export_made,
    export_with_names,
    section,
    titles,
)

PEOPLE = {f"person{n}@example.com": f"Person Number{n}" for n in range(5)}
AGGREGATE_SECTIONS = ["Totals", "Conversations by period", "Conversations per day", "Users by conversations created"]


@pytest.fixture
def imported(import_bytes):
    for n, (email, name) in enumerate(PEOPLE.items()):  # person0 created 1 conversation, person4 5
        import_bytes(export_with_names({email: name}, conversations=n + 1))
    return list(Member.objects.values("email", "name", "pseudonym"))


def _text(rows) -> str:
    return "\n".join(" | ".join(str(cell) for cell in row) for row in rows)


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_a_usage_viewers_file_has_aggregates_only(client, viewer, imported, format):
    client.force_login(viewer)

    export = export_made(client, format=format)
    rows = downloaded_rows(client, export)

    assert export.scope == Scope.AGGREGATE and export.rows == 0
    assert titles(rows) == AGGREGATE_SECTIONS
    text = _text(rows)
    for member in imported:
        assert member["pseudonym"] not in text and member["email"] not in text and member["name"] not in text


def test_an_individual_detail_viewers_file_has_pseudonyms_not_emails(client, detail_viewer, imported):
    client.force_login(detail_viewer)

    export = export_made(client)
    rows = downloaded_rows(client, export)

    assert export.scope == Scope.PSEUDONYMOUS
    assert titles(rows) == [*AGGREGATE_SECTIONS, "Top members", "Conversations per member"]
    assert export.rows == 5 + 5  # the member table and the leaderboard
    text = _text(rows)
    for member in imported:
        assert member["pseudonym"] in text
        assert member["email"] not in text and member["name"] not in text


def test_after_a_reveal_the_file_has_names_and_emails(client, detail_viewer, reveal_names, imported):
    client.force_login(detail_viewer)
    reveal_names(client)

    export = export_made(client, format="xlsx")
    rows = downloaded_rows(client, export)

    assert export.scope == Scope.NAMED
    assert export.parameters["members"] == sorted(Member.objects.values_list("id", flat=True))
    text = _text(rows)
    for member in imported:
        assert member["email"] in text and member["name"] in text


def test_the_overview_export_is_aggregate_whoever_asks(client, detail_viewer, reveal_names, imported):
    client.force_login(detail_viewer)
    reveal_names(client)

    export = export_made(client, view="overview")
    rows = downloaded_rows(client, export)

    assert export.scope == Scope.AGGREGATE
    assert titles(rows) == ["Totals", "Daily active users"]
    assert all(member["email"] not in _text(rows) for member in imported)


def test_the_member_rows_follow_the_sort_shown_on_the_page(client, detail_viewer, imported):
    client.force_login(detail_viewer)

    ascending = export_made(client, sort="conversations_all_time")
    descending = export_made(client)  # the table's default: most conversations first

    counts_up = [row[3] for row in section(downloaded_rows(client, ascending), "Conversations per member")]
    counts_down = [row[3] for row in section(downloaded_rows(client, descending), "Conversations per member")]
    assert counts_up == ["1", "2", "3", "4", "5"]
    assert counts_down == ["5", "4", "3", "2", "1"]
