"""Champion notes and milestones in every trend chart's JSON, as markers: those dated within the
chart's days only; charts whose labels are not days (the distribution) get none."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from notes.models import Milestone
from notes.services import note_create
from people.models import Team
from portal.roles import ROLLOUT_CHAMPIONS
from testing.fixtures import export_csv, user_make

AS_OF = "2025-09-05"  # the sample's events are on 2025-09-01..03, one more on 09-05: labels 09-01..09-05
TREND_CHARTS = ["chart-daily-active-users", "chart-daily-conversations"]


@pytest.fixture(autouse=True)
def _sample(import_sample, import_bytes, small_groups_allowed, settings):
    settings.REPORTING_TIMEZONE = "UTC"
    assert import_sample("claude_enterprise_audit.csv").status == "done"
    # Data up to the as-of day (a later as-of day would become the last day with data).
    assert import_bytes(export_csv({"alice@example.com": 1}, day=AS_OF)).status == "done"


@pytest.fixture
def champion_client(client, db):
    client.force_login(user_make("champion", ROLLOUT_CHAMPIONS))
    return client


def chart(client, name: str) -> dict:
    response = client.get(reverse(name), {"as_of": AS_OF})
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.parametrize("name", TREND_CHARTS)
def test_notes_dated_within_the_charts_days_are_markers_and_others_are_not(champion_client, name):
    platform = Team.objects.create(name="Platform")
    note_create(user=None, date="2025-08-31", text="Before the chart")
    note_create(user=None, date="2025-09-01", text="Office hours", team=platform)
    note_create(user=None, date="2025-09-05", text="SSO outage")
    note_create(user=None, date="2025-09-06", text="After the as-of day")

    data = chart(champion_client, name)

    assert data["labels"][0] == "2025-09-01" and data["labels"][-1] == AS_OF
    assert data["notes"] == [
        {"date": "2025-09-01", "text": "Office hours", "team": "Platform"},
        {"date": "2025-09-05", "text": "SSO outage", "team": None},
    ]


@pytest.mark.parametrize("name", TREND_CHARTS)
def test_milestones_within_the_charts_days_are_markers_with_their_baseline_flag(champion_client, name):
    Milestone.objects.create(label="Pilot start", date="2025-08-01")
    Milestone.objects.create(label="Baseline", date="2025-09-02", is_baseline=True)
    Milestone.objects.create(label="Wave 2", date="2025-09-04")

    data = chart(champion_client, name)

    assert data["milestones"] == [
        {"date": "2025-09-02", "label": "Baseline", "baseline": True},
        {"date": "2025-09-04", "label": "Wave 2", "baseline": False},
    ]


def test_the_distribution_chart_whose_labels_are_not_days_has_no_markers(champion_client):
    note_create(user=None, date="2025-09-02", text="Office hours")
    Milestone.objects.create(label="Wave 2", date="2025-09-02")

    data = chart(champion_client, "chart-conversation-distribution")

    assert (data["notes"], data["milestones"]) == ([], [])
