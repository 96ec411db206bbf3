"""Support tickets exported from a help desk as CSV: Zendesk (`Id`, `Requester email`, `Created at`,
`Tags`), Jira (`Issue key`, `Reporter email` or `Reporter`, `Created`, `Labels`, the last possibly
repeated) or a plain `id, created_at, requester_email, tags` file. Pure parser: no ORM.

Only tickets carrying the portal's ticket tag (compared case-insensitively) are yielded, as a
`TicketRecord` with id, created time, requester email and tags; the others are counted in
`untagged` and nothing else of them is kept. Subjects, descriptions, bodies and comments are
never read into a record (it has no field for them).

Tags are separated by spaces, commas or semicolons and lower-cased; Jira's repeated `Labels`
columns are merged. Created times: ISO 8601 with or without an offset (Zendesk's
`2026-11-30 14:05:00 +0100` too), `YYYY-MM-DD HH:MM:SS`, or Jira's `30/Nov/26 2:05 PM`; a time
without an offset is UTC.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, NamedTuple

from .common import DEFAULT_LIMITS, ImportLimits, RejectedRow, UnsupportedFile
from .csv_table import CsvRows, has_nul, head_header, normalise_header
from .records import TicketRecord

FORMAT = "support_tickets"
DEFAULT_TAG = "claude-code"

EXPECTED = (
    "Expected a help-desk ticket export as CSV: Zendesk (columns Id, Requester email, Created at, Tags), "
    "Jira (Issue key, Reporter email or Reporter, Created, Labels) or a plain file with columns "
    "id, created_at, requester_email, tags."
)

MAX_ID, MAX_EMAIL, MAX_TAG, MAX_TAGS = 100, 254, 100, 100
FIRST_YEAR, LAST_YEAR = 2000, 2100

_TAG_SEPARATORS = re.compile(r"[\s,;]+")
_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
# Jira's default export format: 30/Nov/26 2:05 PM (also a four-digit year, seconds, or 24-hour time).
_JIRA_TIME = re.compile(r"(\d{1,2})/([A-Za-z]{3})/(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?")
BAD_TIME = "created time is not a date and time (expected ISO 8601, 2026-11-30 14:05:00 +0100 or 30/Nov/26 2:05 PM)"


class Layout(NamedTuple):
    """Where a help desk's export keeps what the portal reads."""

    helpdesk: str  # "zendesk", "jira" or "csv"
    ticket_id: int
    created: int
    email: int  # -1: no requester column
    tags: tuple[int, ...]  # Jira repeats its Labels column


def layout(header: list[str]) -> Layout | None:
    """The export's layout from its header cells, or None when it is not a ticket export."""
    names = [normalise_header(c) for c in header]
    raw = [c.strip().lower() for c in header]
    if {"created_at", "event", "actor_info"} <= set(names):
        return None  # an audit-log export
    columns: dict[str, int] = {}
    for index, name in enumerate(names):
        columns.setdefault(name, index)
    if {"issue_key", "created", "labels"} <= columns.keys() and ("reporter_email" in columns or "reporter" in columns):
        return Layout(
            "jira",
            columns["issue_key"],
            columns["created"],
            columns.get("reporter_email", columns.get("reporter")),
            tuple(i for i, name in enumerate(names) if name == "labels"),
        )
    if {"id", "created_at", "requester_email", "tags"} <= columns.keys():
        zendesk = "requester email" in raw or "created at" in raw
        return Layout(
            "zendesk" if zendesk else "csv",
            columns["id"],
            columns["created_at"],
            columns["requester_email"],
            (columns["tags"],),
        )
    return None


def sniff(head: str) -> bool:
    """True when the first 64 KiB (decoded) is a Zendesk, Jira or plain ticket export (its header)."""
    return layout(head_header(head)) is not None


def split_tags(*cells: str) -> tuple[str, ...]:
    """The tags of one or more cells, lower-cased, in file order, each once."""
    seen: dict[str, None] = {}
    for cell in cells:
        for tag in _TAG_SEPARATORS.split(cell.lower()):
            if tag:
                seen.setdefault(tag, None)
    return tuple(seen)


