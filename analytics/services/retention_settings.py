"""Changing the retention settings: every change is recorded (who, when, old and new values)."""

from __future__ import annotations

from django.db import transaction

from analytics.models import RetentionSettings, RetentionSettingsChange
from analytics.selectors.retention import retention_settings_get


def retention_settings_update(*, user, periods: dict[str, int]) -> RetentionSettings:
    """Set some periods (days, each at least 1); record what changed. No change, no record."""
    with transaction.atomic():
        current = RetentionSettings.objects.select_for_update().get(pk=retention_settings_get().pk)
        changes = {}
        for field, days in periods.items():
            if field not in RetentionSettings.PERIOD_FIELDS:
                raise ValueError(f"{field} is not a retention period")
            if int(days) < 1:
                raise ValueError(f"{field} must be at least 1 day")
            if getattr(current, field) != int(days):
                changes[field] = [getattr(current, field), int(days)]
                setattr(current, field, int(days))
        if changes:
            current.save()
            RetentionSettingsChange.objects.create(
                changed_by=user if user is not None and user.is_authenticated else None,
                username=user.get_username() if user is not None and user.is_authenticated else "",
                changes=changes,
            )
    return current
