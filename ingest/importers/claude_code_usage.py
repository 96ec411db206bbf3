"""Claude Code usage report pages: the Admin API's `usage_report/claude_code` responses saved as JSON,
`{"data": [...], "has_more": …, "next_page": …}` (formats.md §4). The format is read from the content.

`sniff(head)` says whether the first 64 KiB of a file (as text) is such a page.
`open_claude_code_usage_report(binary, limits=...)` checks the file and returns a
`ClaudeCodeUsageFile`; its `rows()` yields a `CodeDayRecord` (source "usage_report") per record, one
per actor, UTC date and terminal type, and a `RejectedRow` (the record's number from 1, and a reason
that starts with its JSON path: "data[2].core_metrics.num_sessions: negative (-3)") for each record
that cannot be read; the rest go on. A file that is not such a page raises `UnsupportedFile` before
any row.

Reading a record:
- `date`: YYYY-MM-DD or an RFC 3339 timestamp, kept as its UTC date.
- `actor`: `user_actor` → its email_address, lower-cased; `api_actor` → its api_key_name (email "").
- `core_metrics` is required, with every figure in it; `tool_actions` and `model_breakdown` may be
  missing or null (zeros). Within a tool action, model entry, its `tokens` or `estimated_cost`, every
  figure is required: a renamed field must show as rejected rows, never as silent zeros.
- Edits are summed over every tool of `tool_actions`, tools not in KNOWN_TOOLS included (and counted
  in `unknown` as "tool:<name>"). Cost is the sum of `estimated_cost.amount`, in cents (a number or
  a decimal string), kept exact as a Decimal; the same model twice in one record is summed.
- Counts must be whole numbers from 0 to the bounds below; more is absurd for one actor, terminal
  and day, and rejected. NUL characters in text are rejected.

Memory stays bounded (json_stream): the page is streamed item by item within `ImportLimits`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from .common import DEFAULT_LIMITS, ImportLimits, RejectedRow, UnsupportedFile
from .json_stream import MALFORMED, JsonArrayItems, JsonPage, described, peek, read_head
from .json_values import BadValue, amount, block, count, email, latest_date, path_of, shown, text, utc_date
from .records import CodeDayRecord, ModelUsage

FORMAT = "claude_code_usage_report"
SOURCE = "usage_report"
PAGE_KEY = "data"
EXPECTED = (
    "Expected a Claude Code usage report page, as the Admin API's usage_report/claude_code endpoint returns it: "
    '{"data": [{"date", "actor", "terminal_type", "core_metrics", "tool_actions", "model_breakdown"}, …], '
    '"has_more", "next_page"}.'
)

# The tools the API documents (formats.md §4). Others are summed all the same, and counted.
KNOWN_TOOLS = frozenset({"edit_tool", "multi_edit_tool", "write_tool", "notebook_edit_tool"})

# Bounds for one record (one actor, UTC date and terminal type): past them a figure is absurd.
MAX_SESSIONS = 10_000
MAX_LINES = 10_000_000  # added, and removed
MAX_COMMITS = 10_000
MAX_PULL_REQUESTS = 10_000
MAX_EDITS = 1_000_000  # accepted, and rejected, summed over the tools
MAX_TOKENS = 100_000_000_000  # of one kind, one model
MAX_COST_CENTS = 100_000_000  # US$1,000,000, the record's models together

# Longest texts kept (the columns they go to).
MAX_API_KEY_NAME = 200
MAX_TERMINAL = 100
MAX_MODEL = 100
MAX_TOOL_NAME = 100

_RECORD_KEYS = ("core_metrics", "terminal_type", "tool_actions", "model_breakdown")
_TOKEN_FIELDS = ("input", "output", "cache_read", "cache_creation")
_ZERO = Decimal(0)


def sniff(head: str) -> bool:
    """Whether a file's first 64 KiB (as text) is a usage report page: an object with a "data" list
    whose first record has `actor` and one of `core_metrics`, `terminal_type`, `tool_actions` or
    `model_breakdown` (a first record that lacks a part is then a rejected row, not a refused file); or an empty "data" list next to `has_more`
    (the API's answer for a day without usage)."""
    seen = peek(head, PAGE_KEY)
    if seen.key is None:
        return False
    fields = seen.fields
    if fields:
        return "actor" in fields and "user" not in fields and any(key in fields for key in _RECORD_KEYS)
    return seen.empty and "has_more" in seen.envelope


def open_claude_code_usage_report(binary: IO[bytes], *, limits: ImportLimits = DEFAULT_LIMITS) -> ClaudeCodeUsageFile:
    """Check the file is a usage report page and return it opened for reading."""
    size, head = read_head(binary, EXPECTED)
    if not sniff(head):
        raise UnsupportedFile(described(head, PAGE_KEY, "usage report record") + " " + EXPECTED)
    return ClaudeCodeUsageFile(binary, size, limits)


class ClaudeCodeUsageFile(JsonPage):
    format = FORMAT
    expected = EXPECTED

    def _rows(self):
        scanner = JsonArrayItems(
            self._binary,
            self.limits,
            key=PAGE_KEY,
            noun="record",
            malformed=f"{MALFORMED} {EXPECTED}",
            not_found=EXPECTED,
            parse_float=Decimal,
        )
        latest = latest_date()
        for number, item in scanner:
            where = f"{PAGE_KEY}[{number - 1}]"
            if type(item) is RejectedRow:
                yield RejectedRow(number, f"{where}: {item.reason}")
                continue
            try:
                record, tools = read_record(number, item, where, latest)
            except BadValue as exc:
                yield RejectedRow(number, str(exc))
                continue
            for tool in tools:
                self.note_unknown("tool", tool)
            yield record
        self.envelope = dict(scanner.envelope)


def read_record(number: int, item: Any, where: str, latest) -> tuple[CodeDayRecord, list[str]]:
    """One record of the page, and the names of the unknown tools it uses; BadValue when it cannot be read."""
    if type(item) is not dict:
        raise BadValue(where, f"not an object ({shown(item)})")
    day = utc_date(item, "date", where, latest)
    actor_where = where + ".actor"
    actor = block(item, "actor", where, required=True)
    kind = actor.get("type")
    if kind == "user_actor":
        actor_email, key_name = email(actor, "email_address", actor_where), ""
    elif kind == "api_actor":
        actor_email, key_name = "", text(actor, "api_key_name", actor_where, MAX_API_KEY_NAME)
    else:
        raise BadValue(actor_where + ".type", f"{shown(kind)}, expected user_actor or api_actor")
    terminal = text(item, "terminal_type", where, MAX_TERMINAL, required=False)

    core_where = where + ".core_metrics"
    core = block(item, "core_metrics", where, required=True)
    sessions = count(core, "num_sessions", core_where, MAX_SESSIONS)
    lines = block(core, "lines_of_code", core_where, required=True)
    lines_where = core_where + ".lines_of_code"
    added = count(lines, "added", lines_where, MAX_LINES)
    removed = count(lines, "removed", lines_where, MAX_LINES)
    commits = count(core, "commits_by_claude_code", core_where, MAX_COMMITS)
    pull_requests = count(core, "pull_requests_by_claude_code", core_where, MAX_PULL_REQUESTS)

    accepted, rejected, unknown = tool_actions(item, where, "accepted", "rejected")
    models = model_breakdown(item, where)
    cost = sum((m.cost_cents for m in models), _ZERO)
    if cost > MAX_COST_CENTS:
        raise BadValue(
            where + ".model_breakdown", f"the estimated costs sum to {cost} cents, over the bound of {MAX_COST_CENTS:,}"
        )
    record = CodeDayRecord(
        number,
        SOURCE,
        day,
        actor_email,
        "",
        key_name,
        terminal,
        sessions,
        added,
        removed,
        commits,
        pull_requests,
        accepted,
        rejected,
        cost,
        models,
    )
    return record, unknown


def tool_actions(item: dict, where: str, accepted_key: str, rejected_key: str) -> tuple[int, int, list[str]]:
    """Accepted and rejected edits summed over every tool of the record's `tool_actions` map (zeros when
    it is missing or null), and the tools not in KNOWN_TOOLS."""
    tools = block(item, "tool_actions", where)
    if not tools:
        return 0, 0, []
    tools_where = where + ".tool_actions"
    accepted = rejected = 0
    unknown = []
    for name in tools:
        if "\x00" in name or not name.strip():
            raise BadValue(tools_where, f"a tool name is empty or holds a NUL character ({shown(name)})")
        if len(name) > MAX_TOOL_NAME:
            raise BadValue(tools_where, f"a tool name is longer than {MAX_TOOL_NAME} characters")
        action = block(tools, name, tools_where, required=True)
        action_where = path_of(tools_where, name)
        accepted += count(action, accepted_key, action_where, MAX_EDITS)
        rejected += count(action, rejected_key, action_where, MAX_EDITS)
        if name not in KNOWN_TOOLS:
            unknown.append(name)
    if accepted > MAX_EDITS or rejected > MAX_EDITS:
        raise BadValue(
            tools_where, f"{accepted:,} accepted and {rejected:,} rejected edits in all, over the bound of {MAX_EDITS:,}"
        )
    return accepted, rejected, unknown


def model_breakdown(item: dict, where: str) -> tuple[ModelUsage, ...]:
    """One ModelUsage per model of `model_breakdown` (in the order they first appear; the same model
    twice is summed); () when it is missing or null."""
    entries = item.get("model_breakdown")
    if entries is None:
        return ()
    list_where = where + ".model_breakdown"
    if type(entries) is not list:
        raise BadValue(list_where, f"not a list ({shown(entries)})")
    models: dict[str, list] = {}
    for index, entry in enumerate(entries):
        entry_where = f"{list_where}[{index}]"
        if type(entry) is not dict:
            raise BadValue(entry_where, f"not an object ({shown(entry)})")
        model = text(entry, "model", entry_where, MAX_MODEL)
        figures = [0, 0, 0, 0, _ZERO]
        tokens = block(entry, "tokens", entry_where)
        if tokens is not None:
            tokens_where = entry_where + ".tokens"
            figures[:4] = [count(tokens, key, tokens_where, MAX_TOKENS) for key in _TOKEN_FIELDS]
        cost = block(entry, "estimated_cost", entry_where)
        if cost is not None:
            cost_where = entry_where + ".estimated_cost"
            currency = cost.get("currency")
            if currency is not None and (type(currency) is not str or currency.strip().upper() != "USD"):
                raise BadValue(cost_where + ".currency", f"{shown(currency)}, expected USD (amounts are US cents)")
            figures[4] = amount(cost, "amount", cost_where, MAX_COST_CENTS)
        known = models.get(model)
        if known is None:
            models[model] = figures
        else:
            for i, figure in enumerate(figures):
                known[i] += figure
            if max(known[:4]) > MAX_TOKENS:
                raise BadValue(list_where, f"{model}'s tokens sum past the bound of {MAX_TOKENS:,}")
    return tuple(ModelUsage(model, *figures) for model, figures in models.items())