def parse_created(text: str) -> datetime:
    """An aware UTC datetime from a help desk's created time; ValueError when it is none.
    A time without an offset is read as UTC."""
    text = text.strip()
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        match = _JIRA_TIME.fullmatch(text)
        month = _MONTHS.get(match.group(2).lower()) if match else None
        if month is None:
            raise ValueError(BAD_TIME) from None
        day, _, year, hour, minute, second, meridiem = match.groups()
        hour, year = int(hour), int(year)
        if year < 100:
            year += 2000
        if meridiem:
            if not 1 <= hour <= 12:
                raise ValueError(BAD_TIME) from None
            hour = hour % 12 + (12 if meridiem.lower() == "pm" else 0)
        try:
            instant = datetime(year, month, int(day), hour, int(minute), int(second or 0))
        except ValueError:
            raise ValueError(BAD_TIME) from None
    instant = instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)
    if not FIRST_YEAR <= instant.year <= LAST_YEAR:
        raise ValueError(f"created time is outside {FIRST_YEAR}–{LAST_YEAR}")
    return instant


class TicketsFile:
    """A ticket export opened for reading. `untagged` counts the tickets without the tag (not kept)."""

    format = FORMAT

    def __init__(self, binary: IO[bytes], size: int, helpdesk: str, tag: str, limits: ImportLimits):
        self._binary = binary
        self._size = max(size, 1)
        self.helpdesk = helpdesk
        self.tag = tag
        self.limits = limits
        self.untagged = 0
        self.unknown: Counter[str] = Counter()  # nothing in a ticket export is unknown: other columns are ignored

    @property
    def progress(self) -> float:
        try:
            return min(self._binary.tell() / self._size, 1.0)
        except (OSError, ValueError):
            return 0.0

    def rows(self) -> Iterator[TicketRecord | RejectedRow]:
        table = CsvRows(self._binary, self.limits, EXPECTED)
        found: Layout | None = None
        for item in table.rows():
            if found is None:
                found = layout(table.header)
                if found is None:
                    raise UnsupportedFile("The CSV's header is not a ticket export's. " + EXPECTED)
            if type(item) is RejectedRow:
                yield item
                continue
            record = ticket_row(item[0], item[1], found, self.tag)
            if record is None:
                self.untagged += 1
            else:
                yield record


def ticket_row(line: int, row: list[str], found: Layout, tag: str) -> TicketRecord | RejectedRow | None:
    """One row as a record; None for a ticket without the tag (nothing of it is kept)."""
    tag_cells = [row[i] for i in found.tags]
    tags = split_tags(*tag_cells)
    if tag not in tags:
        return None
    ticket_id = row[found.ticket_id].strip()
    created = row[found.created].strip()
    email = row[found.email].strip().lower() if found.email >= 0 else ""
    if has_nul(ticket_id, created, email, *tag_cells):
        return RejectedRow(line, "a value holds a NUL character")
    if not ticket_id:
        return RejectedRow(line, "no ticket id")
    if len(ticket_id) > MAX_ID:
        return RejectedRow(line, f"ticket id is longer than {MAX_ID} characters")
    if not created:
        return RejectedRow(line, "no created time")
    try:
        created_at = parse_created(created)
    except ValueError as exc:
        return RejectedRow(line, str(exc))
    if "@" not in email:
        email = ""  # Jira's Reporter column may hold a display name: not kept, matches no one
    elif len(email) > MAX_EMAIL:
        return RejectedRow(line, f"requester email is longer than {MAX_EMAIL} characters")
    if len(tags) > MAX_TAGS:
        return RejectedRow(line, f"more than {MAX_TAGS} tags")
    if any(len(t) > MAX_TAG for t in tags):
        return RejectedRow(line, f"a tag is longer than {MAX_TAG} characters")
    return TicketRecord(line, found.helpdesk, ticket_id, created_at, email, tags)


def open_support_tickets(binary: IO[bytes], *, limits: ImportLimits = DEFAULT_LIMITS, tag: str = DEFAULT_TAG) -> TicketsFile:
    """Check that the file is a ticket export (from its header) and open it; only tickets tagged
    `tag` (case-insensitive; the portal setting) will be yielded."""
    tag = tag.strip().lower()
    if not tag or _TAG_SEPARATORS.search(tag):
        raise ValueError("the ticket tag must be one non-empty word (no spaces, commas or semicolons)")
    binary.seek(0, io.SEEK_END)
    size = binary.tell()
    binary.seek(0)
    head = binary.read(65536)
    binary.seek(0)
    if not head.strip():
        raise UnsupportedFile("The file is empty. " + EXPECTED)
    found = layout(head_header(head.decode("utf-8-sig", errors="replace")))
    if found is None:
        raise UnsupportedFile("The CSV's header is not a ticket export's. " + EXPECTED)
    return TicketsFile(binary, size, found.helpdesk, tag, limits)
