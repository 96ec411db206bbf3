"""A privacy auditor uses the access log in a real browser, under the real Content-Security-Policy:
any console error (a CSP violation is one) fails the test."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from audit.models import AccessRecord
from portal.models import Scope
from testing.fixtures import PASSWORD

SCREENSHOT = os.environ.get("ACCESS_LOG_SCREENSHOT", "")  # a path, to look at the page

# Playwright's sync API runs an event loop in this thread; fixtures still touch the database from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server):
    # A context per test, closed before the live server's database is flushed.
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(f"{message.text} at {message.location.get('url')}"))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and page.problems.append(f"{response.status}: {response.url}"))
    yield page
    context.close()


def test_an_auditor_lands_on_the_access_log_filters_it_and_finds_the_csv_link(page, live_server, auditor):
    AccessRecord.objects.create(
        occurred_at=datetime(2025, 3, 2, 9, tzinfo=UTC), username="bob", user_id=12, view_name="dashboard-conversations",
        path="/dashboard/conversations/", scope=Scope.NAMED, person_rows=3, members=[4, 7, 9], status_code=200,
        client_ip="10.0.0.7", user_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0",
    )
    AccessRecord.objects.create(
        occurred_at=datetime(2025, 3, 3, 9, tzinfo=UTC), username="carol", action=AccessRecord.Action.REVEAL,
        view_name="names-reveal", path="/dashboard/names/reveal/", status_code=302,
        justification="Coaching session agreed with the member",
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", auditor.username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form input[type=submit]")
    page.wait_for_url(f"{live_server.url}/access-log/")
    page.select_option("#id_scope", "named")
    page.click(".access-log-filters button[type=submit]")
    page.wait_for_url(f"{live_server.url}/access-log/?*scope=named*")

    rows = page.locator("#access-log tbody tr")
    assert rows.count() == 1
    assert "bob" in rows.first.inner_text()
    assert page.locator("#access-log-csv").get_attribute("href").startswith("/access-log.csv?")
    assert "scope=named" in page.locator("#access-log-csv").get_attribute("href")
    if SCREENSHOT:
        page.select_option("#id_scope", "")
        page.click(".access-log-filters button[type=submit]")
        page.wait_for_load_state()
        page.screenshot(path=SCREENSHOT, full_page=True)
    assert [problem for problem in page.problems if not problem.endswith("/favicon.ico")] == []  # the portal has none
