"""Processing an uploaded audit-log export: claim it, stream it into events, refresh rollups.

An upload is claimed atomically and imports run one at a time, so a task delivered twice
or re-queued after a worker died neither double-counts nor races a failing import's clean-up.
Counts are derived from what is stored, so re-processing the same upload is idempotent.

An upload whose worker died UPLOAD_MAX_ATTEMPTS times (each claim is an attempt; a claim that
finds the previous attempt still "processing" knows it never finished) is failed, never tried
again, so one hostile file cannot crash workers forever. `uploads_requeue` (a periodic job)
re-queues uploads whose worker went silent and queued ones never picked up (the broker was
down when they were saved, or lost the message).

Chunked (PostgreSQL, files with more than IMPORT_CHUNK_ROWS events): the claimed upload's task
parses the file as always (rejections, retention, members stay there) and stores its first
IMPORT_CHUNK_ROWS events itself; every further IMPORT_CHUNK_ROWS it writes the member-resolved
rows to a chunk file in the default storage (shared by every worker), records an UploadChunk and
sends a chunk task, which any worker runs. Each chunk task inserts its rows and marks its chunk
done in one transaction (a redelivered chunk that is done does nothing; one whose worker died
is inserted again, duplicates skipped by the conflict key), then, under a lock on the upload
row, the task that finds every chunk done runs the finish once (rollups, members, counts from
what is stored). The chunks are counted in the database, not by a Celery chord: no result
backend is needed (CELERY_TASK_IGNORE_RESULT), and a chord's counter would not survive the
redeliveries that acks_late makes. Chunk tasks keep the heartbeat fresh; `uploads_requeue` sends
the pending chunks of a chunked upload gone silent. SQLite has one writer: always one task.
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import F, Max, Min
from django.utils import timezone

from ingest.db import import_page_cache
from ingest.importers.audit_log import (
    KNOWN_EVENTS,
    AuditRecord,
    ImportLimits,
    RejectedRow,
    UnsupportedFile,
    canonical_instant,
)
from ingest.importers.detect import AUDIT_FORMATS, import_file_open
from ingest.models import Event, Upload, UploadChunk
from ingest.services.code_imports import REJECTED_SAMPLE_SIZE, code_file_import
from ingest.services.events import event_bulk_insert, event_chunk_insert, event_chunk_write
from ingest.signals import events_changed
from people.models import Member
from people.selectors import pseudonym_period_get
from people.services import population_changed
from portal.cache import data_version_bump
from portal.db import table_lock
from portal.privacy import member_pseudonym
from portal.queue import task_send
from portal.selectors import retention_cutoff_get, retention_settings_get, ticket_tag_get

logger = logging.getLogger(__name__)

INTERNAL_ERROR = "The import stopped on an internal error; nothing from this file was kept. Try again, or report it."
ATTEMPTS_EXHAUSTED = (
    "The import stopped after {attempts} attempts: each time, the worker processing this file died "
    "(out of memory, killed or restarted). Nothing from this file was kept; it will not be tried again. "
    "Check the file, or report it."
)


FUTURE_TOLERANCE = timedelta(days=7)  # how far ahead of the clock an event may be dated


class UploadBusy(Exception):
    """Another import is running; try again later."""


def upload_create(*, file: File, name: str = "", uploaded_by=None, queue: bool = True, covers_date=None) -> Upload:
    """Store a file as a new upload and, unless told not to, queue it once the transaction commits.
    `covers_date`: the UTC date an analytics /users page covers (the page does not say)."""
    name = name or Path(file.name or "upload").name
    upload = Upload(original_name=name[:255], size_bytes=file.size or 0, uploaded_by=uploaded_by, covers_date=covers_date)
    upload.file.save(name, file, save=False)
    upload.save()
    if queue:
        upload_enqueue(upload=upload)
    return upload


QUEUE_DOWN = "saved; the queue is unreachable, it will start when the queue is back"


def upload_enqueue(*, upload: Upload) -> None:
    """Queue the upload once the transaction commits. Afterwards `upload.queue_state` says
    "sent", or "broker down" (the upload stays queued and starts when the broker is back)."""
    from ingest.tasks import upload_process_task

    upload.queue_state = "pending"

    def send() -> None:
        upload.queue_state = "sent" if task_send(upload_process_task, upload.pk) else "broker down"

    transaction.on_commit(send)


def import_limits_get() -> ImportLimits:
    return ImportLimits(
        max_field_chars=settings.IMPORT_MAX_FIELD_BYTES,
        max_row_chars=settings.IMPORT_MAX_ROW_BYTES,
        max_json_depth=settings.IMPORT_MAX_JSON_DEPTH,
        zip_max_inflated_bytes=settings.IMPORT_ZIP_MAX_INFLATED_BYTES,
        zip_max_ratio=settings.IMPORT_ZIP_MAX_RATIO,
    )


def uploads_requeue() -> list[int]:
    """Queue again every upload that should be running and is not: processing with a worker
    silent for UPLOAD_STALE_AFTER_SECONDS (it died, was OOM-killed or rebooted), and queued for
    that long without being picked up. Returns their ids. The claim makes duplicates harmless.
    """
    from ingest.tasks import upload_chunk_task, upload_process_task

    now = timezone.now()
    silent_since = now - timedelta(seconds=settings.UPLOAD_STALE_AFTER_SECONDS)
    live = Upload.objects.filter(status=Upload.Status.PROCESSING, heartbeat_at__gte=silent_since)
    if live.exists():
        return []  # queued uploads wait for it (their tasks retry); the claim is one at a time
    stale_all = Upload.objects.filter(status=Upload.Status.PROCESSING).filter(
        models.Q(heartbeat_at__lt=silent_since) | models.Q(heartbeat_at__isnull=True)
    )
    # A chunked upload whose parse finished goes on with its chunks, not with a new parse.
    stale = stale_all.filter(chunks_total=0)
    # A queued upload's heartbeat_at is when it was last queued again (the claim resets it).
    waiting = Upload.objects.filter(status=Upload.Status.QUEUED, created_at__lt=silent_since).filter(
        models.Q(heartbeat_at__lt=silent_since) | models.Q(heartbeat_at__isnull=True)
    )
    ids = sorted(set(stale.values_list("pk", flat=True)) | set(waiting.values_list("pk", flat=True)))
    sent = []
    for upload_id in ids:
        if task_send(upload_process_task, upload_id):
            sent.append(upload_id)
            Upload.objects.filter(pk=upload_id, status=Upload.Status.QUEUED).update(heartbeat_at=now)
    for upload_id in stale_all.filter(chunks_total__gt=0).values_list("pk", flat=True):
        ids.append(upload_id)
        chunks = UploadChunk.objects.filter(upload_id=upload_id).order_by("number")
        # Every chunk done but no finish (its worker died in it): any chunk's task runs the finish.
        pending = list(chunks.filter(done=False).values_list("pk", flat=True)) or list(chunks.values_list("pk", flat=True)[:1])
        if pending and all([task_send(upload_chunk_task, chunk_id) for chunk_id in pending]):  # noqa: C419 - send each, even after one fails
            sent.append(upload_id)
            Upload.objects.filter(pk=upload_id, status=Upload.Status.PROCESSING).update(heartbeat_at=now)
    if ids:
        logger.info("uploads re-queued: %s (not sent, queue unreachable: %s)", sent, sorted(set(ids) - set(sent)))
    return sent


def upload_process(*, upload_id: int, chunked: bool = True) -> Upload | None:
    """Import a queued upload. Returns None when there is nothing to do (already finished or gone).
    `chunked=False`: store every event in this process, however large the file (`import_logs --sync`).

    Raises UploadBusy when this or another upload is being processed by a live worker.
    """
    upload = _upload_claim(upload_id=upload_id)
    if upload is None:
        return None
    try:
        with import_page_cache():
            _upload_import(upload, chunked=chunked)
    except UnsupportedFile as exc:
        _upload_fail(upload, str(exc))
    except Exception as exc:  # noqa: BLE001 - every failure must leave a failed upload, not a stuck one
        # The message of an exception raised while parsing may quote the file; log only its type and frames.
        logger.error(
            "upload %s failed: %s\n%s", upload.pk, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__))
        )
        _upload_fail(upload, INTERNAL_ERROR)
    upload.refresh_from_db()
    return upload


def _upload_claim(*, upload_id: int) -> Upload | None:
    now = timezone.now()
    live_since = now - timedelta(seconds=settings.UPLOAD_STALE_AFTER_SECONDS)
    with transaction.atomic():
        # Two workers cannot both see "nothing running" and start at once.
        table_lock(Upload, mode="SHARE ROW EXCLUSIVE")
        upload = Upload.objects.filter(pk=upload_id).first()
        if upload is None or upload.status in (Upload.Status.DONE, Upload.Status.FAILED):
            return None
        if upload.status == Upload.Status.PROCESSING and upload.chunks_total:
            return None  # parsed; its chunk tasks finish it (uploads_requeue re-sends lost ones)
        running = Upload.objects.filter(status=Upload.Status.PROCESSING, heartbeat_at__gte=live_since)
        if running.exists():
            raise UploadBusy(f"upload {upload_id} waits for a running import")
        if upload.status == Upload.Status.PROCESSING and upload.attempts >= settings.UPLOAD_MAX_ATTEMPTS:
            # Every earlier attempt ended with its worker gone, mid-import: this file kills workers.
            failed = True
        else:
            failed = False
            Upload.objects.filter(pk=upload_id).update(
                status=Upload.Status.PROCESSING,
                started_at=now,
                heartbeat_at=now,
                attempts=F("attempts") + 1,
                progress=0,
                rows_read=0,
                rows_imported=0,
                rows_duplicate=0,
                rows_rejected=0,
                rows_too_old=0,
                error="",
                chunks_total=0,
                member_sightings={},
            )
    if failed:
        logger.error("upload %s stopped after %s attempts: each one's worker died", upload.pk, upload.attempts)
        _upload_fail(upload, ATTEMPTS_EXHAUSTED.format(attempts=upload.attempts))
        return None
    upload.refresh_from_db()
    return upload


@dataclass
class _MemberSighting:
    first: datetime
    last: datetime
    name: str
    uuid: str


@dataclass
class _ImportState:
    upload: Upload
    rows_read: int = 0
    rows_rejected: int = 0
    rows_too_old: int = 0
    inserted: int = 0
    unknown: Counter = field(default_factory=Counter)
    rejected_sample: list = field(default_factory=list)
    member_ids: dict[str, int] = field(default_factory=dict)
    sightings: dict[str, _MemberSighting] = field(default_factory=dict)
    pseudonym_period: str = field(default_factory=pseudonym_period_get)  # new members join the others' period
    stored_inline: int = 0  # events passed to _write_batch (stored by this task)
    chunked: bool = True  # whether the rest of a large file may go to chunk tasks
    chunks: _ChunkWriter | None = None  # a large file on PostgreSQL: the rest goes to chunk tasks


def _upload_import(upload: Upload, *, chunked: bool) -> None:
    state = _ImportState(upload=upload, chunked=chunked)
    batch_size = settings.IMPORT_BATCH_SIZE
    # Events from before the raw-event retention period are skipped, not stored: a purge already
    # removed them or would. Records carry their UTC instant as canonical text, compared as such.
    kept_from = canonical_instant(retention_cutoff_get(days=retention_settings_get().raw_events_days).first_instant_kept)
    # Events dated more than a week ahead are a wrong clock or a hostile file: rejected, so that no
    # far-off month is made on PostgreSQL's monthly partitions (or shown on a page).
    latest = timezone.now() + FUTURE_TOLERANCE
    kept_until = canonical_instant(latest)
    future = f"dated after {latest:%Y-%m-%d}: more than {FUTURE_TOLERANCE.days} days in the future"
    with upload.file.open("rb") as stored, tempfile.TemporaryFile() as report:
        log = import_file_open(
            getattr(stored, "file", stored), limits=import_limits_get(), covers_date=upload.covers_date, ticket_tag=ticket_tag_get()
        )
        Upload.objects.filter(pk=upload.pk).update(detected_format=log.format)
        if log.format not in AUDIT_FORMATS:
            _code_upload_import(upload, log, report)
            return
        if connection.vendor == "postgresql":
            _chunks_discard(upload_id=upload.pk)  # an earlier attempt's, whose worker died
        report_text = io.TextIOWrapper(report, encoding="utf-8", newline="", write_through=True)
        report_writer = csv.writer(report_text)
        report_writer.writerow(["line", "reason"])
        batch: list[AuditRecord] = []
        for row in log.rows():
            state.rows_read += 1
            if type(row) is not RejectedRow and row.instant > kept_until:
                row = RejectedRow(row.line, future)
            if type(row) is RejectedRow:
                state.rows_rejected += 1
                report_writer.writerow([row.line, row.reason])
                if len(state.rejected_sample) < REJECTED_SAMPLE_SIZE:
                    state.rejected_sample.append({"line": row.line, "reason": row.reason})
                continue
            if row.instant < kept_from:
                state.rows_too_old += 1
                continue
            if row.event not in KNOWN_EVENTS:
                state.unknown[row.event] += 1
            _note_member(state, row)
            batch.append(row)
            if len(batch) >= batch_size:
                _batch_store(state, batch, log.progress)
                batch = []
        if batch:
            _batch_store(state, batch, log.progress)
        if state.rows_read == 0:
            raise UnsupportedFile("The file has a header but no events.")
        if state.chunks is not None:
            _chunked_parse_done(state, report)
            return
        # Every event this upload stored, in this attempt or one whose worker died, reaches the rollups.
        span = Event.objects.filter(upload=upload).aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
        if span["first"] is not None:
            events_changed.send(sender=Upload, first=span["first"], last=span["last"])
        population_changed()  # members were added or seen; their bulk writes sent no signals
        if state.rows_rejected:
            report.seek(0)
            upload.rejected_report.save(f"upload-{upload.pk}-rejected.csv", File(report), save=False)
    imported = Event.objects.filter(upload=upload).count()
    # Members change in the same transaction that marks the upload done: a failure before it
    # leaves them as they were.
    with transaction.atomic():
        _members_update(state)
        data_version_bump(reason="import")
        Upload.objects.filter(pk=upload.pk).update(
            status=Upload.Status.DONE,
            progress=100,
            rows_read=state.rows_read,
            rows_rejected=state.rows_rejected,
            rows_too_old=state.rows_too_old,
            rows_imported=imported,
            rows_duplicate=state.rows_read - state.rows_rejected - state.rows_too_old - imported,
            unknown_events=dict(state.unknown.most_common()),
            rejected_sample=state.rejected_sample,
            rejected_report=upload.rejected_report.name or "",
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )


def _code_upload_import(upload: Upload, opened, report) -> None:
    """A Claude Code, analytics-API, spend or ticket file (ingest.services.code_imports)."""
    kept_from = retention_cutoff_get(days=retention_settings_get().raw_events_days).oldest_day_kept
    report_text = io.TextIOWrapper(report, encoding="utf-8", newline="", write_through=True)
    csv.writer(report_text).writerow(["line", "reason"])
    result = code_file_import(upload=upload, opened=opened, kept_from=kept_from, rejected_csv=report_text)
    if result.rows_read == 0 and not getattr(opened, "untagged", 0):
        raise UnsupportedFile("The file holds no records.")
    report_text.detach()
    if result.rows_rejected:
        report.seek(0)
        upload.rejected_report.save(f"upload-{upload.pk}-rejected.csv", File(report), save=False)
    with transaction.atomic():
        data_version_bump(reason="import")
        _code_upload_done(upload, result)


def _code_upload_done(upload: Upload, result) -> None:
    Upload.objects.filter(pk=upload.pk).update(
        status=Upload.Status.DONE,
        progress=100,
        rows_read=result.rows_read,
        rows_rejected=result.rows_rejected,
        rows_too_old=result.rows_too_old,
        rows_imported=result.rows_imported,
        rows_duplicate=result.rows_duplicate,
        unknown_events=dict(result.unknown.most_common()),
        rejected_sample=[{"line": row.line, "reason": row.reason} for row in result.rejected_sample],
        rejected_report=upload.rejected_report.name or "",
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )


def _note_member(state: _ImportState, record: AuditRecord) -> None:
    """Track each member's first and last event in this file, and their newest name and uuid."""
    email = record.actor_email
    if not email:
        return
    seen = state.sightings.get(email)
    if seen is None:
        state.sightings[email] = _MemberSighting(record.occurred_at, record.occurred_at, record.actor_name, record.actor_uuid)
        return
    if record.occurred_at < seen.first:
        seen.first = record.occurred_at
    if record.occurred_at >= seen.last:
        seen.last, seen.name = record.occurred_at, record.actor_name or seen.name
        seen.uuid = record.actor_uuid or seen.uuid


