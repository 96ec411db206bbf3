"""Milestones of the rollout (one may be the baseline week) and champion notes with their edit history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.timezone import now


class Milestone(models.Model):
    """A dated point of the rollout ("pilot start", "wave 2"); one may be the baseline week."""

    label = models.CharField(max_length=200)
    date = models.DateField(help_text="For the baseline, any day of the baseline week (its ISO week is used)")
    is_baseline = models.BooleanField(
        "baseline week", default=False, help_text="The week before broad enablement, which later weeks are compared with"
    )

    class Meta:
        db_table = "analytics_milestone"
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["is_baseline"], condition=models.Q(is_baseline=True), name="one_baseline")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.date:%Y-%m-%d}{', baseline' if self.is_baseline else ''})"


class ChampionNote(models.Model):
    """A dated note about the rollout ("MCP servers enabled", "SSO outage"), never about a person."""

    date = models.DateField()
    text = models.CharField(max_length=300)
    team = models.ForeignKey("people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="notes")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        db_table = "analytics_championnote"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}: {self.text}"


class ChampionNoteRevision(models.Model):
    """A note as it was before an edit (or at its deletion): the history of edits."""

    note = models.ForeignKey(ChampionNote, null=True, on_delete=models.SET_NULL, related_name="revisions")
    date = models.DateField()
    text = models.CharField(max_length=300)
    team_name = models.CharField(max_length=200, blank=True)
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    replaced_at = models.DateTimeField(default=now)
    deleted = models.BooleanField(default=False)

    class Meta:
        db_table = "analytics_championnoterevision"
        ordering = ["-replaced_at", "-id"]
