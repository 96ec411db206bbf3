"""Uploads of audit-log exports and the events imported from them.

Never stored, by design: see NEVER_STORED (the transparency page lists it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ingest.db import FUNCTIONS as EVENT_PARTITION_FUNCTIONS
from ingest.db import event_partitions_ensure

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
    detected_format = models.CharField(max_length=30, blank=True)
    covers_date = models.DateField(
        null=True, blank=True, help_text="The UTC date an analytics /users page covers (the page does not say)"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent of the file read")
    rows_read = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0, help_text="Events stored from this file")
    rows_duplicate = models.PositiveIntegerField(default=0, help_text="Events already stored before")
    rows_rejected = models.PositiveIntegerField(default=0)
    rows_too_old = models.PositiveIntegerField(
        "rows older than retention", default=0, help_text="Events older than the raw-event retention period, skipped"
    )
    unknown_events = models.JSONField(default=dict, blank=True, help_text="Event names, metrics and tools not in the documented lists, with counts")
    rejected_sample = models.JSONField(default=list, blank=True, help_text="The first rejected rows: line and reason")
    rejected_report = models.FileField(upload_to="rejected/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A large file imported in parallel (ingest.services.uploads, "chunked"): how many chunks the
    # parse wrote (0 until it finished), and each member's first/last event, name and uuid in the
    # file, keyed by member id, for the finish; emptied when the upload is done.
    chunks_total = models.PositiveIntegerField(default=0)
    member_sightings = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "analytics_upload"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name or f"Upload {self.pk}"


class UploadChunk(models.Model):
    """Parsed, member-resolved rows of a large upload, in a file in the default storage, that any
    worker inserts (ingest.services.uploads.upload_chunk_process)."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    file = models.CharField(max_length=255, help_text="Name in the default storage")
    rows = models.PositiveIntegerField()
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    done = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["upload", "number"], name="uploadchunk_number")]

    def __str__(self) -> str:
        return f"Chunk {self.number} of upload {self.upload_id}"


class EventQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if objs:  # PostgreSQL: the months' partitions first (ingest/db.py); the import paths call it themselves
            instants = [obj.occurred_at for obj in objs]
            event_partitions_ensure(first=min(instants), last=max(instants))
        return super().bulk_create(objs, *args, **kwargs)


class Event(models.Model):
    # Two-role PostgreSQL (portal.db.app_role_grant): the app role makes and drops partitions only
    # through the SECURITY DEFINER functions the owner made (ingest/db.py).
    APP_ROLE_FUNCTIONS = EVENT_PARTITION_FUNCTIONS

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

    objects = EventQuerySet.as_manager()

    class Meta:
        db_table = "analytics_event"
        indexes = [
            models.Index(fields=["occurred_at"], name="event_occurred_at"),
            # Counts and time span of one upload's events, read from the index alone.
            models.Index(fields=["upload", "occurred_at"], name="event_upload_occurred_at"),
        ]

    def __str__(self) -> str:
        return f"{self.event} at {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        event_partitions_ensure(first=self.occurred_at, last=self.occurred_at)
        super().save(*args, **kwargs)


# --- Claude Code, analytics API, spend and tickets (formats.md §3–§5) --------------------------------
# Stored as each source gives them, per UTC date; usage.models.CodeDay picks one source per member
# and date from these. Re-imports replace a record with the same key (a revision), except
# OpenTelemetry, whose points and events are recognised by identity and kept once.


class CodeSource(models.TextChoices):
    USAGE_REPORT = "usage_report", "Claude Code usage report"
    ANALYTICS = "analytics", "Analytics API"
    OTEL = "otel", "OpenTelemetry"


def _upload_link(related_name: str):
    return models.ForeignKey(Upload, null=True, blank=True, on_delete=models.SET_NULL, related_name=related_name)


