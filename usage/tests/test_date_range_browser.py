"""The range and its comparison in Chromium under the real Content-Security-Policy: the daily chart
draws the range's days and a dashed "Previous period" whose tooltip names its own days; the custom
start field shows only for "Custom". Any console error or CSP violation fails."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest

from testing.browser import chart_ready, log_in
from testing.fixtures import export_csv

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = date(2025, 9, 1)
DAYS = 14
AS_OF = (FIRST + timedelta(days=DAYS - 1)).isoformat()  # 2025-09-14
PEOPLE = [f"person{n}@example.com" for n in range(6)]
DAU = "#chart-daily-active-users"


@pytest.fixture
def two_weeks(import_bytes, small_groups_allowed):
    """Two weeks of activity: n + 1 people active on the n-th day of each week (up to six)."""
    parts = []
    for n in range(DAYS):
        day = FIRST + timedelta(days=n)
        content = export_csv({email: 1 for email in PEOPLE[: min(n % 7 + 1, 6)]}, day=day.isoformat()).decode()
        parts.append(content if n == 0 else content.split("\n", 1)[1])
    assert import_bytes("".join(parts).encode()).status == "done"


def chart_value(page, selector: str, expression: str):
    return page.evaluate(f"(selector) => {{ const chart = Chart.getChart(document.querySelector(selector)); return {expression}; }}", selector)


def test_the_previous_period_is_drawn_dashed_beside_the_range(page, live_server, viewer, two_weeks):
    log_in(page, live_server, viewer)
    page.wait_for_url(f"{live_server.url}/dashboard/")
    page.goto(f"{live_server.url}/dashboard/?as_of={AS_OF}")
    assert page.locator(".range-start").is_hidden()  # All time: no custom start to fill in
    page.select_option("#id_range", "7d")
    page.check("#id_compare")
    page.click(".as-of-form button[type=submit]")
    page.wait_for_url("**range=7d**")
    chart_ready(page, DAU)

    assert "Last 7 days: 2025-09-08 to 2025-09-14, compared with 2025-09-01 to 2025-09-07" in page.inner_text(".dashboard-meta")
    assert chart_value(page, DAU, "chart.data.labels") == [(FIRST + timedelta(days=n)).isoformat() for n in range(7, 14)]
    assert chart_value(page, DAU, "chart.data.datasets.map((d) => d.label)") == ["Daily active users", "Previous period"]
    assert chart_value(page, DAU, "chart.data.datasets.map((d) => d.data)") == [[1, 2, 3, 4, 5, 6, 6]] * 2
    assert chart_value(page, DAU, "chart.data.datasets.map((d) => d.borderDash)") == [[], [6, 4]]
    assert chart_value(page, DAU, "chart.options.plugins.legend.display") is True
    # The tooltip of the previous period names its own day.
    label = chart_value(
        page, DAU, "chart.options.plugins.tooltip.callbacks.label({dataset: chart.data.datasets[1], dataIndex: 0, formattedValue: '1'})"
    )
    assert label == "Previous period (2025-09-01): 1"

    page.select_option("#id_range", "custom")
    assert page.locator(".range-start").is_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    chart_ready(page, DAU)
    page.screenshot(path="/tmp/wt-e-demo/browser-375.png", full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    assert page.problems == []
