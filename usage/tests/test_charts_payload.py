"""What the chart JSON tells the browser beyond the series: axis titles with units, daily or weekly,
and where a click on a point leads; and the as-of day clamped to the last day with stored data
(usage.forms.as_of_from_query), which the page says."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone as dt_timezone

import pytest
from django.urls import reverse

from ingest.models import OtelEvent, Ticket
from people.models import Member
from usage.forms import as_of_from_query
from usage.models import CodeDay
from usage.selectors.data_health import stored_data_last_day_get

pytestmark = pytest.mark.django_db

SAMPLE_LAST_DAY = "2025-09-03"  # the sample's events run from 2025-09-01 to 2025-09-03 (UTC)
DAILY = ["chart-daily-active-users", "chart-daily-conversations", "chart-code-active-users", "chart-code-sessions", "chart-support-tickets"]
WEEKLY = ["chart-weekly", "chart-code-weekly-active-users", "chart-code-weekly-sessions"]


@pytest.fixture
def sample(import_sample, small_groups_allowed):
    assert import_sample("claude_enterprise_audit.csv").status == "done"


def chart_json(client, name, **query) -> dict:
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.parametrize("name", [*DAILY, *WEEKLY, "chart-conversation-distribution"])
def test_every_chart_names_both_axes_with_their_unit(client, viewer, sample, name):
    client.force_login(viewer)
    data = chart_json(client, name, as_of=SAMPLE_LAST_DAY)

    assert data["x_title"] and data["y_title"], name
    assert data["y_title"].endswith(("(people)", "(count)", "(active users, seats)")), data["y_title"]


def test_axis_titles_name_the_days_timezone(client, viewer, sample, settings):
    settings.REPORTING_TIMEZONE = "Europe/Berlin"
    client.force_login(viewer)

    assert chart_json(client, "chart-daily-active-users")["x_title"] == "Day (Europe/Berlin)"
    assert chart_json(client, "chart-code-sessions")["x_title"] == "UTC date"  # Claude Code dates are UTC
    assert chart_json(client, "chart-weekly")["x_title"] == "ISO week in Europe/Berlin, by its Monday"


def test_a_daily_chart_opens_each_day_on_its_tab(client, viewer, sample):
    client.force_login(viewer)
    data = chart_json(client, "chart-daily-conversations", as_of=SAMPLE_LAST_DAY)

    assert data["granularity"] == "day"
    assert data["detail_url"] == reverse("dashboard-conversations")
    assert data["detail_days"] == data["labels"] == ["2025-09-01", "2025-09-02", "2025-09-03"]
    assert chart_json(client, "chart-daily-active-users")["detail_url"] == reverse("dashboard-overview")
    assert chart_json(client, "chart-support-tickets")["detail_url"] == reverse("dashboard-claude-code")


def test_a_weekly_chart_opens_each_week_on_its_sunday_or_the_as_of_day(client, viewer, rollout):
    client.force_login(viewer)
    data = chart_json(client, "chart-weekly", as_of="2025-11-03")  # a Monday: its week has just begun

    assert data["granularity"] == "week"
    assert data["detail_url"] == reverse("dashboard-rollout")
    assert data["labels"][-2:] == ["2025-10-27", "2025-11-03"]
    assert data["detail_days"][-2:] == ["2025-11-02", "2025-11-03"]


def test_a_click_keeps_the_chosen_group(client, viewer, rollout):
    client.force_login(viewer)
    data = chart_json(client, "chart-weekly", as_of="2025-11-03", group="team:Alpha")

    assert data["detail_url"] == f"{reverse('dashboard-rollout')}?group=team%3AAlpha"


def test_the_distribution_chart_is_neither_daily_nor_clickable(client, viewer, sample):
    client.force_login(viewer)
    data = chart_json(client, "chart-conversation-distribution")

    assert data["granularity"] is None and data["detail_url"] == "" and data["detail_days"] == []


def test_weekly_markers_keep_their_own_date_for_the_list(client, viewer, rollout):
    from notes.models import ChampionNote

    ChampionNote.objects.create(date=date(2025, 10, 29), text="Office hours started")
    client.force_login(viewer)
    data = chart_json(client, "chart-weekly", as_of="2025-11-03")

    assert data["notes"] == [{"date": "2025-10-27", "day": "2025-10-29", "text": "Office hours started", "team": None}]


# ---------- The as-of day and the last day with data ----------


def test_an_as_of_day_after_the_data_becomes_its_last_day_and_the_page_says_so(client, viewer, sample):
    client.force_login(viewer)

    for asked in ("2025-09-05", "2031-01-01"):
        html = client.get(reverse("dashboard-overview"), {"as_of": asked}).content.decode()
        assert f'<time datetime="{SAMPLE_LAST_DAY}">' in html
        assert f"Data ends on {SAMPLE_LAST_DAY}; showing that day." in html
        assert f'value="{SAMPLE_LAST_DAY}"' in html  # the form shows the day shown
        assert chart_json(client, "chart-daily-active-users", as_of=asked)["labels"][-1] == SAMPLE_LAST_DAY


def test_an_as_of_day_within_the_data_stays_without_a_note(client, viewer, sample):
    client.force_login(viewer)
    html = client.get(reverse("dashboard-overview"), {"as_of": "2025-09-02"}).content.decode()

    assert '<time datetime="2025-09-02">' in html
    assert "Data ends on" not in html


def test_with_no_data_a_chosen_day_stays_and_the_default_is_today():
    form, as_of, chosen = as_of_from_query({"as_of": "2031-01-01"}, timezone="UTC")
    assert (as_of, chosen, form.data_ends) == (date(2031, 1, 1), True, None)

    form, as_of, chosen = as_of_from_query({}, timezone="UTC")
    assert (as_of, chosen) == (datetime.now(dt_timezone.utc).date(), False)


def test_the_last_day_counts_every_source(import_sample):
    assert stored_data_last_day_get(timezone="UTC") is None
    assert import_sample("claude_enterprise_audit.csv").status == "done"
    assert stored_data_last_day_get(timezone="UTC") == date(2025, 9, 3)

    member = Member.objects.create(email="coder@example.com")
    CodeDay.objects.create(member=member, date=date(2025, 9, 10), source="usage_report")
    assert stored_data_last_day_get(timezone="UTC") == date(2025, 9, 10)

    OtelEvent.objects.create(
        identity="e1", name="tool_result", occurred_at=datetime(2025, 9, 12, 9, tzinfo=dt_timezone.utc), date=date(2025, 9, 12)
    )
    assert stored_data_last_day_get(timezone="UTC") == date(2025, 9, 12)

    # A ticket counts on its day in the reporting timezone: 23:30 UTC is the next day in Berlin.
    Ticket.objects.create(helpdesk="zendesk", ticket_id="1", created_at=datetime(2025, 9, 14, 23, 30, tzinfo=dt_timezone.utc))
    assert stored_data_last_day_get(timezone="UTC") == date(2025, 9, 14)
    assert stored_data_last_day_get(timezone="Europe/Berlin") == date(2025, 9, 15)

    form, as_of, chosen = as_of_from_query({"as_of": "2031-01-01"}, timezone="Europe/Berlin")
    assert (as_of, form.data_ends) == (date(2025, 9, 15), date(2025, 9, 15))
