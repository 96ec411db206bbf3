"""The browser tests' Chromium page (a pytest plugin) and helpers: log in through the form, wait for
a chart. The `browser` fixture it uses is in testing/fixtures.py."""

from __future__ import annotations

import pytest

from testing.csp import EXPECTED as EXPECTED_CSP  # the policy, directive by directive
from testing.csp import directives as csp_directives
from testing.fixtures import PASSWORD


@pytest.fixture
def page(browser, live_server, settings):
    settings.REPORTING_TIMEZONE = "UTC"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    documents: list[str] = []
    def console(message):
        if message.type == "error":
            problems.append(f"console: {message.text} ({message.location.get('url')}, on {page.url})")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def check_csp(response):
        """Every page (document) the portal answers carries the real policy."""
        if response.request.resource_type != "document" or not response.url.startswith(live_server.url):
            return
        documents.append(response.url)
        header = response.headers.get("content-security-policy", "")
        if csp_directives(header) != EXPECTED_CSP:
            problems.append(f"CSP of {response.url}: {header!r}")

    page.on("response", check_csp)
    page.on("response", lambda response: response.status >= 400 and problems.append(f"{response.status}: {response.url}"))
    page.problems = problems
    page.documents = documents
    yield page
    context.close()


def log_in(page, live_server, user, *, path="/accounts/login/") -> None:
    page.goto(f"{live_server.url}{path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form input[type=submit]")


def chart_ready(page, selector: str) -> None:
    page.wait_for_selector(f"{selector}[data-chart-ready=true]", state="attached")
