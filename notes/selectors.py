"""Champion notes and rollout milestones: the notes page, a note's history, and chart markers."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, QuerySet

from notes.models import ChampionNote, ChampionNoteRevision, Milestone
from portal.cache import figure_cached


def note_list() -> QuerySet[ChampionNote]:
    """Every note, newest first, with its team, its author and how many times it was edited."""
    return ChampionNote.objects.select_related("team", "created_by").annotate(edits=Count("revisions")).order_by(
        "-date", "-id"
    )


def note_revision_list(*, note: ChampionNote) -> QuerySet[ChampionNoteRevision]:
    """The note's earlier versions, the most recently replaced first."""
    return note.revisions.select_related("replaced_by").order_by("-replaced_at", "-id")


@figure_cached
def note_marker_list(*, start: date, end: date) -> list[dict]:
    """Notes dated from `start` to `end` (both included), for a chart: {"date", "text", "team"}."""
    notes = ChampionNote.objects.filter(date__range=(start, end)).select_related("team").order_by("date", "id")
    return [{"date": note.date.isoformat(), "text": note.text, "team": note.team.name if note.team else None} for note in notes]


@figure_cached
def milestone_marker_list(*, start: date, end: date) -> list[dict]:
    """Milestones dated from `start` to `end` (both included), for a chart: {"date", "label", "baseline"}."""
    milestones = Milestone.objects.filter(date__range=(start, end)).order_by("date", "id")
    return [{"date": m.date.isoformat(), "label": m.label, "baseline": m.is_baseline} for m in milestones]
