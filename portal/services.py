"""Writing the settings kept in the database: the retention periods (every change recorded: who,
when, old and new values) and the reporting timezone (which rebuilds the rollups)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction

from portal.cache import data_version_bump
from portal.models import PortalSettings, RetentionSettings, RetentionSettingsChange
from portal.selectors import reporting_timezone_effective, reporting_timezone_get
from portal.signals import reporting_timezone_changed


class RetentionChangeRefused(ValueError):
    """A retention change that the floors or the caller's role do not allow."""


def retention_settings_update(*, user, periods: dict[str, int]) -> RetentionSettings:
    """Set some periods (days); record what changed. No change, no record.

    Refused (RetentionChangeRefused, nothing stored): a period below its floor
    (RetentionSettings.floors(), the RETENTION_FLOOR_* settings), and lowering any period unless
    `user` is a superuser (privacy auditors may only raise them).
    """
    with transaction.atomic():
        RetentionSettings.objects.get_or_create(pk=1)
        current = RetentionSettings.objects.select_for_update().get(pk=1)
        floors = RetentionSettings.floors()
        superuser = bool(user is not None and user.is_authenticated and user.is_superuser)
        changes = {}
        for field, days in periods.items():
            if field not in RetentionSettings.PERIOD_FIELDS:
                raise ValueError(f"{field} is not a retention period")
            days = int(days)
            if days < floors[field]:
                raise RetentionChangeRefused(f"{field} must be at least {floors[field]} days (its retention floor)")
            old = getattr(current, field)
            if days < old and not superuser:
                raise RetentionChangeRefused(f"only a superuser may lower {field} (from {old} to {days} days)")
            if old != days:
                changes[field] = [old, days]
                setattr(current, field, days)
        if changes:
            current.save()
            data_version_bump(reason="settings")
            RetentionSettingsChange.objects.create(
                changed_by=user if user is not None and user.is_authenticated else None,
                username=user.get_username() if user is not None and user.is_authenticated else "",
                changes=changes,
            )
    return current


def reporting_timezone_change(*, timezone: str) -> PortalSettings:
    """Store the reporting timezone (a name, or empty for the environment's REPORTING_TIMEZONE).

    When the effective timezone changes, the rebuild is marked queued and reporting_timezone_changed
    is sent, so usage rebuilds its rollups after the commit; no change, nothing queued.
    """
    new = reporting_timezone_effective(chosen=timezone)
    try:
        ZoneInfo(new)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{timezone!r} is not a known timezone") from None
    with transaction.atomic():
        previous = reporting_timezone_get()
        row = PortalSettings.objects.select_for_update().get_or_create(pk=1)[0]
        row.reporting_timezone = timezone
        if new != previous:
            row.rebuild_status, row.rebuild_progress, row.rebuild_error = "queued", 0, ""
            row.rebuild_previous_timezone = previous
            row.rebuild_started_at = row.rebuild_finished_at = None
        row.save()
        data_version_bump(reason="settings")
        if new != previous:
            reporting_timezone_changed.send(sender=PortalSettings, timezone=new, previous=previous)
    return row


def ticket_tag_change(*, tag: str) -> None:
    """Store the help-desk tag of the tickets to import (later imports only; stored tickets stay)."""
    with transaction.atomic():
        PortalSettings.objects.update_or_create(pk=1, defaults={"ticket_tag": tag})
        data_version_bump(reason="settings")
