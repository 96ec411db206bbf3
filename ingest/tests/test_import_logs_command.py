"""`manage.py import_logs FILE… [--sync]`: queue audit-log exports for the worker, or import them here."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ingest.models import Event, Upload
from people.models import Member
from testing import SAMPLES

ZIP = SAMPLES / "claude_enterprise_audit_export.zip"
JSON = SAMPLES / "claude_enterprise_audit.json"
CSV = SAMPLES / "claude_enterprise_audit.csv"


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_logs", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_sync_imports_each_file_and_prints_its_format_and_counts(db):
    out, err = run(ZIP, JSON, CSV, "--sync")
    assert out.splitlines() == [
        "claude_enterprise_audit_export.zip: zip, 26 rows read, 26 imported, 0 duplicate, 0 rejected",
        "claude_enterprise_audit.json: json, 26 rows read, 0 imported, 26 duplicate, 0 rejected",
        "claude_enterprise_audit.csv: csv, 26 rows read, 0 imported, 26 duplicate, 0 rejected",
    ]
    assert err == ""
    assert Event.objects.count() == 26
    assert Member.objects.count() == 6
    assert list(Upload.objects.order_by("pk").values_list("original_name", "status")) == [
        ("claude_enterprise_audit_export.zip", "done"),
        ("claude_enterprise_audit.json", "done"),
        ("claude_enterprise_audit.csv", "done"),
    ]


def test_sync_lists_the_first_rejected_lines_under_the_file(db, tmp_path):
    lines = CSV.read_bytes().splitlines(keepends=True)
    broken = [lines[0]] + [line.replace(b"2025-09-0", b"2025-13-0", 1) if n % 2 else line for n, line in enumerate(lines[1:], 1)]
    path = tmp_path / "broken.csv"
    path.write_bytes(b"".join(broken))
    out, _ = run(path, "--sync")
    assert out.splitlines() == [
        "broken.csv: csv, 26 rows read, 13 imported, 0 duplicate, 13 rejected",
        *[f"  line {n}: created_at is not an ISO 8601 timestamp" for n in range(2, 21, 2)],
    ]


def test_a_failed_file_is_reported_and_fails_the_command_after_the_others_are_imported(db, tmp_path):
    bad = tmp_path / "users.csv"
    bad.write_bytes(b"name,email\nKim Example,kim@example.com\n")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"1 file\(s\) failed"):
        call_command("import_logs", str(bad), str(CSV), "--sync", stdout=out, stderr=err)
    output, errors = out.getvalue(), err.getvalue()
    assert output.splitlines() == ["claude_enterprise_audit.csv: csv, 26 rows read, 26 imported, 0 duplicate, 0 rejected"]
    assert errors.startswith("users.csv: failed: The CSV lacks the column(s) created_at, event, actor_info")
    assert "Expected a Claude for Enterprise audit-log export" in errors
    assert Event.objects.count() == 26


def test_a_missing_path_fails_before_anything_is_imported(db, tmp_path):
    with pytest.raises(CommandError, match="no-such-export.zip: no such file"):
        run(CSV, tmp_path / "no-such-export.zip", "--sync")
    assert not Upload.objects.exists()
    assert not Event.objects.exists()


def test_a_directory_is_not_an_export(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path, "--sync")
    assert not Upload.objects.exists()


def test_without_sync_each_file_is_queued_for_the_worker_once_committed(db, monkeypatch, django_capture_on_commit_callbacks):
    from ingest import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks.upload_process_task, "delay", lambda upload_id: queued.append(upload_id))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        out, _ = run(ZIP, CSV)
    uploads = list(Upload.objects.order_by("pk"))
    assert out.splitlines() == [
        f"claude_enterprise_audit_export.zip: queued as upload {uploads[0].pk}",
        f"claude_enterprise_audit.csv: queued as upload {uploads[1].pk}",
    ]
    assert len(callbacks) == 2
    assert queued == [u.pk for u in uploads]
    assert [u.status for u in uploads] == ["queued", "queued"]
    assert not Event.objects.exists()


def test_sync_waits_while_another_import_runs_then_imports(db, monkeypatch):
    from ingest.management.commands import import_logs

    running = Upload.objects.create(original_name="other.csv", status=Upload.Status.PROCESSING, heartbeat_at=timezone.now())
    naps: list[float] = []

    def sleep(seconds):
        naps.append(seconds)
        Upload.objects.filter(pk=running.pk).update(status=Upload.Status.DONE)  # the other import finishes

    monkeypatch.setattr(import_logs.time, "sleep", sleep)
    out, _ = run(CSV, "--sync")
    assert naps == [2]
    assert out.splitlines() == ["claude_enterprise_audit.csv: csv, 26 rows read, 26 imported, 0 duplicate, 0 rejected"]


def test_the_format_comes_from_the_content_whatever_the_extension(db, tmp_path):
    disguised = tmp_path / "export.txt"
    disguised.write_bytes(ZIP.read_bytes())
    out, _ = run(disguised, "--sync")
    assert out.splitlines() == ["export.txt: zip, 26 rows read, 26 imported, 0 duplicate, 0 rejected"]
