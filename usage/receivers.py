"""Keeps the rollups current when the apps below usage change what they describe (connected in
UsageConfig.ready()): new or removed events, and a new reporting timezone."""

from __future__ import annotations

from django.db import transaction


def rollups_refresh_for_events(sender, *, first, last, **kwargs) -> None:
    from usage.services.rollups import rollups_refresh_span

    rollups_refresh_span(first=first, last=last)


def rollups_rebuild_for_timezone(sender, *, timezone: str, previous: str, **kwargs) -> None:
    from portal.queue import task_send
    from usage.tasks import reporting_timezone_rebuild_task

    # With the broker down the rebuild is sent when it is back (portal.queue), not a 500.
    transaction.on_commit(lambda: task_send(reporting_timezone_rebuild_task, timezone, previous))


def connect() -> None:
    from ingest.signals import events_changed
    from portal.signals import reporting_timezone_changed

    events_changed.connect(rollups_refresh_for_events, dispatch_uid="usage.rollups_refresh_for_events")
    reporting_timezone_changed.connect(rollups_rebuild_for_timezone, dispatch_uid="usage.rollups_rebuild_for_timezone")
