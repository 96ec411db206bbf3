"""Dashboard exports: a file built in the background, downloadable by its creator until it expires."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.timezone import now

from portal.models import Scope


class Export(models.Model):
    """A file exported from a dashboard view, built by a Celery task, downloadable until it expires."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        WAITING = "waiting", "Saved, waiting for the queue"  # the broker was down when it was requested
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
        db_table = "analytics_export"
        ordering = ["-created_at", "-id"]
