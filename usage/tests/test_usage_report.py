"""`usage_report --json`: the report contract, checked against a small hand-computed fixture.

testing/data/report_fixture.csv holds 24 events of invented people from 2025-10-10 to
2025-11-18, across both DST changes (Berlin 2025-10-26, New York 2025-11-02):

  * events just before and after midnight UTC that fall on another day in Europe/Berlin or
    America/New_York (e.g. 2025-11-15T23:30Z is the 16th in Berlin; 2025-11-16T03:00Z is the
    15th in New York; 2025-10-17T02:30Z is the 16th in New York, outside its 30-day window);
  * a service account ("Backup service", no email) that creates a conversation and a project;
  * an actor-less org_sso_toggled row;
  * dev@example.com, whose only events come after the as-of day 2025-11-15;
  * cho@example.com written CHO@Example.com in one row.

Every expected object below was worked out by hand from that file (row by row, per timezone).
"""

from __future__ import annotations

import csv
import io
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from testing import DATA
from usage.models import DailyActivity
from usage.services.rollups import rollup_ensure

FIXTURE = DATA / "report_fixture.csv"

# The fixture is an audit log only: no Claude Code figures (usage/tests/test_claude_code_report.py has them).
NO_CLAUDE_CODE = {
    "totals": {"active_users": 0, "sessions": 0, "lines_added": 0, "lines_removed": 0, "commits": 0, "pull_requests": 0,
               "edits_accepted": 0, "edits_rejected": 0, "acceptance_rate": None, "cost_usd": 0.0},
    "daily": [],
    "members": [],
    "api_keys": {"sessions": 0, "lines_added": 0, "cost_usd": 0.0},
}

EXPECTED_UTC = {
    "claude_code": NO_CLAUDE_CODE,
    "as_of": "2025-11-15",
    "timezone": "UTC",
    "min_group_size": 2,
    "suppressed": False,
    "totals": {"users": 3, "conversations": 12, "projects": 2, "files": 2},
    "conversations": {"last_7_days": 3, "last_30_days": 10, "all_time": 12},
    "daily_active_users": [
        {"date": "2025-10-10", "users": 2},
        {"date": "2025-10-11", "users": 0},
        {"date": "2025-10-12", "users": 1},
        {"date": "2025-10-13", "users": 0},
        {"date": "2025-10-14", "users": 1},
        {"date": "2025-10-15", "users": 0},
        {"date": "2025-10-16", "users": 1},
        {"date": "2025-10-17", "users": 1},
        {"date": "2025-10-18", "users": 0},
        {"date": "2025-10-19", "users": 0},
        {"date": "2025-10-20", "users": 1},
        {"date": "2025-10-21", "users": 0},
        {"date": "2025-10-22", "users": 0},
        {"date": "2025-10-23", "users": 0},
        {"date": "2025-10-24", "users": 0},
        {"date": "2025-10-25", "users": 1},
        {"date": "2025-10-26", "users": 0},
        {"date": "2025-10-27", "users": 0},
        {"date": "2025-10-28", "users": 0},
        {"date": "2025-10-29", "users": 0},
        {"date": "2025-10-30", "users": 0},
        {"date": "2025-10-31", "users": 0},
        {"date": "2025-11-01", "users": 1},
        {"date": "2025-11-02", "users": 1},
        {"date": "2025-11-03", "users": 0},
        {"date": "2025-11-04", "users": 0},
        {"date": "2025-11-05", "users": 1},
        {"date": "2025-11-06", "users": 0},
        {"date": "2025-11-07", "users": 0},
        {"date": "2025-11-08", "users": 1},
        {"date": "2025-11-09", "users": 1},
        {"date": "2025-11-10", "users": 1},
        {"date": "2025-11-11", "users": 0},
        {"date": "2025-11-12", "users": 0},
        {"date": "2025-11-13", "users": 2},
        {"date": "2025-11-14", "users": 0},
        {"date": "2025-11-15", "users": 1},
    ],
    "daily_conversations": [
        {"date": "2025-10-10", "conversations": 1},
        {"date": "2025-10-11", "conversations": 0},
        {"date": "2025-10-12", "conversations": 1},
        {"date": "2025-10-13", "conversations": 0},
        {"date": "2025-10-14", "conversations": 0},
        {"date": "2025-10-15", "conversations": 0},
        {"date": "2025-10-16", "conversations": 0},
        {"date": "2025-10-17", "conversations": 1},
        {"date": "2025-10-18", "conversations": 0},
        {"date": "2025-10-19", "conversations": 0},
        {"date": "2025-10-20", "conversations": 2},
        {"date": "2025-10-21", "conversations": 0},
        {"date": "2025-10-22", "conversations": 0},
        {"date": "2025-10-23", "conversations": 0},
        {"date": "2025-10-24", "conversations": 0},
        {"date": "2025-10-25", "conversations": 1},
        {"date": "2025-10-26", "conversations": 0},
        {"date": "2025-10-27", "conversations": 0},
        {"date": "2025-10-28", "conversations": 0},
        {"date": "2025-10-29", "conversations": 0},
        {"date": "2025-10-30", "conversations": 0},
        {"date": "2025-10-31", "conversations": 0},
        {"date": "2025-11-01", "conversations": 1},
        {"date": "2025-11-02", "conversations": 1},
        {"date": "2025-11-03", "conversations": 0},
        {"date": "2025-11-04", "conversations": 0},
        {"date": "2025-11-05", "conversations": 0},
        {"date": "2025-11-06", "conversations": 0},
        {"date": "2025-11-07", "conversations": 0},
        {"date": "2025-11-08", "conversations": 1},
        {"date": "2025-11-09", "conversations": 0},
        {"date": "2025-11-10", "conversations": 1},
        {"date": "2025-11-11", "conversations": 0},
        {"date": "2025-11-12", "conversations": 0},
        {"date": "2025-11-13", "conversations": 1},
        {"date": "2025-11-14", "conversations": 0},
        {"date": "2025-11-15", "conversations": 1},
    ],
    "members": [
        {"email": "ana@example.com", "name": "Ana Lima", "conversations_7d": 1, "conversations_30d": 4,
         "conversations_all_time": 5, "last_seen": "2025-11-15T23:30:00.000000Z"},
        {"email": "ben@example.com", "name": "Ben Okafor", "conversations_7d": 1, "conversations_30d": 2,
         "conversations_all_time": 3, "last_seen": "2025-11-13T08:00:00.000000Z"},
        {"email": "cho@example.com", "name": "Cho Park", "conversations_7d": 1, "conversations_30d": 3,
         "conversations_all_time": 3, "last_seen": "2025-11-10T04:59:59.123456Z"},
    ],
}

