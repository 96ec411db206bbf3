"""The date range of the dashboards (usage.forms.range_from_query): presets, this quarter, custom,
bad input; the daily charts drawn over the range with the previous period beside them, by hand on
the rollout fixture (testing/rollout.py); a hidden group's previous period hidden too; the page
naming its range and its tab links and export form keeping it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.http import QueryDict
from django.urls import reverse

from usage.forms import DateRange, range_from_query

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 12, 3)
LAST_DAY = "2025-11-03"  # the rollout fixture's last day with data (UTC): the as-of day is clamped to it


def parsed(query: str, as_of: date = AS_OF) -> tuple:
    return range_from_query(QueryDict(query), as_of=as_of)


@pytest.mark.parametrize(
    "query, start, label",
    [
        ("range=7d", date(2026, 11, 27), "Last 7 days"),
        ("range=30d", date(2026, 11, 4), "Last 30 days"),
        ("range=90d", date(2026, 9, 5), "Last 90 days"),
        ("range=quarter", date(2026, 10, 1), "This quarter"),
        ("range=custom&start=2026-11-15", date(2026, 11, 15), "Custom range"),
    ],
)
def test_each_choice_ends_on_the_as_of_day(query, start, label):
    form, chosen = parsed(query)

    assert not form.errors
    assert (chosen.start, chosen.end, chosen.label) == (start, AS_OF, label)


def test_the_page_names_the_range_as_the_issue_asks():
    assert parsed("range=30d")[1].description == "Last 30 days: 2026-11-04 to 2026-12-03"


@pytest.mark.parametrize("as_of, first", [(date(2026, 1, 1), date(2026, 1, 1)), (date(2026, 3, 31), date(2026, 1, 1)), (date(2026, 4, 1), date(2026, 4, 1)), (date(2026, 8, 15), date(2026, 7, 1))])
def test_this_quarter_starts_on_the_first_day_of_the_as_of_days_calendar_quarter(as_of, first):
    assert parsed("range=quarter", as_of)[1].start == first


def test_no_range_is_all_time_and_offers_no_comparison():
    form, chosen = parsed("compare=on")

    assert chosen == DateRange(start=None, end=AS_OF, label="All time")
    assert chosen.previous is None and chosen.query() == {}


@pytest.mark.parametrize(
    "query, error",
    [
        ("range=custom", "Choose the first day of the custom range."),
        ("range=custom&start=3.11.2026", "Enter the custom range's first day as YYYY-MM-DD"),
        ("range=custom&start=2026-12-04", "must start on or before the as-of day, 2026-12-03"),
        ("range=custom&start=1999-01-01", "Choose a first day on or after"),
        ("range=fortnight", "Select a valid choice"),
    ],
)
def test_a_bad_choice_says_why_and_shows_all_time(query, error):
    form, chosen = parsed(query)

    assert error in " ".join(form.errors.get("start", []) + form.errors.get("range", []))
    assert chosen.start is None and chosen.label == "All time"
    assert form.data["range"] == QueryDict(query)["range"]  # the choice is kept in the form, not lost


def test_the_previous_period_is_as_long_and_just_before():
    chosen = parsed("range=custom&start=2026-11-24&compare=on")[1]

    assert (chosen.previous.start, chosen.previous.end) == (date(2026, 11, 14), date(2026, 11, 23))
    assert chosen.query() == {"range": "custom", "start": "2026-11-24", "compare": "on"}


def chart(client, name, **query) -> dict:
    response = client.get(reverse(name), {"as_of": LAST_DAY, **query})
    assert response.status_code == 200
    return json.loads(response.content)


def test_a_daily_chart_draws_the_range_and_the_previous_period_day_by_day(client, viewer, rollout):
    client.force_login(viewer)
    data = chart(client, "chart-daily-conversations", range="7d", compare="on")

    # Conversations (UTC): a on 10-19 and 10-26, c twice on 10-28, b on 11-03.
    assert data["labels"] == ["2025-10-28", "2025-10-29", "2025-10-30", "2025-10-31", "2025-11-01", "2025-11-02", "2025-11-03"]
    assert data["compare_labels"] == ["2025-10-21", "2025-10-22", "2025-10-23", "2025-10-24", "2025-10-25", "2025-10-26", "2025-10-27"]
    current, previous = data["datasets"]
    assert (current["label"], current["data"]) == ("Conversations", [2, 0, 0, 0, 0, 0, 1])
    assert (previous["label"], previous["data"]) == ("Previous period", [0, 0, 0, 0, 0, 1, 0])
    assert data["range"] == "Last 7 days: 2025-10-28 to 2025-11-03"


def test_days_before_the_first_data_are_gaps_in_the_previous_period(client, viewer, rollout):
    client.force_login(viewer)
    data = chart(client, "chart-daily-conversations", range="custom", start="2025-10-23", compare="on")

    assert data["compare_labels"][:2] == ["2025-10-11", "2025-10-12"]  # before 10-19, the first day: no data
    previous = data["datasets"][1]["data"]
    assert previous[:8] == [None] * 8 and previous[8] == 1  # 10-19: a's conversation


def test_without_comparison_there_is_one_dataset(client, viewer, rollout):
    client.force_login(viewer)
    data = chart(client, "chart-daily-active-users", range="7d")

    assert [d["label"] for d in data["datasets"]] == ["Daily active users"] and data["compare_labels"] == []
    assert data["labels"][0] == "2025-10-28"
    assert chart(client, "chart-daily-active-users")["labels"][0] == "2025-10-19"  # all time: from the first day


@pytest.mark.parametrize("name", ["chart-daily-active-users", "chart-daily-conversations", "chart-code-active-users", "chart-code-sessions", "chart-support-tickets"])
def test_every_daily_chart_follows_the_range(client, viewer, rollout, name):
    client.force_login(viewer)
    data = chart(client, name, range="7d", compare="on")

    assert all("2025-10-28" <= label <= LAST_DAY for label in data["labels"])
    assert len(data["compare_labels"]) == len(data["labels"])
    assert len(data["datasets"]) == 2 and all(len(d["data"]) == len(data["labels"]) for d in data["datasets"])


def test_a_weekly_chart_keeps_its_weeks(client, viewer, rollout):
    client.force_login(viewer)

    assert chart(client, "chart-weekly", range="7d", compare="on")["labels"] == chart(client, "chart-weekly")["labels"]


def test_comparing_periods_of_a_hidden_group_shows_nothing_of_either(client, viewer, rollout, settings):
    """The attack: a hidden group's figures recovered from its previous period."""
    settings.MIN_GROUP_SIZE = 3  # Alpha (a, b) and Beta (c, d) are each under it
    client.force_login(viewer)
    for name in ("chart-daily-conversations", "chart-daily-active-users"):
        data = chart(client, name, group="team:Alpha", range="custom", start="2025-10-26", compare="on")

        assert data["suppressed"] is True
        current, previous = data["datasets"]
        assert current["data"] and set(current["data"]) == {None}, name
        assert previous["data"] and set(previous["data"]) == {None}, name


