"""The portal's frame in Chromium, looked at rather than parsed: a confirmation message is a
readable banner (not squeezed into the round "i" of the definitions), a person without admin
rights who opens /admin/ lands in the portal with a word, and every page has its icon."""

from __future__ import annotations

import os

import pytest

from portal.views import NOT_ADMIN_MESSAGE
from testing.browser import log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_reveal_confirmation_is_a_readable_banner(page, live_server, detail_viewer):
    log_in(page, live_server, detail_viewer, path="/accounts/login/?next=/dashboard/names/reveal/")
    page.wait_for_url(f"{live_server.url}/dashboard/names/reveal/")
    page.fill("#id_justification", "Coaching session agreed with the member")
    page.click(".reveal-form button[type=submit]")
    page.wait_for_selector("ul.messagelist li")

    message = page.locator("ul.messagelist li").first
    box = message.bounding_box()
    assert "Names are visible now" in message.inner_text()
    # One line of text across the page: the collision made it a 15 px ellipse with the text running down.
    assert box["width"] > 600 and box["height"] < 60, box
    assert message.evaluate("(e) => getComputedStyle(e).fontStyle") == "normal"
    assert page.problems == []


def test_someone_without_admin_rights_is_sent_from_the_admin_to_the_portal(page, live_server, viewer):
    log_in(page, live_server, viewer)
    page.wait_for_url(f"{live_server.url}/dashboard/")

    page.goto(f"{live_server.url}/admin/")

    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.locator("ul.messagelist li").inner_text() == NOT_ADMIN_MESSAGE
    assert page.problems == []


def test_every_page_has_the_portals_icon(page, live_server, importer):
    log_in(page, live_server, importer)
    page.wait_for_url(f"{live_server.url}/uploads/")
    page.goto(f"{live_server.url}/admin/ingest/upload/")  # an admin page: its icon is /favicon.ico

    icon = page.request.get(f"{live_server.url}/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg")
    page.goto(f"{live_server.url}/transparency/")
    assert page.locator("link[rel=icon]").get_attribute("href").endswith("favicon.svg")
    assert page.problems == []
