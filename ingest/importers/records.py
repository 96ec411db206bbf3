"""The records the Claude Code, analytics, spend and ticket importers yield (formats.md §3–§5).

Each importer is a pure parser: it reads one file and yields these NamedTuples, or `RejectedRow`
(`line` as in the records, and a reason that starts with the JSON path where there is one:
"data[2].core_metrics.num_sessions: not a whole number") for a record it cannot read, and raises `UnsupportedFile` for a file that is
not what it claims. Emails are lower-cased; "" where a record has none. Dates are UTC dates
(`datetime.date`), instants aware UTC datetimes. Counts are non-negative ints; money is
`Decimal` (cents where the name says so).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple


class ModelUsage(NamedTuple):
    """Tokens and estimated cost of one model in one Claude Code record."""

    model: str
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_creation_tokens: int
    cost_cents: Decimal


class CodeDayRecord(NamedTuple):
    """One actor's Claude Code figures for one UTC date: a usage-report record (one per terminal
    type) or an analytics-API `/users` record's `claude_code_metrics` (terminal "").

    An actor is a person (`email`, and `account_id` where the source gives one) or an API key
    (`api_key_name`, email ""): API keys are never people.
    """

    line: int  # the line (line-based files) or the record's number in its page (JSON pages), from 1
    source: str  # "usage_report" or "analytics"
    date: date
    email: str
    account_id: str  # analytics `user.id` ("user_…"); "" for the usage report
    api_key_name: str
    terminal: str
    sessions: int
    lines_added: int
    lines_removed: int
    commits: int
    pull_requests: int
    edits_accepted: int  # summed over every tool of tool_actions
    edits_rejected: int
    cost_cents: Decimal  # sum of model_breakdown[].estimated_cost.amount (cents); 0 for analytics
    models: tuple[ModelUsage, ...]  # () for analytics


class ChatDayRecord(NamedTuple):
    """An analytics-API `/users` record's `chat_metrics` for one UTC date (kept for reconciliation)."""

    line: int
    date: date
    email: str
    account_id: str
    conversations: int  # distinct_conversation_count
    messages: int  # message_count


class AnalyticsSummaryRecord(NamedTuple):
    """One date of the analytics API's `/summaries`, as Anthropic computes it."""

    line: int
    date: date
    daily_active_users: int
    weekly_active_users: int
    monthly_active_users: int
    assigned_seats: int | None
    pending_invites: int | None


class OtelPointRecord(NamedTuple):
    """One data point of a Claude Code OpenTelemetry metric (delta temporality: points are summed).

    `identity` is a stable digest of (metric name, the point's attributes and the resource's, start
    and end time): a point seen again has the same identity and is a duplicate.
    """

    line: int
    identity: str
    metric: str  # without the "claude_code." prefix: session.count, lines_of_code.count, ...
    date: date  # UTC date of the end time (timeUnixNano)
    email: str
    account_uuid: str
    session_id: str
    terminal: str
    kind: str  # the attribute that splits the metric: lines type (added/removed), decision
    #            (accept/reject), token type (input/output/cacheRead/cacheCreation); "" otherwise
    model: str
    tool: str  # code_edit_tool.decision's tool_name
    value: Decimal  # asInt or asDouble


class OtelEventRecord(NamedTuple):
    """One Claude Code OpenTelemetry event (a log record). Never the prompt text or tool input."""

    line: int
    identity: str  # digest of (event name, timeUnixNano, session, event.sequence, attributes kept)
    name: str  # without the "claude_code." prefix: plugin_installed, skill_activated, api_request, ...
    occurred_at: datetime
    email: str
    account_uuid: str
    session_id: str
    terminal: str
    plugin: str  # plugin.name / plugin_name where the event has one
    skill: str  # skill.name / skill_name
    mcp_server: str  # mcp_server_connection's server name
    model: str  # api_request / api_error
    cost_usd: Decimal  # api_request
    status: str  # api_error status_code, mcp_server_connection status; "" otherwise


class SpendRecord(NamedTuple):
    """One person × product × model × day row of the spend report CSV."""

    line: int
    date: date
    email: str
    account_uuid: str
    product: str  # "Chat", "Claude Code", ...
    model: str
    requests: int
    prompt_tokens: int
    completion_tokens: int
    net_spend_usd: Decimal
    gross_spend_usd: Decimal


class TicketRecord(NamedTuple):
    """A help-desk ticket that carries the portal's ticket tag. Never its subject or body."""

    line: int
    helpdesk: str  # "zendesk", "jira" or "csv"
    ticket_id: str
    created_at: datetime  # aware; a time without an offset is read as UTC
    email: str  # the requester's
    tags: tuple[str, ...]  # lower-cased, in file order
