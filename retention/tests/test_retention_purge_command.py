"""`manage.py purge_expired [--dry-run]` purges now, as the user running it, prints the receipt,
and fails (exit status 1) when the purge did."""

from __future__ import annotations

import getpass
import io
from datetime import UTC, datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command

from ingest.models import Event, Upload
from portal.models import RetentionSettings
from retention.models import PurgeReceipt

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def old_event(settings, tmp_path, db):
    settings.MEDIA_ROOT = tmp_path
    RetentionSettings.objects.update_or_create(pk=1, defaults={"raw_events_days": 30})
    Event.objects.create(occurred_at=LONG_AGO, event="conversation_created", dedupe_key="old")


def test_the_command_purges_and_prints_the_cutoffs_and_counts_per_category():
    out = io.StringIO()

    call_command("purge_expired", stdout=out)

    receipt = PurgeReceipt.objects.get()
    assert (receipt.trigger, receipt.triggered_by, receipt.dry_run) == ("user", getpass.getuser(), False)
    assert Event.objects.count() == 0
    printed = out.getvalue()
    assert f"Purge receipt {receipt.pk}: Succeeded" in printed
    kept_from = receipt.cutoffs["raw_events"]
    assert f"raw_events: 1 rows, 0 files deleted; kept from {kept_from['oldest_day_kept']} ({kept_from['first_instant_kept']})" in printed
    for category in ("rollups", "uploads", "exports", "access_log"):
        assert f"  {category}: 0 rows, 0 files deleted" in printed


def test_a_dry_run_prints_what_would_be_deleted_and_deletes_nothing():
    out = io.StringIO()

    call_command("purge_expired", "--dry-run", stdout=out)

    assert Event.objects.count() == 1
    assert "(dry run): Succeeded" in out.getvalue()
    assert "raw_events: 1 rows, 0 files would be deleted" in out.getvalue()
    assert PurgeReceipt.objects.get().dry_run


def test_the_command_fails_when_a_category_fails(monkeypatch):
    upload = Upload(status=Upload.Status.DONE, finished_at=LONG_AGO)
    upload.file.save("old.csv", ContentFile(b"created_at,event\n"), save=False)
    upload.save()

    def refuse(storage, name):
        raise PermissionError("read-only")

    monkeypatch.setattr(FileSystemStorage, "delete", refuse)
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="The purge failed"):
        call_command("purge_expired", stdout=out, stderr=err)

    assert "error in uploads: PermissionError: read-only" in err.getvalue()
    assert "raw_events: 1 rows, 0 files deleted" in out.getvalue()