EXPECTED_NEW_YORK = {
    "claude_code": NO_CLAUDE_CODE,
    "as_of": "2025-11-15",
    "timezone": "America/New_York",
    "min_group_size": 2,
    "suppressed": False,
    "totals": {"users": 3, "conversations": 13, "projects": 2, "files": 2},
    "conversations": {"last_7_days": 4, "last_30_days": 10, "all_time": 13},
    "daily_active_users": [
        {"date": "2025-10-10", "users": 2},
        {"date": "2025-10-11", "users": 0},
        {"date": "2025-10-12", "users": 1},
        {"date": "2025-10-13", "users": 0},
        {"date": "2025-10-14", "users": 1},
        {"date": "2025-10-15", "users": 0},
        {"date": "2025-10-16", "users": 1},
        {"date": "2025-10-17", "users": 0},
        {"date": "2025-10-18", "users": 0},
        {"date": "2025-10-19", "users": 0},
        {"date": "2025-10-20", "users": 1},
        {"date": "2025-10-21", "users": 0},
        {"date": "2025-10-22", "users": 0},
        {"date": "2025-10-23", "users": 0},
        {"date": "2025-10-24", "users": 0},
        {"date": "2025-10-25", "users": 1},
        {"date": "2025-10-26", "users": 0},
        {"date": "2025-10-27", "users": 0},
        {"date": "2025-10-28", "users": 0},
        {"date": "2025-10-29", "users": 0},
        {"date": "2025-10-30", "users": 0},
        {"date": "2025-10-31", "users": 0},
        {"date": "2025-11-01", "users": 2},
        {"date": "2025-11-02", "users": 0},
        {"date": "2025-11-03", "users": 0},
        {"date": "2025-11-04", "users": 0},
        {"date": "2025-11-05", "users": 1},
        {"date": "2025-11-06", "users": 0},
        {"date": "2025-11-07", "users": 0},
        {"date": "2025-11-08", "users": 2},
        {"date": "2025-11-09", "users": 1},
        {"date": "2025-11-10", "users": 0},
        {"date": "2025-11-11", "users": 0},
        {"date": "2025-11-12", "users": 0},
        {"date": "2025-11-13", "users": 2},
        {"date": "2025-11-14", "users": 0},
        {"date": "2025-11-15", "users": 2},
    ],
    "daily_conversations": [
        {"date": "2025-10-10", "conversations": 1},
        {"date": "2025-10-11", "conversations": 0},
        {"date": "2025-10-12", "conversations": 1},
        {"date": "2025-10-13", "conversations": 0},
        {"date": "2025-10-14", "conversations": 0},
        {"date": "2025-10-15", "conversations": 0},
        {"date": "2025-10-16", "conversations": 1},
        {"date": "2025-10-17", "conversations": 0},
        {"date": "2025-10-18", "conversations": 0},
        {"date": "2025-10-19", "conversations": 0},
        {"date": "2025-10-20", "conversations": 2},
        {"date": "2025-10-21", "conversations": 0},
        {"date": "2025-10-22", "conversations": 0},
        {"date": "2025-10-23", "conversations": 0},
        {"date": "2025-10-24", "conversations": 0},
        {"date": "2025-10-25", "conversations": 1},
        {"date": "2025-10-26", "conversations": 0},
        {"date": "2025-10-27", "conversations": 0},
        {"date": "2025-10-28", "conversations": 0},
        {"date": "2025-10-29", "conversations": 0},
        {"date": "2025-10-30", "conversations": 0},
        {"date": "2025-10-31", "conversations": 0},
        {"date": "2025-11-01", "conversations": 2},
        {"date": "2025-11-02", "conversations": 0},
        {"date": "2025-11-03", "conversations": 0},
        {"date": "2025-11-04", "conversations": 0},
        {"date": "2025-11-05", "conversations": 0},
        {"date": "2025-11-06", "conversations": 0},
        {"date": "2025-11-07", "conversations": 0},
        {"date": "2025-11-08", "conversations": 1},
        {"date": "2025-11-09", "conversations": 1},
        {"date": "2025-11-10", "conversations": 0},
        {"date": "2025-11-11", "conversations": 0},
        {"date": "2025-11-12", "conversations": 0},
        {"date": "2025-11-13", "conversations": 1},
        {"date": "2025-11-14", "conversations": 0},
        {"date": "2025-11-15", "conversations": 2},
    ],
    "members": [
        {"email": "ana@example.com", "name": "Ana Lima", "conversations_7d": 1, "conversations_30d": 4,
         "conversations_all_time": 5, "last_seen": "2025-11-15T23:30:00.000000Z"},
        {"email": "ben@example.com", "name": "Ben Okafor", "conversations_7d": 2, "conversations_30d": 3,
         "conversations_all_time": 4, "last_seen": "2025-11-16T03:00:00.000000Z"},
        {"email": "cho@example.com", "name": "Cho Park", "conversations_7d": 1, "conversations_30d": 2,
         "conversations_all_time": 3, "last_seen": "2025-11-10T04:59:59.123456Z"},
    ],
}

