"""The rest of the Claude Code tab and the Rollout page's by-team table, against hand-computed
fixtures: weekly charts (ISO weeks of UTC dates), the support-tickets chart with notes as markers
(days in the reporting timezone), the by-team Claude Code columns, the tab's export, and the
attacks on each (a hidden team's figures cannot be read from its row, its chart or the file)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from exports.models import Export
from exports.services import export_build
from notes.models import ChampionNote
from people.models import Member, Team
from people.services import population_changed
from portal.models import Scope
from testing.claude_code import otel_event, otel_event_line, usage_record, usage_report_page
from testing.exports import downloaded_rows, export_made, section, titles
from testing.fixtures import upload_imported_done

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 11)  # a Wednesday: ISO week 2026-W46 runs from 11-09 to 11-15


@pytest.fixture
def code_weeks(settings):
    """Two teams of two on the roster, k = 2. W45 (11-02..11-08): ana 2 sessions, bo 1. W46 to the
    as-of day: ana 1, cy 4, dee 2; cy and dee load a plugin; three tagged tickets in Berlin days."""
    settings.MIN_GROUP_SIZE = 2
    settings.REPORTING_TIMEZONE = "Europe/Berlin"
    upload_imported_done(
        usage_report_page(
            usage_record(day="2026-11-03", email="ana@example.com", sessions=2, added=10),
            usage_record(day="2026-11-08", email="bo@example.com", sessions=1),
            usage_record(day="2026-11-09", email="ana@example.com", sessions=1),
            usage_record(day="2026-11-10", email="cy@example.com", sessions=4, added=40),
            usage_record(day="2026-11-11", email="dee@example.com", sessions=2),
            usage_record(day="2026-11-12", email="dee@example.com", sessions=7),  # after the as-of day
        ),
        "report.json",
    )
    upload_imported_done(
        otel_event_line(
            otel_event(name="plugin_loaded", email="cy@example.com", day="2026-11-10", plugin="review-kit", sequence=1),
            otel_event(name="plugin_installed", email="dee@example.com", day="2026-11-11", plugin="review-kit", sequence=2),
        ),
        "events.jsonl",
    )
    upload_imported_done(
        b"id,created_at,requester_email,tags\n"
        b"T-1,2026-11-08T23:30:00Z,cy@example.com,claude-code\n"  # 00:30 on Monday 11-09 in Berlin: W46
        b"T-2,2026-11-10T09:00:00Z,dee@example.com,claude-code\n"
        b"T-3,2026-11-10T10:00:00Z,ana@example.com,claude-code\n"
        b"T-4,2026-11-10T11:00:00Z,ana@example.com,printer\n",  # untagged: never kept
        "tickets.csv",
    )
    for name, emails in {"Alpha": ["ana@example.com", "bo@example.com"], "Beta": ["cy@example.com", "dee@example.com"]}.items():
        Member.objects.filter(email__in=emails).update(team=Team.objects.create(name=name), on_roster=True, seat_start=date(2026, 1, 1))
    population_changed()


def chart(client, name: str, **query) -> dict:
    response = client.get(reverse(name), {"as_of": AS_OF.isoformat(), **query})
    assert response.status_code == 200
    return response.json()


# ---------- Weekly charts ----------


def test_the_weekly_charts_count_iso_weeks_of_utc_dates(client, viewer, code_weeks):
    client.force_login(viewer)
    active = chart(client, "chart-code-weekly-active-users")
    sessions = chart(client, "chart-code-weekly-sessions")

    assert active["labels"] == ["2026-11-02", "2026-11-09"]
    assert active["datasets"][0]["data"] == [2, 3]  # ana and bo; ana, cy and dee
    assert sessions["datasets"][0]["data"] == [3, 7]  # dee's 11-12 session is after the as-of day
    assert active["timezone"] == "UTC" and active["partial_week"] == "2026-11-09"
    assert chart(client, "chart-code-weekly-sessions", group="team:Beta")["datasets"][0]["data"] == [0, 6]


def test_a_hidden_group_gets_no_weekly_figures(client, viewer, code_weeks, settings):
    client.force_login(viewer)
    settings.MIN_GROUP_SIZE = 3

    for name in ("chart-code-weekly-active-users", "chart-code-weekly-sessions"):
        payload = chart(client, name, group="team:Beta")
        assert payload["suppressed"] is True and payload["datasets"][0]["data"] == [None, None]


# ---------- The support-tickets chart ----------


def test_tickets_per_day_in_the_reporting_timezone_with_notes_as_markers(client, viewer, code_weeks):
    ChampionNote.objects.create(date=date(2026, 11, 10), text="MCP servers enabled")
    client.force_login(viewer)

    payload = chart(client, "chart-support-tickets")

    # T-1 is 11-09 in Berlin (11-08 in UTC); from the first ticket day to the as-of day, zeros filled.
    assert payload["labels"] == ["2026-11-09", "2026-11-10", "2026-11-11"]
    assert payload["datasets"][0]["data"] == [1, 2, 0]
    assert payload["timezone"] == "Europe/Berlin"
    assert [(n["date"], n["text"]) for n in payload["notes"]] == [("2026-11-10", "MCP servers enabled")]
    assert chart(client, "chart-support-tickets", group="team:Alpha")["datasets"][0]["data"] == [0, 1, 0]  # ana's T-3


def test_the_tickets_chart_of_a_hidden_group_is_all_gaps(client, viewer, code_weeks, settings):
    client.force_login(viewer)
    settings.MIN_GROUP_SIZE = 3

    payload = chart(client, "chart-support-tickets", group="team:Alpha")

    assert payload["suppressed"] is True and set(payload["datasets"][0]["data"]) == {None}


def test_the_tab_draws_the_weekly_and_tickets_charts(client, viewer, code_weeks):
    client.force_login(viewer)
    html = client.get(reverse("dashboard-claude-code"), {"as_of": AS_OF.isoformat()}).content.decode()

    for name in ("chart-code-weekly-active-users", "chart-code-weekly-sessions", "chart-support-tickets"):
        assert f'data-chart-url="{reverse(name)}?as_of=2026-11-11"' in html


# ---------- The by-team table ----------


def team_cells(client, **query) -> dict[str, list[str]]:
    html = client.get(reverse("dashboard-rollout"), {"as_of": AS_OF.isoformat(), **query}).content.decode()
    table = re.search(r'<table[^>]*id="teams".*?</table>', html, re.DOTALL).group(0)
    return {
        team: [cell.strip() for cell in re.findall(r"<td[^>]*>([^<]*)</td>", row)]
        for team, row in re.findall(r'<th scope="row"><a [^>]*>(\w+)</a></th>(.*?)</tr>', table, re.DOTALL)
    }


def test_the_by_team_table_has_this_weeks_claude_code_figures(client, viewer, code_weeks):
    client.force_login(viewer)

    rows = team_cells(client)

    # Members, active, utilisation, conversations per user, two changes, then Claude Code:
    # Alpha: ana (1 session), no plugin, ana's T-3: 100 tickets per 100 users.
    # Beta: cy and dee (6 sessions), both loaded a plugin, T-1 and T-2.
    assert rows["Alpha"][-4:] == ["1", "1.00", "0 %", "100.00"]
    assert rows["Beta"][-4:] == ["2", "3.00", "100 %", "100.00"]


def test_a_hidden_team_shows_no_claude_code_figure(client, viewer, code_weeks, settings):
    """The attack: with Beta hidden, Beta's code-active users would be the organisation's minus
    Alpha's. Its row shows only the member count, and none of the four new columns."""
    client.force_login(viewer)
    settings.MIN_GROUP_SIZE = 3

    rows = team_cells(client)

    assert all(len(cells) == 2 and cells[1].startswith("Hidden") for cells in rows.values())


