"""The roster import in Chromium under the real Content-Security-Policy: a preview of changed rows
raises no CSP violation (its diff used inline styles, one per changed cell)."""

from __future__ import annotations

import os

import pytest

from testing.browser import log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROSTER = "email,name,team,seat_start\nada@example.com,Ada Lovelace,Platform,2025-09-01\n"


def _preview(page, live_server, path, content: str):
    path.write_text(content)
    page.goto(f"{live_server.url}/admin/people/rosterentry/import/")
    page.set_input_files("input[type=file]", str(path))
    page.click("form[enctype=\"multipart/form-data\"] input[type=submit]")
    page.wait_for_selector("table.import-preview")


def test_a_roster_preview_of_changes_shows_under_the_policy(page, live_server, importer, tmp_path):
    log_in(page, live_server, importer)
    page.wait_for_url(f"{live_server.url}/uploads/")
    _preview(page, live_server, tmp_path / "roster.csv", ROSTER)
    page.click("input[name=confirm]")
    page.wait_for_selector("ul.messagelist li")

    _preview(page, live_server, tmp_path / "roster-2.csv", ROSTER.replace("Platform", "Data"))

    assert page.problems == []
    assert page.locator("#roster-detected").inner_text() == "Read as CSV (from the file's content)."
    assert page.locator("table.import-preview ins.diff-added").first.inner_text() == "Data"
