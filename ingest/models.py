"""Uploads of audit-log exports and the events imported from them.

Never stored, by design: see NEVER_STORED (the transparency page lists it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

# What the import reads from an audit-log export but never keeps (the transparency page shows this).
NEVER_STORED = [
    "IP addresses",
    "device ids (used only inside the key that recognises an event seen before)",
    "user agents (browser and operating system strings)",
    "event details (event_info: they can hold conversation titles and phone numbers)",
    "the content or titles of conversations, projects and files (exports do not carry them)",
]
# What is kept about each event and person.
STORED = [
    "per member: email, name and Anthropic account id as exported, first and last activity, a pseudonym",
    "per event: when it happened, its name (such as conversation_created), the member, the kind and id of "
    "what it concerns, and the client platform (web, desktop, mobile)",
    "daily counts per member and for the organisation, behind every dashboard figure",
    "uploaded export files (privately, never served) until their retention period ends",
    "the access log: who viewed what, when, from which address",
]


class Upload(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    file = models.FileField(upload_to="uploads/%Y/%m/")
    original_name = models.CharField(max_length=255, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    detected_format = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent of the file read")
    rows_read = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0, help_text="Events stored from this file")
    rows_duplicate = models.PositiveIntegerField(default=0, help_text="Events already stored before")
    rows_rejected = models.PositiveIntegerField(default=0)
    rows_too_old = models.PositiveIntegerField(
        "rows older than retention", default=0, help_text="Events older than the raw-event retention period, skipped"
    )
    unknown_events = models.JSONField(default=dict, blank=True, help_text="Event names not in the documented list, with counts")
    rejected_sample = models.JSONField(default=list, blank=True, help_text="The first rejected rows: line and reason")
    rejected_report = models.FileField(upload_to="rejected/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "analytics_upload"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name or f"Upload {self.pk}"


class Event(models.Model):
    occurred_at = models.DateTimeField(help_text="UTC instant")
    event = models.CharField(max_length=100, help_text="Event name as exported")
    # No database-level foreign keys on the two high-volume tables: checking them costs more than
    # the insert itself at millions of rows. Rows are only written and deleted through the services.
    member = models.ForeignKey("people.Member",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        db_constraint=False,
        db_index=False,  # nothing reads events by member on a hot path; rollups carry the member
    )
    entity_type = models.CharField(max_length=50, blank=True)
    entity_id = models.CharField(max_length=100, blank=True)
    client_platform = models.CharField(max_length=20, blank=True, help_text="web, desktop, mobile or other")
    upload = models.ForeignKey(
        Upload,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        db_constraint=False,
        db_index=False,  # covered by event_upload_occurred_at
    )
    dedupe_key = models.CharField(max_length=32, unique=True)

    class Meta:
        db_table = "analytics_event"
        indexes = [
            models.Index(fields=["occurred_at"], name="event_occurred_at"),
            # Counts and time span of one upload's events, read from the index alone.
            models.Index(fields=["upload", "occurred_at"], name="event_upload_occurred_at"),
        ]

    def __str__(self) -> str:
        return f"{self.event} at {self.occurred_at:%Y-%m-%d %H:%M}"
