"""The dashboard in a real browser: log in, charts draw, the table sorts, no console errors,
and nothing breaks under a strict Content-Security-Policy (no inline scripts or styles)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission

from analytics.roles import USAGE_VIEWERS
from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHART_JS = Path(settings.BASE_DIR) / "static" / "vendor" / "chart.umd.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# What a production deployment may send later; the pages must work under it unchanged.
STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'"
AS_OF = "2025-09-05"

# Playwright's sync API runs an event loop in this thread; fixtures still touch the database from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dashboard_viewer(transactional_db, django_user_model):
    """A member of the Usage viewers group. Transactional tests flush the tables between them, which
    removes the groups the data migration made (permissions come back), so the group is made here."""
    group, _ = Group.objects.get_or_create(name=USAGE_VIEWERS)
    group.permissions.add(Permission.objects.get(content_type__app_label="analytics", codename="view_dashboard"))
    user = django_user_model.objects.create_user(username="viewer", password=PASSWORD)
    user.groups.add(group)
    return user


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed at /usr/bin/chromium: apt-get install chromium")
    if not CHART_JS.exists():
        pytest.skip("static/vendor/chart.umd.min.js is missing: run `make setup`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def with_strict_csp(route):
        response = route.fetch(max_redirects=0)  # let the browser follow redirects itself
        headers = {**response.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=response, headers=headers)

    page.route(lambda url: url.startswith(live_server.url) and "/static/" not in url, with_strict_csp)
    page.problems = problems
    yield page
    context.close()


def first_member(page) -> str:
    return page.locator("#member-activity tbody tr").first.locator("td").first.inner_text().strip()


def test_a_viewer_logs_in_sees_the_charts_and_sorts_the_member_table(page, live_server, dashboard_viewer, import_sample, settings):
    settings.REPORTING_TIMEZONE = "UTC"
    assert import_sample("claude_enterprise_audit.csv").status == "done"

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", dashboard_viewer.username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form input[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/")

    page.goto(f"{live_server.url}/dashboard/?as_of={AS_OF}")
    page.wait_for_selector("canvas[data-chart-ready=true]")
    daily_active_users = page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-chart-url]')).data.datasets[0].data"
    )
    assert daily_active_users == [4, 4, 4, 0, 0]
    assert any(daily_active_users)

    page.click(".portal-tabs >> text=Conversations")
    page.wait_for_url(f"{live_server.url}/dashboard/conversations/?as_of={AS_OF}")
    page.wait_for_selector("canvas[data-chart-ready=true]")
    conversations = page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-chart-url]')).data.datasets[0].data"
    )
    assert conversations == [4, 3, 2, 0, 0]
    assert first_member(page) == "alice@example.com"  # most conversations first, ties A to Z

    page.click("#member-activity thead >> text=All time")
    page.wait_for_url("**sort=conversations_all_time**")
    assert first_member(page) == "bob@example.com"  # fewest conversations first

    page.click("#member-activity thead >> text=All time")
    page.wait_for_url("**sort=-conversations_all_time**")
    assert first_member(page) == "alice@example.com"

    assert page.problems == []
