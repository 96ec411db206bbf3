"""The portal's data: members, their events, the uploads those came from, and daily rollups.

Never stored, by design: see NEVER_STORED (the transparency page lists it).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.timezone import now


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


class Team(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    """A rollout wave or pilot group ("pilot", "wave 2"); a member may be in several."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A person whose usage is analysed, identified by lower-cased email.

    Made by an import (seen in the logs) or by the roster import (HR's list of seat holders);
    `on_roster` says whether HR's roster lists them, with their team, department, cohorts and seat.
    """

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    # "Member 4F2A-9C1B": a keyed hash of the email (analytics.selectors.privacy.member_pseudonym),
    # stored so tables can sort by it; what people without a reveal see instead of the name.
    pseudonym = models.CharField(max_length=24, blank=True, db_index=True)
    anthropic_uuid = models.CharField("Anthropic uuid", max_length=64, blank=True)
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    # The upload that first named this member; a failed upload removes the members it alone added.
    first_upload = models.ForeignKey("Upload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # From HR's roster.
    on_roster = models.BooleanField(default=False, db_index=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    cohorts = models.ManyToManyField(Cohort, blank=True, related_name="members")
    seat_start = models.DateField(null=True, blank=True)
    seat_end = models.DateField(null=True, blank=True, help_text="Last day with a seat; empty while the seat lasts")

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
        permissions = [
            ("view_dashboard", "Can view the usage dashboard"),
            ("view_member_detail", "Can see per-member usage (pseudonymous until names are revealed)"),
        ]


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


class Scope(models.TextChoices):
    """How much a response showed about people."""

    NONE = "none", "No usage data"
    AGGREGATE = "aggregate", "Aggregate"
    PSEUDONYMOUS = "pseudonymous", "Pseudonymous"
    NAMED = "named", "Named"


# From showing nothing about people to naming them: the order access notes and exports compare by.
SCOPE_ORDER = list(Scope)


class AccessRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AccessLogIsAppendOnly("Access records are never changed.")

    def delete(self):
        raise AccessLogIsAppendOnly("Access records are deleted only by the retention purge (access_log_purge).")


class AccessLogIsAppendOnly(Exception):
    pass


class AccessRecord(models.Model):
    """One request that showed usage data, a name reveal, a denied attempt or a failed login.

    Append-only: the model refuses changes and deletes, and on PostgreSQL a trigger does too
    (migration 0003). The one way out is analytics.services.access_log.access_log_purge.
    """

    class Action(models.TextChoices):
        VIEW = "view", "View"
        REVEAL = "reveal", "Reveal names"
        HIDE = "hide", "Hide names"
        EXPORT = "export", "Export"
        LOGIN_FAILED = "login_failed", "Failed login"
        LOCKED_OUT = "locked_out", "Locked out"

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        DENIED = "denied", "Denied"

    occurred_at = models.DateTimeField("when (UTC)", default=now, db_index=True)
    # A plain copy, no foreign key: the record outlives the account and is never rewritten.
    user_id = models.IntegerField(null=True, blank=True)
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices, default=Action.VIEW)
    view_name = models.CharField("view", max_length=200, blank=True)
    path = models.CharField(max_length=2000, blank=True)
    query = models.JSONField("query parameters", default=dict, blank=True)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.NONE)
    person_rows = models.PositiveIntegerField("person rows shown", default=0)
    members = models.JSONField("members named", default=list, blank=True, help_text="Ids of the members shown by name")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.ALLOWED)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    justification = models.TextField(blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["username", "occurred_at"], name="access_username_when")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.view_name or self.path} by {self.username or 'anonymous'}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AccessLogIsAppendOnly("Access records are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogIsAppendOnly("Access records are deleted only by the retention purge (access_log_purge).")


def _days(label: str, default: int, covers: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(f"{label} (days)", default=default, validators=[MinValueValidator(1)], help_text=covers)


class RetentionSettings(models.Model):
    """How long each kind of data is kept, in days. One row (pk 1); every change is recorded."""

    raw_events_days = _days("raw events", 400, "Imported audit-log events, by the day they happened. Older events are also skipped on import.")
    rollups_days = _days("daily rollups", 800, "Daily per-member and organisation rollups behind the dashboards, by day; kept longer than events so long-term trends survive.")
    uploads_days = _days("uploaded files and reports", 30, "Uploaded export files and their rejected-row reports, counted from when processing finished. The upload's record and counts stay.")
    exports_days = _days("exports", 7, "Files exported from the dashboards, counted from when they were made; a download after that answers 410 Gone.")
    access_log_days = _days("access log", 730, "Access-log records of who viewed what.")
    updated_at = models.DateTimeField(auto_now=True)

    PERIOD_FIELDS = ("raw_events_days", "rollups_days", "uploads_days", "exports_days", "access_log_days")

    class Meta:
        verbose_name = verbose_name_plural = "retention settings"

    def __str__(self) -> str:
        return "Retention settings"

    def periods(self) -> dict[str, int]:
        return {field: getattr(self, field) for field in self.PERIOD_FIELDS}


class RetentionSettingsChange(models.Model):
    """Who changed the retention settings, when, from what to what."""

    changed_at = models.DateTimeField(default=now, db_index=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, blank=True)
    changes = models.JSONField(default=dict, help_text="{field: [old, new]}")

    class Meta:
        ordering = ["-changed_at", "-id"]


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
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Purge {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()}{', dry run' if self.dry_run else ''})"


class Export(models.Model):
    """A file exported from a dashboard view, built by a Celery task, downloadable until it expires."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    created_at = models.DateTimeField(default=now, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, blank=True)
    view = models.CharField(max_length=50, help_text="The dashboard view exported")
    format = models.CharField(max_length=10, choices=Format.choices)
    parameters = models.JSONField(default=dict, blank=True, help_text="As-of day, sort and the like")
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.AGGREGATE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    rows = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(help_text="After this the file is deleted and downloads answer 410 Gone")

    class Meta:
        ordering = ["-created_at", "-id"]


class RosterEntry(Member):
    """Members as HR's roster sees them: the admin page importers use to import the roster and to
    find people seen in the logs but not on it."""

    class Meta:
        proxy = True
        verbose_name = "roster entry"
        verbose_name_plural = "roster"


class Milestone(models.Model):
    """A dated point of the rollout ("pilot start", "wave 2"); one may be the baseline week."""

    label = models.CharField(max_length=200)
    date = models.DateField(help_text="For the baseline, any day of the baseline week (its ISO week is used)")
    is_baseline = models.BooleanField(
        "baseline week", default=False, help_text="The week before broad enablement, which later weeks are compared with"
    )

    class Meta:
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
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
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
        ordering = ["-replaced_at", "-id"]


class PortalSettings(models.Model):
    """Settings kept in the database (pk 1). The reporting timezone starts as REPORTING_TIMEZONE;
    changing it rebuilds the rollups in the background (rebuild_* follow that)."""

    reporting_timezone = models.CharField(max_length=64, blank=True, help_text="Empty: REPORTING_TIMEZONE from the environment")
    rebuild_status = models.CharField(max_length=20, blank=True)
    rebuild_progress = models.PositiveSmallIntegerField(default=0)
    rebuild_started_at = models.DateTimeField(null=True, blank=True)
    rebuild_finished_at = models.DateTimeField(null=True, blank=True)
    rebuild_error = models.TextField(blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "portal settings"

    def __str__(self) -> str:
        return "Portal settings"
