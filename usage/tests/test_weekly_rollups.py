"""The weekly rollups (usage.models.WeeklyActivity, WeeklyTotal) against a count by hand from the
stored events and Claude Code records: per member and ISO week of calendar days in the reporting
timezone (across the end of summer time in Berlin) and of UTC dates for Claude Code; kept current
by imports, a timezone rebuild and the retention purge."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ingest.models import CodeUsage, Event
from testing.claude_code import otel_event, otel_event_line, usage_record, usage_report_page
from usage.models import WeeklyActivity, WeeklyTotal
from usage.services.rollups import purged_rollups_refresh, rollup_rebuild

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[2] / "testing" / "data" / "report_fixture.csv"
FIGURES = ("sessions", "lines_added", "lines_removed", "commits", "pull_requests", "edits_accepted", "edits_rejected")


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def by_hand(timezone: str) -> dict[tuple[date, int], tuple]:
    """(week, member) → (events, conversations, code-active dates, their sessions), from the raw records."""
    zone = ZoneInfo(timezone)
    weeks: dict[tuple[date, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for member, occurred, event in Event.objects.filter(member__isnull=False).values_list("member", "occurred_at", "event"):
        figures = weeks[(monday(occurred.astimezone(zone).date()), member)]
        figures[0] += 1
        figures[1] += event == "conversation_created"
    per_date: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for row in CodeUsage.objects.filter(member__isnull=False).values("member", "date", *FIGURES):
        pair = per_date[(row["member"], row["date"])]
        pair[0] += row["sessions"]
        pair[1] += sum(row[f] for f in FIGURES)
    for (member, day), (sessions, total) in per_date.items():
        if total > 0:
            figures = weeks[(monday(day), member)]
            figures[2] += 1
            figures[3] += sessions
    return {key: tuple(value) for key, value in weeks.items()}


def stored(timezone: str) -> dict[tuple[date, int], tuple]:
    rows = WeeklyActivity.objects.filter(timezone=timezone).values_list("week", "member", "events", "conversations", "code_days", "code_sessions")
    return {(week, member): (events, conversations, code_days, sessions) for week, member, events, conversations, code_days, sessions in rows}


@pytest.fixture
def imported(settings, import_bytes):
    settings.REPORTING_TIMEZONE = "Europe/Berlin"
    assert import_bytes(FIXTURE.read_bytes(), "report_fixture.csv").status == "done"
    emails = sorted(set(Event.objects.filter(member__isnull=False).values_list("member__email", flat=True)))
    page = usage_report_page(
        usage_record(day="2025-10-24", email=emails[0], sessions=2),
        usage_record(day="2025-10-27", email=emails[0], sessions=3),  # Monday after the change of time
        usage_record(day="2025-10-27", email=emails[1], sessions=0, added=5),
        usage_record(day="2025-10-28", email="newcomer@example.com"),  # zeros: not code-active
    )
    assert import_bytes(page, "report.json").status == "done"
    events = otel_event_line(otel_event(name="plugin_loaded", email=emails[0], day="2025-10-28", plugin="commit-commands"))
    assert import_bytes(events, "events.jsonl").status == "done"
    return emails


def test_imports_keep_the_weeks_as_counted_by_hand(imported):
    expected = by_hand("Europe/Berlin")
    assert stored("Europe/Berlin") == expected
    assert any(code_days for _, _, code_days, _ in expected.values())  # the Claude Code part is exercised
    totals = {row.week: row for row in WeeklyTotal.objects.filter(timezone="Europe/Berlin")}
    assert set(totals) == {week for week, _ in expected}
    for week, total in totals.items():
        members = {m: figures for (w, m), figures in expected.items() if w == week}
        assert total.active_users == sum(1 for f in members.values() if f[0] > 0)
        assert total.code_active_users == sum(1 for f in members.values() if f[2] > 0)
        assert total.any_active_users == sum(1 for f in members.values() if f[0] > 0 or f[2] > 0)
        assert total.code_sessions == sum(f[3] for f in members.values())
    plugin_week = monday(date(2025, 10, 28))
    assert totals[plugin_week].plugin_users == 1


def test_a_timezone_rebuild_counts_its_own_weeks(imported):
    rollup_rebuild(timezone="America/New_York")
    assert stored("America/New_York") == by_hand("America/New_York")
    assert stored("Europe/Berlin") == by_hand("Europe/Berlin")


def test_a_purge_drops_whole_weeks_and_recounts_the_week_it_cuts(imported):
    from usage.models import CodeDay, DailyActivity

    weeks = sorted({week for week, _ in by_hand("Europe/Berlin")})
    cut = weeks[-1] + timedelta(days=2)  # a Wednesday: that week keeps Wednesday on
    DailyActivity.objects.filter(day__lt=cut).delete()  # what the retention purge removes first
    CodeDay.objects.filter(date__lt=cut).delete()
    purged_rollups_refresh(before=cut)

    assert set(WeeklyActivity.objects.values_list("week", flat=True)) <= {weeks[-1]}
    left = defaultdict(int)
    for member, events in DailyActivity.objects.filter(timezone="Europe/Berlin", member__isnull=False).values_list("member", "events"):
        left[member] += events
    assert dict(WeeklyActivity.objects.filter(timezone="Europe/Berlin", events__gt=0).values_list("member", "events")) == dict(left)
