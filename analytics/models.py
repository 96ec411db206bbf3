"""The portal's data: members, their events, the uploads those came from, and daily rollups.

Never stored, by design: IP addresses, device ids (used only inside the dedupe key),
user agents, and event_info values (they can hold conversation titles and phone numbers).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Member(models.Model):
    """A person whose usage is analysed, identified by lower-cased email."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    anthropic_uuid = models.CharField("Anthropic uuid", max_length=64, blank=True)
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    # The upload that first named this member; a failed upload removes the members it alone added.
    first_upload = models.ForeignKey("Upload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return f"Member {self.pk}"


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
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name or f"Upload {self.pk}"


class Event(models.Model):
    occurred_at = models.DateTimeField(help_text="UTC instant")
    event = models.CharField(max_length=100, help_text="Event name as exported")
    # No database-level foreign keys on the two high-volume tables: checking them costs more than
    # the insert itself at millions of rows. Rows are only written and deleted through the services.
    member = models.ForeignKey(
        Member,
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
        indexes = [
            models.Index(fields=["occurred_at"], name="event_occurred_at"),
            # Counts and time span of one upload's events, read from the index alone.
            models.Index(fields=["upload", "occurred_at"], name="event_upload_occurred_at"),
        ]

    def __str__(self) -> str:
        return f"{self.event} at {self.occurred_at:%Y-%m-%d %H:%M}"


class DailyActivity(models.Model):
    """Per member per calendar day (in `timezone`) counts; every dashboard figure reads these.

    Rows with no member hold the events of service accounts and actor-less rows, which count
    in event totals but never as users.
    """

    timezone = models.CharField(max_length=64)
    day = models.DateField()
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="daily_activity", db_constraint=False
    )
    events = models.PositiveIntegerField(default=0)
    conversations = models.PositiveIntegerField(default=0)
    projects = models.PositiveIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)
    last_event_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "daily activity"
        indexes = [
            models.Index(fields=["timezone", "day"], name="activity_tz_day"),
            models.Index(fields=["timezone", "member", "day"], name="activity_tz_member_day"),
        ]
        permissions = [("view_dashboard", "Can view the usage dashboard")]


class DailyTotal(models.Model):
    """Organisation-wide figures per calendar day in `timezone`, summed from DailyActivity.

    Charts and cards read these few hundred rows instead of scanning the per-member rollup.
    """

    timezone = models.CharField(max_length=64)
    day = models.DateField()
    active_users = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)
    conversations = models.PositiveIntegerField(default=0)
    projects = models.PositiveIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["timezone", "day"], name="daily_total_unique_day")]


class MemberTotal(models.Model):
    """Per member, in `timezone`: the first and last active day and all-time counts.

    The member table reads one row per member from here, corrected for days after the as-of day.
    """

    timezone = models.CharField(max_length=64)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="totals", db_constraint=False
    )
    first_day = models.DateField()
    last_day = models.DateField()
    last_event_at = models.DateTimeField()
    events = models.PositiveIntegerField(default=0)
    conversations = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["timezone", "member"], name="member_total_tz_member")]
