"""Writing champion notes. Every edit and every delete first keeps the note as it was
(a ChampionNoteRevision), so the history of a note is never lost."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from notes.models import ChampionNote, ChampionNoteRevision
from people.models import Member, Team

# Anything shaped like an email address: notes are about events, never about individuals.
EMAIL = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+\.[^\s@<>()\[\],;:\"']+")
ABOUT_EVENTS = "Notes are about events (a feature enabled, office hours, an outage), never about individuals."


def note_text_check(*, text: str) -> None:
    """Refuse a note that names a person: an email address, or the full name of a member."""
    if EMAIL.search(text):
        raise ValidationError(f"Remove the email address. {ABOUT_EVENTS}", code="email")
    words = " ".join(text.casefold().split())
    for name in Member.objects.filter(name__contains=" ").values_list("name", flat=True).iterator():
        if re.search(rf"(?<!\w){re.escape(' '.join(name.casefold().split()))}(?!\w)", words):
            raise ValidationError(f"Remove the person's name. {ABOUT_EVENTS}", code="name")


def note_change_check(*, note: ChampionNote, user) -> None:
    """Only a note's author, or a superuser, may edit or delete it."""
    if not (user.is_superuser or (note.created_by_id is not None and note.created_by_id == user.pk)):
        raise PermissionDenied("Only the author of a note can change or delete it.")


def note_create(*, user, date: date, text: str, team: Team | None = None) -> ChampionNote:
    note_text_check(text=text)
    return ChampionNote.objects.create(date=date, text=text, team=team, created_by=user)


def _revision_keep(*, note: ChampionNote, user, deleted: bool) -> ChampionNoteRevision:
    return ChampionNoteRevision.objects.create(
        note=note,
        date=note.date,
        text=note.text,
        team_name=note.team.name if note.team else "",
        replaced_by=user,
        deleted=deleted,
    )


@transaction.atomic
def note_update(*, note: ChampionNote, user, date: date, text: str, team: Team | None = None) -> ChampionNote:
    """Change a note, keeping its previous version; a save that changes nothing keeps nothing."""
    note_change_check(note=note, user=user)
    note_text_check(text=text)
    note = ChampionNote.objects.select_for_update(of=("self",)).select_related("team").get(pk=note.pk)
    if (note.date, note.text, note.team_id) == (date, text, team.pk if team else None):
        return note
    _revision_keep(note=note, user=user, deleted=False)
    note.date, note.text, note.team, note.updated_at = date, text, team, timezone.now()
    note.save(update_fields=["date", "text", "team", "updated_at"])
    return note


@transaction.atomic
def note_delete(*, note: ChampionNote, user) -> ChampionNoteRevision:
    """Delete a note, keeping its last version as a revision marked deleted (the admin lists it)."""
    note_change_check(note=note, user=user)
    note = ChampionNote.objects.select_for_update(of=("self",)).select_related("team").get(pk=note.pk)
    revision = _revision_keep(note=note, user=user, deleted=True)
    note.delete()
    return revision
