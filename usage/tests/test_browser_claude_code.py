"""The Claude Code tab in Chromium under the portal's Content-Security-Policy: both charts drawn
from their JSON views, the per-member table under pseudonyms, and no console error."""

from __future__ import annotations

import os
import re

import pytest

from testing.browser import chart_ready, log_in
from usage.tests.test_claude_code_tab import code_usage  # noqa: F401 (the fixture)

CHART_DATA = "(selector) => Chart.getChart(document.querySelector(selector)).data.datasets.map((d) => d.data)"
PSEUDONYM = re.compile(r"^Member [0-9A-F]{4}-[0-9A-F]{4}$")

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_claude_code_tab_draws_its_charts_under_the_policy(page, live_server, detail_viewer, code_usage):  # noqa: F811
    log_in(page, live_server, detail_viewer)
    page.wait_for_url(f"{live_server.url}/dashboard/")
    page.goto(f"{live_server.url}/dashboard/?as_of=2026-11-03")
    page.click(".portal-tabs >> text=Claude Code")
    page.wait_for_url(f"{live_server.url}/dashboard/claude-code/?as_of=2026-11-03")

    chart_ready(page, "#chart-code-active-users")
    chart_ready(page, "#chart-code-sessions")
    assert page.evaluate(CHART_DATA, "#chart-code-active-users") == [[1, 3]]
    assert page.evaluate(CHART_DATA, "#chart-code-sessions") == [[3, 8]]
    chart_ready(page, "#chart-code-weekly-sessions")
    assert page.evaluate(CHART_DATA, "#chart-code-weekly-sessions") == [[11]]  # one ISO week, 2026-W45
    assert page.locator(".chart-caption").first.inner_text() == "Claude Code figures are per UTC date, as Anthropic reports them."

    members = page.locator("#code-members tbody tr td:first-child").all_inner_texts()
    assert len(members) == 4 and all(PSEUDONYM.match(cell.strip()) for cell in members), members
    assert "@example.com" not in page.content()
    assert page.problems == []
