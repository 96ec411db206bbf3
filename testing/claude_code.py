"""Builders of small Claude Code source files for tests: usage-report pages, analytics /users
pages and OpenTelemetry metric lines, with invented people at example.com."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime


def usage_report_page(*records: dict) -> bytes:
    return json.dumps({"data": list(records), "has_more": False, "next_page": None}).encode()


def usage_record(
    *, day: str, email: str = "", api_key: str = "", terminal: str = "vscode", sessions: int = 0, added: int = 0,
    removed: int = 0, commits: int = 0, prs: int = 0, accepted: int = 0, rejected: int = 0, models: tuple = ()
) -> dict:
    actor = {"type": "api_actor", "api_key_name": api_key} if api_key else {"type": "user_actor", "email_address": email}
    return {
        "date": day,
        "actor": actor,
        "organization_id": "00000000-0000-4000-8000-000000000001",
        "customer_type": "subscription",
        "terminal_type": terminal,
        "core_metrics": {
            "num_sessions": sessions,
            "lines_of_code": {"added": added, "removed": removed},
            "commits_by_claude_code": commits,
            "pull_requests_by_claude_code": prs,
        },
        "tool_actions": {"edit_tool": {"accepted": accepted, "rejected": rejected}},
        "model_breakdown": [
            {
                "model": name,
                "tokens": {"input": tokens, "output": 0, "cache_read": 0, "cache_creation": 0},
                "estimated_cost": {"currency": "USD", "amount": cents},
            }
            for name, tokens, cents in models
        ],
    }


def analytics_users_page(*users: dict) -> bytes:
    return json.dumps({"data": list(users), "next_page": None}).encode()


def analytics_user(*, email: str, user_id: str, sessions: int = 0, added: int = 0, conversations: int = 0) -> dict:
    return {
        "user": {"id": user_id, "email_address": email, "type": "user"},
        "chat_metrics": {"distinct_conversation_count": conversations, "message_count": conversations * 3},
        "claude_code_metrics": {
            "core_metrics": {
                "commit_count": 0,
                "distinct_session_count": sessions,
                "lines_of_code": {"added_count": added, "removed_count": 0},
                "pull_request_count": 0,
            },
            "tool_actions": {},
        },
    }


def _nanos(day: str, hour: int) -> str:
    moment = datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC).replace(hour=hour)
    return str(int(moment.timestamp()) * 1_000_000_000)


def otel_metrics_line(*, email: str, day: str, sessions: int = 0, added: int = 0, hour: int = 12, account_uuid: str = "") -> bytes:
    attributes = [{"key": "session.id", "value": {"stringValue": f"s-{email}-{day}-{hour}"}}]
    if email:
        attributes.append({"key": "user.email", "value": {"stringValue": email}})
    if account_uuid:
        attributes.append({"key": "user.account_uuid", "value": {"stringValue": account_uuid}})
    start, end = _nanos(day, hour), _nanos(day, hour + 1)

    def point(value: int, extra=()) -> dict:
        return {"attributes": [*attributes, *extra], "startTimeUnixNano": start, "timeUnixNano": end, "asInt": str(value)}

    metrics = [
        {"name": "claude_code.session.count", "unit": "count", "sum": {"aggregationTemporality": 1, "isMonotonic": True, "dataPoints": [point(sessions)]}},
        {
            "name": "claude_code.lines_of_code.count",
            "unit": "count",
            "sum": {"aggregationTemporality": 1, "isMonotonic": True, "dataPoints": [point(added, [{"key": "type", "value": {"stringValue": "added"}}])]},
        },
    ]
    data = {
        "resourceMetrics": [
            {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "claude-code"}}]},
                "scopeMetrics": [{"scope": {"name": "com.anthropic.claude_code"}, "metrics": metrics}],
            }
        ]
    }
    return json.dumps(data).encode() + b"\n"


def otel_event_line(*events: dict) -> bytes:
    """One OpenTelemetry logs line (LogsData) of Claude Code events, each from `otel_event`."""
    data = {
        "resourceLogs": [
            {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "claude-code"}}]},
                "scopeLogs": [{"scope": {"name": "com.anthropic.claude_code.events"}, "logRecords": list(events)}],
            }
        ]
    }
    return json.dumps(data).encode() + b"\n"


def otel_event(*, name: str, email: str, day: str, hour: int = 12, plugin: str = "", skill: str = "", sequence: int = 0) -> dict:
    """A plugin_installed, plugin_loaded or skill_activated event (any kept event name works)."""
    attributes = {"event.name": f"claude_code.{name}", "user.email": email, "event.sequence": str(sequence)}
    if plugin:
        attributes["plugin.name"] = plugin
    if skill:
        attributes["skill.name"] = skill
    return {
        "timeUnixNano": _nanos(day, hour),
        "attributes": [{"key": key, "value": {"stringValue": value}} for key, value in attributes.items()],
    }