def test_the_previous_period_of_a_shown_group_counts_only_its_members(client, viewer, rollout):
    client.force_login(viewer)
    data = chart(client, "chart-daily-conversations", group="team:Beta", range="7d", compare="on")

    assert data["datasets"][0]["data"] == [2, 0, 0, 0, 0, 0, 0]  # c's two on 10-28; b is in Alpha
    assert data["datasets"][1]["data"] == [0] * 7  # a's 10-26 conversation is Alpha's


def test_the_page_names_its_range_and_its_links_and_export_keep_it(client, viewer, rollout):
    client.force_login(viewer)
    html = client.get(reverse("dashboard-overview"), {"as_of": LAST_DAY, "group": "team:Alpha", "range": "30d", "compare": "on"}).content.decode()

    assert "Last 30 days: 2025-10-05 to 2025-11-03, compared with 2025-09-05 to 2025-10-04" in html
    assert f'href="{reverse("dashboard-rollout")}?as_of={LAST_DAY}&amp;group=team%3AAlpha&amp;range=30d&amp;compare=on"' in html
    assert '<input type="hidden" name="range" value="30d">' in html
    assert '<input type="hidden" name="compare" value="on">' in html
    assert f'?as_of={LAST_DAY}&amp;group=team%3AAlpha&amp;range=30d&amp;compare=on"' in html  # the charts' JSON URLs
    assert '<option value="30d" selected>' in html


def test_a_bad_custom_start_is_an_error_on_the_page_and_all_time_is_shown(client, viewer, rollout):
    client.force_login(viewer)
    html = client.get(reverse("dashboard-overview"), {"as_of": LAST_DAY, "range": "custom", "start": "2025-13-01"}).content.decode()

    assert "Enter the custom range&#x27;s first day as YYYY-MM-DD" in html and "Showing all time instead." in html
    assert "All time: every day up to and including 2025-11-03" in html
    assert 'name="range" value="custom"' not in html  # the export form and links do not carry the bad range


def test_the_previous_period_is_hidden_when_the_organisation_was_too_small_then(client, viewer, rollout, settings):
    """Changed dates: the organisation is shown as of 11-03 (a, b, c) but had two users by 10-27,
    so its previous period is hidden as the page as of 10-27 would hide it."""
    settings.MIN_GROUP_SIZE = 3
    client.force_login(viewer)
    data = chart(client, "chart-daily-conversations", range="7d", compare="on")

    assert data["suppressed"] is False and data["datasets"][0]["data"] == [2, 0, 0, 0, 0, 0, 1]
    assert set(data["datasets"][1]["data"]) == {None}