EXPECTED_BERLIN = {
    "claude_code": NO_CLAUDE_CODE,
    "as_of": "2025-11-15",
    "timezone": "Europe/Berlin",
    "min_group_size": 2,
    "suppressed": False,
    "totals": {"users": 3, "conversations": 11, "projects": 2, "files": 2},
    "conversations": {"last_7_days": 3, "last_30_days": 9, "all_time": 11},
    "daily_active_users": [
        {"date": "2025-10-10", "users": 1},
        {"date": "2025-10-11", "users": 1},
        {"date": "2025-10-12", "users": 0},
        {"date": "2025-10-13", "users": 1},
        {"date": "2025-10-14", "users": 1},
        {"date": "2025-10-15", "users": 0},
        {"date": "2025-10-16", "users": 1},
        {"date": "2025-10-17", "users": 1},
        {"date": "2025-10-18", "users": 0},
        {"date": "2025-10-19", "users": 0},
        {"date": "2025-10-20", "users": 0},
        {"date": "2025-10-21", "users": 1},
        {"date": "2025-10-22", "users": 0},
        {"date": "2025-10-23", "users": 0},
        {"date": "2025-10-24", "users": 0},
        {"date": "2025-10-25", "users": 0},
        {"date": "2025-10-26", "users": 1},
        {"date": "2025-10-27", "users": 0},
        {"date": "2025-10-28", "users": 0},
        {"date": "2025-10-29", "users": 0},
        {"date": "2025-10-30", "users": 0},
        {"date": "2025-10-31", "users": 0},
        {"date": "2025-11-01", "users": 1},
        {"date": "2025-11-02", "users": 1},
        {"date": "2025-11-03", "users": 0},
        {"date": "2025-11-04", "users": 0},
        {"date": "2025-11-05", "users": 1},
        {"date": "2025-11-06", "users": 0},
        {"date": "2025-11-07", "users": 0},
        {"date": "2025-11-08", "users": 0},
        {"date": "2025-11-09", "users": 2},
        {"date": "2025-11-10", "users": 1},
        {"date": "2025-11-11", "users": 0},
        {"date": "2025-11-12", "users": 0},
        {"date": "2025-11-13", "users": 2},
        {"date": "2025-11-14", "users": 0},
        {"date": "2025-11-15", "users": 0},
    ],
    "daily_conversations": [
        {"date": "2025-10-10", "conversations": 1},
        {"date": "2025-10-11", "conversations": 0},
        {"date": "2025-10-12", "conversations": 0},
        {"date": "2025-10-13", "conversations": 1},
        {"date": "2025-10-14", "conversations": 0},
        {"date": "2025-10-15", "conversations": 0},
        {"date": "2025-10-16", "conversations": 0},
        {"date": "2025-10-17", "conversations": 1},
        {"date": "2025-10-18", "conversations": 0},
        {"date": "2025-10-19", "conversations": 0},
        {"date": "2025-10-20", "conversations": 1},
        {"date": "2025-10-21", "conversations": 1},
        {"date": "2025-10-22", "conversations": 0},
        {"date": "2025-10-23", "conversations": 0},
        {"date": "2025-10-24", "conversations": 0},
        {"date": "2025-10-25", "conversations": 0},
        {"date": "2025-10-26", "conversations": 1},
        {"date": "2025-10-27", "conversations": 0},
        {"date": "2025-10-28", "conversations": 0},
        {"date": "2025-10-29", "conversations": 0},
        {"date": "2025-10-30", "conversations": 0},
        {"date": "2025-10-31", "conversations": 0},
        {"date": "2025-11-01", "conversations": 1},
        {"date": "2025-11-02", "conversations": 1},
        {"date": "2025-11-03", "conversations": 0},
        {"date": "2025-11-04", "conversations": 0},
        {"date": "2025-11-05", "conversations": 0},
        {"date": "2025-11-06", "conversations": 0},
        {"date": "2025-11-07", "conversations": 0},
        {"date": "2025-11-08", "conversations": 0},
        {"date": "2025-11-09", "conversations": 1},
        {"date": "2025-11-10", "conversations": 1},
        {"date": "2025-11-11", "conversations": 0},
        {"date": "2025-11-12", "conversations": 0},
        {"date": "2025-11-13", "conversations": 1},
        {"date": "2025-11-14", "conversations": 0},
        {"date": "2025-11-15", "conversations": 0},
    ],
    "members": [
        {"email": "ana@example.com", "name": "Ana Lima", "conversations_7d": 1, "conversations_30d": 3,
         "conversations_all_time": 4, "last_seen": "2025-11-13T20:00:00.000000Z"},
        {"email": "ben@example.com", "name": "Ben Okafor", "conversations_7d": 1, "conversations_30d": 2,
         "conversations_all_time": 3, "last_seen": "2025-11-13T08:00:00.000000Z"},
        {"email": "cho@example.com", "name": "Cho Park", "conversations_7d": 1, "conversations_30d": 3,
         "conversations_all_time": 3, "last_seen": "2025-11-10T04:59:59.123456Z"},
    ],
}


