"""Keeps the rollups current when the apps below usage change what they describe (connected in
UsageConfig.ready()): new or removed events, and a new reporting timezone; and warms the figure
cache once an import, a purge or a roster import has committed."""

from __future__ import annotations

from django.db import transaction

from portal.cache import data_version_bump


def rollups_refresh_for_events(sender, *, first, last, **kwargs) -> None:
    from usage.services.rollups import rollups_refresh_span

    rollups_refresh_span(first=first, last=last)
    data_version_bump(reason="events")


def rollups_rebuild_for_timezone(sender, *, timezone: str, previous: str, **kwargs) -> None:
    from usage.services.reporting_timezone import reporting_timezone_rebuild_enqueue

    transaction.on_commit(lambda: reporting_timezone_rebuild_enqueue(timezone=timezone, previous=previous))


def code_days_refresh_for_records(sender, *, member_dates, **kwargs) -> None:
    from usage.services.code_days import code_days_refresh
    from usage.services.rollups import code_rollups_refresh

    member_dates = set(member_dates)
    code_days_refresh(member_dates=member_dates)
    code_rollups_refresh(member_dates=member_dates)
    data_version_bump(reason="code records")


# The changes after which the common figures are computed ahead of the first viewer.
WARM_AFTER = ("import", "purge", "roster")


def figures_warm_after_commit(sender, *, reason: str, **kwargs) -> None:
    if reason not in WARM_AFTER:
        return
    from usage.services.figures_warm import figures_warm_enqueue

    transaction.on_commit(figures_warm_enqueue)


def connect() -> None:
    from ingest.signals import code_records_changed, events_changed
    from portal.signals import data_version_bumped, reporting_timezone_changed

    events_changed.connect(rollups_refresh_for_events, dispatch_uid="usage.rollups_refresh_for_events")
    code_records_changed.connect(code_days_refresh_for_records, dispatch_uid="usage.code_days_refresh_for_records")
    reporting_timezone_changed.connect(rollups_rebuild_for_timezone, dispatch_uid="usage.rollups_rebuild_for_timezone")
    data_version_bumped.connect(figures_warm_after_commit, dispatch_uid="usage.figures_warm_after_commit")
