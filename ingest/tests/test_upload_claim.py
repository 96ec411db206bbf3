"""A task delivered twice, or re-queued after a worker died, must not double-count.

The upload is claimed atomically; imports run one at a time; re-processing is idempotent.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from ingest.models import Event, Upload
from ingest.services import uploads
from ingest.services.uploads import UploadBusy, upload_create, upload_process
from people.models import Member
from testing import SAMPLES
from usage.models import DailyActivity
from usage.services import rollups

SAMPLE = SAMPLES / "claude_enterprise_audit.csv"


@pytest.fixture(autouse=True)
def utc_reporting(settings):
    """Rollups are checked in UTC, whatever REPORTING_TIMEZONE the environment sets."""
    settings.REPORTING_TIMEZONE = "UTC"


class WorkerDied(BaseException):
    """Stands for SIGKILL / a lost worker: not an Exception, so nothing in the pipeline catches it."""


def new_upload(name: str = "audit_logs.csv") -> Upload:
    return upload_create(file=ContentFile(SAMPLE.read_bytes(), name=name), name=name, queue=False)


def counts(upload: Upload) -> tuple:
    return upload.status, upload.rows_read, upload.rows_imported, upload.rows_duplicate, upload.rows_rejected


def make_stale(upload: Upload, settings, *, by_seconds: int = 5) -> None:
    old = timezone.now() - timedelta(seconds=settings.UPLOAD_STALE_AFTER_SECONDS + by_seconds)
    Upload.objects.filter(pk=upload.pk).update(heartbeat_at=old)


def die_on_call(monkeypatch, name: str, call: int) -> None:
    """The worker dies on the given call of a step of the import (the upload service's, or the
    rollup refresh its events_changed signal runs)."""
    module = rollups if name == "rollups_refresh_span" else uploads
    real = getattr(module, name)
    calls = []

    def dying(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise WorkerDied
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, dying)


def crashed_upload(monkeypatch, settings, *, dies_in: str, call: int) -> Upload:
    """An upload whose worker died partway, left 'processing' with some of its events stored."""
    settings.IMPORT_BATCH_SIZE = 5
    upload = new_upload()
    with monkeypatch.context() as patch:
        die_on_call(patch, dies_in, call)
        with pytest.raises(WorkerDied):
            upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.status == Upload.Status.PROCESSING
    return upload


def test_processing_a_finished_upload_again_returns_none_and_changes_nothing(import_bytes):
    upload = import_bytes(SAMPLE.read_bytes())
    assert counts(upload) == ("done", 26, 26, 0, 0)
    assert upload_process(upload_id=upload.pk) is None
    upload.refresh_from_db()
    assert counts(upload) == ("done", 26, 26, 0, 0)
    assert upload.attempts == 1
    assert Event.objects.count() == 26
    assert sum(DailyActivity.objects.filter(timezone="UTC").values_list("events", flat=True)) == 26


def test_a_task_delivered_twice_in_a_row_imports_once(db):
    upload = new_upload()
    first = upload_process(upload_id=upload.pk)
    second = upload_process(upload_id=upload.pk)
    assert counts(first) == ("done", 26, 26, 0, 0)
    assert second is None
    assert Event.objects.filter(upload=upload).count() == 26


def test_a_failed_upload_is_not_processed_again(import_bytes):
    upload = import_bytes(b"name,email\nKim,kim@example.com\n")
    assert upload.status == "failed"
    assert upload_process(upload_id=upload.pk) is None
    upload.refresh_from_db()
    assert (upload.status, upload.attempts) == ("failed", 1)


def test_an_upload_that_is_gone_is_nothing_to_do(db):
    assert upload_process(upload_id=987654) is None


def test_an_upload_processing_with_a_fresh_heartbeat_makes_upload_process_raise_upload_busy(db):
    upload = new_upload()
    Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.PROCESSING, heartbeat_at=timezone.now(), attempts=1)
    with pytest.raises(UploadBusy):
        upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    assert (upload.status, upload.attempts) == ("processing", 1)
    assert not Event.objects.exists()


def test_another_upload_waits_while_one_is_live(db):
    live = new_upload("live.csv")
    Upload.objects.filter(pk=live.pk).update(status=Upload.Status.PROCESSING, heartbeat_at=timezone.now())
    waiting = new_upload("waiting.csv")
    with pytest.raises(UploadBusy):
        upload_process(upload_id=waiting.pk)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == ("queued", 0)
    assert not Event.objects.exists()


def test_the_stale_threshold_comes_from_settings(db, settings):
    settings.UPLOAD_STALE_AFTER_SECONDS = 60
    upload = new_upload()
    Upload.objects.filter(pk=upload.pk).update(
        status=Upload.Status.PROCESSING, heartbeat_at=timezone.now() - timedelta(seconds=50)
    )
    with pytest.raises(UploadBusy):
        upload_process(upload_id=upload.pk)
    Upload.objects.filter(pk=upload.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=70))
    assert counts(upload_process(upload_id=upload.pk)) == ("done", 26, 26, 0, 0)


def test_a_stale_upload_with_some_events_inserted_is_reprocessed_to_correct_counts(db, monkeypatch, settings):
    upload = crashed_upload(monkeypatch, settings, dies_in="event_bulk_insert", call=3)
    assert Event.objects.filter(upload=upload).count() == 10  # two batches of five made it
    with pytest.raises(UploadBusy):  # its heartbeat is fresh: the worker might still be alive
        upload_process(upload_id=upload.pk)
    make_stale(upload, settings)
    finished = upload_process(upload_id=upload.pk)
    assert counts(finished) == ("done", 26, 26, 0, 0)
    assert finished.rows_imported == Event.objects.filter(upload=upload).count()
    assert Event.objects.count() == 26
    assert len(set(Event.objects.values_list("dedupe_key", flat=True))) == 26
    assert finished.attempts == 2
    assert Member.objects.count() == 6


def test_a_stale_upload_whose_events_were_all_stored_is_finished_without_duplicates(db, monkeypatch, settings):
    upload = crashed_upload(monkeypatch, settings, dies_in="rollups_refresh_span", call=1)
    assert Event.objects.filter(upload=upload).count() == 26
    make_stale(upload, settings)
    finished = upload_process(upload_id=upload.pk)
    assert counts(finished) == ("done", 26, 26, 0, 0)
    assert Event.objects.count() == 26


def test_a_reprocessed_upload_does_not_steal_events_of_an_earlier_upload(db, monkeypatch, settings, import_bytes):
    earlier = import_bytes(b"".join(SAMPLE.read_bytes().splitlines(keepends=True)[:9]), "earlier.csv")
    assert earlier.rows_imported == 8
    upload = crashed_upload(monkeypatch, settings, dies_in="event_bulk_insert", call=4)
    make_stale(upload, settings)
    finished = upload_process(upload_id=upload.pk)
    assert counts(finished) == ("done", 26, 18, 8, 0)
    assert Event.objects.filter(upload=earlier).count() == 8


@pytest.mark.parametrize(
    "dies_in, call", [("event_bulk_insert", 3), ("rollups_refresh_span", 1)], ids=["midway", "before-rollups"]
)
def test_a_taken_over_upload_brings_the_rollups_up_to_date(db, monkeypatch, settings, dies_in, call):
    upload = crashed_upload(monkeypatch, settings, dies_in=dies_in, call=call)
    make_stale(upload, settings)
    upload_process(upload_id=upload.pk)
    rollups = DailyActivity.objects.filter(timezone=settings.REPORTING_TIMEZONE)
    assert sum(rollups.values_list("events", flat=True)) == 26
    assert sorted({d.isoformat() for d in rollups.values_list("day", flat=True)}) == ["2025-09-01", "2025-09-02", "2025-09-03"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
def test_two_workers_racing_for_one_upload_import_it_once(transactional_db):
    upload = new_upload()
    barrier = threading.Barrier(2)
    results: list = []

    def worker():
        try:
            barrier.wait()
            results.append(upload_process(upload_id=upload.pk))
        except UploadBusy as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    done = [r for r in results if isinstance(r, Upload)]
    assert len(results) == 2
    assert len(done) == 1 and counts(done[0]) == ("done", 26, 26, 0, 0)
    assert results[1 - results.index(done[0])] is None or isinstance(results[1 - results.index(done[0])], UploadBusy)
    upload.refresh_from_db()
    assert upload.attempts == 1
    assert Event.objects.count() == 26
