"""The rollout fixture (a pytest plugin): a small export over ISO weeks 43 to 45 of 2025, one of them
crossing the end of daylight-saving time in Berlin, and a roster of two teams with seats that start
and end mid-period. Used by usage/tests/test_rollout_weekly_report.py, test_rollout_page.py and
test_group_filters.py, which read it as of AS_OF."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from people.models import Member, Team

HEADER = ["created_at", "actor_info", "event", "event_info", "entity_info", "ip_address", "device_id", "user_agent", "client_platform"]
# Berlin leaves summer time on Sunday 2025-10-26 (UTC+2 before, UTC+1 after).
EVENTS = [
    ("a", "2025-10-19T22:30:00Z", "conversation_created"),  # Berlin: Mon 10-20 00:30 (W43); UTC: Sun 10-19 (W42)
    ("b", "2025-10-21T10:00:00Z", "user_signed_in_sso"),  # W43 everywhere
    ("a", "2025-10-26T22:30:00Z", "conversation_created"),  # Berlin: Sun 10-26 23:30 (W43), UTC W43
    ("c", "2025-10-28T09:00:00Z", "conversation_created"),  # W44
    ("c", "2025-10-28T09:05:00Z", "conversation_created"),  # W44
    ("b", "2025-11-03T12:00:00Z", "conversation_created"),  # W45
]
# (team, seat start, seat end) on the roster.
ROSTER = {
    "a": ("Alpha", date(2025, 10, 1), None),
    "b": ("Alpha", date(2025, 10, 1), date(2025, 10, 26)),  # the seat ends on W43's Sunday
    "c": ("Beta", date(2025, 10, 29), None),  # from W44's Wednesday
    "d": ("Beta", date(2025, 11, 10), None),  # after the as-of week
}
AS_OF = "2025-11-05"  # a Wednesday: W45 is partial


def export() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n, (who, at, event) in enumerate(EVENTS):
        actor = f"{{'name': 'Person {who.upper()}', 'uuid': 'u-{who}', 'metadata': {{'email_address': '{who}@example.com'}}}}"
        entity = f"{{'type': 'chat_conversation', 'uuid': 'conv-{n}'}}" if event == "conversation_created" else ""
        writer.writerow([at, actor, event, "{}", entity, "192.0.2.1", f"dev-{who}", "Mozilla/5.0", "web_claude_ai"])
    return out.getvalue().encode()


@pytest.fixture
def rollout(import_bytes, small_groups_allowed):
    assert import_bytes(export()).status == "done"
    for who, (team, start, end) in ROSTER.items():
        member, _ = Member.objects.get_or_create(email=f"{who}@example.com")
        member.on_roster, member.team = True, Team.objects.get_or_create(name=team)[0]
        member.seat_start, member.seat_end = start, end
        member.save()


@pytest.fixture
def data_through_as_of(import_bytes):
    """Stored data up to AS_OF without changing anyone's figures: an OpenTelemetry event of nobody
    (no email, so it counts for no one) on the as-of day, so the as-of day is not clamped back to
    the fixture's last event (Monday 2025-11-03) and stays a Wednesday."""
    from testing.claude_code import otel_event, otel_event_line

    line = otel_event_line(otel_event(name="api_request", email="", day=AS_OF))
    assert import_bytes(line, name="events.jsonl").status == "done"
