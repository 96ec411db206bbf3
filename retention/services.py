"""The retention purge: delete what is past its retention period, and write a receipt of it.

Every run, dry runs included, leaves a PurgeReceipt with the settings and cutoffs it used and,
per category, the rows and files it deleted (or would have). A failure in one category is
recorded and the others still run.

Floors: a category whose period is below its floor (RETENTION_FLOOR_*, RetentionSettings.floors;
only possible by writing the settings row past portal.services) is refused: nothing of it is
purged and the receipt says so. The access log's floor is also kept by the database (audit/db.py).

Member rows are not deleted here, even when nothing of theirs is left: a later issue decides
how long people outlive their events.

Two runs at once: a run starts by taking a lock on the receipts and, unless it is a dry run,
does nothing (and says so in a failed receipt) while another real run started less than
PURGE_RUNNING_AT_MOST ago is still running. Past that, the other run is taken for dead. The
deletes are idempotent anyway (batches re-select what is left; files already gone are
ignored), so two runs overlapping after all would only split the counts between receipts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AccessRecord
from audit.services import access_log_purge
from exports.models import Export
from ingest.db import event_partitions_drop
from ingest.models import (
    AnalyticsChatDay,
    AnalyticsSummary,
    CodeUsage,
    Event,
    OtelEvent,
    OtelPoint,
    SpendRow,
    Ticket,
    Upload,
)
from portal.cache import data_version_bump
from portal.db import table_lock
from portal.selectors import CATEGORIES as CATEGORY_FIELDS
from portal.selectors import Cutoff, retention_cutoffs_get, retention_settings_get
from retention.models import PurgeReceipt
from usage.models import CodeDay, CodeDayModel, DailyActivity, DailyTotal
from usage.services.rollups import member_totals_rebuild, purged_rollups_refresh, rollups_lock

logger = logging.getLogger(__name__)

PURGE_BATCH_SIZE = 10_000  # rows per short transaction, so dashboards and imports are never held up long
PURGE_RUNNING_AT_MOST = timedelta(hours=6)


def retention_purge(
    *,
    dry_run: bool = False,
    trigger: PurgeReceipt.Trigger,
    triggered_by: str = "",
    now: datetime | None = None,
    batch_size: int = PURGE_BATCH_SIZE,
) -> PurgeReceipt:
    """Delete (or, in a dry run, count) everything past its retention period; return the receipt."""
    now = now or timezone.now()
    settings = retention_settings_get()
    cutoffs = retention_cutoffs_get(now=now, settings=settings)
    recorded = {category: _cutoff_json(cutoff) for category, cutoff in cutoffs.items()}
    # Exports carry their own expiry (set when made, from exports_days): expired means expires_at <= now.
    recorded["exports"] = {"first_instant_kept": now.isoformat(), "oldest_day_kept": None, "rule": "expires_at <= now"}
    receipt, running = _receipt_start(
        dry_run=dry_run,
        trigger=trigger,
        triggered_by=triggered_by,
        settings_in_force=settings.periods(),
        cutoffs=recorded,
    )
    if running is not None:
        receipt.errors.append(
            {
                "category": "",
                "error": f"Another purge (receipt {running.pk}, started {running.started_at.isoformat()}) is still "
                "running; this run deleted nothing.",
            }
        )
    else:
        below = settings.below_floor()
        for category, purge in _PURGES.items():
            counts = receipt.deleted[category] = {"rows": 0, "files": 0}
            field = CATEGORY_FIELDS.get(category)
            if field in below:  # set past the form and the service (raw SQL): refused, the rest goes on
                days, floor = below[field]
                receipt.errors.append(
                    {"category": category, "error": f"{field} is {days} days, below its floor of {floor}: nothing purged."}
                )
                receipt.save(update_fields=["deleted", "errors"])
                continue
            try:
                purge(cutoff=cutoffs[category], now=now, dry_run=dry_run, counts=counts, batch_size=batch_size)
            except Exception as exc:  # noqa: BLE001 - recorded on the receipt; the other categories still run
                logger.exception("retention purge of %s failed", category)
                receipt.errors.append({"category": category, "error": f"{type(exc).__name__}: {exc}"})
            receipt.save(update_fields=["deleted", "errors"])
    receipt.status = PurgeReceipt.Status.FAILED if receipt.errors else PurgeReceipt.Status.SUCCEEDED
    receipt.finished_at = timezone.now()
    with transaction.atomic():
        receipt.save(update_fields=["status", "finished_at", "deleted", "errors"])
        if not dry_run and running is None:
            data_version_bump(reason="purge")
    return receipt


def _cutoff_json(cutoff: Cutoff) -> dict:
    return {"first_instant_kept": cutoff.first_instant_kept.isoformat(), "oldest_day_kept": cutoff.oldest_day_kept.isoformat()}


def _receipt_start(*, dry_run: bool, **fields) -> tuple[PurgeReceipt, PurgeReceipt | None]:
    """Write the receipt of a new run; also return a real run still going, if any (then this one must not)."""
    with transaction.atomic():
        # Two runs cannot both see no running one.
        table_lock(PurgeReceipt, mode="SHARE ROW EXCLUSIVE")
        running = None
        if not dry_run:
            running = PurgeReceipt.objects.filter(
                status=PurgeReceipt.Status.RUNNING,
                dry_run=False,
                started_at__gte=timezone.now() - PURGE_RUNNING_AT_MOST,
            ).first()
        receipt = PurgeReceipt.objects.create(dry_run=dry_run, **fields)
    return receipt, running


def _batches_delete(queryset: QuerySet, *, batch_size: int, counts: dict, lock: Callable[[], None] = lambda: None) -> None:
    """Delete the queryset's rows `batch_size` at a time, each batch in its own short transaction."""
    while True:
        with transaction.atomic():
            lock()
            # One statement: DELETE … WHERE <condition> AND id IN (SELECT id … LIMIT n); the condition
            # repeated outside lets PostgreSQL look only in the partitions it can match.
            deleted, _ = queryset.filter(pk__in=queryset.values("pk")[:batch_size]).delete()
            if deleted:
                data_version_bump(reason="purge batch")
        counts["rows"] += deleted
        if not deleted:
            return


