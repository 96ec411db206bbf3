"""The portal in a real browser under its real Content-Security-Policy (django-csp, no inline scripts
or styles): a usage viewer logs in through the form and sees aggregate charts only; an
individual-detail viewer sees pseudonyms, reveals names through the form and hides them again; an
importer's admin pages work. Any console error (a CSP violation is one) fails the test."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from audit.models import AccessRecord
from testing.browser import chart_ready, log_in

AS_OF = "2025-09-03"  # the sample's last day (a later as-of day would become it)
PSEUDONYM = re.compile(r"^Member [0-9A-F]{4}-[0-9A-F]{4}$")
CHART_DATA = "(selector) => Chart.getChart(document.querySelector(selector)).data.datasets.map((d) => d.data)"

# Playwright's sync API runs an event loop in this thread; fixtures still touch the database from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def member_column(page, heading: str) -> list[str]:
    """The cells of one column of the per-member table, by its heading."""
    return page.evaluate(
        """(heading) => {
            const table = document.querySelector("#member-activity");
            const index = [...table.querySelectorAll("thead th")].findIndex((th) => th.textContent.trim() === heading);
            return [...table.querySelectorAll("tbody tr")].map((tr) => tr.children[index].textContent.trim());
        }""",
        heading,
    )


def test_a_usage_viewer_logs_in_and_sees_aggregate_charts_only(page, live_server, viewer, import_sample, settings):
    assert import_sample("claude_enterprise_audit.csv").status == "done"

    log_in(page, live_server, viewer)
    page.wait_for_url(f"{live_server.url}/dashboard/")

    page.goto(f"{live_server.url}/dashboard/?as_of={AS_OF}")
    chart_ready(page, "#chart-daily-active-users")
    assert page.evaluate(CHART_DATA, "#chart-daily-active-users") == [[4, 4, 4]]

    page.click(".portal-tabs >> text=Conversations")
    page.wait_for_url(f"{live_server.url}/dashboard/conversations/?as_of={AS_OF}")
    chart_ready(page, "#chart-daily-conversations")
    assert page.evaluate(CHART_DATA, "#chart-daily-conversations") == [[4, 3, 2]]

    # "Users by conversations created": a bar chart drawing the same numbers as the table beside it.
    distribution = "#chart-conversation-distribution"
    assert page.get_attribute(distribution, "data-chart-type") == "bar"
    chart_ready(page, distribution)
    assert page.evaluate(f"() => Chart.getChart(document.querySelector('{distribution}')).config.type") == "bar"
    table = page.evaluate(
        """() => [...document.querySelectorAll("#distribution tbody tr")].map(
            (tr) => [...tr.querySelectorAll("td")].map((td) => Number(td.textContent.trim())))"""
    )
    by_period = [list(column) for column in zip(*table)]  # rows are buckets; datasets are periods
    assert page.evaluate(CHART_DATA, distribution) == by_period
    assert sum(by_period[2]) == 6  # all time: every member of the sample, once

    # No per-member detail for a usage viewer.
    assert page.locator("#member-activity").count() == 0
    assert page.locator("#leaderboard").count() == 0
    assert page.locator("text=Reveal names").count() == 0
    assert "@example.com" not in page.content()

    # Fewer people than the minimum group size: a message instead of a chart.
    settings.MIN_GROUP_SIZE = 7
    page.reload()
    page.wait_for_selector(f"{distribution}[data-chart-suppressed=true]", state="attached")
    message = page.locator(f"{distribution} + .chart-message")
    assert message.is_visible()
    assert message.inner_text() == "Hidden: this group has fewer than 7 people (minimum group size)."
    assert page.locator("#distribution .suppressed-marker").first.inner_text() == "Fewer than 7 people"

    assert len(page.documents) >= 4
    assert page.problems == []


def test_an_individual_detail_viewer_sees_pseudonyms_reveals_names_and_hides_them(page, live_server, detail_viewer, import_sample):
    assert import_sample("claude_enterprise_audit.csv").status == "done"
    conversations = f"{live_server.url}/dashboard/conversations/?as_of={AS_OF}"

    log_in(page, live_server, detail_viewer, path=f"/accounts/login/?next=/dashboard/conversations/%3Fas_of%3D{AS_OF}")
    page.wait_for_url(conversations)
    chart_ready(page, "#chart-conversation-distribution")
    pseudonyms = member_column(page, "Member")
    assert len(pseudonyms) == 6 and all(PSEUDONYM.match(cell) for cell in pseudonyms), pseudonyms
    assert "@example.com" not in page.content()
    assert page.locator(".names-banner").count() == 0

    page.click("a.button >> text=Reveal names")
    page.wait_for_url(f"{live_server.url}/dashboard/names/reveal/**")
    page.fill("#id_justification", "Coaching session agreed with the member")
    page.click(".reveal-form button[type=submit]")
    page.wait_for_url(conversations)

    assert "Names are visible until" in page.locator(".names-banner").inner_text()
    assert sorted(member_column(page, "Member")) == sorted(pseudonyms)  # the same people
    assert member_column(page, "Email")[0] == "alice@example.com"  # most conversations first
    assert member_column(page, "Name")[0] == "Alice Example"
    reveal = AccessRecord.objects.get(action=AccessRecord.Action.REVEAL)
    assert (reveal.username, reveal.justification) == (detail_viewer.username, "Coaching session agreed with the member")

    page.click("#member-activity thead >> text=All time")
    page.wait_for_url("**sort=conversations_all_time**")
    assert member_column(page, "Email")[0] == "bob@example.com"  # fewest conversations first

    page.locator(".names-banner button >> text=Hide names").click()
    page.wait_for_url("**/dashboard/conversations/**")
    assert page.locator(".names-banner").count() == 0
    assert all(PSEUDONYM.match(cell) for cell in member_column(page, "Member"))
    assert "@example.com" not in page.content()

    assert page.problems == []


def test_an_importer_uses_the_admin_login_and_upload_pages_under_the_policy(page, live_server, importer):
    log_in(page, live_server, importer, path="/admin/login/?next=/admin/ingest/upload/")
    page.wait_for_url(f"{live_server.url}/admin/ingest/upload/")
    page.goto(f"{live_server.url}/admin/ingest/upload/add/")
    page.wait_for_selector("input[type=file]")
    assert {url.removeprefix(live_server.url) for url in page.documents} == {
        "/admin/login/?next=/admin/ingest/upload/",
        "/admin/ingest/upload/",
        "/admin/ingest/upload/add/",
    }
    assert page.problems == []


def test_the_lockout_page_after_five_wrong_passwords(page, live_server, viewer):
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(5):
        page.fill("#id_username", viewer.username)
        page.fill("#id_password", "not the password")
        with page.expect_navigation():
            page.click("#login-form input[type=submit]")
    assert page.locator("h1").inner_text() == "Too many failed logins"
    assert "Please try again after" in page.locator("#content-main").inner_text()
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], "locked_out.png"), full_page=True)
    page.click("text=Back to the log-in page")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    # The lockout answer itself (a 429, which Chromium also reports in the console), nothing else.
    assert sorted(page.problems) == [
        f"429: {live_server.url}/accounts/login/",
        "console: Failed to load resource: the server responded with a status of 429 (Too Many Requests)"
        f" ({live_server.url}/accounts/login/, on {live_server.url}/accounts/login/)",
    ]


@pytest.mark.worker
def test_a_viewer_exports_the_overview_in_one_click(page, live_server, viewer, import_sample):
    """A small export is built in the request and downloaded at once (the background job is for large ones)."""
    import io
    import zipfile

    assert import_sample("claude_enterprise_audit.csv").status == "done"
    log_in(page, live_server, viewer)
    page.wait_for_url(f"{live_server.url}/dashboard/")

    page.goto(f"{live_server.url}/dashboard/?as_of={AS_OF}")
    with page.expect_download() as download:
        page.click(".export-form button[value=csv]")

    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    names = archive.namelist()
    assert names[0] == "00-provenance.csv" and any("daily-active-users" in name for name in names), names
    assert archive.read(names[0]).decode("utf-8-sig").startswith("Usage Portal")
    assert AccessRecord.objects.filter(view_name="export-download", username=viewer.username).exists()
    assert page.url.startswith(f"{live_server.url}/dashboard/")  # the page stays
    assert page.problems == []


def test_the_rollout_page_draws_its_weekly_chart_under_the_policy(page, live_server, viewer, import_sample):
    assert import_sample("claude_enterprise_audit.csv").status == "done"
    log_in(page, live_server, viewer)
    page.wait_for_url(f"{live_server.url}/dashboard/")

    page.goto(f"{live_server.url}/dashboard/rollout/?as_of={AS_OF}")
    chart_ready(page, "#chart-weekly")

    assert page.evaluate(CHART_DATA, "#chart-weekly") == [[6], [0]]  # one ISO week: 6 active, no roster yet
    assert page.problems == []
