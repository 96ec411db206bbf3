"""The weekly Claude Code KPIs of `usage_report --json`, hand-computed: code-active users,
sessions per code-active user, plugin adoption (UTC dates) and tagged tickets per 100 code-active
users (weeks in the reporting timezone, across the end of summer time in Berlin)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from testing.claude_code import usage_record, usage_report_page
from testing.fixtures import upload_imported_done

pytestmark = pytest.mark.django_db


def plugin_event_line(*, email: str, at_nanos: str) -> bytes:
    attributes = [
        {"key": "event.name", "value": {"stringValue": "claude_code.plugin_loaded"}},
        {"key": "event.sequence", "value": {"intValue": "1"}},
        {"key": "session.id", "value": {"stringValue": "s-1"}},
        {"key": "user.email", "value": {"stringValue": email}},
        {"key": "plugin.name", "value": {"stringValue": "commit-commands"}},
    ]
    record = {"timeUnixNano": at_nanos, "attributes": attributes, "body": {"stringValue": "claude_code.plugin_loaded"}}
    data = {"resourceLogs": [{"resource": {"attributes": []}, "scopeLogs": [{"scope": {"name": "com.anthropic.claude_code.events"}, "logRecords": [record]}]}]}
    return json.dumps(data).encode() + b"\n"


@pytest.fixture
def week_data(small_groups_allowed, settings):
    settings.REPORTING_TIMEZONE = "Europe/Berlin"
    upload_imported_done(
        usage_report_page(
            usage_record(day="2026-10-21", email="ana@example.com", sessions=2),  # W43
            usage_record(day="2026-10-26", email="ana@example.com", sessions=3),  # W44
            usage_record(day="2026-10-27", email="bo@example.com", sessions=1, added=10),
            usage_record(day="2026-10-28", email="cy@example.com"),  # zeros: not code-active
        ),
        "report.json",
    )
    upload_imported_done(plugin_event_line(email="ana@example.com", at_nanos="1793145600000000000"), "events.jsonl")  # 2026-10-28 00:00 UTC
    upload_imported_done(
        b"id,created_at,requester_email,tags\n"
        b"T-1,2026-10-25T22:30:00Z,bo@example.com,claude-code\n"  # 23:30 on Sunday 25 October in Berlin: W43
        b"T-2,2026-10-25T23:30:00Z,bo@example.com,claude-code\n"  # 00:30 on Monday 26 October: W44
        b"T-3,2026-10-26T09:00:00Z,bo@example.com,hardware\n",  # untagged: never kept
        "tickets.csv",
    )


def weeks() -> dict[str, dict]:
    out = io.StringIO()
    call_command("usage_report", "--json", "--as-of", "2026-11-01", stdout=out)
    return {week["week"]: week for week in json.loads(out.getvalue())["weekly"]}


def test_weekly_claude_code_kpis_are_computed_by_hand(week_data):
    w43, w44 = weeks()["2026-W43"], weeks()["2026-W44"]
    kpis = ("code_active_users", "any_active_users", "sessions", "sessions_per_code_active_user", "plugin_users",
            "plugin_adoption", "support_tickets", "tickets_per_100_code_active_users")

    assert [w43[k] for k in kpis] == [1, 1, 2, 2.0, 0, 0.0, 1, 100.0]
    assert [w44[k] for k in kpis] == [2, 2, 4, 2.0, 1, 0.5, 1, 50.0]
    assert list(weeks()) == ["2026-W43", "2026-W44"]  # from the first week with data of any source
