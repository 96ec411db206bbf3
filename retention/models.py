"""What the retention purge keeps about itself: a receipt for every run."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now


class PurgeReceipt(models.Model):
    """What one purge run (scheduled, manual or dry) found and deleted. Kept; never purged."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        USER = "user", "User"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    started_at = models.DateTimeField(default=now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    triggered_by = models.CharField(max_length=150, blank=True, help_text="Who ran it by hand")
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    settings_in_force = models.JSONField(default=dict, help_text="The retention periods used, in days")
    cutoffs = models.JSONField(default=dict, help_text="Per category, the instant before which data was purged")
    deleted = models.JSONField(default=dict, help_text="Per category, rows and files deleted (or that would be, in a dry run)")
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "analytics_purgereceipt"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Purge {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()}{', dry run' if self.dry_run else ''})"
