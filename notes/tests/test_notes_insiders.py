"""Notes against insiders: one champion cannot rewrite or delete another's note, and a note that
names a person is refused like one with an email address."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from notes.models import ChampionNote
from notes.services import note_create, note_delete, note_update
from people.models import Member
from portal.roles import ROLLOUT_CHAMPIONS
from testing.fixtures import user_make


@pytest.fixture
def champions(db):
    return user_make("champion", ROLLOUT_CHAMPIONS), user_make("other-champion", ROLLOUT_CHAMPIONS)


@pytest.fixture
def note(champions) -> ChampionNote:
    return note_create(user=champions[0], date=date(2025, 9, 2), text="MCP servers enabled")


def test_another_champion_can_neither_edit_nor_delete_a_note(client, champions, note):
    client.force_login(champions[1])

    assert client.get(reverse("note-edit", args=[note.pk])).status_code == 403
    assert client.post(reverse("note-edit", args=[note.pk]), {"date": "2025-09-02", "text": "Nothing happened"}).status_code == 403
    assert client.post(reverse("note-delete", args=[note.pk])).status_code == 403
    note.refresh_from_db()
    assert note.text == "MCP servers enabled"
    with pytest.raises(PermissionDenied):
        note_update(note=note, user=champions[1], date=note.date, text="Changed", team=None)
    with pytest.raises(PermissionDenied):
        note_delete(note=note, user=champions[1])


def test_the_author_and_a_superuser_may(client, champions, note, superuser):
    note_update(note=note, user=champions[0], date=note.date, text="MCP servers on", team=None)
    client.force_login(superuser)
    assert client.post(reverse("note-delete", args=[note.pk])).status_code == 302
    assert not ChampionNote.objects.filter(pk=note.pk).exists()


@pytest.mark.parametrize("text", ["Mara Okafor has stopped using Claude", "office hours with MARA  okafor", "Coaching (Mara Okafor)"])
def test_a_note_naming_a_member_is_refused(client, champions, text):
    Member.objects.create(email="mara.okafor@example.com", name="Mara Okafor", on_roster=True)
    client.force_login(champions[0])

    response = client.post(reverse("note-add"), {"date": "2025-09-03", "text": text})

    assert response.status_code == 400 and "Remove the person&#x27;s name" in response.content.decode()
    with pytest.raises(ValidationError):
        note_create(user=champions[0], date=date(2025, 9, 3), text=text)
    assert not ChampionNote.objects.exists()


def test_words_that_only_contain_a_name_are_fine(champions):
    Member.objects.create(email="ann.lee@example.com", name="Ann Lee")

    note_create(user=champions[0], date=date(2025, 9, 3), text="Planning session: annual leeway review")