def test_the_team_column_sorts(client, viewer, code_weeks):
    client.force_login(viewer)

    assert list(team_cells(client, team_sort="-code_active_users")) == ["Beta", "Alpha"]
    assert list(team_cells(client, team_sort="code_active_users")) == ["Alpha", "Beta"]


# ---------- The tab's export ----------


CODE_SECTIONS = [
    "Claude Code totals", "Claude Code per UTC date", "Claude Code per ISO week", "By terminal", "By model",
    "Plugin adoption", "Skills used", "Support tickets per day", "API keys",
]


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_a_usage_viewer_exports_the_tab_without_people(client, viewer, code_weeks, format):
    client.force_login(viewer)

    export = export_made(client, view="claude-code", format=format, as_of=AS_OF.isoformat())
    rows = downloaded_rows(client, export)

    assert export.scope == Scope.AGGREGATE and export.rows == 0
    assert [t for t in titles(rows) if t in CODE_SECTIONS] == CODE_SECTIONS
    assert section(rows, "Claude Code per ISO week") == [
        ["2026-W45", "2026-11-02", *([2, 3, 0, 0] if format == "xlsx" else ["2", "3", "0", "0"])],
        ["2026-W46", "2026-11-09", *([3, 7, 2, 3] if format == "xlsx" else ["3", "7", "2", "3"])],
    ]
    text = str(rows)
    assert "Member " not in text and "@example.com" not in text


