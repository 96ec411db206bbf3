"""Every card's change against the period before and its sparkline, computed by hand on the
rollout fixture (testing/rollout.py, days in Berlin), and hidden with the figure it belongs to."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from testing.rollout import AS_OF
from usage.selectors import activity
from usage.selectors import rollout as rollout_selectors
from usage.templatetags.sparklines import sparkline

pytestmark = pytest.mark.django_db
DAY = date.fromisoformat(AS_OF)  # Wednesday 2025-11-05


@pytest.fixture(autouse=True)
def berlin(settings):
    settings.REPORTING_TIMEZONE = "Europe/Berlin"


def test_each_card_changes_against_the_period_before(rollout):
    trends = activity.card_trends_get(as_of=DAY, timezone="Europe/Berlin")

    # Conversations: a on 10-20 and 10-26, c twice on 10-28, b on 11-03.
    assert trends["conversations"].change == 1  # 5 now, 4 as of 10-29
    assert trends["conversations_7d"].change == -2  # 10-30..11-05: 1; 10-23..10-29: 3
    assert trends["users"].change == 0  # a, b and c, then as now
    assert trends["conversations_7d"].points[-3:] == [1, 0, 0]  # 11-03, 11-04, 11-05
    assert len(trends["conversations_7d"].points) == 17  # from the first day with data, 10-20

    rolling = rollout_selectors.rolling_trends_get(as_of=DAY, timezone="Europe/Berlin")
    assert rolling["weekly_active_users"].change == -1  # b; a and c in the 7 days before
    assert rolling["daily_active_users"].change == 0
    assert set(rolling) == {"daily_active_users", "weekly_active_users", "monthly_active_users", "seats", "utilisation_last_7_days", "stickiness"}


def test_a_hidden_figure_has_no_change_and_no_line(rollout, settings):
    settings.MIN_GROUP_SIZE = 10

    trends = activity.card_trends_get(as_of=DAY, timezone="Europe/Berlin")

    assert trends["conversations"].change is None and set(trends["conversations"].points) == {None}
    assert sparkline(trends["conversations"].points) == ""


def test_the_sparkline_is_an_svg_line_with_gaps_for_hidden_days():
    svg = sparkline([1, 2, None, 4, 2])

    assert svg.startswith('<svg class="sparkline"') and "style" not in svg
    assert svg.count("<polyline") == 2  # 1, 2 | gap | 4, 2
    assert sparkline([5]) == "" and sparkline([None, None]) == ""


def test_the_cards_show_the_change(client, viewer, rollout, data_through_as_of):
    client.force_login(viewer)

    html = client.get(reverse("dashboard-conversations"), {"as_of": AS_OF}).content.decode()

    card = re.search(r'data-figure="conversations_7d".*?</div>\s*</div>', html, re.DOTALL).group(0)
    assert '<span class="card-change down">-2</span> vs the 7 days before' in card and "<svg" in card


def test_the_claude_code_cards_change_against_the_window_before(settings):
    from django.core.files.base import ContentFile

    from ingest.services.uploads import upload_create, upload_process
    from testing.claude_code import usage_record, usage_report_page
    from usage.selectors import claude_code

    settings.MIN_GROUP_SIZE = 2
    content = usage_report_page(
        usage_record(day="2026-11-01", email="ana@example.com", sessions=1),
        usage_record(day="2026-11-02", email="bo@example.com", sessions=1),
        usage_record(day="2026-11-09", email="ana@example.com", sessions=1),
        usage_record(day="2026-11-10", email="bo@example.com", sessions=1),
        usage_record(day="2026-11-10", email="cy@example.com", sessions=1),
    )
    upload = upload_create(file=ContentFile(content, name="r.json"), name="r.json", queue=False)
    upload_process(upload_id=upload.pk)

    trends = claude_code.code_card_trends_get(as_of=date(2026, 11, 10))

    assert trends["active_users_7d"].change == 1  # ana, bo, cy against ana and bo (11-03 counts 10-28..11-03)
    assert trends["active_users_7d"].points[-2:] == [1, 2] and len(trends["active_users_7d"].points) == 30
    # Every card has its trend; totals against a week before.
    assert set(trends) == {
        "active_users_7d", "active_users_30d", "sessions_per_active_user_30d", "lines_added", "acceptance_rate",
        "pull_requests", "commits", "cost_usd",
    }
    assert trends["sessions_per_active_user_30d"].change is None  # nobody was code-active in the 30 days to 10-11
    assert trends["lines_added"].change == 0 and trends["lines_added"].period == "since 7 days before"
    settings.MIN_GROUP_SIZE = 4
    assert claude_code.code_card_trends_get(as_of=date(2026, 11, 10))["active_users_7d"].change is None
