"""The screenshot suite: every page each demo role can reach, in Chromium at 1400 px and 375 px,
after a name reveal and with a flash message shown, photographed into docs/screens/ and checked
the way a person would look at it. A page fails on a console error (CSP violations are reported
there), a horizontal scrollbar, text overflowing its box, or chart labels that overlap.

The demo organisation (load_demo, smaller than `make run`'s) is loaded once; the photographs are
rewritten on every run (SCREENS_DIR moves them elsewhere), so `git status docs/screens` shows
what changed on screen.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from testing.browser import chart_ready

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(os.environ.get("SCREENS_DIR", Path(__file__).resolve().parents[2] / "docs" / "screens"))
WIDTHS = (1400, 375)
DASHBOARDS = ["/dashboard/", "/dashboard/conversations/", "/dashboard/rollout/", "/dashboard/claude-code/"]
# What each demo login works with (the pages its role reaches from the portal's links).
PAGES = {
    "anonymous": ["/accounts/login/"],
    "viewer": [*DASHBOARDS, "/notes/", "/transparency/"],
    "coach": [*DASHBOARDS, "/dashboard/names/reveal/"],
    "champion": ["/dashboard/rollout/", "/notes/", "/notes/add/"],
    "importer": [
        "/uploads/", "/uploads/new/", "/uploads/<demo>/", "/data-health/", "/admin/people/rosterentry/import/", "/transparency/",
    ],
    "auditor": ["/access-log/", "/admin/retention/purgereceipt/", "/transparency/"],
    "admin": ["/admin/", "/dashboard/rollout/"],
}
# After a reveal, the coach sees names (and the flash message saying so) on these.
AFTER_REVEAL = ["/dashboard/conversations/", "/dashboard/claude-code/", "/dashboard/rollout/"]

# Text that spills out of its box: its content is wider than the box and nothing clips or scrolls it.
OVERFLOWING = """() => {
  const boxes = document.querySelectorAll("h1, h2, h3, p, li, th, td, dt, dd, label, a.button, button, .card-label, .card-value");
  const out = [];
  for (const box of boxes) {
    const style = getComputedStyle(box);
    if (box.offsetParent === null || style.overflowX !== "visible") continue;
    if (box.closest(".table-container, .chart, pre")) continue;  // scrolls or draws on its own
    if (box.scrollWidth > box.clientWidth + 1 && box.clientWidth > 0) out.push(box.tagName + ": " + box.textContent.trim().slice(0, 60));
  }
  return out;
}"""
# Marker labels (the numbered list under each chart) and legends must not overlap each other.
OVERLAPPING = """() => {
  const boxes = [...document.querySelectorAll(".chart-markers li, .chart-legend li")].map((e) => [e, e.getBoundingClientRect()]);
  const out = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i], [b, rb] = boxes[j];
      if (ra.width && rb.width && ra.left < rb.right - 1 && rb.left < ra.right - 1 && ra.top < rb.bottom - 1 && rb.top < ra.bottom - 1)
        out.push(a.textContent.trim().slice(0, 30) + " / " + b.textContent.trim().slice(0, 30));
    }
  return out;
}"""


@pytest.fixture
def demo(settings) -> int:
    """The demo organisation; returns its audit-log upload's id (for the upload page)."""
    from ingest.models import Upload
    from portal.roles import GROUP_PERMISSIONS
    from testing.fixtures import _group

    settings.REPORTING_TIMEZONE = "UTC"
    for role in GROUP_PERMISSIONS:  # the role groups, re-made if an earlier transactional test flushed them
        _group(role)
    call_command("load_demo", "--members", "120", "--days", "120", "--events", "20000", stdout=open(os.devnull, "w"))
    return Upload.objects.order_by("pk").values_list("pk", flat=True).first()


def _log_in(page, live_server, login: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", login)
    page.fill("#id_password", f"demo-{login}-pass")
    page.click("#login-form input[type=submit]")
    page.wait_for_load_state("load")


def _look(page, live_server, path: str | None, name: str, width: int) -> list[str]:
    """Open `path` (None: stay on the page, as after a redirect with a flash message), wait for its
    charts, photograph it and say what is wrong with it."""
    page.set_viewport_size({"width": width, "height": 900})
    before = len(page.problems)
    if path is not None:
        page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")
    for canvas in page.locator("canvas[data-chart-url]").all():
        chart_ready(page, f"#{canvas.get_attribute('id')}")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
    wrong = [f"{name} at {width}px: {problem}" for problem in page.problems[before:]]
    scroll = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if scroll[0] > scroll[1]:
        wrong.append(f"{name} at {width}px: scrolls sideways ({scroll[0]} px wide)")
    wrong += [f"{name} at {width}px: overflows: {text}" for text in page.evaluate(OVERFLOWING)]
    wrong += [f"{name} at {width}px: labels overlap: {pair}" for pair in page.evaluate(OVERLAPPING)]
    return wrong


def _name(login: str, path: str) -> str:
    return f"{login}-{path.strip('/').replace('/', '-') or 'home'}"


def test_every_page_of_every_role_looks_right(browser, live_server, demo):
    demo_upload = demo
    wrong: list[str] = []
    for login, paths in PAGES.items():
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.problems = []
        page.on("console", lambda message, page=page: message.type == "error" and page.problems.append(f"console: {message.text}"))
        page.on("pageerror", lambda error, page=page: page.problems.append(f"page error: {error}"))
        if login != "anonymous":
            _log_in(page, live_server, login)
        for path in paths:
            name = _name(login, path.replace("<demo>", "demo"))  # the same file whatever the upload's id
            path = path.replace("<demo>", str(demo_upload))
            for width in WIDTHS:
                wrong += _look(page, live_server, path, name, width)
        if login == "coach":
            page.goto(f"{live_server.url}/dashboard/names/reveal/?next=/dashboard/conversations/")
            page.fill("#id_justification", "Coaching session agreed with the member")
            page.click(".reveal-form button[type=submit]")
            page.wait_for_selector("ul.messagelist li")  # the flash message, photographed with the page
            for width in WIDTHS:  # resizing keeps the page, and its message
                wrong += _look(page, live_server, None, "coach-after-reveal-message", width)
            for path in AFTER_REVEAL:
                for width in WIDTHS:
                    wrong += _look(page, live_server, path, f"{_name(login, path)}-names", width)
        context.close()
    assert wrong == [], "\n".join(wrong)
