"""Which importer reads a file, decided from its content (never its name), and opening it.

The Claude Code, analytics, spend and ticket formats are recognised by their first 64 KiB; anything
else goes to the audit-log importer, which says what it expected if the file is not an audit log.
"""

from __future__ import annotations

from datetime import date
from typing import IO

from . import analytics_api, claude_code_usage, otel, spend, tickets
from .audit_log import open_audit_log
from .common import DEFAULT_LIMITS, ImportLimits
from .json_stream import HEAD_BYTES

AUDIT_FORMATS = frozenset({"zip", "csv", "json", "jsonl"})


def import_file_open(
    binary: IO[bytes], *, limits: ImportLimits = DEFAULT_LIMITS, covers_date: date | None = None, ticket_tag: str = "claude-code"
):
    """The opened file: an object with `format`, `progress` and `rows()` (records or RejectedRow).
    An analytics /users page needs `covers_date`; tickets keep only those tagged `ticket_tag`."""
    binary.seek(0)
    raw = binary.read(HEAD_BYTES)
    binary.seek(0)
    if raw.startswith(b"PK") or b"\x00" in raw:
        return open_audit_log(binary, limits=limits)
    head = raw.decode("utf-8-sig", errors="replace")
    if claude_code_usage.sniff(head):
        return claude_code_usage.open_claude_code_usage_report(binary, limits=limits)
    if analytics_api.sniff_summaries(head):
        return analytics_api.open_analytics_summaries(binary, limits=limits)
    if analytics_api.sniff_users(head):
        return analytics_api.open_analytics_users(binary, date=covers_date, limits=limits)
    if otel.sniff(head):
        return otel.open_otel(binary, limits=limits)
    if spend.sniff(head):
        return spend.open_spend_report(binary, limits=limits)
    if tickets.sniff(head):
        return tickets.open_support_tickets(binary, limits=limits, tag=ticket_tag)
    return open_audit_log(binary, limits=limits)
