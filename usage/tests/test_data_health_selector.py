"""Data health, read from real imports: the days covered and the gaps inside them, the day the data
runs through (in the reporting timezone), event names first seen in the last import, and the
last import's counts."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.models import Upload
from testing.fixtures import export_csv
from usage.selectors.data_health import AUDIT_LOG, Gap, data_health_get

REJECTED_ROW = b"not-a-date,{},conversation_created,,,,,,\n"


def rows(content: bytes) -> bytes:
    """The rows of an export, without its header."""
    return content.split(b"\n", 1)[1]


@pytest.fixture(autouse=True)
def utc(settings):
    settings.REPORTING_TIMEZONE = "UTC"


def test_an_empty_portal_has_no_data_yet(db):
    source = data_health_get(timezone="UTC").sources[0]

    assert source.name == AUDIT_LOG
    assert (source.last_import, source.newest_event_at, source.data_through, source.first_day) == (None, None, None, None)
    assert (source.gaps, source.first_seen_events, source.rejected_total) == ([], [], 0)


def test_gaps_are_the_runs_of_days_without_events_between_the_first_and_last_day(import_bytes):
    for day in (1, 2, 5, 6, 9):
        import_bytes(export_csv({"a@example.com": 1}, day=f"2025-09-{day:02d}"))

    health = data_health_get(timezone="UTC")

    source = health.sources[0]
    assert (source.first_day, source.last_day) == (date(2025, 9, 1), date(2025, 9, 9))
    assert source.gaps == [Gap(date(2025, 9, 3), date(2025, 9, 4)), Gap(date(2025, 9, 7), date(2025, 9, 8))]
    assert [gap.days for gap in source.gaps] == [2, 2]
    assert health.data_through == date(2025, 9, 9)


def test_data_runs_through_the_newest_events_day_in_the_reporting_timezone(import_bytes, settings):
    settings.REPORTING_TIMEZONE = "Europe/Berlin"
    import_bytes(export_csv({"a@example.com": 0}, day="2025-09-09").replace(b"T08:00:00", b"T23:30:00"))

    assert data_health_get(timezone="Europe/Berlin").data_through == date(2025, 9, 10)
    assert data_health_get(timezone="UTC").data_through == date(2025, 9, 9)


def test_event_names_first_seen_are_those_of_the_last_done_import_no_earlier_one_had(import_bytes):
    import_bytes(export_csv({"a@example.com": 1}, day="2025-09-01"))  # user_signed_in_sso, conversation_created
    new = export_csv({"b@example.com": 1}, day="2025-09-02").replace(b"user_signed_in_sso", b"mystery_event")
    last = import_bytes(new + rows(export_csv({"c@example.com": 0}, day="2025-09-02")))
    assert last.unknown_events == {"mystery_event": 1}
    failed = import_bytes(b"not an export at all")
    assert failed.status == Upload.Status.FAILED

    source = data_health_get(timezone="UTC").sources[0]

    assert source.last_import == failed and source.last_done_import == last
    assert source.first_seen_events == ["mystery_event"]


def test_the_first_import_sees_every_name_for_the_first_time(import_bytes):
    import_bytes(export_csv({"a@example.com": 1}, day="2025-09-01"))

    assert data_health_get(timezone="UTC").sources[0].first_seen_events == ["conversation_created", "user_signed_in_sso"]


def test_the_last_import_counts_rejected_and_too_old_rows_and_rejected_rows_add_up(import_bytes):
    import_bytes(export_csv({"a@example.com": 1}, day="2025-09-01") + REJECTED_ROW)
    too_old = rows(export_csv({"old@example.com": 0}, day="1920-01-01"))
    last = import_bytes(export_csv({"b@example.com": 2}, day="2025-09-02") + too_old + REJECTED_ROW + REJECTED_ROW)

    source = data_health_get(timezone="UTC").sources[0]

    assert source.last_import == last
    assert (last.rows_read, last.rows_imported, last.rows_rejected, last.rows_too_old) == (6, 3, 2, 1)
    assert (source.rejected_last_import, source.rejected_total) == (2, 3)


def test_claude_code_sources_and_the_reconciliation_with_anthropics_summaries(db, small_groups_allowed, settings):
    import json

    from django.core.files.base import ContentFile

    from ingest.services.uploads import upload_create, upload_process
    from testing.claude_code import usage_record, usage_report_page
    from usage.selectors.data_health import data_health_get

    settings.REPORTING_TIMEZONE = "UTC"

    def imported(content: bytes, name: str) -> None:
        upload = upload_create(file=ContentFile(content, name=name), name=name, queue=False)
        upload_process(upload_id=upload.pk)

    imported(
        usage_report_page(
            usage_record(day="2026-11-02", email="ana@example.com", sessions=1),
            usage_record(day="2026-11-05", email="bo@example.com", sessions=2),
            usage_record(day="2026-11-05", email="cy@example.com"),  # zeros: not active
        ),
        "report.json",
    )
    imported(json.dumps({"summaries": [{"starting_at": "2026-11-05", "daily_active_user_count": 2, "weekly_active_user_count": 3,
                                        "monthly_active_user_count": 3}]}).encode(), "summaries.json")

    health = data_health_get(timezone="UTC")

    report = next(source for source in health.sources if source.name == "Claude Code usage report")
    assert (report.first_day, report.last_day) == (date(2026, 11, 2), date(2026, 11, 5))
    assert [(gap.first, gap.days) for gap in report.gaps] == [(date(2026, 11, 3), 2)]
    assert health.sources[0].last_import is None  # no audit-log upload: the Claude Code files are not one
    assert (health.reconciliation.date, health.reconciliation.anthropic_weekly_active_users) == (date(2026, 11, 5), 3)
    assert health.reconciliation.portal_weekly_active_users == 2
