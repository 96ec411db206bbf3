"""Enterprise Analytics API pages saved as JSON (formats.md §3): `/summaries` (the organisation's
active users and seats per UTC date, as Anthropic computes them) and `/users` (one record per person
for one date, with `chat_metrics` and `claude_code_metrics`). The format is read from the content.

- `sniff_summaries(head)`, `sniff_users(head)`: whether a file's first 64 KiB (as text) is such a page.
- `open_analytics_summaries(binary, limits=...)`: its `rows()` yields an `AnalyticsSummaryRecord` per
  item of `{"summaries": [...]}` or `{"data": [...]}` (both envelopes are in use). The date is
  `starting_at`, `starting_date` or `date` (YYYY-MM-DD or RFC 3339, kept as its UTC date); daily,
  weekly and monthly active user counts are required, assigned seats and pending invites may be
  missing (None).
- `open_analytics_users(binary, date=..., limits=...)`: a `/users` page does not say which date it
  covers (the API takes it as a query parameter), so the date is required, or `UnsupportedFile`.
  Its `rows()` yields, per record, a `CodeDayRecord` (source "analytics", terminal "", cost 0, no
  models) when `claude_code_metrics` is present and a `ChatDayRecord` when `chat_metrics` is.

A record that cannot be read is one `RejectedRow` (its number from 1, and a reason that starts with
its JSON path: "data[3].claude_code_metrics.core_metrics.commit_count: negative (-1)"); the rest go on.
Pages are streamed within `ImportLimits` (json_stream).
"""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from .claude_code_usage import MAX_COMMITS, MAX_LINES, MAX_PULL_REQUESTS, MAX_SESSIONS, tool_actions
from .common import DEFAULT_LIMITS, ImportLimits, RejectedRow, UnsupportedFile
from .json_stream import MALFORMED, JsonArrayItems, JsonPage, described, peek, read_head
from .json_values import (
    MIN_DATE,
    BadValue,
    block,
    count,
    date_text,
    email,
    latest_date,
    optional_count,
    shown,
    text,
    utc_date,
)
from .records import AnalyticsSummaryRecord, ChatDayRecord, CodeDayRecord

SUMMARIES_FORMAT = "analytics_summaries"
USERS_FORMAT = "analytics_users"
SOURCE = "analytics"

SUMMARY_KEYS = ("summaries", "data")
SUMMARY_DATE_KEYS = ("starting_at", "starting_date", "date")
USERS_KEY = "data"

SUMMARIES_EXPECTED = (
    "Expected an Enterprise Analytics API /summaries page: "
    '{"summaries": [{"starting_at", "daily_active_user_count", "weekly_active_user_count", '
    '"monthly_active_user_count", …}, …]} (or the same list under "data").'
)
USERS_EXPECTED = (
    "Expected an Enterprise Analytics API /users page: "
    '{"data": [{"user": {"id", "email_address"}, "chat_metrics", "claude_code_metrics"}, …], "next_page"}.'
)
USERS_NEED_A_DATE = (
    "An analytics /users page does not say which date it covers (the API takes it as a query parameter): "
    "give the date on the upload form, or `import_logs --date YYYY-MM-DD`."
)
USERS_GROUPED = (
    "This /users page is grouped by RBAC group (group_by[]=rbac_group_id): its rows are groups, not people, "
    "and cannot be imported. Fetch the page without group_by."
)

# Bounds: past them a figure is absurd for one organisation (summaries) or one person and day (users;
# the Claude Code figures share the usage report's bounds).
MAX_USERS = 10_000_000  # active users, seats, pending invites
MAX_CONVERSATIONS = 100_000
MAX_MESSAGES = 1_000_000
MAX_ACCOUNT_ID = 64

_ZERO_CENTS = Decimal(0)


def sniff_summaries(head: str) -> bool:
    """An object with a "summaries" or "data" list whose first item has `daily_active_user_count`; or
    an empty "summaries" list, or an empty "data" list with no paging keys."""
    seen = peek(head, SUMMARY_KEYS)
    if seen.key is None:
        return False
    fields = seen.fields
    if fields:
        return "daily_active_user_count" in fields and "user" not in fields and "actor" not in fields
    return seen.empty and (seen.key == "summaries" or ("has_more" not in seen.envelope and "next_page" not in seen.envelope))


