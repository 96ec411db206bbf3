"""Faults, with real processes: a Celery worker SIGKILLed mid-import resumes through the periodic
re-queue with exact counts; an upload saved while the broker is down says so, and starts when the
broker is back; an upload whose worker died UPLOAD_MAX_ATTEMPTS times is failed and later uploads
proceed. The real-process tests run their own redis-server on a free port and a SQLite file."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from ingest.models import Event, Upload
from ingest.services.uploads import upload_create, upload_process
from testing.fixtures import export_csv

ROOT = Path(__file__).resolve().parents[2]
REDIS = shutil.which("redis-server")


def _yesterday() -> str:
    return (timezone.now() - timedelta(days=1)).date().isoformat()


# --- attempts (the state a dead worker leaves behind) -------------------------------------------


def test_an_upload_whose_worker_died_twice_is_failed_and_later_uploads_proceed(db, settings):
    settings.UPLOAD_MAX_ATTEMPTS = 2
    killer = upload_create(file=ContentFile(export_csv({"a@example.com": 3}, day=_yesterday()), name="k.csv"), queue=False)
    # Two claims whose workers died mid-import: processing, silent, attempts 2.
    silent = timezone.now() - timedelta(seconds=settings.UPLOAD_STALE_AFTER_SECONDS + 1)
    Upload.objects.filter(pk=killer.pk).update(status=Upload.Status.PROCESSING, attempts=2, heartbeat_at=silent)
    later = upload_create(file=ContentFile(export_csv({"b@example.com": 2}, day=_yesterday()), name="l.csv"), queue=False)

    assert upload_process(upload_id=killer.pk) is None
    assert upload_process(upload_id=later.pk).status == Upload.Status.DONE

    killer.refresh_from_db()
    assert killer.status == Upload.Status.FAILED
    assert "stopped after 2 attempts" in killer.error
    assert upload_process(upload_id=killer.pk) is None  # never tried again
    assert Event.objects.filter(upload=killer).count() == 0 and Event.objects.count() == 3


def test_an_upload_whose_worker_died_once_resumes_with_exact_counts(db, settings):
    killer = upload_create(file=ContentFile(export_csv({"a@example.com": 30}, day=_yesterday()), name="k.csv"), queue=False)
    silent = timezone.now() - timedelta(seconds=settings.UPLOAD_STALE_AFTER_SECONDS + 1)
    Upload.objects.filter(pk=killer.pk).update(status=Upload.Status.PROCESSING, attempts=1, heartbeat_at=silent)

    upload = upload_process(upload_id=killer.pk)

    assert (upload.status, upload.attempts, upload.rows_read, upload.rows_imported) == ("done", 2, 31, 31)


@pytest.mark.worker
def test_the_periodic_job_queues_an_upload_never_picked_up(celery_worker_thread, settings):
    from ingest.services.uploads import uploads_requeue

    upload = upload_create(file=ContentFile(export_csv({"a@example.com": 4}, day=_yesterday()), name="q.csv"), queue=False)
    Upload.objects.filter(pk=upload.pk).update(created_at=timezone.now() - timedelta(hours=1))

    assert uploads_requeue() == [upload.pk]

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and upload.status != Upload.Status.DONE:
        time.sleep(0.2)
        upload.refresh_from_db()
    assert (upload.status, upload.rows_imported) == ("done", 5)


# --- real processes: worker, broker ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """A deployment in a temporary folder: SQLite file, a broker URL, management commands and workers."""

    def __init__(self, folder: Path, port: int):
        self.folder = folder
        self.port = port
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "SECRET_KEY": "tests-only-not-secret",
            "VAR_DIR": str(folder / "var"),
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0",
            "UPLOAD_STALE_AFTER_SECONDS": "3",
            "IMPORT_BATCH_SIZE": "500",
            "LOG_LEVEL": "WARNING",
        }
        self.processes: list[subprocess.Popen] = []

    def manage(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def start(self, command: list[str]) -> subprocess.Popen:
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        self.processes.append(process)
        return process

    def redis(self) -> subprocess.Popen:
        process = self.start([REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return process
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def worker(self) -> subprocess.Popen:
        return self.start([sys.executable, "-m", "celery", "-A", "usage_portal", "worker", "--pool", "solo", "-l", "warning"])

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def upload(self) -> dict:
        with sqlite3.connect(self.folder / "var" / "portal.sqlite3") as db:
            db.row_factory = sqlite3.Row
            row = db.execute("SELECT * FROM analytics_upload ORDER BY id DESC LIMIT 1").fetchone()
            events = db.execute("SELECT COUNT(*) FROM analytics_event").fetchone()[0]
        return {**dict(row), "events": events}

    def wait(self, condition, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            upload = self.upload()
            if condition(upload):
                return upload
            time.sleep(0.2)
        raise AssertionError(f"gave up waiting: {self.upload()}")

    def requeue(self) -> str:
        result = self.manage("shell", "-c", "from ingest.services.uploads import uploads_requeue; print(uploads_requeue())")
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)


@pytest.fixture
def site(tmp_path):
    if REDIS is None:
        pytest.skip("redis-server is not installed")
    site = Site(tmp_path, _free_port())
    migrated = site.manage("migrate", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    yield site
    site.stop()


@pytest.mark.worker
def test_a_worker_killed_mid_import_is_resumed_by_the_periodic_job_with_exact_counts(site):
    export = site.folder / "export.csv"
    export.write_bytes(export_csv({f"member{n}@example.com": 1500 for n in range(40)}, day=_yesterday()))  # 60,040 rows
    site.redis()
    worker = site.worker()
    queued = site.manage("import_logs", str(export))
    assert "queued as upload" in queued.stdout, queued.stdout + queued.stderr

    site.wait(lambda u: u["status"] == "processing" and u["progress"] >= 20)
    site.kill(worker)  # the whole worker, SIGKILL, mid-import
    stuck = site.upload()
    assert stuck["status"] == "processing" and 0 < stuck["rows_imported"] < 60_040

    site.worker()
    time.sleep(3.5)  # the worker is now silent past UPLOAD_STALE_AFTER_SECONDS (3 s here)
    assert site.requeue() == f"[{stuck['id']}]"
    done = site.wait(lambda u: u["status"] in ("done", "failed"))

    assert (done["status"], done["attempts"]) == ("done", 2)
    assert done["rows_read"] == done["rows_imported"] == done["events"] == 60_040


@pytest.mark.worker
def test_an_upload_saved_while_the_broker_is_down_starts_when_it_is_back(site):
    export = site.folder / "export.csv"
    export.write_bytes(export_csv({"ana@example.com": 5}, day=_yesterday()))

    saved = site.manage("import_logs", str(export), timeout=120)  # nothing listens on the port yet

    assert saved.returncode == 0, saved.stderr
    assert "saved; the queue is unreachable, it will start when the queue is back" in saved.stdout
    assert "Traceback" not in saved.stderr
    assert site.upload()["status"] == "queued"

    site.redis()
    site.worker()
    time.sleep(3.5)
    assert site.requeue() == f"[{site.upload()['id']}]"
    done = site.wait(lambda u: u["status"] in ("done", "failed"))
    assert (done["status"], done["rows_imported"]) == ("done", 6)


@pytest.mark.worker
def test_the_admin_says_saved_when_the_broker_is_down(transactional_db, client, importer, tmp_path, monkeypatch):
    """The admin's request with the real Celery app pointed at a port where nothing listens."""
    from usage_portal.celery import app

    # task_send's background retry would send the task to this suite's broker once the URL is put
    # back below, for a later test's worker to run beside that test's own import: record it instead.
    retried = []
    monkeypatch.setattr("portal.queue._send_when_back", lambda task, args: retried.append((task.name, args)))
    previous = app.conf.broker_url, app._pool, app.amqp._producer_pool
    unreachable = f"redis://:secret@127.0.0.1:{_free_port()}/0"
    app.conf.broker_url = unreachable
    monkeypatch.setenv("CELERY_BROKER_URL", unreachable)  # Celery prefers the variable to its setting
    app._pool = app.amqp._producer_pool = None  # connections to the unreachable broker from here on
    try:
        client.force_login(importer)
        export = tmp_path / "export.csv"
        export.write_bytes(export_csv({"ana@example.com": 2}, day=_yesterday()))
        with export.open("rb") as handle:
            from django.urls import reverse

            response = client.post(reverse("admin:ingest_upload_add"), {"file": handle}, follow=True)
    finally:
        app.conf.broker_url, app._pool, app.amqp._producer_pool = previous

    assert response.status_code == 200
    assert "is saved, and will start when the queue is back" in response.content.decode()
    upload = Upload.objects.get()
    assert upload.status == Upload.Status.QUEUED
    deadline = time.monotonic() + 5
    while not retried and time.monotonic() < deadline:
        time.sleep(0.05)
    assert retried == [("ingest.tasks.upload_process_task", (upload.pk,))]  # sent when the queue is back


def test_the_log_redaction_keeps_a_broker_url_host():
    from portal.security import redact_emails

    assert redact_emails("cannot reach redis://:secret@redis.internal:6379/0") == (
        "cannot reach redis://:[password redacted]@redis.internal:6379/0"
    )
    assert redact_emails("member ana@example.com") == "member [email redacted]"
