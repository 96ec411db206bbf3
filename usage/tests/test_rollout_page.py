"""The Rollout page: KPIs this week against last week and the baseline, the weekly chart with the
baseline and markers, adoption and lifecycle, the by-team table with complementary suppression,
enablement gaps, and seat holders never active for individual-detail viewers."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.urls import reverse

from notes.models import ChampionNote, Milestone
from people.models import Member
from testing.fixtures import export_csv
from testing.rollout import AS_OF
from usage.selectors import rollout as rollout_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def berlin(settings):
    settings.REPORTING_TIMEZONE = "Europe/Berlin"


def page(client, **query) -> str:
    response = client.get(reverse("dashboard-rollout"), {"as_of": AS_OF, **query})
    assert response.status_code == 200
    return response.content.decode()


def kpi_row(html: str, key: str) -> list[str]:
    row = re.search(rf'<tr data-kpi="{key}">(.*?)</tr>', html, re.S).group(1)
    return [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_kpi_table_compares_this_week_with_last_week_and_the_baseline(client, viewer, rollout, data_through_as_of):
    Milestone.objects.create(label="Before launch", date=date(2025, 10, 22), is_baseline=True)
    client.force_login(viewer)

    html = page(client)

    # As of Wednesday: W45 to date against Monday to Wednesday of W44 and of the baseline W43.
    # W45: b active, 1 conversation. W44 Mon–Wed: c, 2 conversations. W43 Mon–Wed: a and b, a's
    # conversation of Monday 00:30 (Berlin) only: the whole W43 would add a's of Sunday.
    assert kpi_row(html, "active_users") == ["1", "1", "0 (0.0 %)", "2", "-1 (-50.0 %)"]
    assert kpi_row(html, "conversations") == ["1", "2", "-1 (-50.0 %)", "1", "0 (0.0 %)"]
    assert kpi_row(html, "utilisation") == ["50 %", "50 %", "0 pts (0.0 %)", "100 %", "-50 pts (-50.0 %)"]
    assert "This week (2025-W45, Mon–Wed)" in html and "Last week (2025-W44, Mon–Wed)" in html
    assert "Baseline (2025-W43, Mon–Wed: Before launch)" in html
    assert "This week to date against the same days of last week and the baseline" in html


def test_a_whole_week_is_compared_with_whole_weeks(client, viewer, rollout):
    Milestone.objects.create(label="Before launch", date=date(2025, 10, 22), is_baseline=True)
    client.force_login(viewer)

    html = page(client, as_of="2025-11-02")  # Sunday: W44 is whole

    # W44: c with 2 conversations; W43 whole: a (2 conversations, Monday and Sunday) and b.
    assert kpi_row(html, "conversations") == ["2", "2", "0 (0.0 %)", "2", "0 (0.0 %)"]
    assert "This week (2025-W44)" in html and "Mon–" not in html


def test_without_a_baseline_the_page_says_how_to_pin_one(client, viewer, rollout):
    client.force_login(viewer)

    assert "No baseline week is pinned yet" in page(client)


def test_the_weekly_chart_shades_the_baseline_and_puts_markers_on_their_week(client, viewer, rollout):
    Milestone.objects.create(label="Before launch", date=date(2025, 10, 22), is_baseline=True)
    ChampionNote.objects.create(date=date(2025, 10, 29), text="Office hours")
    client.force_login(viewer)

    data = json.loads(client.get(reverse("chart-weekly"), {"as_of": AS_OF}).content)

    assert data["labels"] == ["2025-10-20", "2025-10-27", "2025-11-03"]
    assert [d["data"] for d in data["datasets"]] == [[2, 1, 1], [2, 2, 2]]
    assert data["baseline"] == {"start": "2025-10-20", "label": "Before launch"}
    assert data["partial_week"] == "2025-11-03"
    assert [(n["date"], n["text"]) for n in data["notes"]] == [("2025-10-27", "Office hours")]
    assert [(m["date"], m["label"]) for m in data["milestones"]] == [("2025-10-20", "Before launch")]


def test_a_hidden_group_gets_gaps_in_the_weekly_chart(client, viewer, rollout, settings):
    settings.MIN_GROUP_SIZE = 3
    client.force_login(viewer)

    data = json.loads(client.get(reverse("chart-weekly"), {"as_of": AS_OF, "group": "team:Alpha"}).content)

    assert data["suppressed"] is True
    assert {value for d in data["datasets"] for value in d["data"]} == {None}


def test_the_group_filter_narrows_every_figure_to_the_team(client, viewer, rollout):
    client.force_login(viewer)

    html = page(client, group="team:Alpha")

    assert "Rollout: team Alpha" in html
    assert kpi_row(html, "seats")[:2] == ["1", "1"]  # W45 and W44: only a's seat (b's ended in W43)


def test_the_by_team_table_hides_teams_that_subtraction_would_give_away(client, viewer, rollout):
    client.force_login(viewer)
    table = lambda html: re.search(r'<table[^>]*id="teams".*?</table>', html, re.S).group(0)  # noqa: E731

    shown = table(page(client))
    assert shown.count("Hidden:") == 0 and ">Alpha<" in shown and ">Beta<" in shown

    # k = 2: Beta without d has 1 member; hiding it alone would leave it as roster minus Alpha.
    Member.objects.filter(email="d@example.com").update(on_roster=False)
    hidden = table(page(client))
    assert hidden.count("Hidden:") == 2


def test_adoption_and_lifecycle_per_week(rollout):
    details = rollout_selectors.week_details_list(as_of=date(2025, 11, 5), timezone="Europe/Berlin", weeks=3)

    assert [(d.week, d.active_users, d.new, d.returning, d.resurrected, d.dormant) for d in details] == [
        ("2025-W43", 2, 2, 0, 0, 0),  # a and b, both for the first time
        ("2025-W44", 1, 1, 0, 0, 2),  # c new; a and b gone quiet
        ("2025-W45", 1, 0, 0, 1, 1),  # b back after a week away; c dormant
    ]


def test_an_idle_team_is_an_enablement_gap(client, viewer, rollout, import_bytes):
    # Alpha's a is active on the as-of day, so the data runs up to it (a later as-of day would
    # become the last day with data).
    assert import_bytes(export_csv({"a@example.com": 1}, day="2025-11-05")).status == "done"
    client.force_login(viewer)

    gaps = re.search(r'<ul id="gaps">(.*?)</ul>', page(client), re.S).group(1)

    # In the 7 days to 2025-11-05 Beta's c was not active (last on 10-28): an idle team.
    assert "Beta" in gaps and "Nobody active in the last 7 days" in gaps


def test_seat_holders_never_active_are_pseudonymous_for_detail_viewers_and_absent_for_others(
    client, viewer, detail_viewer, rollout
):
    Member.objects.filter(email="d@example.com").update(seat_start=date(2025, 11, 1))
    pseudonym = Member.objects.get(email="d@example.com").pseudonym

    client.force_login(viewer)
    assert 'id="never-active"' not in page(client)

    client.force_login(detail_viewer)
    html = page(client)
    never_active = re.search(r'<ul id="never-active">(.*?)</ul>', html, re.S).group(1)
    assert pseudonym in never_active and "d@example.com" not in html


def test_rolling_active_users_stickiness_and_utilisation(rollout):
    figures = rollout_selectors.rolling_activity_get(as_of=date(2025, 10, 28), timezone="Europe/Berlin")

    # Active days to 2025-10-28 (Berlin): a on 10-20 and 10-26, b on 10-21, c on 10-28.
    assert (figures.daily_active_users, figures.weekly_active_users, figures.monthly_active_users) == (1, 2, 3)
    assert figures.stickiness == round(4 / 30 / 3, 4)  # 4 member-days over 30 days, 3 monthly actives
    assert (figures.seats, figures.utilisation_last_7_days) == (1, 2.0)  # on 10-28 only a's seat (c's starts 10-29)


def test_the_page_counts_people_missing_from_the_roster(client, viewer, rollout):
    Member.objects.filter(email="b@example.com").update(on_roster=False)
    client.force_login(viewer)

    counts = re.search(r'<p class="panel-help" id="roster-counts">(.*?)</p>', page(client), re.S).group(1)

    assert "The roster lists 3 people; 1 person seen in the logs is not on it." == " ".join(counts.split())


def test_the_by_team_table_sorts_by_any_column(client, viewer, rollout):
    client.force_login(viewer)
    teams = lambda html: re.findall(r'<th scope="row"><a [^>]*>(\w+)</a></th>', re.search(r'id="teams".*?</table>', html, re.S).group(0))  # noqa: E731

    assert teams(page(client)) == ["Alpha", "Beta"]
    assert teams(page(client, team_sort="-members")) == ["Alpha", "Beta"]  # 2 and 2: by name
    assert teams(page(client, team_sort="-weekly_active_users")) == ["Alpha", "Beta"]  # b is active in W45
    assert teams(page(client, team_sort="weekly_active_users")) == ["Beta", "Alpha"]
    assert 'aria-sort="ascending"' in re.search(r'id="teams".*?</thead>', page(client, team_sort="utilisation"), re.S).group(0)


def test_the_by_team_table_shows_this_week_against_last_week_and_the_baseline(client, viewer, rollout):
    Milestone.objects.create(label="Before launch", date=date(2025, 10, 22), is_baseline=True)
    client.force_login(viewer)

    table = re.search(r'id="teams".*?</table>', page(client), re.S).group(0)
    rows = {
        team: [cell.strip() for cell in re.findall(r'<td class="numeric">([^<]*)</td>', row)]
        for team, row in re.findall(r'<th scope="row"><a [^>]*>(\w+)</a></th>(.*?)</tr>', table, re.S)
    }

    # W45: Alpha's b active (1 of 1 seat: a); W44 nobody; baseline W43 both (2).
    # No Claude Code data: nobody code-active, the ratios undefined.
    assert rows["Alpha"] == ["2", "1", "100 %", "1.00", "1", "-1", "0", "—", "—", "—"]
    # Beta: nobody in W45 (seat: c); c active in W44; nobody in W43.
    assert rows["Beta"] == ["2", "0", "0 %", "—", "-1", "0", "0", "—", "—", "—"]


def test_a_team_whose_weekly_actives_fell_by_more_than_the_setting_is_a_gap(rollout):
    # To 2025-10-28 (Berlin): Alpha had a and b active in 10-15..10-21, only a in 10-22..10-28.
    gaps = rollout_selectors.enablement_gaps_list(as_of=date(2025, 10, 28), timezone="Europe/Berlin", drop_percent=30)

    assert [(g.team, g.reason, g.active_7_days_before, g.active_last_7_days) for g in gaps] == [
        ("Alpha", "Weekly actives fell by 50 %.", 2, 1)
    ]
    assert rollout_selectors.enablement_gaps_list(as_of=date(2025, 10, 28), timezone="Europe/Berlin", drop_percent=50) == []


def test_the_glossary_names_each_figure_as_the_page_does(client, viewer, rollout):
    client.force_login(viewer)
    glossary = re.search(r'<details class="definitions">(.*?)</details>', page(client), re.DOTALL).group(1)

    terms = re.findall(r"<dt>([^<]+)</dt>", glossary)
    assert "Conversations per active user" in terms and "Utilisation, last 7 days" in terms
    assert not any("_" in term for term in terms), terms
