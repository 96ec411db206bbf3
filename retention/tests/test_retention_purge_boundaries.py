"""A purge keeps the oldest day kept and removes the day before it, days being calendar days in
the reporting timezone.

"Now" is 2026-03-20 12:00 in New York (EDT, UTC-4). With 10-day periods the oldest day kept is
2026-03-11, which starts at 04:00 UTC: an event at 03:59 UTC that day happened on the 10th.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile

from audit.models import AccessRecord
from exports.models import Export
from ingest.models import Event, Upload
from people.models import Member
from portal.models import RetentionSettings
from retention.models import PurgeReceipt
from retention.services import retention_purge
from usage.models import DailyActivity, DailyTotal, MemberTotal

NOW = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)
OLDEST_DAY_KEPT = date(2026, 3, 11)
FIRST_INSTANT_KEPT = datetime(2026, 3, 11, tzinfo=ZoneInfo("America/New_York"))
JUST_BEFORE = FIRST_INSTANT_KEPT - timedelta(microseconds=1)


@pytest.fixture(autouse=True)
def new_york(settings, tmp_path, retention_floors_lowered, db):
    settings.REPORTING_TIMEZONE = "America/New_York"
    settings.MEDIA_ROOT = tmp_path
    # The access log's period is past its floor, which the database keeps by itself (audit/db.py).
    RetentionSettings.objects.update_or_create(
        pk=1, defaults={**{field: 10 for field in RetentionSettings.PERIOD_FIELDS}, "access_log_days": 400}
    )


def purge() -> PurgeReceipt:
    receipt = retention_purge(trigger=PurgeReceipt.Trigger.SCHEDULE, now=NOW)
    assert receipt.status == PurgeReceipt.Status.SUCCEEDED, receipt.errors
    return receipt


def test_events_from_local_midnight_of_the_oldest_day_kept_stay_and_earlier_ones_go():
    for n, at in enumerate([JUST_BEFORE - timedelta(days=30), JUST_BEFORE, FIRST_INSTANT_KEPT, NOW]):
        Event.objects.create(occurred_at=at, event="conversation_created", dedupe_key=f"key{n}")

    receipt = purge()

    assert sorted(Event.objects.values_list("occurred_at", flat=True)) == [FIRST_INSTANT_KEPT, NOW]
    assert receipt.deleted["raw_events"] == {"rows": 2, "files": 0}


def _rollup(member: Member | None, zone: str, day: date, conversations: int) -> None:
    DailyActivity.objects.create(
        timezone=zone, day=day, member=member, events=conversations, conversations=conversations,
        last_event_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
    )


def test_rollups_of_the_oldest_day_kept_stay_and_earlier_days_go_in_every_timezone():
    member = Member.objects.create(email="ana@example.com")
    for zone in ("America/New_York", "UTC"):
        for day in (OLDEST_DAY_KEPT - timedelta(days=1), OLDEST_DAY_KEPT):
            _rollup(member, zone, day, 2)
            DailyTotal.objects.create(timezone=zone, day=day, active_users=1, events=2, conversations=2)

    receipt = purge()

    assert set(DailyActivity.objects.values_list("timezone", "day")) == {
        ("America/New_York", OLDEST_DAY_KEPT), ("UTC", OLDEST_DAY_KEPT)
    }
    assert set(DailyTotal.objects.values_list("timezone", "day")) == {
        ("America/New_York", OLDEST_DAY_KEPT), ("UTC", OLDEST_DAY_KEPT)
    }
    assert receipt.deleted["rollups"] == {"rows": 4, "files": 0}


def test_member_totals_are_recomputed_from_the_rollups_kept():
    ana, bo = Member.objects.create(email="ana@example.com"), Member.objects.create(email="bo@example.com")
    _rollup(ana, "America/New_York", OLDEST_DAY_KEPT - timedelta(days=3), 5)
    _rollup(ana, "America/New_York", OLDEST_DAY_KEPT + timedelta(days=2), 3)
    _rollup(bo, "America/New_York", OLDEST_DAY_KEPT - timedelta(days=1), 4)  # only before the cutoff
    for member, first, conversations in ((ana, OLDEST_DAY_KEPT - timedelta(days=3), 8), (bo, OLDEST_DAY_KEPT - timedelta(days=1), 4)):
        MemberTotal.objects.create(
            timezone="America/New_York", member=member, first_day=first, last_day=OLDEST_DAY_KEPT + timedelta(days=2),
            last_event_at=NOW, events=conversations, conversations=conversations,
        )

    purge()

    totals = MemberTotal.objects.values_list("member_id", "first_day", "last_day", "events", "conversations")
    day = OLDEST_DAY_KEPT + timedelta(days=2)
    assert list(totals) == [(ana.pk, day, day, 3, 3)]


def _upload(name: str, finished_at: datetime) -> Upload:
    upload = Upload(original_name=name, status=Upload.Status.DONE, rows_read=30, rows_imported=26, rows_rejected=4, finished_at=finished_at)
    upload.file.save(name, ContentFile(b"created_at,event\n"), save=False)
    upload.rejected_report.save(f"{name}-rejected.csv", ContentFile(b"line,reason\n"), save=False)
    upload.save()
    return upload


def test_upload_files_finished_before_the_oldest_day_kept_are_deleted_and_the_upload_and_its_counts_stay():
    old, kept = _upload("old.csv", JUST_BEFORE), _upload("kept.csv", FIRST_INSTANT_KEPT)
    old_paths = [Path(old.file.path), Path(old.rejected_report.path)]
    kept_paths = [Path(kept.file.path), Path(kept.rejected_report.path)]

    receipt = purge()

    old.refresh_from_db()
    kept.refresh_from_db()
    assert not any(path.exists() for path in old_paths)
    assert (old.file.name, old.rejected_report.name) == ("", "")
    assert (old.original_name, old.rows_read, old.rows_imported, old.rows_rejected) == ("old.csv", 30, 26, 4)
    assert all(path.exists() for path in kept_paths)
    assert kept.file.storage.exists(kept.file.name) and kept.rejected_report.storage.exists(kept.rejected_report.name)
    assert receipt.deleted["uploads"] == {"rows": 0, "files": 2}


def test_export_files_are_deleted_once_they_expire_and_the_export_stays():
    exports = {}
    for label, expires_at in (("expired", NOW - timedelta(seconds=1)), ("expires now", NOW), ("valid", NOW + timedelta(seconds=1))):
        export = Export(view="overview", format=Export.Format.CSV, status=Export.Status.DONE, expires_at=expires_at)
        export.file.save("overview.csv", ContentFile(b"day,users\n"), save=False)
        export.save()
        exports[label] = (export, Path(export.file.path))

    receipt = purge()

    for label, (export, path) in exports.items():
        export.refresh_from_db()
        assert path.exists() == (label == "valid"), label
        assert bool(export.file) == (label == "valid"), label
    assert Export.objects.count() == 3
    assert receipt.deleted["exports"] == {"rows": 0, "files": 2}


def test_access_records_from_before_the_oldest_day_kept_are_deleted():
    first_kept = datetime(2025, 2, 14, tzinfo=ZoneInfo("America/New_York"))  # NOW's day minus 399
    AccessRecord.objects.create(occurred_at=first_kept - timedelta(microseconds=1), username="before")
    AccessRecord.objects.create(occurred_at=first_kept, username="kept")

    receipt = purge()

    assert list(AccessRecord.objects.values_list("username", flat=True)) == ["kept"]
    assert receipt.deleted["access_log"] == {"rows": 1, "files": 0}


def test_claude_code_records_before_the_oldest_day_kept_go_and_later_ones_stay():
    from ingest.models import CodeModelUsage, CodeUsage, OtelPoint, SpendRow, Ticket
    from usage.models import CodeDay

    member = Member.objects.create(email="ana@example.com", pseudonym="Member 0000-0001")
    before, kept = OLDEST_DAY_KEPT - timedelta(days=1), OLDEST_DAY_KEPT
    for day in (before, kept):
        usage = CodeUsage.objects.create(source="usage_report", date=day, member=member, sessions=1)
        CodeModelUsage.objects.create(usage=usage, model="claude-sonnet-4-5", input_tokens=5)
        OtelPoint.objects.create(identity=f"p{day}", metric="session.count", date=day, member=member, value=1)
        SpendRow.objects.create(date=day, member=member, model="claude-sonnet-4-5")
        CodeDay.objects.create(member=member, date=day, source="usage_report", sessions=1)
    Ticket.objects.create(helpdesk="csv", ticket_id="T-1", created_at=JUST_BEFORE, member=member)
    Ticket.objects.create(helpdesk="csv", ticket_id="T-2", created_at=FIRST_INSTANT_KEPT, member=member)

    purge()

    for model in (CodeUsage, OtelPoint, SpendRow, CodeDay):
        assert list(model.objects.values_list("date", flat=True)) == [kept], model.__name__
    assert CodeModelUsage.objects.get().usage.date == kept
    assert list(Ticket.objects.values_list("ticket_id", flat=True)) == ["T-2"]