def _batch_store(state: _ImportState, batch: list[AuditRecord], progress: float) -> None:
    """Store the batch here, or, once this task stored IMPORT_CHUNK_ROWS events of a file on
    PostgreSQL, hand it to a chunk task."""
    if (
        state.chunks is None
        and state.chunked
        and state.stored_inline >= settings.IMPORT_CHUNK_ROWS
        and connection.vendor == "postgresql"
    ):
        state.chunks = _ChunkWriter(state.upload)
    if state.chunks is None:
        state.stored_inline += len(batch)
        _write_batch(state, batch, progress)
        return
    with transaction.atomic():
        _members_resolve(state, {r.actor_email for r in batch if r.actor_email})
        Upload.objects.filter(pk=state.upload.pk).update(
            progress=min(int(progress * 100), 99),
            rows_read=state.rows_read,
            rows_rejected=state.rows_rejected,
            rows_too_old=state.rows_too_old,
            heartbeat_at=timezone.now(),
        )
    state.chunks.add(batch, state.member_ids)


def _write_batch(state: _ImportState, batch: list[AuditRecord], progress: float) -> None:
    with transaction.atomic():
        _members_resolve(state, {r.actor_email for r in batch if r.actor_email})
        inserted = event_bulk_insert(records=batch, member_ids=state.member_ids, upload_id=state.upload.pk)
        state.inserted += inserted
        Upload.objects.filter(pk=state.upload.pk).update(
            progress=min(int(progress * 100), 99),
            rows_read=state.rows_read,
            rows_imported=state.inserted,
            rows_rejected=state.rows_rejected,
            rows_too_old=state.rows_too_old,
            heartbeat_at=timezone.now(),
        )