def sniff_users(head: str) -> bool:
    """An object with a "data" list whose first record has `user` (or, grouped, `rbac_group_id`) and
    `claude_code_metrics` or `chat_metrics`; or an empty "data" list next to `next_page` but no `has_more`."""
    seen = peek(head, USERS_KEY)
    if seen.key is None:
        return False
    fields = seen.fields
    if fields:
        return (
            ("user" in fields or "rbac_group_id" in fields)
            and ("claude_code_metrics" in fields or "chat_metrics" in fields)
            and "actor" not in fields
        )
    return seen.empty and "next_page" in seen.envelope and "has_more" not in seen.envelope


def open_analytics_summaries(binary: IO[bytes], *, limits: ImportLimits = DEFAULT_LIMITS) -> AnalyticsSummariesFile:
    size, head = read_head(binary, SUMMARIES_EXPECTED)
    if not sniff_summaries(head):
        raise UnsupportedFile(described(head, SUMMARY_KEYS, "summary") + " " + SUMMARIES_EXPECTED)
    return AnalyticsSummariesFile(binary, size, limits)


def open_analytics_users(
    binary: IO[bytes], *, date: Date | str | None = None, limits: ImportLimits = DEFAULT_LIMITS
) -> AnalyticsUsersFile:
    """Check the file is a /users page and return it opened for reading, its records dated `date`
    (a date, or YYYY-MM-DD): required, as the page does not say."""
    size, head = read_head(binary, USERS_EXPECTED)
    if not sniff_users(head):
        raise UnsupportedFile(described(head, USERS_KEY, "/users record") + " " + USERS_EXPECTED)
    first = peek(head, USERS_KEY).first
    if isinstance(first, dict) and "user" not in first and "rbac_group_id" in first:
        raise UnsupportedFile(USERS_GROUPED)
    return AnalyticsUsersFile(binary, size, limits, page_date(date))


def page_date(value: Date | str | None) -> Date:
    """The date given for a /users page, checked; UnsupportedFile when there is none or it is not a date."""
    if value is None or value == "":
        raise UnsupportedFile(USERS_NEED_A_DATE)
    if isinstance(value, datetime):
        raise UnsupportedFile(f"The date for a /users page is a date (YYYY-MM-DD), not a time ({value.isoformat()}).")
    if isinstance(value, Date):
        day = value
    elif isinstance(value, str) and len(value.strip()) == 10 and type(parsed := date_text(value.strip())) is Date:
        day = parsed
    else:
        raise UnsupportedFile(f"The date for a /users page must be YYYY-MM-DD (was given {shown(value)}).")
    latest = latest_date()
    if not MIN_DATE <= day <= latest:
        raise UnsupportedFile(
            f"The date for a /users page, {day.isoformat()}, is outside {MIN_DATE.isoformat()} to {latest.isoformat()}."
        )
    return day


class AnalyticsSummariesFile(JsonPage):
    format = SUMMARIES_FORMAT
    expected = SUMMARIES_EXPECTED

    def _rows(self):
        scanner = JsonArrayItems(
            self._binary,
            self.limits,
            key=SUMMARY_KEYS,
            noun="summary",
            malformed=f"{MALFORMED} {SUMMARIES_EXPECTED}",
            not_found=SUMMARIES_EXPECTED,
        )
        latest = latest_date()
        for number, item in scanner:
            where = f"{scanner.key}[{number - 1}]"
            if type(item) is RejectedRow:
                yield RejectedRow(number, f"{where}: {item.reason}")
                continue
            try:
                yield read_summary(number, item, where, latest)
            except BadValue as exc:
                yield RejectedRow(number, str(exc))
        self.envelope = dict(scanner.envelope)


