"""The charts in Chromium under the real Content-Security-Policy: axis titles, numbered note and
milestone markers whose badges never overlap each other or the legend (measured by their boxes, at
a wide and a phone-sized viewport) and are listed under the chart, the 7-day average toggle, and a
click on a day, a week or a team that opens its figures. Any console error or CSP violation fails."""

from __future__ import annotations

import os
from datetime import date, timedelta
from itertools import combinations

import pytest

from notes.models import ChampionNote, Milestone
from testing.browser import chart_ready, log_in
from testing.fixtures import export_csv

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = date(2025, 9, 1)  # a Monday
DAYS = 14
AS_OF = (FIRST + timedelta(days=DAYS - 1)).isoformat()  # 2025-09-14, the last day with data
PEOPLE = [f"person{n}@example.com" for n in range(6)]
DAU = "#chart-daily-active-users"


def active_on(day: date) -> list[str]:
    """Everyone on weekdays, one person at weekends: the dips a 7-day average smooths."""
    return PEOPLE if day.weekday() < 5 else PEOPLE[:1]


@pytest.fixture
def two_weeks(import_bytes):
    """Two weeks of sign-ins and conversations, and five markers on neighbouring days."""
    parts = []
    for n in range(DAYS):
        day = FIRST + timedelta(days=n)
        content = export_csv({email: 1 for email in active_on(day)}, day=day.isoformat()).decode()
        parts.append(content if n == 0 else content.split("\n", 1)[1])
    assert import_bytes("".join(parts).encode()).status == "done"
    for offset, text in ((2, "Office hours started"), (3, "A long note about the second wave of licences"), (4, "Prompt library shared")):
        ChampionNote.objects.create(date=FIRST + timedelta(days=offset), text=text)
    Milestone.objects.create(date=FIRST + timedelta(days=3), label="Wave 2")
    Milestone.objects.create(date=FIRST + timedelta(days=5), label="Pilot review")


def chart_value(page, selector: str, expression: str):
    return page.evaluate(f"(selector) => {{ const chart = Chart.getChart(document.querySelector(selector)); return {expression}; }}", selector)


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def marker_boxes(page, selector: str) -> list[dict]:
    return page.evaluate("(selector) => JSON.parse(document.querySelector(selector).dataset.chartMarkerBoxes)", selector)


def legend_box(page, selector: str) -> dict | None:
    return chart_value(
        page,
        selector,
        "chart.options.plugins.legend.display ? {left: chart.legend.left, right: chart.legend.right, top: chart.legend.top, bottom: chart.legend.bottom} : null",
    )


def assert_markers_readable(page, selector: str) -> None:
    boxes = marker_boxes(page, selector)
    width = chart_value(page, selector, "chart.width")
    assert boxes, "no marker drawn"
    for a, b in combinations(boxes, 2):
        assert not overlaps(a, b), (a, b)
    for box in boxes:
        assert 0 <= box["left"] and box["right"] <= width and box["top"] >= 0, box  # nothing cut off
    legend = legend_box(page, selector)
    if legend:
        assert not any(overlaps(box, legend) for box in boxes), (boxes, legend)
    # Every marker is drawn, numbered 1 to 5 across the badges ("1", "2,3", "4–5").
    numbers = []
    for box in boxes:
        if "\u2013" in box["text"]:
            first, last = map(int, box["text"].split("\u2013"))
            numbers += range(first, last + 1)
        else:
            numbers += map(int, box["text"].split(","))
    assert numbers == [1, 2, 3, 4, 5]


def test_axis_titles_and_markers_that_never_overlap(page, live_server, viewer, two_weeks):
    log_in(page, live_server, viewer)
    page.wait_for_url(f"{live_server.url}/dashboard/")
    page.goto(f"{live_server.url}/dashboard/?as_of={AS_OF}")
    chart_ready(page, DAU)

    assert chart_value(page, DAU, "[chart.options.scales.x.title.text, chart.options.scales.x.title.display]") == ["Day (UTC)", True]
    assert chart_value(page, DAU, "chart.options.scales.y.title.text") == "Active users (people)"

    # The list under the chart: numbered in date order, each with its date, kind and full text.
    items = page.locator(".chart-panel:has(#chart-daily-active-users) ol.chart-markers li")
    assert items.all_inner_texts() == [
        "2025-09-03 NOTE Office hours started",
        "2025-09-04 MILESTONE Wave 2",
        "2025-09-04 NOTE A long note about the second wave of licences",
        "2025-09-05 NOTE Prompt library shared",
        "2025-09-06 MILESTONE Pilot review",
    ]
    assert page.evaluate("() => [...document.querySelectorAll('#content-main ol.chart-markers li')].map((li) => li.value)")[:5] == [1, 2, 3, 4, 5]
    assert items.first.locator("a").get_attribute("href") == "/dashboard/?as_of=2025-09-03"  # the day, by keyboard too
    assert_markers_readable(page, DAU)

    # With the 7-day average on, the legend is drawn (below the chart): still no overlap.
    page.check("input[data-chart-average-for=chart-daily-active-users]")
    page.wait_for_selector(f"{DAU}[data-chart-average=true]", state="attached")
    assert legend_box(page, DAU) is not None
    assert_markers_readable(page, DAU)

    # A phone: the markers' days are a few pixels apart, so their badges merge rather than overlap.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    chart_ready(page, DAU)
    assert_markers_readable(page, DAU)
    assert len(marker_boxes(page, DAU)) < 5

    page.goto(f"{live_server.url}/dashboard/conversations/?as_of={AS_OF}")
    chart_ready(page, "#chart-daily-conversations")
    assert chart_value(page, "#chart-daily-conversations", "chart.options.scales.y.title.text") == "Conversations (count)"
    chart_ready(page, "#chart-conversation-distribution")
    assert chart_value(page, "#chart-conversation-distribution", "chart.options.scales.x.title.text") == "Conversations a user created in the period"
    assert page.problems == []


