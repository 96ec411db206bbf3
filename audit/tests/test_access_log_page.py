"""Privacy auditors browse the access log: a sortable, paged table with filters; nobody else may."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from audit.models import AccessRecord
from portal.models import Scope

pytestmark = pytest.mark.django_db

ACCESS_LOG_URL_NAMES = ["access-log", "access-log-csv"]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def records(db) -> dict[str, AccessRecord]:
    """Five records that differ in every filtered field; keyed by username."""
    make = AccessRecord.objects.create
    return {
        "alice": make(
            occurred_at=_at("2025-03-01 09:00"), username="alice", user_id=11, view_name="dashboard-overview",
            path="/dashboard/", scope=Scope.AGGREGATE, status_code=200, client_ip="10.0.0.1",
        ),
        "bob": make(
            occurred_at=_at("2025-03-02 09:00"), username="bob", user_id=12, view_name="dashboard-conversations",
            path="/dashboard/conversations/", scope=Scope.NAMED, person_rows=3, members=[4, 7, 9],
            status_code=200, query={"sort": ["-conversations_7d"], "as_of": [""]},
        ),
        "carol": make(
            occurred_at=_at("2025-03-03 09:00"), username="carol", user_id=13, action=AccessRecord.Action.REVEAL,
            view_name="names-reveal", path="/dashboard/names/reveal/", status_code=302,
            justification="Coaching session agreed with the member",
        ),
        "dave": make(
            occurred_at=_at("2025-03-04 09:00"), username="dave", user_id=14, view_name="dashboard-overview",
            path="/dashboard/", outcome=AccessRecord.Outcome.DENIED, status_code=403,
        ),
        "erin": make(
            occurred_at=_at("2025-03-05 09:00"), username="erin", action=AccessRecord.Action.LOGIN_FAILED,
            view_name="login", path="/accounts/login/", outcome=AccessRecord.Outcome.DENIED, status_code=200,
            user_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
        ),
    }


def _shown(response) -> list[str]:
    """The usernames in the table's rows, in order."""
    assert response.status_code == 200, response.content.decode()[:500]
    return [row.record.username for row in response.context["table"].page.object_list]


def test_auditors_see_five_columns_with_times_in_utc(client, auditor, records):
    client.force_login(auditor)

    response = client.get(reverse("access-log"))

    html = response.content.decode()
    assert _shown(response) == ["erin", "dave", "carol", "bob", "alice"]  # newest first
    headers = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th .*?</th>", html, re.S)]
    assert headers == ["When (UTC)", "Who", "What", "What it showed", "Outcome"]
    assert "Times are in <strong>UTC</strong>" in html
    assert "2025-03-02 09:00:00" in html
    assert 'bob <span class="quiet">#12</span>' in html
    assert '<code class="access-path">/dashboard/conversations/?sort=-conversations_7d</code>' in html  # empty parameters left out
    assert "Named</span> · 3 person rows" in html
    assert "Denied</span> (403)" in html
    assert "10.0.0.1" in html
    assert "Justification: “Coaching session agreed with the member”" in html
    assert '<strong class="access-action">Reveal names</strong>' in html
    agent = records["erin"].user_agent
    assert f'<span title="{agent}">{agent[:40]}…</span>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"who": "AR"}, ["carol"]),  # username contains, any case
        ({"what": "conversations"}, ["bob"]),  # in the view name or the path
        ({"what": "/accounts/"}, ["erin"]),
        ({"action": "reveal"}, ["carol"]),
        ({"scope": "named"}, ["bob"]),
        ({"outcome": "denied"}, ["erin", "dave"]),
        ({"date_from": "2025-03-02", "date_to": "2025-03-03"}, ["carol", "bob"]),  # both days included
        ({"date_from": "2025-03-04"}, ["erin", "dave"]),
        ({"date_to": "2025-03-01"}, ["alice"]),
        ({"outcome": "denied", "what": "dashboard"}, ["dave"]),  # filters combine
    ],
)
def test_each_filter_narrows_the_rows(client, auditor, records, query, expected):
    client.force_login(auditor)

    assert _shown(client.get(reverse("access-log"), query)) == expected