def _members_resolve(state: _ImportState, emails: set[str]) -> None:
    """Make sure every email has a member row, and remember its id."""
    missing = emails - state.member_ids.keys()
    if not missing:
        return
    state.member_ids.update(Member.objects.filter(email__in=missing).values_list("email", "id"))
    new = missing - state.member_ids.keys()
    if new:
        Member.objects.bulk_create(
            [
                Member(
                    email=email,
                    pseudonym=member_pseudonym(email, period=state.pseudonym_period),
                    name=state.sightings[email].name,
                    anthropic_uuid=state.sightings[email].uuid,
                    first_upload=state.upload,
                )
                for email in sorted(new)
            ],
            ignore_conflicts=True,
        )
        state.member_ids.update(Member.objects.filter(email__in=new).values_list("email", "id"))


def _members_update(state: _ImportState) -> None:
    """Widen first/last seen, and take name and uuid from each member's newest event."""
    ops = connection.ops
    rows = []
    for member in Member.objects.filter(id__in=[state.member_ids[e] for e in state.sightings]).iterator():
        seen = state.sightings[member.email]
        if member.last_seen is None or seen.last >= member.last_seen:
            member.name = seen.name or member.name
            member.anthropic_uuid = seen.uuid or member.anthropic_uuid
            member.last_seen = seen.last
        if member.first_seen is None or seen.first < member.first_seen:
            member.first_seen = seen.first
        rows.append(
            (
                member.name,
                member.anthropic_uuid,
                ops.adapt_datetimefield_value(member.first_seen),
                ops.adapt_datetimefield_value(member.last_seen),
                member.pk,
            )
        )
    # One statement per member: Django's bulk_update builds CASE expressions that take seconds here.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Member._meta.db_table} SET name = %s, anthropic_uuid = %s, first_seen = %s, last_seen = %s "
            "WHERE id = %s",
            rows,
        )


