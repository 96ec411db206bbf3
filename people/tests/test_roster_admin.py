"""The roster's admin page: who may use it, what it lists, its filter and search."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from django.urls import reverse

from ingest.models import Event
from people.models import Cohort, Member, Team
from portal.models import Scope
from testing.roster import FIXTURES, import_roster, preview

CHANGELIST = "admin:people_rosterentry_changelist"
IMPORT = "admin:people_rosterentry_import"
PROCESS_IMPORT = "admin:people_rosterentry_process_import"
SEEN = datetime(2025, 9, 2, 8, tzinfo=timezone.utc)


@pytest.fixture
def people(db) -> dict[str, Member]:
    platform = Team.objects.create(name="Platform")
    ada = Member.objects.create(email="ada@example.com", name="Ada Lovelace", on_roster=True, team=platform, seat_start=date(2025, 9, 1))
    ada.cohorts.add(Cohort.objects.create(name="pilot"), Cohort.objects.create(name="wave 2"))
    with_events = Member.objects.create(email="events@example.com", name="Evan Events")
    Event.objects.create(occurred_at=SEEN, event="conversation_created", member=with_events, dedupe_key="k1")
    return {
        "ada": ada,
        "seen": Member.objects.create(email="seen@example.com", name="Sam Seen", first_seen=SEEN),
        "events": with_events,
        "never": Member.objects.create(email="never@example.com", name="Nora Never"),  # neither
    }


def listed(response) -> list[str]:
    return sorted(member.email for member in response.context["cl"].result_list)


def test_importer_sees_roster_members_and_people_seen_in_the_logs(client, importer, people):
    client.force_login(importer)

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert listed(response) == ["ada@example.com", "events@example.com", "seen@example.com"]
    page = response.content.decode()
    for text in ("Ada Lovelace", "Platform", "pilot; wave 2", "2025-09-01", "Not on roster (seen in logs)"):
        assert text in page
    for column in ("Email", "Name", "Team", "Department", "Cohorts", "Seat start", "Seat end", "On roster"):
        assert f">{column}</a>" in page or f">{column}</span>" in page, column
    assert reverse(IMPORT) in page  # the Import button
    assert "Evan Events" in page


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("yes", ["ada@example.com"]),
        ("no", ["events@example.com", "seen@example.com"]),
    ],
)
def test_the_on_roster_filter(client, importer, people, choice, expected):
    client.force_login(importer)

    assert listed(client.get(reverse(CHANGELIST), {"on_roster": choice})) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("ada@", ["ada@example.com"]), ("sam seen", ["seen@example.com"]), ("platform", ["ada@example.com"])],
)
def test_search_by_email_name_or_team(client, importer, people, query, expected):
    client.force_login(importer)

    assert listed(client.get(reverse(CHANGELIST), {"q": query})) == expected


def test_importer_cannot_delete_or_add_but_can_edit_roster_fields(client, importer, people):
    client.force_login(importer)
    ada = people["ada"]

    assert client.get(reverse("admin:people_rosterentry_delete", args=[ada.pk])).status_code == 403
    assert client.get(reverse("admin:people_rosterentry_add")).status_code == 403
    assert "delete_selected" not in client.get(reverse(CHANGELIST)).content.decode()
    change = reverse("admin:people_rosterentry_change", args=[ada.pk])
    form = {"on_roster": "on", "team": ada.team_id, "cohorts": [], "seat_start": "2025-09-01", "seat_end": "2025-08-31"}

    refused = client.post(change, form)
    assert refused.status_code == 200 and "before it starts" in refused.content.decode()

    client.post(change, {**form, "seat_end": "2025-12-31"})
    ada.refresh_from_db()
    assert ada.seat_end == date(2025, 12, 31) and ada.email == "ada@example.com"


def test_superuser_can_import(client, superuser):
    client.force_login(superuser)

    import_roster(client, (FIXTURES / "roster.csv").read_bytes())

    assert Member.objects.filter(on_roster=True).count() == 3


@pytest.mark.parametrize("role", ["viewer", "detail_viewer"])
def test_usage_viewers_are_sent_to_the_admin_login(client, request, role):
    client.force_login(request.getfixturevalue(role))

    for name in (CHANGELIST, IMPORT):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), name
    response = client.post(reverse(PROCESS_IMPORT), {})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_without_the_roster_permissions_cannot_import(client, auditor):
    client.force_login(auditor)

    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(reverse(IMPORT)).status_code == 403
    assert preview(client, (FIXTURES / "roster.csv").read_bytes()).status_code == 403
    assert client.post(reverse(PROCESS_IMPORT), {}).status_code == 403
    assert Member.objects.count() == 0


def test_the_pages_say_what_they_show_for_the_access_log(client, importer, people):
    """Emails and names: the list, a change page and the import's preview note the members they show."""
    client.force_login(importer)

    listing = client.get(reverse(CHANGELIST)).wsgi_request.access_note
    assert (listing.scope, listing.person_rows) == (Scope.NAMED, 3)
    assert listing.members == {people["ada"].pk, people["seen"].pk, people["events"].pk}
    change = client.get(reverse("admin:people_rosterentry_change", args=[people["ada"].pk])).wsgi_request.access_note
    assert (change.scope, change.members) == (Scope.NAMED, {people["ada"].pk})
    previewed = preview(client, (FIXTURES / "roster.csv").read_bytes()).wsgi_request.access_note
    assert (previewed.scope, previewed.person_rows, previewed.members) == (Scope.NAMED, 3, {people["ada"].pk})
