"""Settings kept in the database (the reporting timezone, the retention periods and their
change history) and the scope of what a response shows about people.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.timezone import now

from portal.db import AppendOnlyError, AppendOnlyQuerySet


class Scope(models.TextChoices):
    """How much a response showed about people."""

    NONE = "none", "No usage data"
    AGGREGATE = "aggregate", "Aggregate"
    PSEUDONYMOUS = "pseudonymous", "Pseudonymous"
    NAMED = "named", "Named"


# From showing nothing about people to naming them: the order access notes and exports compare by.
SCOPE_ORDER = list(Scope)


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
    # The setting that holds each period's floor (usage_portal/settings.py): no period goes below it.
    FLOOR_SETTINGS = {
        "raw_events_days": "RETENTION_FLOOR_RAW_EVENTS_DAYS",
        "rollups_days": "RETENTION_FLOOR_ROLLUPS_DAYS",
        "uploads_days": "RETENTION_FLOOR_UPLOADS_DAYS",
        "exports_days": "RETENTION_FLOOR_EXPORTS_DAYS",
        "access_log_days": "RETENTION_FLOOR_ACCESS_LOG_DAYS",
    }

    @classmethod
    def floors(cls) -> dict[str, int]:
        """Each period's floor in days, from the settings."""
        return {field: getattr(settings, name) for field, name in cls.FLOOR_SETTINGS.items()}

    def below_floor(self) -> dict[str, tuple[int, int]]:
        """The periods set below their floor: {field: (days, floor)}."""
        floors = self.floors()
        return {field: (days, floors[field]) for field, days in self.periods().items() if days < floors[field]}

    class Meta:
        db_table = "analytics_retentionsettings"
        verbose_name = verbose_name_plural = "retention settings"

    def __str__(self) -> str:
        return "Retention settings"

    def periods(self) -> dict[str, int]:
        return {field: getattr(self, field) for field in self.PERIOD_FIELDS}


class RetentionSettingsChangeQuerySet(AppendOnlyQuerySet):
    refused_update = "Retention settings changes are append-only: they are never changed."
    refused_delete = "Retention settings changes are append-only: they are never deleted."

    def update(self, **kwargs):
        # The one change allowed: deleting a user sets changed_by to NULL (the username copy stays).
        if kwargs.keys() <= {"changed_by", "changed_by_id"} and all(value is None for value in kwargs.values()):
            return super(AppendOnlyQuerySet, self).update(**kwargs)
        raise AppendOnlyError(self.refused_update)


class RetentionSettingsChange(models.Model):
    """Who changed the retention settings, when, from what to what.

    Append-only like the access log: the model and its queryset (also the base manager) refuse
    changes and deletes, and so do triggers on SQLite and PostgreSQL (portal migration 0003);
    only the link to a deleted user may become NULL.
    """

    # Two-role PostgreSQL (portal.db.app_role_grant): add, read, and unlink a deleted user.
    APP_ROLE_PRIVILEGES = "SELECT, INSERT, UPDATE (changed_by_id)"

    changed_at = models.DateTimeField(default=now, db_index=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, blank=True)
    changes = models.JSONField(default=dict, help_text="{field: [old, new]}")

    objects = RetentionSettingsChangeQuerySet.as_manager()

    class Meta:
        db_table = "analytics_retentionsettingschange"
        base_manager_name = "objects"
        ordering = ["-changed_at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError(RetentionSettingsChangeQuerySet.refused_update)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(RetentionSettingsChangeQuerySet.refused_delete)


class PortalSettings(models.Model):
    """Settings kept in the database (pk 1). The reporting timezone starts as REPORTING_TIMEZONE;
    changing it rebuilds the rollups in the background (rebuild_* follow that)."""

    reporting_timezone = models.CharField(max_length=64, blank=True, help_text="Empty: REPORTING_TIMEZONE from the environment")
    ticket_tag = models.CharField(
        max_length=100, default="claude-code", help_text="Support tickets carrying this tag (any case) are imported; others are not kept"
    )
    rebuild_status = models.CharField(max_length=20, blank=True)  # queued, waiting (for the broker), running, done, failed
    rebuild_previous_timezone = models.CharField(max_length=64, blank=True, help_text="Whose rollups go once the rebuild is done")
    rebuild_progress = models.PositiveSmallIntegerField(default=0)
    rebuild_started_at = models.DateTimeField(null=True, blank=True)
    rebuild_finished_at = models.DateTimeField(null=True, blank=True)
    rebuild_error = models.TextField(blank=True)

    class Meta:
        db_table = "analytics_portalsettings"
        verbose_name = verbose_name_plural = "portal settings"

    def __str__(self) -> str:
        return "Portal settings"


class DataVersion(models.Model):
    """The version of everything a figure depends on (one row, pk 1): portal.cache bumps it in the
    transaction of every change to data, the roster or settings, and keys every cached figure by it,
    so every web server and worker sees a change the moment it commits."""

    # Random, like people.PopulationVersion: a rolled-back bump or a restored backup never meets
    # figures cached for other data under the same token.
    token = models.CharField(max_length=32, blank=True)
    reason = models.CharField(max_length=50, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "data version"

    def __str__(self) -> str:
        return f"data version {self.token}"
