"""Reading retention: whether the scheduled purge is overdue, and what the transparency page shows
(what the portal keeps, for how long, and who may see it), from live settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import Group, User
from django.db.models import Count, Q
from django.utils import timezone as django_timezone

from ingest.models import NEVER_STORED, STORED
from portal import privacy
from portal.models import RetentionSettings
from portal.roles import ROLE_DESCRIPTIONS
from portal.selectors import reporting_timezone_get, retention_settings_get
from retention.models import PurgeReceipt

# The scheduled purge: its beat entry (migration 0004) and how stale a success may get.
PURGE_TASK = "retention.tasks.retention_purge_task"
PURGE_OVERDUE_AFTER = timedelta(hours=48)
PURGE_SCHEDULE_MIGRATION = "0004_retention_exports"  # of the analytics app: it made the beat entry


def purge_warning_get(*, now: datetime | None = None) -> str:
    """A warning when the purge is scheduled but no run succeeded in the last 48 hours ("" if fine)."""
    from django_celery_beat.models import PeriodicTask

    from retention.models import PurgeReceipt

    if not PeriodicTask.objects.filter(task=PURGE_TASK, enabled=True).exists():
        return ""
    since = (now or django_timezone.now()) - PURGE_OVERDUE_AFTER
    created = _purge_schedule_created_at()
    if created is not None and created > since:
        return ""  # a fresh install: the schedule has not had 48 hours to run yet
    succeeded = PurgeReceipt.objects.filter(
        status=PurgeReceipt.Status.SUCCEEDED, dry_run=False, finished_at__gte=since
    ).exists()
    if succeeded:
        return ""
    return (
        "The retention purge is scheduled, but no run has succeeded in the last 48 hours: data past its "
        "retention period may still be stored. Check that the Celery worker and beat are running, and the "
        "purge receipts for errors."
    )


def _purge_schedule_created_at() -> datetime | None:
    """When the purge's beat entry was made: django-celery-beat keeps no creation time, but the
    migration that makes it (analytics 0004) is recorded with the time it was applied."""
    from django.db.migrations.recorder import MigrationRecorder

    return (
        MigrationRecorder.Migration.objects.filter(app="analytics", name=PURGE_SCHEDULE_MIGRATION)
        .values_list("applied", flat=True)
        .first()
    )


# --- The transparency page -----------------------------------------------------------------------

@dataclass(frozen=True)
class RetentionPeriod:
    label: str
    days: int
    covers: str


@dataclass(frozen=True)
class Role:
    name: str
    may_see: str
    people: int


@dataclass(frozen=True)
class Transparency:
    stored: list[str]
    never_stored: list[str]
    periods: list[RetentionPeriod]
    min_group_size: int
    reveal_minutes: int
    roles: list[Role]
    superusers: int
    purge_schedule: str  # "" when no purge is scheduled
    last_purge: PurgeReceipt | None
    timezone: str


def _purge_schedule() -> str:
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.filter(task=PURGE_TASK, enabled=True).select_related("crontab").first()
    if task is None:
        return ""
    if task.crontab is not None:
        crontab = task.crontab
        if crontab.day_of_week == crontab.day_of_month == crontab.month_of_year == "*" and crontab.hour.isdigit() and crontab.minute.isdigit():
            return f"daily at {int(crontab.hour):02d}:{int(crontab.minute):02d} ({crontab.timezone})"
        return f"on the schedule {crontab}"
    return f"on the schedule “{task.name}”"


def transparency_get() -> Transparency:
    settings = retention_settings_get()
    counts = dict(
        Group.objects.filter(name__in=ROLE_DESCRIPTIONS)
        .annotate(people=Count("user", filter=Q(user__is_active=True)))
        .values_list("name", "people")
    )
    return Transparency(
        stored=STORED,
        never_stored=NEVER_STORED,
        periods=[
            RetentionPeriod(
                label=str(RetentionSettings._meta.get_field(field).verbose_name).removesuffix(" (days)").capitalize(),
                days=getattr(settings, field),
                covers=str(RetentionSettings._meta.get_field(field).help_text),
            )
            for field in RetentionSettings.PERIOD_FIELDS
        ],
        min_group_size=privacy.min_group_size(),
        reveal_minutes=privacy.reveal_minutes(),
        roles=[Role(name, may_see, counts.get(name, 0)) for name, may_see in ROLE_DESCRIPTIONS.items()],
        superusers=User.objects.filter(is_superuser=True, is_active=True).count(),
        purge_schedule=_purge_schedule(),
        last_purge=PurgeReceipt.objects.filter(dry_run=False).exclude(status=PurgeReceipt.Status.RUNNING).first(),
        timezone=reporting_timezone_get(),
    )
