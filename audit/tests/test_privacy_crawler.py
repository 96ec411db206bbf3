"""Crawl the portal as each role, following every link and fetching every chart's JSON from the
start page: usage viewers, individual-detail viewers before a reveal and privacy auditors never
receive a member's email or name; after a reveal the detail viewer does, and the access log lists
the members shown."""

from __future__ import annotations

import html as html_lib
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.utils.html import escape

from audit.models import AccessRecord
from people.models import Member
from portal.models import Scope

pytestmark = pytest.mark.django_db

LINK = re.compile(r'(?:href|data-chart-url|action)="([^"]*)"')
MAX_PAGES = 300


@pytest.fixture
def people(import_sample, settings) -> list[tuple[str, str]]:
    settings.MIN_GROUP_SIZE = 5  # the sample's 6 members are enough to show figures
    assert import_sample("claude_enterprise_audit.csv").status == "done"
    return list(Member.objects.values_list("email", "name"))


def crawl(client, start: str = "/") -> dict[str, str]:
    """Every page, chart and download reachable by GET from `start`: {path: body}."""
    seen: dict[str, str] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[url] = body.decode("utf-8", "replace")
        if response.status_code in (301, 302):
            queue.append(urljoin(url, response["Location"]))
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        for found in LINK.findall(seen[url]):
            target = urljoin(url, html_lib.unescape(found))
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or parts.path.startswith("/static/"):
                continue
            if parts.path in ("/accounts/logout/", "/admin/logout/"):
                continue
            # The admin's filter and sort links combine without end; each admin page once is enough.
            query = parts.query if not parts.path.startswith("/admin/") else ""
            queue.append(parts.path + (f"?{query}" if query else ""))
    assert len(seen) < MAX_PAGES, "the crawl did not end"
    return seen


def identities_in(pages: dict[str, str], people) -> dict[str, set[str]]:
    """Per page, the member emails and names it contains (raw or HTML-escaped)."""
    found = {}
    for url, body in pages.items():
        hits = {value for person in people for value in person if value and (value in body or escape(value) in body)}
        if hits:
            found[url] = hits
    return found


@pytest.mark.parametrize("role", ["viewer", "detail_viewer", "auditor"])
def test_roles_without_a_reveal_never_receive_a_members_email_or_name(client, request, people, role):
    client.force_login(request.getfixturevalue(role))

    pages = crawl(client)

    assert "/dashboard/conversations/" in pages or role == "auditor"
    assert any(".json" in url for url in pages) or role == "auditor"
    assert identities_in(pages, people) == {}


def test_the_crawl_reaches_the_per_member_table_for_individual_detail_viewers(client, detail_viewer, people):
    client.force_login(detail_viewer)

    pages = crawl(client)

    assert any('id="member-activity"' in body for body in pages.values())
    assert any("sort=" in url for url in pages)  # the sort links were followed too


def test_after_a_reveal_the_crawl_shows_names_and_the_log_lists_the_members_shown(
    client, detail_viewer, people, reveal_names
):
    client.force_login(detail_viewer)
    reveal_names(client)

    pages = crawl(client)

    shown = set().union(*identities_in(pages, people).values())
    assert shown == {value for person in people for value in person if value}
    named = AccessRecord.objects.filter(username=detail_viewer.username, scope=Scope.NAMED)
    assert named.exists()
    listed = {member_id for record in named for member_id in record.members}
    assert listed == set(Member.objects.values_list("id", flat=True))
    assert all(record.person_rows >= len(record.members) for record in named)
