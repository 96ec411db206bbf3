"""A large audit-log file imported in parallel (ingest.services.uploads, "Chunked"; PostgreSQL):
the parsing task stores the first IMPORT_CHUNK_ROWS events and hands the rest to chunk tasks.
Counts are exactly the single task's whatever the order the chunks run in, when a chunk is
delivered twice, or when a chunk's worker died mid-way; a failed chunk fails the upload and
leaves nothing behind; lost chunk tasks are sent again by the periodic re-queue."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from ingest.models import Event, Upload, UploadChunk
from ingest.services import uploads
from ingest.services.events import event_chunk_insert
from ingest.services.uploads import upload_chunk_process, upload_create, upload_process, uploads_requeue
from ingest.signals import events_changed
from people.models import Member
from testing.fixtures import export_csv

# 241 rows: 200 new events, 40 duplicates (10 within the file near each other, 20 of the file's
# first rows again at its end, 10 stored by an earlier upload) and one rejected row.
EXPECTED = {"rows_read": 241, "rows_imported": 200, "rows_duplicate": 40, "rows_rejected": 1, "rows_too_old": 0}


def _day() -> str:
    return (timezone.now() - timedelta(days=2)).date().isoformat()


def _files() -> tuple[bytes, bytes]:
    """(an earlier upload of 21 events, the large file)."""
    earlier = export_csv({"ana@example.com": 20}, day=_day())
    header, *rows = export_csv({f"member{n}@example.com": 39 for n in range(5)}, day=_day()).decode().splitlines(keepends=True)
    earlier_rows = earlier.decode().splitlines(keepends=True)[1:]
    bad = rows[0].replace(rows[0].split(",", 1)[0], "01/09/2025 08:01", 1)
    large = [header, *rows[:100], *rows[50:60], *rows[100:], *rows[:20], *earlier_rows[:10], bad]
    return earlier, "".join(large).encode()


def _counts(upload: Upload) -> dict:
    upload.refresh_from_db()
    return {name: getattr(upload, name) for name in EXPECTED}


def _members_match_their_events() -> None:
    for member in Member.objects.filter(email__startswith="member"):
        span = Event.objects.filter(member=member).aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
        assert (member.first_seen, member.last_seen) == (span["first"], span["last"]), member.pk
        assert member.name.startswith("Member ")


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("chunked imports are PostgreSQL's: SQLite has one writer")


@pytest.fixture
def small_chunks(settings):
    """Batches of 10: the parsing task stores 30 events, then 7 chunks of 30 follow."""
    settings.IMPORT_BATCH_SIZE = 10
    settings.IMPORT_CHUNK_ROWS = 30


@pytest.fixture
def finishes():
    """How many times the rollups were refreshed for an upload (once per finish)."""
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    events_changed.connect(receiver, sender=Upload, dispatch_uid="test-finishes")
    yield calls
    events_changed.disconnect(dispatch_uid="test-finishes", sender=Upload)


def _parsed(small_chunks) -> Upload:
    """The earlier upload imported, then the large one parsed (inside the test's transaction, so
    its chunk tasks are not sent: the test runs them)."""
    earlier, large = _files()
    assert upload_process(upload_id=upload_create(file=ContentFile(earlier, name="e.csv"), queue=False).pk).status == "done"
    upload = upload_process(upload_id=upload_create(file=ContentFile(large, name="large.csv"), queue=False).pk)
    assert upload.status == "processing" and upload.chunks_total == 7
    return upload


def test_the_single_task_path_counts_the_same_file(db, finishes):
    earlier, large = _files()
    upload_process(upload_id=upload_create(file=ContentFile(earlier, name="e.csv"), queue=False).pk)
    upload = upload_process(upload_id=upload_create(file=ContentFile(large, name="large.csv"), queue=False).pk)

    assert upload.status == "done" and upload.chunks_total == 0
    assert _counts(upload) == EXPECTED
    assert not UploadChunk.objects.exists()
    _members_match_their_events()


@pytest.mark.worker
def test_a_real_worker_imports_the_chunks_with_the_single_tasks_counts(postgresql, small_chunks, celery_worker_thread, finishes):
    earlier, large = _files()
    upload_process(upload_id=upload_create(file=ContentFile(earlier, name="e.csv"), queue=False).pk)
    upload = upload_create(file=ContentFile(large, name="large.csv"))

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and upload.status not in ("done", "failed"):
        time.sleep(0.2)
        upload.refresh_from_db()

    assert (upload.status, upload.error, upload.chunks_total) == ("done", "", 7)
    assert _counts(upload) == EXPECTED
    assert Event.objects.filter(upload=upload).count() == 200 and Event.objects.count() == 221
    assert len(finishes) == 2  # the earlier upload's and this one's
    assert not UploadChunk.objects.exists() and upload.member_sightings == {}
    assert default_storage.listdir(f"import-chunks/upload-{upload.pk}")[1] == []  # chunk files removed
    _members_match_their_events()


def test_chunks_in_any_order_and_delivered_twice_finish_once(postgresql, db, small_chunks, finishes):
    upload = _parsed(small_chunks)
    chunks = list(UploadChunk.objects.filter(upload=upload).order_by("-number").values_list("pk", flat=True))
    first_finish = len(finishes)

    for chunk_id in chunks[:-1] + chunks[:3]:  # every chunk but the first, then three again
        upload_chunk_process(chunk_id=chunk_id)
    upload.refresh_from_db()
    assert upload.status == "processing" and len(finishes) == first_finish

    upload_chunk_process(chunk_id=chunks[-1])
    for chunk_id in chunks:  # redelivered after the finish
        upload_chunk_process(chunk_id=chunk_id)

    assert len(finishes) == first_finish + 1
    assert _counts(upload) == EXPECTED and upload.status == "done"
    _members_match_their_events()


class WorkerDied(BaseException):
    """What a worker's death looks like from inside the task: not an Exception, nothing handles it."""


