"""Milestones and champion notes appear on the charts: any change to them, from the services or the
admin, gives the figures a new data version (connected in NotesConfig.ready())."""

from __future__ import annotations


def notes_changed(sender, **kwargs) -> None:
    from portal.cache import data_version_bump

    data_version_bump(reason="notes")


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from notes.models import ChampionNote, Milestone

    for model in (Milestone, ChampionNote):
        post_save.connect(notes_changed, sender=model, dispatch_uid=f"notes.changed.save.{model.__name__}")
        post_delete.connect(notes_changed, sender=model, dispatch_uid=f"notes.changed.delete.{model.__name__}")
