"""Every purge run leaves a receipt: who or what started it, the settings and cutoffs it used,
what it deleted per category, and the errors of any category that failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from audit.models import AccessRecord
from exports.models import Export
from ingest.models import Event, Upload
from portal.models import RetentionSettings
from retention.models import PurgeReceipt
from retention.services import retention_purge

NOW = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)  # 17:00 in Berlin
LONG_AGO = NOW - timedelta(days=100)
# The access log's period is past its floor: the database refuses a purge of younger records (audit/db.py).
PERIODS = {"raw_events_days": 10, "rollups_days": 20, "uploads_days": 5, "exports_days": 7, "access_log_days": 400}


@pytest.fixture(autouse=True)
def berlin(settings, tmp_path, retention_floors_lowered, db):
    settings.REPORTING_TIMEZONE = "Europe/Berlin"
    settings.MEDIA_ROOT = tmp_path
    RetentionSettings.objects.update_or_create(pk=1, defaults=PERIODS)


def _old_data() -> tuple[Upload, Export]:
    Event.objects.create(occurred_at=LONG_AGO, event="conversation_created", dedupe_key="old")
    AccessRecord.objects.create(occurred_at=NOW - timedelta(days=500), username="someone")
    upload = Upload(status=Upload.Status.DONE, finished_at=LONG_AGO)
    upload.file.save("old.csv", ContentFile(b"created_at,event\n"), save=False)
    upload.save()
    export = Export(view="overview", format=Export.Format.CSV, expires_at=NOW - timedelta(days=1))
    export.file.save("overview.csv", ContentFile(b"day,users\n"), save=False)
    export.save()
    return upload, export


def test_a_receipt_records_the_trigger_the_settings_the_cutoffs_and_the_counts():
    _old_data()

    retention_purge(trigger=PurgeReceipt.Trigger.USER, triggered_by="ana", now=NOW)

    receipt = PurgeReceipt.objects.get()
    assert (receipt.trigger, receipt.triggered_by, receipt.dry_run) == ("user", "ana", False)
    assert receipt.status == PurgeReceipt.Status.SUCCEEDED and receipt.errors == []
    assert receipt.started_at <= receipt.finished_at
    assert receipt.settings_in_force == PERIODS
    assert receipt.cutoffs["raw_events"] == {"first_instant_kept": "2026-03-11T00:00:00+01:00", "oldest_day_kept": "2026-03-11"}
    assert receipt.cutoffs["rollups"]["oldest_day_kept"] == "2026-03-01"
    assert receipt.cutoffs["uploads"]["oldest_day_kept"] == "2026-03-16"
    assert receipt.cutoffs["access_log"] == {"first_instant_kept": "2025-02-14T00:00:00+01:00", "oldest_day_kept": "2025-02-14"}
    assert receipt.cutoffs["exports"]["first_instant_kept"] == NOW.isoformat()
    assert receipt.deleted == {
        "raw_events": {"rows": 1, "files": 0},
        "rollups": {"rows": 0, "files": 0},
        "uploads": {"rows": 0, "files": 1},
        "exports": {"rows": 0, "files": 1},
        "access_log": {"rows": 1, "files": 0},
    }


def test_a_failing_category_is_recorded_and_the_others_still_run(monkeypatch):
    upload, export = _old_data()
    delete = FileSystemStorage.delete

    def delete_but_not_uploads(storage, name):
        if name.startswith("uploads/"):
            raise PermissionError("the upload directory is read-only")
        delete(storage, name)

    monkeypatch.setattr(FileSystemStorage, "delete", delete_but_not_uploads)

    receipt = retention_purge(trigger=PurgeReceipt.Trigger.SCHEDULE, now=NOW)

    assert receipt.status == PurgeReceipt.Status.FAILED
    assert receipt.errors == [{"category": "uploads", "error": "PermissionError: the upload directory is read-only"}]
    assert Path(upload.file.path).exists()
    assert not Path(export.file.path).exists()
    assert Event.objects.count() == 0 and AccessRecord.objects.count() == 0
    assert receipt.deleted["exports"] == {"rows": 0, "files": 1}
    assert receipt.deleted["access_log"] == {"rows": 1, "files": 0}


def test_a_purge_while_another_runs_deletes_nothing_and_its_receipt_says_so():
    _old_data()
    running = PurgeReceipt.objects.create(trigger=PurgeReceipt.Trigger.SCHEDULE, started_at=timezone.now() - timedelta(minutes=5))

    receipt = retention_purge(trigger=PurgeReceipt.Trigger.USER, triggered_by="ana", now=NOW)

    assert receipt.status == PurgeReceipt.Status.FAILED
    assert f"Another purge (receipt {running.pk}" in receipt.errors[0]["error"]
    assert receipt.deleted == {}
    assert Event.objects.count() == 1 and AccessRecord.objects.count() == 1


def test_a_run_left_running_for_hours_is_taken_for_dead_and_a_new_purge_runs():
    _old_data()
    PurgeReceipt.objects.create(trigger=PurgeReceipt.Trigger.SCHEDULE, started_at=timezone.now() - timedelta(hours=7))

    receipt = retention_purge(trigger=PurgeReceipt.Trigger.SCHEDULE, now=NOW)

    assert receipt.status == PurgeReceipt.Status.SUCCEEDED
    assert Event.objects.count() == 0
