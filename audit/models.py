"""The access log: one append-only record per request that showed usage data, per name reveal,
per refusal and per failed login.
"""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from portal.db import AppendOnlyError, AppendOnlyQuerySet
from portal.models import Scope


class AccessLogIsAppendOnly(AppendOnlyError):
    pass


class AccessRecordQuerySet(AppendOnlyQuerySet):
    """Refuses update, bulk_update, upserts, delete and _raw_delete; it is the base manager too."""

    def update(self, **kwargs):
        raise AccessLogIsAppendOnly("Access records are never changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AccessLogIsAppendOnly("Access records are never changed.")

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        if update_conflicts:
            raise AccessLogIsAppendOnly("Access records are never changed.")
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self):
        raise AccessLogIsAppendOnly("Access records are deleted only by the retention purge (access_log_purge).")

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):
        raise AccessLogIsAppendOnly("Access records are deleted only by the retention purge (access_log_purge).")


class AccessRecord(models.Model):
    """One request that showed usage data, a name reveal, a denied attempt or a failed login.

    Append-only: the model and its queryset (also the base manager) refuse changes and deletes,
    and so do triggers on SQLite and PostgreSQL (audit migration 0002, audit.db). The one way out
    is audit.services.access_log_purge, and only for records older than the retention floor.
    """

    # Two-role PostgreSQL (portal.db.app_role_grant): the app role may only add and read, and
    # purge through the SECURITY DEFINER function that the owner role made.
    APP_ROLE_PRIVILEGES = "SELECT, INSERT"
    APP_ROLE_FUNCTIONS = ("analytics_accessrecord_purge(timestamptz)",)

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
    # Folding for display (audit.selectors.page_views_fold): every request gets its own id; a
    # page's chart and table requests send the page's id back (X-Page-View), kept as part_of.
    # part_of is what the client claimed, never trusted: the fold checks user and time.
    page_view = models.UUIDField("page view", null=True, blank=True, db_index=True)
    part_of = models.UUIDField("part of page view", null=True, blank=True, db_index=True)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        db_table = "analytics_accessrecord"
        base_manager_name = "objects"  # so Django's own internals meet the guarded queryset too
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
