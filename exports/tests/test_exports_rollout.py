"""The Rollout tab exports what its page shows to the one who asks: the cards, the KPIs against
last week and the baseline, every week, adoption and lifecycle, the roster, the teams (hidden ones
as the marker), the gaps and, for individual-detail viewers only, the seat holders never active
(pseudonyms; names under a reveal). A hidden team's export holds markers, not figures."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from django.urls import reverse

from audit.models import AccessRecord
from notes.models import Milestone
from people.models import Member, Team
from portal.models import Scope
from testing.exports import downloaded_file, export_clicked
from testing.rollout import AS_OF

pytestmark = pytest.mark.django_db

GROUP_TABLES = ["Active users", "KPIs vs last week and baseline", "Figures per ISO week", "Adoption and lifecycle per week"]
AGGREGATE_TABLES = [*GROUP_TABLES[:2], *GROUP_TABLES[2:], "Roster", "By team", "Enablement gaps"]


@pytest.fixture(autouse=True)
def berlin(settings):
    settings.REPORTING_TIMEZONE = "Europe/Berlin"


@pytest.fixture
def with_idle_seat(rollout):
    """e holds a seat in team Beta and has never been active; a baseline week is pinned."""
    Member.objects.create(
        email="e@example.com", name="Person E", pseudonym="Member 0E0E-0E0E", on_roster=True, team=Team.objects.get(name="Beta"), seat_start=date(2025, 10, 1)
    )
    Milestone.objects.create(label="Before launch", date=date(2025, 10, 22), is_baseline=True)


def page(client, **query) -> str:
    response = client.get(reverse("dashboard-rollout"), {"as_of": AS_OF, **query})
    assert response.status_code == 200
    return response.content.decode()


def page_teams(html: str) -> dict[str, list[str]]:
    """The page's by-team table: team -> its cells' text."""
    body = re.search(r'<table[^>]*id="teams".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        team = re.search(r"<a [^>]*>(.*?)</a>", row).group(1)
        rows[team] = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return rows


def test_the_rollout_page_has_the_export_buttons_with_its_team_order(client, viewer, rollout):
    client.force_login(viewer)

    html = page(client, team_sort="-members")

    form = re.search(r'<form class="export-form" method="post" action="([^"]+)">(.*?)</form>', html, re.S)
    assert form and 'name="view" value="rollout"' in form.group(2) and 'name="sort" value="-members"' in form.group(2)


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_a_usage_viewer_exports_the_page_without_people(client, viewer, with_idle_seat, data_through_as_of, format):
    client.force_login(viewer)

    export = export_clicked(client, view="rollout", format=format, as_of=AS_OF)
    file = downloaded_file(client, export)

    assert export.scope == Scope.AGGREGATE and export.rows == 0
    assert list(file.tables) == AGGREGATE_TABLES
    assert "Seat holders never active" not in file.tables
    text = str(file.tables)
    assert "Member " not in text and "@example.com" not in text
    number = int if format == "xlsx" else str
    # The KPI table as on the page: W45 to date (Mon–Wed) against the same days of W44 and of the baseline week W43.
    kpis = {row[0]: row for row in file.tables["KPIs vs last week and baseline"]}
    header = file.tables["KPIs vs last week and baseline"][0]
    assert header[1:3] == ["This week (2025-W45, Mon–Wed)", "Last week (2025-W44, Mon–Wed)"]
    assert header[5] == "Baseline (2025-W43, Mon–Wed): Before launch"
    assert kpis["Active users"][1:4] == [number(1), number(1), number(0)]
    assert kpis["Active users"][5] == number(2)  # a and b in W43
    # The by-team table holds what the page's does, team by team.
    teams = {row[0]: row for row in file.tables["By team"][1:]}
    shown = page_teams(page(client))
    assert sorted(teams) == sorted(shown) == ["Alpha", "Beta"]
    for team, cells in shown.items():
        assert teams[team][1] == "2025-W45"
        assert str(teams[team][2]) == cells[0]  # members
        assert str(teams[team][3]) == cells[1]  # active users this week
    # Weeks from the first event's week, Mondays as real dates in the workbook.
    weeks = file.tables["Figures per ISO week"]
    assert [row[0] for row in weeks[1:]] == ["2025-W43", "2025-W44", "2025-W45"]
    assert weeks[1][1] == (datetime(2025, 10, 20) if format == "xlsx" else "2025-10-20")
    # Nobody used Claude Code: zero people is nothing to hide, so its columns hold 0.
    code = weeks[0].index("Claude Code active users (UTC dates)")
    assert {row[code] for row in weeks[1:]} == {number(0)}
    if format == "xlsx":
        assert file.formats["Figures per ISO week"][1][1] == "yyyy-mm-dd"
        utilisation = weeks[0].index("Utilisation")
        assert isinstance(weeks[1][utilisation], float) and file.formats["Figures per ISO week"][1][utilisation] == "0%"


def test_an_individual_detail_viewer_gets_the_idle_seat_holders_under_pseudonyms(client, detail_viewer, with_idle_seat):
    client.force_login(detail_viewer)
    idle = Member.objects.get(email="e@example.com")

    export = export_clicked(client, view="rollout", as_of=AS_OF)
    file = downloaded_file(client, export)

    assert export.scope == Scope.PSEUDONYMOUS and export.rows == 1
    assert list(file.tables) == [*AGGREGATE_TABLES, "Seat holders never active"]
    assert file.tables["Seat holders never active"] == [["Member", "Team"], [idle.pseudonym, "Beta"]]
    assert idle.pseudonym in page(client)  # as the page lists them
    assert "e@example.com" not in str(file.tables) and "Person E" not in str(file.tables)
    record = AccessRecord.objects.filter(view_name="export-download").latest("id")
    assert (record.scope, record.person_rows, record.members) == (Scope.PSEUDONYMOUS, 1, [])


def test_under_a_reveal_the_seat_holders_are_named_and_the_download_records_them(client, detail_viewer, reveal_names, with_idle_seat):
    client.force_login(detail_viewer)
    reveal_names(client)
    idle = Member.objects.get(email="e@example.com")

    export = export_clicked(client, view="rollout", format="xlsx", as_of=AS_OF)
    file = downloaded_file(client, export)

    assert export.scope == Scope.NAMED
    assert file.tables["Seat holders never active"] == [["Member", "Name", "Email", "Team"], [idle.pseudonym, "Person E", "e@example.com", "Beta"]]
    record = AccessRecord.objects.filter(view_name="export-download").latest("id")
    assert (record.scope, record.members) == (Scope.NAMED, [idle.pk])


def _numbers(rows: list[list], format: str) -> list:
    """The figures among the cells: numbers in a workbook, number-like text in a CSV."""
    if format == "xlsx":
        return [cell for row in rows for cell in row if isinstance(cell, int | float) and not isinstance(cell, bool)]
    return [cell for row in rows for cell in row if re.fullmatch(r"-?\d+(\.\d+)?", cell or "")]


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_a_hidden_teams_export_holds_markers_where_the_organisations_holds_figures(client, viewer, with_idle_seat, settings, format):
    """The attack: with k = 3, Alpha (2 members) is hidden, and Beta (3) with it, or the
    organisation minus Beta would be Alpha. Export the Rollout tab for team Alpha and for the
    organisation: were Alpha's figures in its file, they would be a group under k. Alpha's file
    holds the marker in every figure; the organisation's holds figures."""
    settings.MIN_GROUP_SIZE = 3
    marker = "fewer than 3 people"
    client.force_login(viewer)

    team = downloaded_file(client, export_clicked(client, view="rollout", format=format, as_of=AS_OF, group="team:Alpha"))
    organisation = downloaded_file(client, export_clicked(client, view="rollout", format=format, as_of=AS_OF))

    assert ["Group", "Team Alpha (its roster members)"] in team.provenance
    for title in GROUP_TABLES:
        body = [row[1:] for row in team.tables[title][1:]]
        assert _numbers(body, format) == [], title
        assert marker in {cell for row in body for cell in row}, title
        assert _numbers([row[1:] for row in organisation.tables[title][1:]], format), f"the organisation's {title} has figures"
    hidden = {row[0]: row[3:] for row in team.tables["By team"][1:]}
    assert set(hidden["Alpha"]) == set(hidden["Beta"]) == {marker}
    assert team.tables["By team"] == organisation.tables["By team"]  # the organisation's table, as on the page
    assert team.tables["Enablement gaps"] == [team.tables["Enablement gaps"][0]]  # no hidden team named as a gap