def _upload_fail(upload: Upload, message: str, *, only_processing: bool = False) -> None:
    """Mark the upload failed and remove everything it stored, so a bad file leaves no rows behind.
    `only_processing`: unless another task finished or failed it meanwhile (a chunk's failure)."""
    with transaction.atomic():
        # Chunk tasks insert holding a share lock on the upload row: wait for those running, and
        # those that follow find it failed and stop, so no event of theirs outlives the delete.
        locked = Upload.objects.select_for_update().filter(pk=upload.pk).first()
        if only_processing and (locked is None or locked.status != Upload.Status.PROCESSING):
            return
        stored = Event.objects.filter(upload=upload)
        span = stored.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
        stored.delete()
        Member.objects.filter(first_upload=upload, events__isnull=True).delete()
        if span["first"] is not None:
            events_changed.send(sender=Upload, first=span["first"], last=span["last"])
        population_changed()  # members were added or seen; their bulk writes sent no signals
        data_version_bump(reason="import")
        Upload.objects.filter(pk=upload.pk).update(
            status=Upload.Status.FAILED,
            error=message,
            rows_imported=0,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
    if connection.vendor == "postgresql":
        _chunks_discard(upload_id=upload.pk)  # after the commit: chunk tasks hold their chunk, then wait for the upload


# --- Chunked imports (PostgreSQL, files with more than IMPORT_CHUNK_ROWS events) ---------------


class _ChunkWriter:
    """Batches of a large upload into chunk files of IMPORT_CHUNK_ROWS events in the default
    storage; each full one is recorded as an UploadChunk and its task sent."""

    def __init__(self, upload: Upload):
        self.upload = upload
        self.number = 0
        self._start()

    def _start(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by flush, when the chunk is stored
        self.text = io.TextIOWrapper(self.file, encoding="utf-8", newline="", write_through=True)
        self.rows = 0
        self.first = self.last = None

    def add(self, batch: list[AuditRecord], member_ids: dict[str, int]) -> None:
        event_chunk_write(records=batch, member_ids=member_ids, upload_id=self.upload.pk, out=self.text)
        instants = [r.occurred_at for r in batch]
        self.first = min(instants) if self.first is None else min(self.first, *instants)
        self.last = max(instants) if self.last is None else max(self.last, *instants)
        self.rows += len(batch)
        if self.rows >= settings.IMPORT_CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        from ingest.tasks import upload_chunk_task

        self.number += 1
        self.file.seek(0)
        name = default_storage.save(
            f"import-chunks/upload-{self.upload.pk}/attempt-{self.upload.attempts}-{self.number:05d}.csv",
            File(self.file, name="chunk.csv"),
        )
        chunk = UploadChunk.objects.create(
            upload=self.upload, number=self.number, file=name, rows=self.rows, first_at=self.first, last_at=self.last
        )
        # Sent at once, so workers insert while this task parses on. A chunk not sent (broker
        # down) stays pending and is sent by uploads_requeue.
        transaction.on_commit(lambda: task_send(upload_chunk_task, chunk.pk))
        self.text.close()
        self._start()


def _chunks_discard(*, upload_id: int) -> None:
    with transaction.atomic():
        # Locked: a chunk task inserting one of them finishes first; the rest then find it gone.
        chunks = list(UploadChunk.objects.select_for_update().filter(upload_id=upload_id))
        for chunk in chunks:
            default_storage.delete(chunk.file)
        UploadChunk.objects.filter(pk__in=[chunk.pk for chunk in chunks]).delete()


def _chunked_parse_done(state: _ImportState, report) -> None:
    """The whole file is parsed: store its counts and sightings, then finish if the chunk tasks are done."""
    upload = state.upload
    state.chunks.flush()
    state.chunks.text.close()
    if state.rows_rejected:
        report.seek(0)
        upload.rejected_report.save(f"upload-{upload.pk}-rejected.csv", File(report), save=False)
    sightings = {
        str(state.member_ids[email]): [seen.first.isoformat(), seen.last.isoformat(), seen.name, seen.uuid]
        for email, seen in state.sightings.items()
    }
    Upload.objects.filter(pk=upload.pk).update(
        progress=99,
        rows_read=state.rows_read,
        rows_rejected=state.rows_rejected,
        rows_too_old=state.rows_too_old,
        unknown_events=dict(state.unknown.most_common()),
        rejected_sample=state.rejected_sample,
        rejected_report=upload.rejected_report.name or "",
        member_sightings=sightings,
        chunks_total=state.chunks.number,
        heartbeat_at=timezone.now(),
    )
    _upload_chunked_finish(upload_id=upload.pk)


def upload_chunk_process(*, chunk_id: int) -> None:
    """Insert one chunk of a large upload; the task that completes the last one finishes the upload."""
    chunk = UploadChunk.objects.select_related("upload").filter(pk=chunk_id).first()
    if chunk is None:
        return  # finished, or discarded by a new parse
    upload = chunk.upload
    Upload.objects.filter(pk=upload.pk, status=Upload.Status.PROCESSING).update(heartbeat_at=timezone.now())
    try:
        _chunk_insert(chunk_id=chunk_id)
        _upload_chunked_finish(upload_id=upload.pk)
    except Exception as exc:  # noqa: BLE001 - as upload_process: a failed upload, not a stuck one
        logger.error(
            "upload %s chunk %s failed: %s\n%s",
            upload.pk,
            chunk.number,
            type(exc).__name__,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        _upload_fail(upload, INTERNAL_ERROR, only_processing=True)


def _chunk_insert(*, chunk_id: int) -> None:
    with transaction.atomic():
        chunk = UploadChunk.objects.select_for_update().filter(pk=chunk_id, done=False).first()
        if chunk is None:
            return  # done by an earlier delivery of this task
        with connection.cursor() as cursor:
            # KEY SHARE: chunks do not wait for each other nor for heartbeats, but the finish and
            # _upload_fail (FOR UPDATE) wait for this insert, and it waits for them.
            cursor.execute(f"SELECT status FROM {Upload._meta.db_table} WHERE id = %s FOR KEY SHARE", [chunk.upload_id])
            row = cursor.fetchone()
        if row is None or row[0] != Upload.Status.PROCESSING:
            return  # failed meanwhile
        with default_storage.open(chunk.file, "rb") as stored:
            event_chunk_insert(chunk=stored, first=chunk.first_at, last=chunk.last_at)
        _chunk_mark_done(chunk)


def _chunk_mark_done(chunk: UploadChunk) -> None:
    UploadChunk.objects.filter(pk=chunk.pk).update(done=True)


def _upload_chunked_finish(*, upload_id: int) -> bool:
    """Once, when the parse and every chunk are done: rollups, members and the counts. True if it ran."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().filter(pk=upload_id).first()
        if upload is None or upload.status != Upload.Status.PROCESSING or not upload.chunks_total:
            return False
        chunks = UploadChunk.objects.filter(upload=upload)
        if chunks.filter(done=True).count() < upload.chunks_total:
            return False
        span = Event.objects.filter(upload=upload).aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
        if span["first"] is not None:
            events_changed.send(sender=Upload, first=span["first"], last=span["last"])
        population_changed()
        state = _ImportState(upload=upload)
        for email, member_id in Member.objects.filter(id__in=[int(i) for i in upload.member_sightings]).values_list("email", "id"):
            first, last, name, uuid = upload.member_sightings[str(member_id)]
            state.member_ids[email] = member_id
            state.sightings[email] = _MemberSighting(datetime.fromisoformat(first), datetime.fromisoformat(last), name, uuid)
        _members_update(state)
        imported = Event.objects.filter(upload=upload).count()
        data_version_bump(reason="import")
        Upload.objects.filter(pk=upload.pk).update(
            status=Upload.Status.DONE,
            progress=100,
            rows_imported=imported,
            rows_duplicate=upload.rows_read - upload.rows_rejected - upload.rows_too_old - imported,
            member_sightings={},
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        files = list(chunks.values_list("file", flat=True))
        chunks.delete()
    for name in files:
        default_storage.delete(name)
    return True