def report(*args: str) -> dict:
    """The report's daily part; its weekly figures (and group, baseline) have their own tests
    in test_rollout_weekly_report.py."""
    out = io.StringIO()
    call_command("usage_report", "--json", *args, stdout=out)
    text = out.getvalue()
    assert text.strip().count("\n") == 0, "one JSON object on one line"
    full = json.loads(text)
    assert {"weekly", "baseline", "group"} <= full.keys()
    return {key: value for key, value in full.items() if key not in ("weekly", "baseline", "group")}


def fixture_rows() -> tuple[list[str], list[list[str]]]:
    header, *rows = list(csv.reader(io.StringIO(FIXTURE.read_text(encoding="utf-8"))))
    return header, rows


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode()


@pytest.fixture(autouse=True)
def _small_fixture_shown(small_groups_allowed):
    """The fixture has 7 members, and on early days fewer; the contract is about the counting."""


@pytest.fixture
def utc_reporting(settings):
    settings.REPORTING_TIMEZONE = "UTC"


@pytest.fixture
def imported(utc_reporting, import_bytes):
    upload = import_bytes(FIXTURE.read_bytes(), "report_fixture.csv")
    assert (upload.status, upload.rows_imported, upload.rows_rejected) == ("done", 24, 0)
    return upload


