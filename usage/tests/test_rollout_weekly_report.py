"""`usage_report --json` weekly figures: ISO weeks in the reporting timezone (one crossing the end
of daylight-saving time in Berlin), seats from the roster, utilisation, conversations per active
user, the baseline week, and group filters with the minimum group size."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from notes.models import Milestone
from people.models import Member
from testing.rollout import AS_OF, export

pytestmark = pytest.mark.django_db


def weekly(*args: str) -> tuple[list[dict], dict | None]:
    out = io.StringIO()
    call_command("usage_report", "--json", "--as-of", AS_OF, *args, stdout=out)
    report = json.loads(out.getvalue())
    return report["weekly"], report["baseline"]


def week(name, start, active, seats, utilisation, conversations, per_user, *, partial=False, suppressed=False) -> dict:
    return {
        "week": name, "start": start, "partial": partial, "active_users": active, "seats": seats,
        "utilisation": utilisation, "conversations": conversations, "conversations_per_active_user": per_user,
        # An audit log only: no Claude Code (usage/tests/test_claude_code_weekly.py has it).
        **NO_CLAUDE_CODE_WEEK, "any_active_users": active,
        **({key: None for key in NO_CLAUDE_CODE_WEEK} if suppressed else {}),
        "suppressed": suppressed,
    }


NO_CLAUDE_CODE_WEEK = {
    "code_active_users": 0, "sessions": 0, "sessions_per_code_active_user": None, "plugin_users": 0,
    "plugin_adoption": None, "support_tickets": 0, "tickets_per_100_code_active_users": None,
}


def test_berlin_weeks_follow_local_midnight_on_both_sides_of_the_clock_change(rollout):
    assert weekly("--tz", "Europe/Berlin")[0] == [
        week("2025-W43", "2025-10-20", 2, 2, 1.0, 2, 1.0),
        week("2025-W44", "2025-10-27", 1, 2, 0.5, 2, 2.0),
        week("2025-W45", "2025-11-03", 1, 2, 0.5, 1, 1.0, partial=True),
    ]


def test_utc_weeks_start_a_week_earlier_with_the_first_event(rollout):
    assert weekly("--tz", "UTC")[0] == [
        week("2025-W42", "2025-10-13", 1, 2, 0.5, 1, 1.0),
        week("2025-W43", "2025-10-20", 2, 2, 1.0, 1, 0.5),
        week("2025-W44", "2025-10-27", 1, 2, 0.5, 2, 2.0),
        week("2025-W45", "2025-11-03", 1, 2, 0.5, 1, 1.0, partial=True),
    ]


def test_a_team_filter_counts_only_its_roster_members(rollout):
    assert weekly("--tz", "Europe/Berlin", "--team", "Alpha")[0] == [
        week("2025-W43", "2025-10-20", 2, 2, 1.0, 2, 1.0),
        week("2025-W44", "2025-10-27", 0, 1, 0.0, 0, None),  # nobody active: no ratio
        week("2025-W45", "2025-11-03", 1, 1, 1.0, 1, 1.0, partial=True),
    ]


def test_a_team_below_the_minimum_group_size_is_all_nulls(rollout, settings):
    settings.MIN_GROUP_SIZE = 3

    weeks = weekly("--tz", "Europe/Berlin", "--team", "Alpha")[0]

    assert [w["week"] for w in weeks] == ["2025-W43", "2025-W44", "2025-W45"]
    assert all(w["suppressed"] for w in weeks)
    assert {w[key] for w in weeks for key in ("active_users", "seats", "utilisation", "conversations", "conversations_per_active_user")} == {None}


def test_a_team_whose_rest_of_the_roster_is_too_small_is_hidden_too(rollout):
    # k = 2. Without d the roster is a, b (Alpha) and c (Beta): Alpha has 2, but the rest is 1 person,
    # whom roster minus Alpha would describe.
    Member.objects.filter(email="d@example.com").update(on_roster=False)

    assert all(w["suppressed"] for w in weekly("--tz", "Europe/Berlin", "--team", "Alpha")[0])
    assert all(w["suppressed"] for w in weekly("--tz", "Europe/Berlin", "--team", "Beta")[0])


def test_the_baseline_is_the_pinned_week(rollout):
    assert weekly("--tz", "Europe/Berlin")[1] is None

    Milestone.objects.create(label="Before broad enablement", date=date(2025, 10, 22), is_baseline=True)

    assert weekly("--tz", "Europe/Berlin")[1] == {
        "label": "Before broad enablement", **week("2025-W43", "2025-10-20", 2, 2, 1.0, 2, 1.0)
    }


def test_no_seats_gives_no_utilisation(import_bytes, small_groups_allowed):
    assert import_bytes(export()).status == "done"

    weeks = weekly("--tz", "Europe/Berlin")[0]

    assert [(w["seats"], w["utilisation"]) for w in weeks] == [(0, None), (0, None), (0, None)]


def test_an_unknown_group_is_a_clear_error(rollout):
    with pytest.raises(CommandError, match="No roster members in team Gamma"):
        weekly("--team", "Gamma")


def test_only_one_group_at_a_time(rollout):
    with pytest.raises(CommandError):
        weekly("--team", "Alpha", "--cohort", "pilot")


def test_with_a_group_every_figure_of_the_report_covers_its_members(rollout):
    out = io.StringIO()
    call_command("usage_report", "--json", "--as-of", AS_OF, "--tz", "Europe/Berlin", "--team", "Beta", stdout=out)
    report = json.loads(out.getvalue())

    assert report["group"] == {"kind": "team", "name": "Beta"}
    assert report["totals"] == {"users": 1, "conversations": 2, "projects": 0, "files": 0}  # c only
    assert [m["email"] for m in report["members"]] == ["c@example.com"]
    assert sum(day["conversations"] for day in report["daily_conversations"]) == 2


def test_the_rest_of_the_report_is_hidden_with_the_group(rollout, settings):
    settings.MIN_GROUP_SIZE = 3
    out = io.StringIO()
    call_command("usage_report", "--json", "--as-of", AS_OF, "--team", "Beta", stdout=out)
    report = json.loads(out.getvalue())

    assert report["suppressed"] is True and set(report["totals"].values()) == {None} and report["members"] == []
