"""Believable Claude Code files for the demo organisation, written in the real formats (formats.md
§3–§5) and imported through the same upload pipeline as any file.

`demo_claude_code_write(folder=…, people=…, end=…, days=…, seed=…)` takes (email, team) pairs and
writes four files: a usage-report page (most engineers, a few people elsewhere, ramping up after a
Claude Code rollout day, with terminals, models and an API key for CI), OpenTelemetry event lines
(plugins installed and loaded, skills, MCP servers connecting after "MCP servers enabled"), a
help-desk ticket export (a spike after the demo's "MCP servers enabled" note, tagged claude-code, plus untagged tickets that
are never kept) and analytics summaries. The same seed gives the same files.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ENGINEERING = frozenset({"Platform", "Data", "Mobile"})
TERMINALS = (("vscode", 0.5), ("iTerm.app", 0.25), ("tmux", 0.15), ("jetbrains", 0.1))
MODELS = (("claude-sonnet-4-5", 0.7, 0.0006), ("claude-opus-4-1", 0.1, 0.003), ("claude-haiku-4-5", 0.2, 0.0001))
PLUGINS = ("commit-commands", "pr-review-toolkit", "security-guidance", "feature-dev")
SKILLS = ("pdf", "xlsx", "frontend-design", "webapp-testing")
MCP_SERVERS = ("github", "atlassian", "sentry")
ROLLOUT_DAY = 30  # days after the start: Claude Code enabled for engineering
MCP_DAY = 45  # the demo's "MCP servers enabled" note (devtools.demo.demo_roster_apply)


def _pick(rng: random.Random, weighted) -> str:
    roll, total = rng.random(), 0.0
    for name, weight, *_ in weighted:
        total += weight
        if roll < total:
            return name
    return weighted[-1][0]


def _nanos(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1_000_000_000))


def demo_claude_code_write(
    *, folder: Path, people: list[tuple[str, str]], end: date, days: int, seed: int, chat_active: dict[str, set[str]] | None = None
) -> list[Path]:
    """`chat_active`: the emails active in the audit log per ISO date, so Anthropic's summaries
    count them too (Anthropic's "active" is a chat message or a Claude Code session)."""
    rng = random.Random(seed)
    start = end - timedelta(days=days - 1)
    # At least the last week is after the rollout: a short demo ending on a weekend had no Claude Code day.
    rollout = start + timedelta(days=min(ROLLOUT_DAY, max(days - 7, 0)))
    mcp_day = start + timedelta(days=min(MCP_DAY, days - 1))
    coders = []
    for email, team in people:
        chance = 0.8 if team in ENGINEERING else 0.06
        if rng.random() < chance:
            joined = rollout + timedelta(days=int(rng.random() ** 1.5 * (end - rollout).days))
            coders.append((email, joined, rng.lognormvariate(0, 0.6), rng.random() < 0.6, rng.random() < 0.35))

    records, events = [], []
    for email, joined, weight, uses_plugins, uses_skills in coders:
        plugin = rng.choice(PLUGINS)
        installed = False
        day = joined
        while day <= end:
            busy = day.weekday() < 5 and rng.random() < 0.75
            if busy:
                sessions = max(1, round(rng.gauss(3, 1.5) * weight))
                added = round(sessions * rng.uniform(40, 160))
                accepted = round(sessions * rng.uniform(4, 12))
                models = []
                for name, _, dollars_per_line in MODELS:
                    if rng.random() < (0.9 if name == "claude-sonnet-4-5" else 0.3):
                        tokens = round(added * rng.uniform(800, 1500))
                        models.append({
                            "model": name,
                            "tokens": {"input": tokens, "output": tokens // 5, "cache_read": tokens * 3, "cache_creation": tokens // 4},
                            "estimated_cost": {"currency": "USD", "amount": round(added * dollars_per_line * 100 * rng.uniform(5, 15))},
                        })
                records.append({
                    "date": day.isoformat(),
                    "actor": {"type": "user_actor", "email_address": email},
                    "organization_id": "00000000-0000-4000-8000-00000000d3m0",
                    "customer_type": "subscription",
                    "subscription_type": "enterprise",
                    "terminal_type": _pick(rng, TERMINALS),
                    "core_metrics": {
                        "num_sessions": sessions,
                        "lines_of_code": {"added": added, "removed": round(added * rng.uniform(0.1, 0.4))},
                        "commits_by_claude_code": rng.randrange(0, sessions + 1),
                        "pull_requests_by_claude_code": int(rng.random() < 0.3),
                    },
                    "tool_actions": {
                        "edit_tool": {"accepted": accepted, "rejected": round(accepted * rng.uniform(0.03, 0.15))},
                        "write_tool": {"accepted": accepted // 4, "rejected": round(accepted * 0.02)},
                    },
                    "model_breakdown": models,
                })
                moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=rng.uniform(8, 18))
                session = hashlib.sha256(f"{email}{day}".encode()).hexdigest()[:16]
                if uses_plugins and (not installed or rng.random() < 0.3):
                    events.append(("plugin_installed" if not installed else "plugin_loaded", moment, email, session, {"plugin.name": plugin}))
                    installed = True
                if uses_skills and rng.random() < 0.25:
                    events.append(("skill_activated", moment, email, session, {"skill.name": rng.choice(SKILLS)}))
                if day >= mcp_day and rng.random() < 0.5:
                    events.append(("mcp_server_connection", moment, email, session, {"server_name": rng.choice(MCP_SERVERS), "status": "connected"}))
            day += timedelta(days=1)
    day = rollout
    while day <= end:  # the CI bot's API key: never a person
        if day.weekday() < 5:
            records.append({
                "date": f"{day.isoformat()}T00:00:00Z",
                "actor": {"type": "api_actor", "api_key_name": "ci-review-bot"},
                "organization_id": "00000000-0000-4000-8000-00000000d3m0",
                "customer_type": "api",
                "subscription_type": None,
                "terminal_type": "non-interactive",
                "core_metrics": {"num_sessions": rng.randrange(20, 40), "lines_of_code": {"added": rng.randrange(200, 900), "removed": 50},
                                 "commits_by_claude_code": 0, "pull_requests_by_claude_code": 0},
                "tool_actions": {},
                "model_breakdown": [{"model": "claude-haiku-4-5", "tokens": {"input": 90000, "output": 9000, "cache_read": 0, "cache_creation": 0},
                                     "estimated_cost": {"currency": "USD", "amount": rng.randrange(80, 240)}}],
            })
        day += timedelta(days=1)

    usage = folder / "demo-claude-code-usage-report.json"
    usage.write_text(json.dumps({"data": records, "has_more": False, "next_page": None}))
    otel = folder / "demo-claude-code-otel-events.jsonl"
    with otel.open("w") as out:
        for index in range(0, len(events), 200):  # one LogsData line per collector flush
            out.write(json.dumps(_logs_data(events[index : index + 200])) + "\n")
    tickets = folder / "demo-support-tickets.csv"
    with tickets.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Id", "Requester email", "Created at", "Tags", "Subject"])
        number = 1000
        day = rollout
        while day <= end:
            base = 0.25 + (0.9 if mcp_day <= day < mcp_day + timedelta(days=10) else 0.0)
            for _ in range(sum(rng.random() < base for _ in range(3))):
                email = rng.choice(coders)[0] if coders else people[0][0]
                at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=rng.uniform(7, 19))
                tags = "claude-code mcp" if day >= mcp_day else "claude-code onboarding"
                writer.writerow([number, email, at.strftime("%Y-%m-%d %H:%M:%S +0000"), tags, "Claude Code question"])
                number += 1
            if rng.random() < 0.5:
                writer.writerow([number, people[rng.randrange(len(people))][0], f"{day} 10:00:00 +0000", "laptop hardware", "Laptop"])
                number += 1
            day += timedelta(days=1)
    summaries = folder / "demo-analytics-summaries.json"
    active = {day: set(emails) for day, emails in (chat_active or {}).items()}
    for record in records:
        if record["actor"]["type"] == "user_actor":
            active.setdefault(record["date"], set()).add(record["actor"]["email_address"])
    summary_days = []
    day = max(start, end - timedelta(days=30))
    while day <= end - timedelta(days=1):
        window = lambda width: len(set().union(*(active.get((day - timedelta(days=n)).isoformat(), set()) for n in range(width))))  # noqa: E731
        summary_days.append({
            "starting_at": day.isoformat(),
            "daily_active_user_count": len(active.get(day.isoformat(), ())) + rng.randrange(0, 3),
            "weekly_active_user_count": window(7) + rng.randrange(0, 4),
            "monthly_active_user_count": window(30) + rng.randrange(0, 5),
            "assigned_seat_count": len(people),
            "pending_invite_count": rng.randrange(0, 6),
        })
        day += timedelta(days=1)
    summaries.write_text(json.dumps({"summaries": summary_days}))
    return [usage, otel, tickets, summaries]


def _logs_data(events) -> dict:
    records = []
    for sequence, (name, moment, email, session, extra) in enumerate(events):
        attributes = {"event.name": f"claude_code.{name}", "event.timestamp": moment.isoformat().replace("+00:00", "Z"),
                      "event.sequence": sequence, "session.id": session, "user.email": email, **extra}
        records.append({
            "timeUnixNano": _nanos(moment),
            "observedTimeUnixNano": _nanos(moment),
            "body": {"stringValue": f"claude_code.{name}"},
            "attributes": [
                {"key": key, "value": {"intValue": str(value)} if isinstance(value, int) else {"stringValue": str(value)}}
                for key, value in attributes.items()
            ],
        })
    return {
        "resourceLogs": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "claude-code"}}]},
            "scopeLogs": [{"scope": {"name": "com.anthropic.claude_code.events"}, "logRecords": records}],
        }]
    }