def read_summary(number: int, item: Any, where: str, latest: Date) -> AnalyticsSummaryRecord:
    if type(item) is not dict:
        raise BadValue(where, f"not an object ({shown(item)})")
    date_key = next((key for key in SUMMARY_DATE_KEYS if item.get(key) is not None), None)
    if date_key is None:
        raise BadValue(f"{where}.starting_at", "missing (nor starting_date, nor date)")
    return AnalyticsSummaryRecord(
        number,
        utc_date(item, date_key, where, latest),
        count(item, "daily_active_user_count", where, MAX_USERS),
        count(item, "weekly_active_user_count", where, MAX_USERS),
        count(item, "monthly_active_user_count", where, MAX_USERS),
        optional_count(item, "assigned_seat_count", where, MAX_USERS),
        optional_count(item, "pending_invite_count", where, MAX_USERS),
    )


class AnalyticsUsersFile(JsonPage):
    format = USERS_FORMAT
    expected = USERS_EXPECTED

    def __init__(self, binary: IO[bytes], size: int, limits: ImportLimits, date: Date):
        super().__init__(binary, size, limits)
        self.date = date

    def _rows(self):
        scanner = JsonArrayItems(
            self._binary,
            self.limits,
            key=USERS_KEY,
            noun="record",
            malformed=f"{MALFORMED} {USERS_EXPECTED}",
            not_found=USERS_EXPECTED,
        )
        for number, item in scanner:
            where = f"{USERS_KEY}[{number - 1}]"
            if type(item) is RejectedRow:
                yield RejectedRow(number, f"{where}: {item.reason}")
                continue
            try:
                records, tools = read_user(number, item, where, self.date)
            except BadValue as exc:
                yield RejectedRow(number, str(exc))
                continue
            for tool in tools:
                self.note_unknown("tool", tool)
            yield from records
        self.envelope = dict(scanner.envelope)


def read_user(number: int, item: Any, where: str, day: Date) -> tuple[list[CodeDayRecord | ChatDayRecord], list[str]]:
    """A /users record's Claude Code and chat records (either may be absent, not both), and the unknown
    tools it uses; BadValue when any part of it cannot be read (then neither is kept)."""
    if type(item) is not dict:
        raise BadValue(where, f"not an object ({shown(item)})")
    if "user" not in item and "rbac_group_id" in item:
        raise BadValue(where, "a row of an RBAC group, not of a person (a page fetched with group_by)")
    user_where = where + ".user"
    user = block(item, "user", where, required=True)
    user_email = email(user, "email_address", user_where, required=False)
    account_id = text(user, "id", user_where, MAX_ACCOUNT_ID, required=False)
    if not user_email and not account_id:
        raise BadValue(user_where, "neither email_address nor id")
    code = block(item, "claude_code_metrics", where)
    chat = block(item, "chat_metrics", where)
    if code is None and chat is None:
        raise BadValue(where, "neither claude_code_metrics nor chat_metrics")
    records: list[CodeDayRecord | ChatDayRecord] = []
    unknown: list[str] = []
    if code is not None:
        code_where = where + ".claude_code_metrics"
        core_where = code_where + ".core_metrics"
        core = block(code, "core_metrics", code_where, required=True)
        lines = block(core, "lines_of_code", core_where, required=True)
        lines_where = core_where + ".lines_of_code"
        sessions = count(core, "distinct_session_count", core_where, MAX_SESSIONS)
        added = count(lines, "added_count", lines_where, MAX_LINES)
        removed = count(lines, "removed_count", lines_where, MAX_LINES)
        commits = count(core, "commit_count", core_where, MAX_COMMITS)
        pull_requests = count(core, "pull_request_count", core_where, MAX_PULL_REQUESTS)
        accepted, rejected, unknown = tool_actions(code, code_where, "accepted_count", "rejected_count")
        records.append(
            CodeDayRecord(
                number,
                SOURCE,
                day,
                user_email,
                account_id,
                "",
                "",
                sessions,
                added,
                removed,
                commits,
                pull_requests,
                accepted,
                rejected,
                _ZERO_CENTS,
                (),
            )
        )
    if chat is not None:
        chat_where = where + ".chat_metrics"
        records.append(
            ChatDayRecord(
                number,
                day,
                user_email,
                account_id,
                count(chat, "distinct_conversation_count", chat_where, MAX_CONVERSATIONS),
                count(chat, "message_count", chat_where, MAX_MESSAGES),
            )
        )
    return records, unknown
