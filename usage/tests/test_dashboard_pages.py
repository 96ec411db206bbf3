"""What the dashboard pages show, read from the sample export (events on 2025-09-01..03).

The counting is checked here as an individual-detail viewer with names revealed, who sees every
figure; what each role may see, and the minimum group size, are tested in test_privacy_*.py."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from portal.selectors import reporting_today
from testing.fixtures import export_csv
from usage.selectors import activity

AS_OF = "2025-09-05"
SAMPLE = "claude_enterprise_audit.csv"
SAMPLE_MEMBERS = [
    "alice@example.com",
    "bob@example.com",
    "carol@example.com",
    "dana.oneil@example.com",
    "erik@example.com",
    "fatima@example.com",
]


@pytest.fixture(autouse=True)
def _small_sample_shown(small_groups_allowed):
    """The sample has 6 members, and some days fewer; the counting below is about all of them."""


@pytest.fixture(autouse=True)
def utc_reporting(settings):
    """The expected days below are UTC days; rollups are built for the reporting timezone at import."""
    settings.REPORTING_TIMEZONE = "UTC"


@pytest.fixture
def sample(import_sample):
    upload = import_sample(SAMPLE)
    assert upload.status == "done", upload.error


@pytest.fixture
def viewer_client(client, detail_viewer, reveal_names):
    client.force_login(detail_viewer)
    reveal_names(client)
    return client


def html_of(client, name, **query) -> str:
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, key: str) -> str:
    match = re.search(rf'data-figure="{key}".*?<div class="card-value">([^<]*)</div>', html, re.S)
    assert match, f"no {key} card"
    return match.group(1).strip()


def member_rows(html: str) -> list[str]:
    """The emails in the member table, top to bottom."""
    table = re.search(r'<table[^>]*id="member-activity".*?</table>', html, re.S)
    assert table, "no member table"
    return re.findall(r"<td[^>]*>\s*([\w.+-]+@[\w.-]+)\s*</td>", table.group(0))


def chart_json(client, name, **query) -> dict:
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


# ---------- Cards, header, definitions ----------


def test_the_overview_cards_show_users_conversations_projects_and_files(viewer_client, sample):
    html = html_of(viewer_client, "dashboard-overview", as_of=AS_OF)

    assert [card(html, key) for key in ("users", "conversations", "projects", "files")] == ["6", "9", "2", "3"]


def test_the_conversations_tab_shows_the_same_cards_and_the_three_windows(viewer_client, sample):
    html = html_of(viewer_client, "dashboard-conversations", as_of=AS_OF)

    assert [card(html, key) for key in ("users", "conversations", "projects", "files")] == ["6", "9", "2", "3"]
    # 2025-09-05 minus 6 days is 2025-08-30, so every sample conversation is in all three windows.
    assert [card(html, key) for key in ("conversations_7d", "conversations_30d", "conversations_all_time")] == ["9", "9", "9"]


def test_the_cards_count_only_days_up_to_the_as_of_day(viewer_client, sample):
    html = html_of(viewer_client, "dashboard-overview", as_of="2025-09-01")

    # On 2025-09-01 (UTC): alice, bob, carol and dana; conversations by alice, bob, carol, dana.
    assert card(html, "users") == "4"
    assert card(html, "conversations") == "4"


def test_the_header_shows_the_as_of_day_and_the_reporting_timezone(viewer_client, sample):
    html = html_of(viewer_client, "dashboard-overview", as_of="2025-09-02")

    assert re.search(r"As of <strong><time[^>]*>2025-09-02</time></strong>", html)
    assert "Times in <strong>UTC</strong>" in html


def test_without_an_as_of_day_the_dashboard_reports_today_in_the_reporting_timezone(viewer_client, sample):
    html = html_of(viewer_client, "dashboard-overview")

    assert f'<time datetime="{reporting_today().isoformat()}">' in html


def test_every_figure_has_its_definition_on_hover(viewer_client, sample):
    overview = html_of(viewer_client, "dashboard-overview", as_of=AS_OF)
    conversations = html_of(viewer_client, "dashboard-conversations", as_of=AS_OF)

    for key in ("users", "conversations", "projects", "files", "daily_active_users"):
        assert f'title="{escape(activity.DEFINITIONS[key])}"' in overview, key
    for key in ("last_7_days", "last_30_days", "all_time", "daily_conversations", "last_seen"):
        assert escape(activity.DEFINITIONS[key]) in conversations, key
    # The table's "Last seen" heading carries its definition.
    assert re.search(rf'<th scope="col" title="{re.escape(escape(activity.DEFINITIONS["last_seen"]))}"[^>]*>\s*<a[^>]*>Last seen</a>', conversations)


# ---------- Conversations tab: table and leaderboard ----------


def test_the_member_table_lists_every_active_member_most_conversations_first(viewer_client, sample):
    rows = member_rows(html_of(viewer_client, "dashboard-conversations", as_of=AS_OF))

    assert sorted(rows) == SAMPLE_MEMBERS
    # Two conversations each for alice, carol and dana; ties read A to Z.
    assert rows[:3] == ["alice@example.com", "carol@example.com", "dana.oneil@example.com"]


def test_sorting_by_all_time_conversations_ascending_puts_the_fewest_first(viewer_client, sample):
    rows = member_rows(html_of(viewer_client, "dashboard-conversations", as_of=AS_OF, sort="conversations_all_time"))

    assert rows == [
        "bob@example.com",
        "erik@example.com",
        "fatima@example.com",
        "alice@example.com",
        "carol@example.com",
        "dana.oneil@example.com",
    ]


def test_sorting_by_all_time_conversations_descending_puts_the_most_first(viewer_client, sample):
    rows = member_rows(html_of(viewer_client, "dashboard-conversations", as_of=AS_OF, sort="-conversations_all_time"))

    assert rows == [
        "alice@example.com",
        "carol@example.com",
        "dana.oneil@example.com",
        "bob@example.com",
        "erik@example.com",
        "fatima@example.com",
    ]


@pytest.mark.parametrize(
    "sort, first",
    [
        ("email", "alice@example.com"),
        ("-email", "fatima@example.com"),
        ("name", "alice@example.com"),
        ("-name", "fatima@example.com"),
        ("conversations_7d", "bob@example.com"),
        ("-conversations_30d", "alice@example.com"),
        ("latest_event_at", "erik@example.com"),
        ("-latest_event_at", "alice@example.com"),  # signed out 2025-09-03 18:02
    ],
)
def test_every_column_of_the_member_table_sorts(viewer_client, sample, sort, first):
    rows = member_rows(html_of(viewer_client, "dashboard-conversations", as_of=AS_OF, sort=sort))

    assert rows[0] == first


def test_the_member_table_shows_last_seen_in_the_reporting_timezone(viewer_client, sample):
    html = html_of(viewer_client, "dashboard-conversations", as_of=AS_OF, sort="-latest_event_at")

    # Dana's latest event is 2025-09-03T16:47:30Z.
    assert re.search(r"dana\.oneil@example\.com</td>.*?2025-09-03 16:47</td>", html, re.S)


def test_the_leaderboard_ranks_members_by_all_time_conversations(viewer_client, sample):
    html = html_of(viewer_client, "dashboard-conversations", as_of=AS_OF)

    board = re.search(r'<table[^>]*id="leaderboard".*?</table>', html, re.S).group(0)
    names = re.findall(r'<span class="member-name">([^<]*)</span>', board)
    assert names[:3] == ["Alice Example", "Carol Demo", "Dana O&#x27;Neil"]
    assert len(names) == 6
    assert "2025-09-03 18:02" in board  # Alice's last seen (signed out)


def test_sort_links_keep_the_as_of_day(viewer_client, sample):
    html = html_of(viewer_client, "dashboard-conversations", as_of=AS_OF)

    assert 'href="?as_of=2025-09-05&amp;sort=conversations_all_time"' in html


def test_choosing_another_day_keeps_the_sort(viewer_client, sample):
    html = html_of(viewer_client, "dashboard-conversations", as_of=AS_OF, sort="email")

    form = re.search(r'<form class="as-of-form".*?</form>', html, re.S).group(0)
    assert '<input type="hidden" name="sort" value="email">' in form


def test_the_member_table_pages_25_members_at_a_time(viewer_client, import_bytes):
    emails = {f"member{n:02d}@example.com": n for n in range(1, 31)}  # 30 members, n conversations each
    assert import_bytes(export_csv(emails)).status == "done"

    first = html_of(viewer_client, "dashboard-conversations", as_of=AS_OF)
    second = html_of(viewer_client, "dashboard-conversations", as_of=AS_OF, page=2)

    assert member_rows(first) == [f"member{n:02d}@example.com" for n in range(30, 5, -1)]
    assert member_rows(second) == [f"member{n:02d}@example.com" for n in range(5, 0, -1)]
    assert 'href="?as_of=2025-09-05&amp;page=2"' in first
    assert "26–30 of 30 members" in second
    assert card(first, "users") == "30"


@pytest.mark.parametrize("query", [{"per_page": "1000"}, {"page": "99"}, {"page": "x"}, {"sort": "password"}])
def test_the_member_table_ignores_page_sizes_and_tolerates_odd_parameters(viewer_client, import_bytes, query):
    import_bytes(export_csv({f"member{n:02d}@example.com": n for n in range(1, 31)}))

    rows = member_rows(html_of(viewer_client, "dashboard-conversations", as_of=AS_OF, **query))

    assert len(rows) in (25, 5)  # a whole page: the first, or the last for a page past the end


def test_changing_the_sort_goes_back_to_the_first_page(viewer_client, import_bytes):
    import_bytes(export_csv({f"member{n:02d}@example.com": n for n in range(1, 31)}))

    html = html_of(viewer_client, "dashboard-conversations", as_of=AS_OF, page=2)

    assert 'href="?as_of=2025-09-05&amp;sort=conversations_all_time"' in html


# ---------- Charts ----------


def test_the_daily_active_users_chart_has_one_point_per_day_up_to_the_as_of_day(viewer_client, sample):
    data = chart_json(viewer_client, "chart-daily-active-users", as_of=AS_OF)

    # The sample ends on 2025-09-03: a later as-of day shows up to the last day with data.
    assert data["labels"] == ["2025-09-01", "2025-09-02", "2025-09-03"]
    assert [dataset["data"] for dataset in data["datasets"]] == [[4, 4, 4]]
    assert data["datasets"][0]["label"] == "Daily active users"
    assert data["timezone"] == "UTC"
    assert data["as_of"] == "2025-09-03"


def test_the_daily_conversations_chart_counts_conversations_per_day(viewer_client, sample):
    data = chart_json(viewer_client, "chart-daily-conversations", as_of=AS_OF)

    assert data["labels"] == ["2025-09-01", "2025-09-02", "2025-09-03"]
    assert data["datasets"][0]["data"] == [4, 3, 2]
    assert data["timezone"] == "UTC"


def test_the_pages_point_their_charts_at_the_same_as_of_day(viewer_client, sample):
    overview = html_of(viewer_client, "dashboard-overview", as_of="2025-09-02")
    conversations = html_of(viewer_client, "dashboard-conversations", as_of="2025-09-02")

    assert f'data-chart-url="{reverse("chart-daily-active-users")}?as_of=2025-09-02"' in overview
    assert f'data-chart-url="{reverse("chart-daily-conversations")}?as_of=2025-09-02"' in conversations


def test_tab_links_keep_the_as_of_day(viewer_client, sample):
    html = html_of(viewer_client, "dashboard-overview", as_of="2025-09-02")

    assert f'href="{reverse("dashboard-conversations")}?as_of=2025-09-02"' in html
    assert f'href="{reverse("dashboard-overview")}?as_of=2025-09-02"' in html


# ---------- Invalid input, empty state ----------


@pytest.mark.parametrize("bad", ["2025-13-45", "yesterday", "05/09/2025", "0001-01-01"])
def test_an_invalid_as_of_day_shows_an_error_and_falls_back_to_today(viewer_client, sample, bad):
    for name in ("dashboard-overview", "dashboard-conversations"):
        html = html_of(viewer_client, name, as_of=bad)

        assert 'class="errornote as-of-errors"' in html
        assert f'<time datetime="{reporting_today().isoformat()}">' in html
        assert card(html, "users") == "6"  # every sample event is before today


def test_a_chart_with_an_invalid_as_of_day_answers_for_today(viewer_client, sample):
    data = chart_json(viewer_client, "chart-daily-active-users", as_of="not-a-date")

    assert data["as_of"] == reporting_today().isoformat()
    assert data["labels"][-1] == data["as_of"]


def test_a_future_as_of_day_becomes_the_last_day_with_data(viewer_client, sample):
    html = html_of(viewer_client, "dashboard-overview", as_of="2030-01-01")

    assert "as-of-errors" not in html
    assert '<time datetime="2025-09-03">' in html  # the sample's last day
    assert "Data ends on 2025-09-03; showing that day." in html


def test_a_chart_far_in_the_future_costs_no_more_queries_than_today(viewer_client, sample, django_assert_max_num_queries):
    # Against the sample's last day (a Wednesday), not today: today's ISO week is whole on a Sunday
    # and partial on other days, which takes four queries more (the week to date).
    with CaptureQueriesContext(connection) as today:
        viewer_client.get(reverse("chart-weekly"), {"as_of": "2025-09-03"})
    with django_assert_max_num_queries(len(today.captured_queries) + 4):  # + the last day of each source
        response = viewer_client.get(reverse("chart-weekly"), {"as_of": "2099-12-31"})
    assert response.status_code == 200


def test_with_no_data_the_pages_show_zeros_and_point_to_the_uploads(client, superuser):
    client.force_login(superuser)

    for name in ("dashboard-overview", "dashboard-conversations"):
        html = html_of(client, name, as_of=AS_OF)

        assert [card(html, key) for key in ("users", "conversations", "projects", "files")] == ["0", "0", "0", "0"]
        assert "No usage data up to 2025-09-05 yet." in html
        assert f'href="{reverse("uploads")}"' in html
    data = chart_json(client, "chart-daily-active-users", as_of=AS_OF)
    assert data["labels"] == [] and data["datasets"][0]["data"] == []


def test_the_empty_state_does_not_offer_uploads_to_viewers_who_cannot_upload(viewer_client):
    html = html_of(viewer_client, "dashboard-overview", as_of=AS_OF)

    assert "No usage data up to 2025-09-05 yet." in html
    assert reverse("uploads") not in html


# ---------- Ready for a strict Content-Security-Policy ----------


@pytest.mark.parametrize("name", ["dashboard-overview", "dashboard-conversations"])
def test_the_pages_have_no_inline_scripts_or_styles(viewer_client, sample, name):
    html = html_of(viewer_client, name, as_of=AS_OF)

    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I)
    assert scripts, "the charts need their scripts"
    for attrs, body in scripts:
        assert "src=" in attrs and body.strip() == "", f"inline script: {attrs} {body[:80]}"
    assert not re.search(r"<style\b", html, re.I)
    assert not re.search(r"\sstyle\s*=", html, re.I)
    assert not re.search(r"\son[a-z]+\s*=", html, re.I), "inline event handler"
    assert "vendor/chart.umd.min.js" in html and "usage/js/charts.js" in html


def test_the_refusal_page_has_no_inline_scripts_or_styles(client, importer):
    client.force_login(importer)

    html = client.get(reverse("dashboard-overview")).content.decode()

    assert not re.search(r"<script\b(?![^>]*\bsrc=)[^>]*>", html, re.I)
    assert not re.search(r"<style\b|\sstyle\s*=", html, re.I)