def test_an_individual_detail_viewer_exports_pseudonyms(client, detail_viewer, code_weeks):
    client.force_login(detail_viewer)

    export = export_made(client, view="claude-code", as_of=AS_OF.isoformat())
    rows = downloaded_rows(client, export)

    members = section(rows, "Claude Code per member")
    assert export.scope == Scope.PSEUDONYMOUS and export.rows == 4
    assert [row[3] for row in members] == ["4", "3", "2", "1"]  # sessions all time (cy, ana, dee, bo), most first
    assert all(re.fullmatch(r"Member [0-9A-F]{4}-[0-9A-F]{4}", row[0]) for row in members)
    assert "@example.com" not in str(rows)


def test_the_export_of_a_hidden_group_holds_markers_not_figures(client, viewer, code_weeks, settings):
    client.force_login(viewer)
    settings.MIN_GROUP_SIZE = 3
    response = client.post(
        reverse("export-create"), {"view": "claude-code", "format": "csv", "as_of": AS_OF.isoformat(), "group": "team:Beta"}
    )
    assert response.status_code == 302

    export = export_build(export_id=Export.objects.latest("id").pk)
    rows = downloaded_rows(client, export)

    assert section(rows, "Claude Code totals")[0][1] == "fewer than 3 people"
    assert {cell for row in section(rows, "Claude Code per ISO week") for cell in row[2:]} == {"fewer than 3 people"}
    assert section(rows, "Plugin adoption") == [["fewer than 3 people"]]
    assert "API keys" not in titles(rows)  # API keys belong to no group


def test_someone_seen_only_in_claude_code_cannot_be_subtracted_out(client, viewer, code_weeks):
    """The attack: eve is on no roster and in no audit log, only in a usage report. The Rollout
    KPI counts her among the organisation's code-active users; were both teams shown, the
    organisation minus Alpha minus Beta would be eve alone. She is in the population, so the rule
    hides a team."""
    from people.groups import Group
    from people.selectors import groups_hidden_get

    assert groups_hidden_get() == frozenset()
    upload_imported_done(usage_report_page(usage_record(day="2026-11-10", email="eve@example.com", sessions=5)), "eve.json")

    assert groups_hidden_get() & {Group("team", "Alpha"), Group("team", "Beta")}
    client.force_login(viewer)
    assert any(cells[1].startswith("Hidden") for cells in team_cells(client).values())