def test_the_7_day_average_toggle(page, live_server, viewer, two_weeks):
    log_in(page, live_server, viewer)
    page.wait_for_url(f"{live_server.url}/dashboard/")
    page.goto(f"{live_server.url}/dashboard/?as_of={AS_OF}")
    chart_ready(page, DAU)
    daily = [len(active_on(FIRST + timedelta(days=n))) for n in range(DAYS)]
    assert chart_value(page, DAU, "chart.data.datasets.map((d) => d.data)") == [daily]

    toggle = page.locator("input[data-chart-average-for=chart-daily-active-users]")
    assert toggle.is_visible()
    toggle.check()
    page.wait_for_selector(f"{DAU}[data-chart-average=true]", state="attached")

    labels = chart_value(page, DAU, "chart.data.datasets.map((d) => d.label)")
    assert labels == ["7-day average", "Each day"]
    average = chart_value(page, DAU, "chart.data.datasets[0].data")
    expected = [None] * 6 + [sum(daily[n - 6 : n + 1]) / 7 for n in range(6, DAYS)]
    assert average == pytest.approx(expected)
    assert chart_value(page, DAU, "chart.data.datasets[1].data") == daily  # the days stay, faint

    toggle.uncheck()
    page.wait_for_selector(f"{DAU}[data-chart-average=false]", state="attached")
    assert chart_value(page, DAU, "chart.data.datasets.map((d) => d.data)") == [daily]

    # The distribution's bars have no days to average.
    page.goto(f"{live_server.url}/dashboard/conversations/?as_of={AS_OF}")
    chart_ready(page, "#chart-conversation-distribution")
    assert page.locator("input[data-chart-average-for=chart-conversation-distribution]").is_hidden()
    assert page.locator("input[data-chart-average-for=chart-daily-conversations]").is_visible()
    assert page.problems == []


def click_point(page, selector: str, index: int) -> None:
    """A click on the plot at the x of label `index`, halfway up."""
    page.locator(selector).scroll_into_view_if_needed()
    x, y = chart_value(page, selector, f"[chart.scales.x.getPixelForValue({index}), (chart.chartArea.top + chart.chartArea.bottom) / 2]")
    box = page.locator(selector).bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_a_click_on_a_day_opens_that_day(page, live_server, viewer, two_weeks):
    log_in(page, live_server, viewer)
    page.wait_for_url(f"{live_server.url}/dashboard/")
    page.goto(f"{live_server.url}/dashboard/conversations/?as_of={AS_OF}")
    chart_ready(page, "#chart-daily-conversations")

    click_point(page, "#chart-daily-conversations", 2)
    page.wait_for_url(f"{live_server.url}/dashboard/conversations/?as_of=2025-09-03")
    assert page.locator(".dashboard-meta time").inner_text() == "2025-09-03"
    chart_ready(page, "#chart-daily-conversations")
    assert chart_value(page, "#chart-daily-conversations", "chart.data.labels.at(-1)") == "2025-09-03"
    assert page.problems == []


def test_a_click_on_a_week_opens_its_sunday_and_a_team_row_its_dashboard(page, live_server, viewer, rollout):
    log_in(page, live_server, viewer)
    page.wait_for_url(f"{live_server.url}/dashboard/")
    page.goto(f"{live_server.url}/dashboard/rollout/?as_of=2025-11-03")
    chart_ready(page, "#chart-weekly")
    labels = chart_value(page, "#chart-weekly", "chart.data.labels")
    assert chart_value(page, "#chart-weekly", "chart.options.scales.x.title.text") == "ISO week in UTC, by its Monday"

    click_point(page, "#chart-weekly", labels.index("2025-10-27"))
    page.wait_for_url(f"{live_server.url}/dashboard/rollout/?as_of=2025-11-02")

    page.click("#content-main th[scope=row] a >> text=Alpha")
    page.wait_for_url("**/dashboard/rollout/?group=team:Alpha&as_of=2025-11-02")
    assert page.locator("h1").inner_text().endswith("team Alpha")
    chart_ready(page, "#chart-weekly")
    assert page.problems == []