def test_a_chunk_whose_worker_died_mid_way_is_inserted_again_with_exact_counts(postgresql, db, small_chunks, monkeypatch):
    upload = _parsed(small_chunks)
    chunks = list(UploadChunk.objects.filter(upload=upload).order_by("number"))

    # Dies after its insert, before marking the chunk done: the insert goes with its transaction.
    def die(chunk):
        assert Event.objects.filter(upload=upload).count() > 30  # the rows were in
        raise WorkerDied

    with monkeypatch.context() as patch:
        patch.setattr(uploads, "_chunk_mark_done", die)
        with pytest.raises(WorkerDied):
            upload_chunk_process(chunk_id=chunks[0].pk)
    assert Event.objects.filter(upload=upload).count() == 30
    # Another chunk's rows committed without its mark (the mark's commit was lost).
    with transaction.atomic(), default_storage.open(chunks[1].file, "rb") as stored:
        assert event_chunk_insert(chunk=stored, first=chunks[1].first_at, last=chunks[1].last_at) == 30

    for chunk in chunks:
        upload_chunk_process(chunk_id=chunk.pk)

    assert _counts(upload) == EXPECTED and upload.status == "done"


def test_a_failed_chunk_fails_the_upload_and_leaves_no_events(postgresql, db, small_chunks):
    upload = _parsed(small_chunks)
    chunks = list(UploadChunk.objects.filter(upload=upload).order_by("number"))
    upload_chunk_process(chunk_id=chunks[0].pk)
    default_storage.delete(chunks[1].file)  # unreadable chunk

    upload_chunk_process(chunk_id=chunks[1].pk)
    upload_chunk_process(chunk_id=chunks[2].pk)  # after the failure: does nothing

    upload.refresh_from_db()
    assert (upload.status, upload.rows_imported) == ("failed", 0)
    assert Event.objects.filter(upload=upload).count() == 0 and not UploadChunk.objects.exists()
    assert default_storage.listdir(f"import-chunks/upload-{upload.pk}")[1] == []


def test_the_periodic_job_sends_a_silent_chunked_uploads_pending_chunks(postgresql, db, small_chunks, settings):
    upload = _parsed(small_chunks)
    chunks = list(UploadChunk.objects.filter(upload=upload).order_by("number"))
    for chunk in chunks[:5]:
        upload_chunk_process(chunk_id=chunk.pk)
    assert uploads_requeue() == []  # live: the chunk tasks kept its heartbeat fresh
    silent = timezone.now() - timedelta(seconds=settings.UPLOAD_STALE_AFTER_SECONDS + 1)
    Upload.objects.filter(pk=upload.pk).update(heartbeat_at=silent)

    sent, send = [], uploads.task_send
    with pytest.MonkeyPatch.context() as patch:  # sent for real (the test broker), and noted
        patch.setattr(uploads, "task_send", lambda task, *args: sent.append((task.name, *args)) or send(task, *args))
        assert uploads_requeue() == [upload.pk]
    assert sent == [("ingest.tasks.upload_chunk_task", chunk.pk) for chunk in chunks[5:]]
    # A redelivered parse of it does nothing: its chunks finish it.
    assert upload_process(upload_id=upload.pk) is None
    upload.refresh_from_db()
    assert (upload.status, upload.attempts) == ("processing", 1)


def test_import_logs_sync_stores_a_large_file_itself_with_no_worker(db, postgresql, small_chunks, tmp_path):
    """`import_logs --sync` has no worker to hand chunks to: it once left such a file "processing"
    and reported it failed, with no reason."""
    earlier, large = _files()
    for name, content in (("e.csv", earlier), ("large.csv", large)):
        (tmp_path / name).write_bytes(content)
    call_command("import_logs", str(tmp_path / "e.csv"), str(tmp_path / "large.csv"), "--sync", stdout=io.StringIO())

    upload = Upload.objects.get(original_name="large.csv")
    assert upload.status == "done" and upload.chunks_total == 0
    assert _counts(upload) == EXPECTED
    assert not UploadChunk.objects.exists()
