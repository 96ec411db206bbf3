"""The access log: one append-only record per request that showed usage data, per name reveal,
per refusal and per failed login.
"""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from portal.models import Scope


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
    (analytics migration 0003). The one way out is audit.services.access_log_purge.
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
        db_table = "analytics_accessrecord"
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
