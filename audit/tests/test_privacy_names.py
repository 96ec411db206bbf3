"""Who sees people: usage viewers never; individual-detail viewers under pseudonyms, and names only
for a limited time after a justified, logged reveal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AccessRecord
from people.models import Member
from people.selectors import pseudonym_period_get
from portal import privacy
from portal.models import Scope

AS_OF = "2025-09-05"
PSEUDONYM = re.compile(r"Member [0-9A-F]{4}-[0-9A-F]{4}")

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(import_sample, settings) -> list[tuple[str, str]]:
    """The sample's six members, as (email, name)."""
    settings.REPORTING_TIMEZONE = "UTC"
    assert import_sample("claude_enterprise_audit.csv").status == "done"
    return list(Member.objects.values_list("email", "name"))


def conversations(client, **query) -> str:
    response = client.get(reverse("dashboard-conversations"), {"as_of": AS_OF, **query})
    assert response.status_code == 200
    return response.content.decode()


def identities_in(html: str, people) -> set[str]:
    """The emails and names of `people` that appear in `html`, raw or HTML-escaped."""
    return {value for person in people for value in person if value and (value in html or escape(value) in html)}


def test_usage_viewers_see_the_distribution_and_nobody(client, viewer, people):
    client.force_login(viewer)

    html = conversations(client)

    assert identities_in(html, people) == set()
    assert not PSEUDONYM.search(html)
    assert 'id="member-activity"' not in html and 'id="leaderboard"' not in html
    assert 'id="distribution"' in html and "Reveal names" not in html


@pytest.mark.parametrize("query", [{"sort": "email"}, {"sort": "-name", "page": "2"}, {"per_page": "1000"}])
def test_sort_and_page_parameters_do_not_bring_people_back_for_usage_viewers(client, viewer, people, query):
    client.force_login(viewer)

    html = conversations(client, **query)

    assert identities_in(html, people) == set()
    assert not PSEUDONYM.search(html)


def test_individual_detail_viewers_see_pseudonyms_until_they_reveal(client, detail_viewer, people):
    client.force_login(detail_viewer)

    html = conversations(client)

    assert identities_in(html, people) == set()
    assert len(set(PSEUDONYM.findall(html))) == len(people)
    assert "Reveal names" in html


def test_pseudonymous_tables_cannot_be_sorted_by_name_or_email(client, detail_viewer, people):
    client.force_login(detail_viewer)
    order = lambda html: PSEUDONYM.findall(re.search(r'id="member-activity".*?</table>', html, re.S).group(0))  # noqa: E731

    default = order(conversations(client))

    for sort in ("email", "-email", "name", "-name"):
        assert order(conversations(client, sort=sort)) == default, sort


def test_pseudonyms_are_stable_keyed_and_do_not_contain_the_email(settings):
    first = privacy.member_pseudonym("alice@example.com", period="2026-Q4")

    assert PSEUDONYM.fullmatch(first)
    assert privacy.member_pseudonym("Alice@Example.com ", period="2026-Q4") == first
    assert privacy.member_pseudonym("bob@example.com", period="2026-Q4") != first
    assert privacy.member_pseudonym("alice@example.com", period="2027-Q1") != first  # rotated
    settings.PSEUDONYM_KEY = "another key"
    assert privacy.member_pseudonym("alice@example.com", period="2026-Q4") != first


def test_the_stored_pseudonym_is_the_keyed_hash_of_the_email(people):
    for member in Member.objects.all():
        assert member.pseudonym == privacy.member_pseudonym(member.email, period=pseudonym_period_get())


def test_revealing_needs_a_justification(client, detail_viewer, people):
    client.force_login(detail_viewer)

    response = client.post(reverse("names-reveal"), {"justification": ""})

    assert response.status_code == 400
    assert "Say why you need to see names" in response.content.decode()
    assert identities_in(conversations(client), people) == set()
    assert not AccessRecord.objects.filter(action=AccessRecord.Action.REVEAL).exists()


def test_a_reveal_shows_names_with_a_banner_and_is_logged_with_its_justification(
    client, detail_viewer, people, reveal_names, settings
):
    settings.NAMES_REVEAL_MINUTES = 30
    client.force_login(detail_viewer)

    reveal_names(client, "Coaching conversation agreed with the team lead")
    html = conversations(client)

    assert identities_in(html, people) == {email for email, _ in people} | {name for _, name in people if name}
    assert "Names are visible until" in html and "Every page you view is logged" in html and "Hide names" in html
    reveal = AccessRecord.objects.get(action=AccessRecord.Action.REVEAL)
    assert (reveal.username, reveal.justification, reveal.outcome) == (
        detail_viewer.username,
        "Coaching conversation agreed with the team lead",
        AccessRecord.Outcome.ALLOWED,
    )
    until = timezone.now() + timedelta(minutes=30)
    assert abs(privacy.viewer_for_request(_request_with(client, detail_viewer)).names_visible_until - until) < timedelta(seconds=30)


def test_the_page_shown_with_names_lists_the_members_it_named(client, detail_viewer, people, reveal_names):
    client.force_login(detail_viewer)
    reveal_names(client)

    conversations(client)

    record = AccessRecord.objects.filter(view_name="dashboard-conversations").latest("id")
    assert record.scope == Scope.NAMED
    assert record.person_rows == len(people) + 6  # the table's rows and the leaderboard's
    assert sorted(record.members) == sorted(Member.objects.values_list("id", flat=True))


def test_a_pseudonymous_page_counts_rows_but_names_no_members(client, detail_viewer, people):
    client.force_login(detail_viewer)

    conversations(client)

    record = AccessRecord.objects.filter(view_name="dashboard-conversations").latest("id")
    assert (record.scope, record.person_rows, record.members) == (Scope.PSEUDONYMOUS, len(people) + 6, [])


def test_hiding_names_ends_the_reveal_early_and_is_logged(client, detail_viewer, people, reveal_names):
    client.force_login(detail_viewer)
    reveal_names(client)

    response = client.post(reverse("names-hide"), {"next": reverse("dashboard-conversations")})

    assert response.status_code == 302 and response["Location"] == reverse("dashboard-conversations")
    assert identities_in(conversations(client), people) == set()
    assert AccessRecord.objects.filter(action=AccessRecord.Action.HIDE, username=detail_viewer.username).exists()


def test_names_disappear_when_the_reveal_expires(client, detail_viewer, people, reveal_names):
    client.force_login(detail_viewer)
    reveal_names(client)
    session = client.session
    session[privacy.REVEAL_SESSION_KEY] = (timezone.now() - timedelta(seconds=1)).isoformat()
    session.save()

    html = conversations(client)

    assert identities_in(html, people) == set()
    assert "Names are visible until" not in html


def test_usage_viewers_cannot_reveal_and_the_attempt_is_logged_as_denied(client, viewer, people):
    client.force_login(viewer)

    response = client.post(reverse("names-reveal"), {"justification": "I would just like to know who"})

    assert response.status_code == 403
    record = AccessRecord.objects.get(view_name="names-reveal")
    assert (record.outcome, record.status_code, record.justification) == (AccessRecord.Outcome.DENIED, 403, "")
    assert identities_in(conversations(client), people) == set()


def test_a_reveal_returns_only_to_pages_of_this_site(client, detail_viewer, people):
    client.force_login(detail_viewer)

    response = client.post(
        reverse("names-reveal"), {"justification": "Coaching session agreed", "next": "https://evil.example.com/"}
    )

    assert response["Location"] == reverse("dashboard-conversations")


def _request_with(client, user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    request.session = client.session
    return request
