"""Every dashboard view can be filtered to a team, department or cohort: its figures cover that
group's roster members, under the minimum group size with complementary suppression."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from people.models import Cohort, Member
from testing.rollout import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def berlin(settings):
    settings.REPORTING_TIMEZONE = "Europe/Berlin"


def cards(html: str) -> dict[str, str]:
    return {k: v.strip() for k, v in re.findall(r'data-figure="(\w+)".*?<div class="card-value[^"]*"[^>]*>([^<]*)</div>', html, re.S)}


def get(client, name: str, **query):
    response = client.get(reverse(name), {"as_of": AS_OF, **query})
    assert response.status_code == 200
    return response


def test_the_overview_of_a_team_counts_only_its_members(client, viewer, rollout):
    client.force_login(viewer)

    everyone = cards(get(client, "dashboard-overview").content.decode())
    alpha = cards(get(client, "dashboard-overview", group="team:Alpha").content.decode())

    assert (everyone["users"], everyone["conversations"]) == ("3", "5")
    assert (alpha["users"], alpha["conversations"]) == ("2", "3")  # a (2) and b (1); c is in Beta


def test_the_charts_of_a_team_count_only_its_members(client, viewer, rollout):
    client.force_login(viewer)

    data = json.loads(get(client, "chart-daily-conversations", group="team:Beta").content)

    assert dict(zip(data["labels"], data["datasets"][0]["data"]))["2025-10-28"] == 2  # c's two
    assert sum(data["datasets"][0]["data"]) == 2


def test_a_cohort_filter_works_like_a_team_filter(client, viewer, rollout):
    pilot = Cohort.objects.create(name="pilot")
    for email in ("a@example.com", "b@example.com"):
        Member.objects.get(email=email).cohorts.add(pilot)
    client.force_login(viewer)

    assert cards(get(client, "dashboard-overview", group="cohort:pilot").content.decode())["conversations"] == "3"


def test_a_cohort_across_the_teams_is_hidden_when_it_splits_them_into_single_people(client, viewer, rollout):
    # With Alpha (a, b) and Beta (c, d) shown, a pilot of a and c would make every atom one person.
    pilot = Cohort.objects.create(name="pilot")
    for email in ("a@example.com", "c@example.com"):
        Member.objects.get(email=email).cohorts.add(pilot)
    client.force_login(viewer)

    assert cards(get(client, "dashboard-overview", group="cohort:pilot").content.decode())["conversations"] == "Fewer than 2 people"
    assert cards(get(client, "dashboard-overview", group="team:Alpha").content.decode())["conversations"] == "3"


def test_a_team_below_k_or_giving_away_the_rest_shows_markers(client, viewer, rollout, settings):
    client.force_login(viewer)
    settings.MIN_GROUP_SIZE = 3

    assert set(cards(get(client, "dashboard-overview", group="team:Alpha").content.decode()).values()) == {"Fewer than 3 people"}

    settings.MIN_GROUP_SIZE = 2
    Member.objects.filter(email="d@example.com").update(on_roster=False)  # Beta: 1 person left
    html = get(client, "dashboard-conversations", group="team:Alpha").content.decode()
    assert "Fewer than 2 people" in html  # Alpha has 2, but roster minus Alpha is one person


def test_the_filter_is_kept_by_the_tabs_and_the_charts(client, viewer, rollout):
    client.force_login(viewer)

    html = get(client, "dashboard-conversations", group="team:Alpha").content.decode()

    # The fixture's data ends on 2025-11-03, so the as-of day the tabs keep is that one.
    assert f'href="{reverse("dashboard-rollout")}?as_of=2025-11-03&amp;group=team%3AAlpha"' in html
    assert "group=team%3AAlpha" in re.search(r'data-chart-url="([^"]+)"', html).group(1)
    assert '<input type="hidden" name="group" value="team:Alpha">' in html  # exports follow the filter


def test_individual_detail_viewers_see_only_the_groups_members(client, detail_viewer, rollout):
    client.force_login(detail_viewer)
    pseudonyms = {m.email: m.pseudonym for m in Member.objects.all()}

    html = get(client, "dashboard-conversations", group="team:Beta").content.decode()
    table = re.search(r'<table[^>]*id="member-activity".*?</table>', html, re.S).group(0)

    assert pseudonyms["c@example.com"] in table
    assert pseudonyms["a@example.com"] not in table and pseudonyms["b@example.com"] not in table


def test_an_export_of_a_filtered_page_covers_the_group(client, viewer, rollout):
    from exports.models import Export
    from exports.services import export_build

    client.force_login(viewer)
    response = client.post(reverse("export-create"), {"view": "overview", "format": "csv", "as_of": AS_OF, "group": "team:Alpha"})
    export = Export.objects.get()
    export_build(export_id=export.pk)
    export.refresh_from_db()

    assert response.status_code == 302 and export.parameters["group"] == "team:Alpha"
    from testing.exports import file_read

    content = file_read(export, export.file.open("rb").read())
    assert ["Group", "Team Alpha (its roster members)"] in content.provenance
    totals = {row[0]: row[1] for row in content.tables["Totals"][1:]}
    assert (totals["Users"], totals["Conversations"]) == ("2", "3")  # a and b, as on the filtered page
