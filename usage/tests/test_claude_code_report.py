"""`usage_report --json`'s "claude_code" object against hand-computed fixtures: one source per
member and date, API keys apart, the minimum group size over the organisation and groups."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from people.models import Member, Team
from people.services import population_changed
from testing.claude_code import otel_metrics_line, usage_record, usage_report_page
from testing.fixtures import upload_imported_done

pytestmark = pytest.mark.django_db


def report(**options) -> dict:
    out = io.StringIO()
    call_command("usage_report", "--json", "--as-of", "2026-11-03", "--tz", "UTC", stdout=out, **options)
    return json.loads(out.getvalue())["claude_code"]


@pytest.fixture
def code_usage(small_groups_allowed):
    upload_imported_done(
        usage_report_page(
            # ana: two terminals on 11-02 (summed), a record of zeros on 11-03 (no activity).
            usage_record(day="2026-11-02", email="ana@example.com", terminal="vscode", sessions=2, added=100, removed=10,
                         commits=1, prs=1, accepted=8, rejected=2, models=(("claude-sonnet-4-5", 1000, 250),)),
            usage_record(day="2026-11-02", email="ana@example.com", terminal="tmux", sessions=1, added=20),
            usage_record(day="2026-11-03", email="ana@example.com", terminal="vscode"),
            usage_record(day="2026-11-03", email="bo@example.com", sessions=3, added=30, accepted=1, rejected=1,
                         models=(("claude-opus-4-1", 10, 150),)),
            usage_record(day="2026-11-04", email="bo@example.com", sessions=9),  # after the as-of day
            usage_record(day="2026-11-02", api_key="ci-bot", sessions=50, added=5000, models=(("claude-haiku-4-5", 9, 1234),)),
        )
    )
    # OpenTelemetry for ana on 11-02 is ignored (the usage report decides); cy has only OpenTelemetry.
    upload_imported_done(
        otel_metrics_line(email="ana@example.com", day="2026-11-02", sessions=7, added=700)
        + otel_metrics_line(email="cy@example.com", day="2026-11-03", sessions=1, added=5),
        "otel.jsonl",
    )


def test_the_claude_code_object_is_computed_by_hand(code_usage):
    code = report()

    assert code["totals"] == {
        "active_users": 3, "sessions": 2 + 1 + 3 + 1, "lines_added": 100 + 20 + 30 + 5, "lines_removed": 10,
        "commits": 1, "pull_requests": 1, "edits_accepted": 9, "edits_rejected": 3, "acceptance_rate": 0.75,
        "cost_usd": 4.0,
    }
    assert code["daily"] == [
        {"date": "2026-11-02", "active_users": 1, "sessions": 3, "lines_added": 120, "cost_usd": 2.5},
        {"date": "2026-11-03", "active_users": 2, "sessions": 4, "lines_added": 35, "cost_usd": 1.5},
    ]
    assert [(m["email"], m["sessions_all_time"], m["last_active"]) for m in code["members"]] == [
        ("ana@example.com", 3, "2026-11-02"),
        ("bo@example.com", 3, "2026-11-03"),
        ("cy@example.com", 1, "2026-11-03"),
    ]
    assert code["api_keys"] == {"sessions": 50, "lines_added": 5000, "cost_usd": 12.34}


def test_the_organisation_below_the_minimum_group_size_shows_nulls(code_usage, settings):
    settings.MIN_GROUP_SIZE = 4

    code = report()

    assert set(code["totals"].values()) == {None}
    assert {value for day in code["daily"] for key, value in day.items() if key != "date"} == {None}
    assert code["members"] == []
    assert code["api_keys"]["sessions"] == 50  # API keys are not people


def test_a_shown_group_covers_its_members_and_a_hidden_one_shows_nulls(code_usage, settings):
    settings.MIN_GROUP_SIZE = 2
    Member.objects.create(email="dan@example.com", pseudonym="Member 0000-00DA")  # on the roster, no Claude Code
    for name, emails in {"Alpha": ["ana@example.com", "bo@example.com"], "Beta": ["cy@example.com", "dan@example.com"]}.items():
        group = Team.objects.create(name=name)
        Member.objects.filter(email__in=emails).update(team=group, on_roster=True, seat_start=date(2026, 1, 1))
    population_changed()

    alpha, beta = report(team="Alpha"), report(team="Beta")

    assert (alpha["totals"]["active_users"], alpha["totals"]["sessions"]) == (2, 6)
    assert (beta["totals"]["active_users"], beta["totals"]["sessions"]) == (1, 1)
    settings.MIN_GROUP_SIZE = 3  # every team is now smaller than k
    assert set(report(team="Alpha")["totals"].values()) == {None}
