"""Admin pages about members, events and uploads say in the access log what they showed; the log's own
admin shows its times in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from audit.models import AccessRecord
from ingest.models import Event, Upload
from people.models import Member
from portal.models import Scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(db) -> list[Member]:
    return [Member.objects.create(email=f"person{n}@example.com", name=f"Person {n}") for n in range(3)]


@pytest.fixture
def events(members) -> list[Event]:
    at = datetime(2025, 3, 1, 9, tzinfo=UTC)
    return [
        Event.objects.create(occurred_at=at, event="conversation_created", member=members[0], dedupe_key="a"),
        Event.objects.create(occurred_at=at, event="conversation_created", member=members[2], dedupe_key="b"),
        Event.objects.create(occurred_at=at, event="conversation_created", member=members[2], dedupe_key="c"),
        Event.objects.create(occurred_at=at, event="api_key_created", member=None, dedupe_key="d"),
    ]


def _record(view_name: str) -> AccessRecord:
    return AccessRecord.objects.get(view_name=view_name)


def revealed(client, user):
    """Signed in with names revealed, as the admin's member pages need for names."""
    client.force_login(user)
    assert client.post(reverse("names-reveal"), {"justification": "Checking an HR roster question"}).status_code == 302
    return client


def test_without_a_reveal_a_superuser_sees_members_under_pseudonyms(client, superuser, members):
    client.force_login(superuser)

    html = client.get(reverse("admin:people_member_changelist")).content.decode()
    searched = client.get(reverse("admin:people_member_changelist"), {"q": "person1@"}).content.decode()
    page = client.get(reverse("admin:people_member_change", args=[members[1].pk])).content.decode()

    assert members[1].pseudonym in html and "person1@example.com" not in html and "Person 1" not in html
    assert "0 results" in searched  # the search box is no oracle for names or emails
    assert "person1@example.com" not in page and "Person 1" not in page
    record = AccessRecord.objects.filter(view_name="admin:people_member_changelist").first()
    assert (record.scope, record.members) == (Scope.PSEUDONYMOUS, [])


def test_the_member_list_is_logged_as_named_with_the_members_shown(client, superuser, members):
    revealed(client, superuser)

    response = client.get(reverse("admin:people_member_changelist"))

    assert response.status_code == 200
    assert "person1@example.com" in response.content.decode()
    record = _record("admin:people_member_changelist")
    assert (record.scope, record.person_rows, record.username) == (Scope.NAMED, 3, "root")
    assert record.members == sorted(member.pk for member in members)


def test_a_searched_member_list_logs_only_the_members_it_showed(client, superuser, members):
    revealed(client, superuser)

    client.get(reverse("admin:people_member_changelist"), {"q": "person1@"})

    record = _record("admin:people_member_changelist")
    assert (record.person_rows, record.members) == (1, [members[1].pk])


def test_a_member_page_and_its_history_are_logged_as_named(client, superuser, members):
    revealed(client, superuser)
    member = members[1]

    client.get(reverse("admin:people_member_change", args=[member.pk]))
    client.get(reverse("admin:people_member_history", args=[member.pk]))

    for view_name in ("admin:people_member_change", "admin:people_member_history"):
        record = _record(view_name)
        assert (record.scope, record.person_rows, record.members) == (Scope.NAMED, 1, [member.pk]), view_name


def test_the_event_list_logs_the_members_of_its_rows(client, superuser, members, events):
    client.force_login(superuser)

    client.get(reverse("admin:ingest_event_changelist"))

    record = _record("admin:ingest_event_changelist")
    assert record.scope == Scope.NAMED
    assert record.person_rows == 3  # the event without a member is about no one
    assert record.members == sorted([members[0].pk, members[2].pk])


def test_an_event_page_logs_its_member(client, superuser, members, events):
    client.force_login(superuser)

    client.get(reverse("admin:ingest_event_change", args=[events[1].pk]))

    record = _record("admin:ingest_event_change")
    assert (record.scope, record.person_rows, record.members) == (Scope.NAMED, 1, [members[2].pk])


def test_upload_pages_are_logged_as_showing_no_usage_data(client, importer):
    upload = Upload.objects.create(file="uploads/export.csv", original_name="export.csv", uploaded_by=importer)
    client.force_login(importer)

    assert client.get(reverse("admin:ingest_upload_changelist")).status_code == 200
    assert client.get(reverse("admin:ingest_upload_change", args=[upload.pk])).status_code == 200

    for view_name in ("admin:ingest_upload_changelist", "admin:ingest_upload_change"):
        record = _record(view_name)
        assert (record.scope, record.person_rows, record.members, record.outcome) == (Scope.NONE, 0, [], "allowed")


def test_the_access_record_admin_shows_no_usage_data(client, superuser):
    client.force_login(superuser)

    client.get(reverse("admin:audit_accessrecord_changelist"))

    assert _record("admin:audit_accessrecord_changelist").scope == Scope.NONE


def test_the_admin_shows_times_in_utc_whatever_the_reporting_timezone(client, superuser, settings):
    settings.REPORTING_TIMEZONE = settings.TIME_ZONE = "Europe/Paris"
    record = AccessRecord.objects.create(username="alice", occurred_at=datetime(2025, 3, 1, 23, 30, tzinfo=UTC))
    client.force_login(superuser)

    listing = client.get(reverse("admin:audit_accessrecord_changelist")).content.decode()
    page = client.get(reverse("admin:audit_accessrecord_change", args=[record.pk])).content.decode()

    assert "2025-03-01 23:30:00" in listing and "2025-03-01 23:30:00" in page
