"""What the retention purge keeps about itself: a receipt for every run."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from portal.db import AppendOnlyError, AppendOnlyQuerySet


class PurgeReceiptQuerySet(AppendOnlyQuerySet):
    refused_update = "Purge receipts change only while their run is going, through the run itself."
    refused_delete = "Purge receipts are never deleted."


class PurgeReceipt(models.Model):
    """What one purge run (scheduled, manual or dry) found and deleted. Kept; never purged.

    Append-only once finished: while its run goes (status running) the receipt gains its counts,
    errors, status and finish, and nothing else changes; a finished receipt never changes and no
    receipt is deleted. The model and its queryset (also the base manager) refuse it, and so do
    triggers on SQLite and PostgreSQL (retention migration 0002).
    """

    # Two-role PostgreSQL (portal.db.app_role_grant): no DELETE; UPDATE for running receipts (the trigger).
    APP_ROLE_PRIVILEGES = "SELECT, INSERT, UPDATE"

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

    objects = PurgeReceiptQuerySet.as_manager()

    class Meta:
        db_table = "analytics_purgereceipt"
        base_manager_name = "objects"
        ordering = ["-started_at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None and not type(self).objects.filter(pk=self.pk, status=self.Status.RUNNING).exists():
            raise AppendOnlyError("A finished purge receipt never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(PurgeReceiptQuerySet.refused_delete)

    def __str__(self) -> str:
        return f"Purge {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()}{', dry run' if self.dry_run else ''})"