class CodeUsage(models.Model):
    """One actor's Claude Code figures on one UTC date from the usage report (one row per terminal)
    or the analytics API (terminal ""). The actor is a member, or an API key (member null): API
    keys are never people and count nowhere but the API-keys totals."""

    source = models.CharField(max_length=20, choices=CodeSource.choices)
    date = models.DateField()
    member = models.ForeignKey("people.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="code_usage")
    api_key_name = models.CharField(max_length=200, blank=True)
    terminal = models.CharField(max_length=100, blank=True)
    sessions = models.PositiveIntegerField(default=0)
    lines_added = models.PositiveBigIntegerField(default=0)
    lines_removed = models.PositiveBigIntegerField(default=0)
    commits = models.PositiveIntegerField(default=0)
    pull_requests = models.PositiveIntegerField(default=0)
    edits_accepted = models.PositiveIntegerField(default=0)
    edits_rejected = models.PositiveIntegerField(default=0)
    cost_cents = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    upload = _upload_link("code_usage")

    class Meta:
        indexes = [
            models.Index(fields=["member", "date"], name="codeusage_member_date"),
            models.Index(fields=["date"], name="codeusage_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.date}"


class CodeModelUsage(models.Model):
    """Tokens and estimated cost of one model within one usage-report record."""

    usage = models.ForeignKey(CodeUsage, on_delete=models.CASCADE, related_name="models")
    model = models.CharField(max_length=100)
    input_tokens = models.PositiveBigIntegerField(default=0)
    output_tokens = models.PositiveBigIntegerField(default=0)
    cache_read_tokens = models.PositiveBigIntegerField(default=0)
    cache_creation_tokens = models.PositiveBigIntegerField(default=0)
    cost_cents = models.DecimalField(max_digits=16, decimal_places=4, default=0)


class OtelPoint(models.Model):
    """One Claude Code OpenTelemetry metric data point (delta temporality: figures sum the points)."""

    identity = models.CharField(max_length=64, unique=True)
    metric = models.CharField(max_length=50)
    date = models.DateField(help_text="UTC date of the point's end time")
    member = models.ForeignKey("people.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="otel_points")
    terminal = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=30, blank=True)
    model = models.CharField(max_length=100, blank=True)
    tool = models.CharField(max_length=100, blank=True)
    value = models.DecimalField(max_digits=24, decimal_places=6)
    upload = _upload_link("otel_points")

    class Meta:
        indexes = [models.Index(fields=["member", "date"], name="otelpoint_member_date"), models.Index(fields=["date"], name="otelpoint_date")]


class OtelEvent(models.Model):
    """One Claude Code OpenTelemetry event: what it was, when, whose; never prompt text or tool input."""

    identity = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=50)
    occurred_at = models.DateTimeField()
    date = models.DateField(help_text="UTC date")
    member = models.ForeignKey("people.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="otel_events")
    terminal = models.CharField(max_length=100, blank=True)
    plugin = models.CharField(max_length=200, blank=True)
    skill = models.CharField(max_length=200, blank=True)
    mcp_server = models.CharField(max_length=200, blank=True)
    model = models.CharField(max_length=100, blank=True)
    cost_usd = models.DecimalField(max_digits=16, decimal_places=6, default=0)
    status = models.CharField(max_length=50, blank=True)
    upload = _upload_link("otel_events")

    class Meta:
        indexes = [models.Index(fields=["name", "date"], name="otelevent_name_date"), models.Index(fields=["date"], name="otelevent_date")]


class SpendRow(models.Model):
    """One person × product × model × day of the spend report."""

    date = models.DateField()
    member = models.ForeignKey("people.Member", on_delete=models.CASCADE, related_name="spend")
    product = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=100)
    requests = models.PositiveBigIntegerField(default=0)
    prompt_tokens = models.PositiveBigIntegerField(default=0)
    completion_tokens = models.PositiveBigIntegerField(default=0)
    net_spend_usd = models.DecimalField(max_digits=16, decimal_places=6, default=0)
    gross_spend_usd = models.DecimalField(max_digits=16, decimal_places=6, default=0)
    upload = _upload_link("spend")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["date", "member", "product", "model"], name="spendrow_key")]


class Ticket(models.Model):
    """A help-desk ticket carrying the portal's ticket tag: id, created time, requester and tags only."""

    helpdesk = models.CharField(max_length=20)
    ticket_id = models.CharField(max_length=100)
    created_at = models.DateTimeField()
    member = models.ForeignKey("people.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="tickets")
    tags = models.JSONField(default=list)
    upload = _upload_link("tickets")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["helpdesk", "ticket_id"], name="ticket_key")]
        indexes = [models.Index(fields=["created_at"], name="ticket_created_at")]


class AnalyticsSummary(models.Model):
    """One date of the analytics API's /summaries, as Anthropic computed it (for reconciliation)."""

    date = models.DateField(unique=True)
    daily_active_users = models.PositiveIntegerField()
    weekly_active_users = models.PositiveIntegerField()
    monthly_active_users = models.PositiveIntegerField()
    assigned_seats = models.PositiveIntegerField(null=True, blank=True)
    pending_invites = models.PositiveIntegerField(null=True, blank=True)
    upload = _upload_link("analytics_summaries")


class AnalyticsChatDay(models.Model):
    """A member's chat figures on one UTC date from the analytics API's /users (for reconciliation)."""

    date = models.DateField()
    member = models.ForeignKey("people.Member", on_delete=models.CASCADE, related_name="analytics_chat_days")
    conversations = models.PositiveIntegerField(default=0)
    messages = models.PositiveIntegerField(default=0)
    upload = _upload_link("analytics_chat_days")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["date", "member"], name="analyticschatday_key")]