def _raw_events_purge(*, cutoff: Cutoff, dry_run: bool, counts: dict, batch_size: int, **_) -> None:
    # The rollups are not recomputed: they are kept longer, so long-term trends outlive the events.
    # The Claude Code, analytics, spend and ticket records are raw too; those dated by a UTC date
    # are compared with the oldest day kept (a day at most from the reporting timezone's).
    day = cutoff.oldest_day_kept
    olds = [
        Event.objects.filter(occurred_at__lt=cutoff.first_instant_kept),
        CodeUsage.objects.filter(date__lt=day),  # with their per-model rows
        OtelPoint.objects.filter(date__lt=day),
        OtelEvent.objects.filter(date__lt=day),
        SpendRow.objects.filter(date__lt=day),
        Ticket.objects.filter(created_at__lt=cutoff.first_instant_kept),
        AnalyticsSummary.objects.filter(date__lt=day),
        AnalyticsChatDay.objects.filter(date__lt=day),
    ]
    if dry_run:
        counts["rows"] = sum(old.count() for old in olds)
        return
    # PostgreSQL: whole expired months go at once (detached and dropped, ingest/db.py); the
    # batches below are then left with the boundary month only.
    for rows in event_partitions_drop(before=cutoff.first_instant_kept):
        counts["rows"] += rows
    for old in olds:
        _batches_delete(old, batch_size=batch_size, counts=counts)


def _rollups_purge(*, cutoff: Cutoff, dry_run: bool, counts: dict, batch_size: int, **_) -> None:
    # A rollup row's day is a calendar day in the row's own timezone; the rows of every timezone are
    # compared with the oldest day kept in the reporting timezone, the one cutoff the receipt shows
    # (a timezone's own "today" would differ from it by a day at most).
    activity = DailyActivity.objects.filter(day__lt=cutoff.oldest_day_kept)
    totals = DailyTotal.objects.filter(day__lt=cutoff.oldest_day_kept)
    code_days = [CodeDay.objects.filter(date__lt=cutoff.oldest_day_kept), CodeDayModel.objects.filter(date__lt=cutoff.oldest_day_kept)]
    if dry_run:
        counts["rows"] = activity.count() + totals.count() + sum(old.count() for old in code_days)
        return
    for old in code_days:
        _batches_delete(old, batch_size=batch_size, counts=counts)
    timezones = set(activity.values_list("timezone", flat=True).distinct())
    try:
        _batches_delete(activity, batch_size=batch_size, counts=counts, lock=rollups_lock)
        _batches_delete(totals, batch_size=batch_size, counts=counts, lock=rollups_lock)
    finally:  # even after a failed batch, the member totals match the rollups left
        for zone in sorted(timezones):
            member_totals_rebuild(timezone=zone)
        purged_rollups_refresh(before=cutoff.oldest_day_kept)


def _files_delete(queryset: QuerySet, *, fields: tuple[str, ...], dry_run: bool, counts: dict) -> None:
    """Delete the stored files of the rows' file fields and clear the fields; the rows stay."""
    for row in queryset.only("pk", *fields):  # uploads and exports number hundreds, not millions
        for name in fields:
            file = getattr(row, name)
            if not file:
                continue
            if not dry_run:
                file.storage.delete(file.name)  # a file already gone is no error
                type(row).objects.filter(pk=row.pk).update(**{name: ""})
            counts["files"] += 1


def _uploads_purge(*, cutoff: Cutoff, dry_run: bool, counts: dict, **_) -> None:
    finished = Upload.objects.filter(finished_at__lt=cutoff.first_instant_kept).exclude(file="", rejected_report="")
    _files_delete(finished, fields=("file", "rejected_report"), dry_run=dry_run, counts=counts)


def _exports_purge(*, now: datetime, dry_run: bool, counts: dict, **_) -> None:
    # The row stays, so a download of it answers 410 Gone.
    expired = Export.objects.filter(expires_at__lte=now).exclude(file="")
    _files_delete(expired, fields=("file",), dry_run=dry_run, counts=counts)


def _access_log_purge(*, cutoff: Cutoff, dry_run: bool, counts: dict, **_) -> None:
    if dry_run:
        counts["rows"] = AccessRecord.objects.filter(occurred_at__lt=cutoff.first_instant_kept).count()
    else:
        counts["rows"] = access_log_purge(before=cutoff.first_instant_kept)


_PURGES = {
    "raw_events": _raw_events_purge,
    "rollups": _rollups_purge,
    "uploads": _uploads_purge,
    "exports": _exports_purge,
    "access_log": _access_log_purge,
}