def test_the_utc_report_as_of_a_day_is_exactly_the_hand_computed_one(imported):
    assert report("--as-of", "2025-11-15") == EXPECTED_UTC


def test_the_new_york_report_moves_events_across_midnight_and_dst(imported):
    assert report("--as-of", "2025-11-15", "--tz", "America/New_York") == EXPECTED_NEW_YORK


def test_the_berlin_report_moves_events_across_midnight_and_dst(imported):
    assert report("--as-of", "2025-11-15", "--tz", "Europe/Berlin") == EXPECTED_BERLIN


def test_reports_in_several_timezones_do_not_disturb_each_other(imported):
    assert report("--as-of", "2025-11-15", "--tz", "Europe/Berlin") == EXPECTED_BERLIN
    assert report("--as-of", "2025-11-15", "--tz", "America/New_York") == EXPECTED_NEW_YORK
    assert report("--as-of", "2025-11-15", "--tz", "UTC") == EXPECTED_UTC
    assert report("--as-of", "2025-11-15") == EXPECTED_UTC


def test_the_reporting_timezone_setting_is_the_default_and_tz_overrides_it(settings, import_bytes):
    settings.REPORTING_TIMEZONE = "America/New_York"
    import_bytes(FIXTURE.read_bytes(), "report_fixture.csv")
    assert report("--as-of", "2025-11-15") == EXPECTED_NEW_YORK
    assert report("--as-of", "2025-11-15", "--tz", "UTC") == EXPECTED_UTC


def test_the_report_is_the_same_when_the_events_came_in_overlapping_exports(utc_reporting, import_bytes):
    header, rows = fixture_rows()
    first = import_bytes(to_csv(header, rows[:16]), "older.csv")
    second = import_bytes(to_csv(header, rows[10:]), "newer.csv")
    assert (first.rows_imported, second.rows_imported, second.rows_duplicate) == (16, 8, 6)
    assert report("--as-of", "2025-11-15") == EXPECTED_UTC
    assert report("--as-of", "2025-11-15", "--tz", "America/New_York") == EXPECTED_NEW_YORK


def test_a_timezone_first_reported_before_an_import_is_kept_up_to_date(utc_reporting, import_bytes):
    header, rows = fixture_rows()
    import_bytes(to_csv(header, rows[:8]), "part-1.csv")
    report("--as-of", "2025-11-15", "--tz", "America/New_York")  # builds New York rollups
    assert DailyActivity.objects.filter(timezone="America/New_York").exists()
    import_bytes(to_csv(header, rows[8:]), "part-2.csv")
    assert report("--as-of", "2025-11-15", "--tz", "America/New_York") == EXPECTED_NEW_YORK


def test_as_of_a_day_before_any_event_everything_is_empty(imported):
    assert report("--as-of", "2025-10-09") == {
        "claude_code": NO_CLAUDE_CODE,
        "as_of": "2025-10-09",
        "timezone": "UTC",
        "min_group_size": 2,
        "suppressed": False,
        "totals": {"users": 0, "conversations": 0, "projects": 0, "files": 0},
        "conversations": {"last_7_days": 0, "last_30_days": 0, "all_time": 0},
        "daily_active_users": [],
        "daily_conversations": [],
        "members": [],
    }


