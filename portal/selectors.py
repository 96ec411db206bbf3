"""Reading the settings kept in the database: the reporting timezone (and its rollup rebuild), the
retention periods and their cutoffs. Each setting has exactly one getter here, and nothing writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.utils import timezone as django_timezone

from portal.models import PortalSettings, RetentionSettings

# --- Reporting timezone -----------------------------------------------------------------------


def portal_settings_get() -> PortalSettings:
    """The portal settings row (pk 1, made by a migration); unsaved defaults if it is missing."""
    return PortalSettings.objects.filter(pk=1).first() or PortalSettings(pk=1)


def reporting_timezone_effective(*, chosen: str) -> str:
    """What a stored choice means: a timezone name, or empty for the environment's
    REPORTING_TIMEZONE, which is only the initial value and is read nowhere else."""
    return chosen or django_settings.REPORTING_TIMEZONE


def reporting_timezone_get() -> str:
    """The timezone of every calendar day. Requests resolve it once (portal.middleware sets
    request.reporting_timezone); commands and tasks call this."""
    chosen = PortalSettings.objects.filter(pk=1).values_list("reporting_timezone", flat=True).first()
    return reporting_timezone_effective(chosen=chosen or "")


def ticket_tag_get() -> str:
    """The help-desk tag whose tickets the portal imports (support tickets tagged claude-code)."""
    return PortalSettings.objects.filter(pk=1).values_list("ticket_tag", flat=True).first() or "claude-code"


def reporting_today(*, timezone: str | None = None) -> date:
    return datetime.now(ZoneInfo(timezone or reporting_timezone_get())).date()


def rollup_rebuild_get() -> dict | None:
    """While the rollups are rebuilt for a new reporting timezone: its status and progress."""
    state = (
        PortalSettings.objects.filter(pk=1, rebuild_status__in=("queued", "waiting", "running"))
        .values("rebuild_status", "rebuild_progress")
        .first()
    )
    return {"status": state["rebuild_status"], "progress": state["rebuild_progress"]} if state else None


# --- Retention --------------------------------------------------------------------------------

# The categories a purge handles, with the setting that gives each one's period.
CATEGORIES = {
    "raw_events": "raw_events_days",
    "rollups": "rollups_days",
    "uploads": "uploads_days",
    "exports": "exports_days",
    "access_log": "access_log_days",
}


def retention_settings_get() -> RetentionSettings:
    """The retention periods in force. Reads only: the row (pk 1) is made by a migration and written
    by portal.services; without it (a test that emptied the database) the defaults apply."""
    return RetentionSettings.objects.filter(pk=1).first() or RetentionSettings(pk=1)


@dataclass(frozen=True)
class Cutoff:
    oldest_day_kept: date
    first_instant_kept: datetime  # aware, in the reporting timezone


def retention_cutoff_get(*, days: int, now: datetime | None = None, timezone: str | None = None) -> Cutoff:
    zone = ZoneInfo(timezone or reporting_timezone_get())
    today = (now or django_timezone.now()).astimezone(zone).date()
    oldest = today - timedelta(days=days - 1)
    return Cutoff(oldest_day_kept=oldest, first_instant_kept=datetime.combine(oldest, time.min, tzinfo=zone))


def retention_cutoffs_get(*, now: datetime | None = None, settings: RetentionSettings | None = None) -> dict[str, Cutoff]:
    """The cutoff of every category under the settings in force (or `settings`)."""
    settings = settings or retention_settings_get()
    return {category: retention_cutoff_get(days=getattr(settings, field), now=now) for category, field in CATEGORIES.items()}
