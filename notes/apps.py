"""Milestones and champion notes."""

from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "notes"
    verbose_name = "Notes"

    def ready(self):
        from notes import receivers

        receivers.connect()