def test_dates_are_whole_days_in_the_reporting_timezone(client, auditor, settings):
    settings.REPORTING_TIMEZONE = "Europe/Paris"  # UTC+1 in March
    AccessRecord.objects.create(occurred_at=_at("2025-03-01 22:30"), username="late-evening")  # 23:30 in Paris
    AccessRecord.objects.create(occurred_at=_at("2025-03-01 23:30"), username="after-midnight")  # 00:30 on the 2nd
    client.force_login(auditor)

    assert _shown(client.get(reverse("access-log"), {"date_to": "2025-03-01"})) == ["late-evening"]
    assert _shown(client.get(reverse("access-log"), {"date_from": "2025-03-02", "who": "after"})) == ["after-midnight"]


def test_an_invalid_filter_shows_its_error_and_no_records(client, auditor, records):
    client.force_login(auditor)

    response = client.get(reverse("access-log"), {"date_from": "yesterday"})

    assert _shown(response) == []
    assert "Enter the date as YYYY-MM-DD" in response.content.decode()
    assert 'id="access-log-csv"' not in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("username", ["alice", "bob", "carol", "dave", "erin"]),
        ("-username", ["erin", "dave", "carol", "bob", "alice"]),
        ("occurred_at", ["alice", "bob", "carol", "dave", "erin"]),
        ("view_name", ["bob", "alice", "dave", "erin", "carol"]),  # by view, then path; ties oldest first
        ("-view_name", ["carol", "erin", "dave", "alice", "bob"]),
    ],
)
def test_columns_sort_the_rows(client, auditor, records, sort, expected):
    client.force_login(auditor)

    assert _shown(client.get(reverse("access-log"), {"sort": sort})) == expected


def test_pages_hold_fifty_records_whatever_the_query_asks(client, auditor):
    AccessRecord.objects.bulk_create(AccessRecord(username=f"user-{n:03}") for n in range(51))
    client.force_login(auditor)

    first = client.get(reverse("access-log"), {"who": "user-", "sort": "username", "per_page": "500"})
    second = client.get(reverse("access-log"), {"who": "user-", "sort": "username", "page": "2"})

    assert len(_shown(first)) == 50
    assert "Page views 1–50" in first.content.decode()
    assert _shown(second) == ["user-050"]
    assert "Page views 51–51" in second.content.decode()


def test_the_visit_is_logged_as_showing_no_usage_data(client, auditor):
    client.force_login(auditor)

    client.get(reverse("access-log"), {"who": "bob"})

    record = AccessRecord.objects.get(view_name="access-log")
    assert (record.username, record.scope, record.outcome, record.status_code) == ("auditor", Scope.NONE, "allowed", 200)
    assert record.query == {"who": ["bob"]}


def test_auditors_find_the_access_log_in_the_user_tools(client, auditor, viewer):
    client.force_login(auditor)
    assert f'<a href="{reverse("access-log")}">Access log</a>' in client.get(reverse("access-log")).content.decode()

    client.force_login(viewer)
    assert "Access log" not in client.get(reverse("dashboard-overview")).content.decode()


def test_home_sends_auditors_to_the_access_log(client, auditor):
    client.force_login(auditor)

    assert client.get(reverse("home"))["Location"] == reverse("access-log")


@pytest.mark.parametrize("name", ACCESS_LOG_URL_NAMES)
def test_anonymous_visitors_are_redirected_to_the_login_page(client, name):
    url = reverse(name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", ACCESS_LOG_URL_NAMES)
@pytest.mark.parametrize("role", ["viewer", "detail_viewer", "importer"])
def test_other_roles_are_refused(client, request, role, name):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse(name))

    assert response.status_code == 403
    refusal = AccessRecord.objects.get(view_name=name)
    assert refusal.outcome == AccessRecord.Outcome.DENIED


@pytest.mark.parametrize("name", ACCESS_LOG_URL_NAMES)
def test_superusers_may_read_the_log(client, superuser, name):
    client.force_login(superuser)

    assert client.get(reverse(name)).status_code == 200
