"""A dry run deletes nothing and still writes a receipt, with what it would have deleted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from audit.models import AccessRecord
from exports.models import Export
from ingest.models import Event, Upload
from portal.models import RetentionSettings
from retention.models import PurgeReceipt
from retention.services import retention_purge
from usage.models import DailyActivity, DailyTotal

NOW = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=100)


@pytest.fixture(autouse=True)
def short_periods(settings, tmp_path, retention_floors_lowered, db):
    settings.REPORTING_TIMEZONE = "Europe/Berlin"
    settings.MEDIA_ROOT = tmp_path
    RetentionSettings.objects.update_or_create(pk=1, defaults={field: 10 for field in RetentionSettings.PERIOD_FIELDS})


def test_a_dry_run_deletes_nothing_and_records_what_it_would_delete():
    for n in range(3):
        Event.objects.create(occurred_at=LONG_AGO, event="conversation_created", dedupe_key=f"key{n}")
    DailyActivity.objects.create(timezone="Europe/Berlin", day=date(2025, 12, 1), events=3, last_event_at=LONG_AGO)
    DailyTotal.objects.create(timezone="Europe/Berlin", day=date(2025, 12, 1), events=3)
    upload = Upload(status=Upload.Status.DONE, finished_at=LONG_AGO)
    upload.file.save("old.csv", ContentFile(b"created_at,event\n"), save=False)
    upload.save()
    export = Export(view="overview", format=Export.Format.CSV, expires_at=NOW - timedelta(days=1))
    export.file.save("overview.csv", ContentFile(b"day,users\n"), save=False)
    export.save()
    AccessRecord.objects.create(occurred_at=LONG_AGO, username="someone")
    files = [Path(upload.file.path), Path(export.file.path)]

    receipt = retention_purge(dry_run=True, trigger=PurgeReceipt.Trigger.USER, triggered_by="ana", now=NOW)

    assert (Event.objects.count(), DailyActivity.objects.count(), DailyTotal.objects.count(), AccessRecord.objects.count()) == (3, 1, 1, 1)
    assert all(path.exists() for path in files)
    upload.refresh_from_db()
    export.refresh_from_db()
    assert upload.file and export.file
    receipt.refresh_from_db()
    assert (receipt.dry_run, receipt.status, receipt.triggered_by) == (True, PurgeReceipt.Status.SUCCEEDED, "ana")
    assert receipt.deleted == {
        "raw_events": {"rows": 3, "files": 0},
        "rollups": {"rows": 2, "files": 0},
        "uploads": {"rows": 0, "files": 1},
        "exports": {"rows": 0, "files": 1},
        "access_log": {"rows": 1, "files": 0},
    }
