"""In a real browser under the real Content-Security-Policy: a champion adds a note through the
form, and the trend chart draws it (and a milestone) as markers, with the full text on hover.
Any console error (a CSP violation is one) fails the test."""

from __future__ import annotations

import os

import pytest

from notes.models import Milestone
from portal.roles import ROLLOUT_CHAMPIONS
from testing.browser import chart_ready, log_in
from testing.fixtures import user_make

AS_OF = "2025-09-05"
CHART = "#chart-daily-active-users"

# Playwright's sync API runs an event loop in this thread; fixtures still touch the database from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_champions_note_is_drawn_on_the_trend_chart_without_console_errors(page, live_server, import_sample, small_groups_allowed):
    assert import_sample("claude_enterprise_audit.csv").status == "done"
    Milestone.objects.create(label="Baseline", date="2025-09-01", is_baseline=True)
    champion = user_make("champion", ROLLOUT_CHAMPIONS)

    log_in(page, live_server, champion, path="/accounts/login/?next=/notes/add/")
    page.wait_for_url(f"{live_server.url}/notes/add/")
    assert page.locator("#note-reminder").is_visible()
    page.fill("#id_date", "2025-09-03")
    page.fill("#id_text", "MCP servers enabled for every team")
    page.click(".note-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/notes/")
    assert "MCP servers enabled for every team" in page.locator("#notes").inner_text()

    page.goto(f"{live_server.url}/dashboard/?as_of={AS_OF}")
    chart_ready(page, CHART)
    page.wait_for_selector(f"{CHART}[data-chart-markers='2']", state="attached")

    # Hovering the note's line puts its full text in the canvas's title.
    x, y = page.evaluate(
        """(selector) => {
            const canvas = document.querySelector(selector);
            const chart = Chart.getChart(canvas);
            const box = canvas.getBoundingClientRect();
            return [box.left + chart.scales.x.getPixelForValue(2), box.top + (chart.chartArea.top + chart.chartArea.bottom) / 2];
        }""",
        CHART,
    )
    page.mouse.move(x, y)
    assert page.get_attribute(CHART, "title") == "2025-09-03: MCP servers enabled for every team"
    assert page.problems == []