def test_as_of_the_first_day_the_series_has_one_entry(imported):
    assert report("--as-of", "2025-10-10") == {
        "claude_code": NO_CLAUDE_CODE,
        "as_of": "2025-10-10",
        "timezone": "UTC",
        "min_group_size": 2,
        "suppressed": False,
        "totals": {"users": 2, "conversations": 1, "projects": 0, "files": 1},
        "conversations": {"last_7_days": 1, "last_30_days": 1, "all_time": 1},
        "daily_active_users": [{"date": "2025-10-10", "users": 2}],
        "daily_conversations": [{"date": "2025-10-10", "conversations": 1}],
        "members": [
            {"email": "ana@example.com", "name": "Ana Lima", "conversations_7d": 1, "conversations_30d": 1,
             "conversations_all_time": 1, "last_seen": "2025-10-10T09:20:00.000000Z"},
            {"email": "cho@example.com", "name": "Cho Park", "conversations_7d": 0, "conversations_30d": 0,
             "conversations_all_time": 0, "last_seen": "2025-10-10T22:30:00.000000Z"},
        ],
    }


def test_a_member_whose_events_all_follow_the_as_of_day_appears_once_the_day_comes(imported):
    later = report("--as-of", "2025-11-18")
    assert later["totals"] == {"users": 4, "conversations": 14, "projects": 2, "files": 3}
    assert later["conversations"] == {"last_7_days": 4, "last_30_days": 11, "all_time": 14}
    assert [m["email"] for m in later["members"]] == ["ana@example.com", "ben@example.com", "cho@example.com", "dev@example.com"]
    assert later["members"][3] == {
        "email": "dev@example.com", "name": "Dev Raman", "conversations_7d": 1, "conversations_30d": 1,
        "conversations_all_time": 1, "last_seen": "2025-11-18T09:00:00.000000Z",
    }
    assert later["daily_active_users"][-4:] == [
        {"date": "2025-11-15", "users": 1},
        {"date": "2025-11-16", "users": 2},
        {"date": "2025-11-17", "users": 0},
        {"date": "2025-11-18", "users": 1},
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--tz", "Mars/Olympus_Mons"], "Unknown timezone"),
        (["--as-of", "15/11/2025"], "--as-of must be a date as YYYY-MM-DD"),
        (["--as-of", "2025-02-30"], "--as-of must be a date as YYYY-MM-DD"),
    ],
)
def test_a_bad_timezone_or_date_is_a_clear_error(imported, args, message):
    with pytest.raises(CommandError, match=message):
        report(*args)


def test_with_no_events_the_report_is_empty_not_an_error(utc_reporting, db):
    assert report("--as-of", "2025-11-15") == {
        "claude_code": NO_CLAUDE_CODE,
        "as_of": "2025-11-15",
        "timezone": "UTC",
        "min_group_size": 2,
        "suppressed": False,
        "totals": {"users": 0, "conversations": 0, "projects": 0, "files": 0},
        "conversations": {"last_7_days": 0, "last_30_days": 0, "all_time": 0},
        "daily_active_users": [],
        "daily_conversations": [],
        "members": [],
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
def test_two_first_reports_in_a_new_timezone_at_once_do_not_double_count(transactional_db, settings, import_bytes):
    settings.REPORTING_TIMEZONE = "UTC"
    import_bytes(FIXTURE.read_bytes(), "report_fixture.csv")
    rebuilt, finish = threading.Event(), threading.Event()

    def slow_first_report():  # e.g. a dashboard request whose rebuild has not committed yet
        try:
            with transaction.atomic():
                rollup_ensure(timezone="America/New_York")
                rebuilt.set()
                finish.wait(30)
        finally:
            connection.close()

    second_failed: list[BaseException] = []

    def second_report():  # another request meanwhile
        try:
            report("--as-of", "2025-11-15", "--tz", "America/New_York")
        except BaseException as exc:  # noqa: BLE001 - re-raised below, in the test's thread
            second_failed.append(exc)
        finally:
            connection.close()

    first, second = threading.Thread(target=slow_first_report), threading.Thread(target=second_report)
    first.start()
    assert rebuilt.wait(30)
    second.start()
    second.join(3)  # it may wait on the first's uncommitted rows
    finish.set()
    first.join(30)
    second.join(30)
    if second_failed:
        raise second_failed[0]
    assert report("--as-of", "2025-11-15", "--tz", "America/New_York") == EXPECTED_NEW_YORK
