"""Champion notes on the portal: who may read and write them, the reminder that they are about
events (an email address is refused), and the history every edit and delete keeps."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notes.models import ChampionNote, ChampionNoteRevision
from notes.services import note_create, note_update
from people.models import Team
from portal.roles import ROLLOUT_CHAMPIONS
from testing.fixtures import user_make


@pytest.fixture
def champion(db):
    return user_make("champion", ROLLOUT_CHAMPIONS)


@pytest.fixture
def team(db) -> Team:
    return Team.objects.create(name="Platform")


@pytest.fixture
def note(champion, team) -> ChampionNote:
    return note_create(user=champion, date=date(2025, 9, 2), text="MCP servers enabled", team=team)


def logged_in(client, user):
    client.force_login(user)
    return client


def test_a_champion_adds_a_note_for_a_team(client, champion, team):
    response = logged_in(client, champion).post(
        reverse("note-add"), {"date": "2025-09-03", "text": "Office hours", "team": team.pk}
    )

    assert response.status_code == 302 and response["Location"] == reverse("notes")
    note = ChampionNote.objects.get()
    assert (note.date.isoformat(), note.text, note.team, note.created_by) == ("2025-09-03", "Office hours", team, champion)


def test_the_form_reminds_that_notes_are_about_events_never_individuals(client, champion):
    html = logged_in(client, champion).get(reverse("note-add")).content.decode()

    assert 'id="note-reminder"' in html
    assert "Notes are about events (a feature enabled, office hours, an outage), never about individuals." in html


@pytest.mark.parametrize("text", ["Coached alice@example.com", "Ask Bob.Smith+x@corp.example.org about SSO"])
def test_a_note_with_an_email_address_is_refused(client, champion, text):
    response = logged_in(client, champion).post(reverse("note-add"), {"date": "2025-09-03", "text": text})

    assert response.status_code == 400
    assert "Remove the email address." in response.content.decode()
    assert not ChampionNote.objects.exists()
    with pytest.raises(ValidationError):
        note_create(user=champion, date="2025-09-03", text=text)


def test_an_edit_keeps_the_previous_version_shown_on_the_edit_page(client, champion, note):
    response = logged_in(client, champion).post(
        reverse("note-edit", args=[note.pk]), {"date": "2025-09-04", "text": "MCP servers enabled for all", "team": ""}
    )

    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.date.isoformat(), note.text, note.team) == ("2025-09-04", "MCP servers enabled for all", None)
    revision = ChampionNoteRevision.objects.get()
    assert (revision.note, revision.date.isoformat(), revision.text, revision.team_name) == (
        note, "2025-09-02", "MCP servers enabled", "Platform"
    )
    assert (revision.replaced_by, revision.deleted) == (champion, False)
    history = client.get(reverse("note-edit", args=[note.pk])).content.decode()
    assert 'id="note-history"' in history and "2025-09-02" in history and "Platform" in history


def test_saving_a_note_unchanged_keeps_no_revision(champion, note, team):
    note_update(note=note, user=champion, date=note.date, text=note.text, team=team)

    assert not ChampionNoteRevision.objects.exists()


def test_a_delete_keeps_the_last_version_marked_deleted(client, champion, note):
    note_update(note=note, user=champion, date=note.date, text="SSO outage", team=None)

    response = logged_in(client, champion).post(reverse("note-delete", args=[note.pk]))

    assert response.status_code == 302
    assert not ChampionNote.objects.exists()
    kept = list(ChampionNoteRevision.objects.order_by("id").values_list("text", "deleted"))
    assert kept == [("MCP servers enabled", False), ("SSO outage", True)]


def test_the_list_shows_every_note_newest_first_with_team_author_and_edit_count(client, viewer, champion, note):
    note_create(user=champion, date="2025-09-05", text="SSO outage")
    note_update(note=note, user=champion, date=note.date, text="MCP servers on", team=note.team)

    response = logged_in(client, viewer).get(reverse("notes"))

    assert response.status_code == 200
    notes = list(response.context["notes"])
    assert [(n.text, n.team.name if n.team else None, n.created_by.username, n.edits) for n in notes] == [
        ("SSO outage", None, "champion", 0),
        ("MCP servers on", "Platform", "champion", 1),
    ]
    html = response.content.decode()
    assert "Whole organisation" in html and "Platform" in html and "champion" in html


def test_a_usage_viewer_reads_notes_but_cannot_add_change_or_delete_them(client, viewer, note):
    logged_in(client, viewer)

    assert client.get(reverse("notes")).status_code == 200
    assert reverse("note-add") not in client.get(reverse("notes")).content.decode()
    assert client.get(reverse("note-add")).status_code == 403
    assert client.post(reverse("note-add"), {"date": "2025-09-03", "text": "Office hours"}).status_code == 403
    assert client.post(reverse("note-edit", args=[note.pk]), {"date": "2025-09-03", "text": "x"}).status_code == 403
    assert client.post(reverse("note-delete", args=[note.pk])).status_code == 403
    assert ChampionNote.objects.get().text == "MCP servers enabled"


def test_an_importer_without_note_or_dashboard_permission_cannot_read_notes(client, importer, note):
    assert logged_in(client, importer).get(reverse("notes")).status_code == 403


def test_the_notes_link_shows_for_people_who_may_view_notes(client, champion, viewer):
    assert 'href="/notes/"' in logged_in(client, champion).get(reverse("transparency")).content.decode()
    assert 'href="/notes/"' not in logged_in(client, viewer).get(reverse("transparency")).content.decode()
