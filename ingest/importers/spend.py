"""claude.ai Analytics "Export Spend Report" CSV: one row per person × product × model × day
(formats.md §4.2). Pure parser: no ORM.

Anthropic does not document the header's spelling, so columns are found through an alias table
(`ALIASES`, compared after `normalise_header`). Required: a date, the user's email, the model, net and
gross spend; account UUID, product, request count and token counts are read where present (0 or ""
otherwise). Other columns are ignored; names outside the table are counted in `unknown`
("column:<name>"), so a new spelling shows up on Data health.

`open_spend_report(binary, limits=...)` checks the header and returns a `SpendReportFile`; its
`rows()` yields a `SpendRecord` per readable row and a `RejectedRow` (line, reason) per row that is
not: a bad date, a count or amount that is not a number, negative, or over the bounds below.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO

from .common import DEFAULT_LIMITS, ImportLimits, RejectedRow, UnsupportedFile
from .csv_table import CsvRows, has_nul, head_header, normalise_header
from .records import SpendRecord

FORMAT = "spend_report"

# Canonical field → accepted header spellings, normalised (lower-case, runs of other characters
# than letters and digits as one "_": "User's email" → user_s_email, "Net spend (USD)" → net_spend_usd).
ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "day", "usage_date"),
    "email": ("user_email", "user_s_email", "users_email", "email", "email_address", "user_email_address"),
    "account_uuid": ("account_uuid", "user_account_uuid"),
    "product": ("product", "product_name"),
    "model": ("model", "model_name"),
    "requests": ("request_count", "requests", "num_requests", "number_of_requests"),
    "prompt_tokens": ("prompt_tokens", "input_tokens"),
    "completion_tokens": ("completion_tokens", "output_tokens"),
    "net_spend": ("net_spend_usd", "net_spend", "net_spend_in_usd"),
    "gross_spend": ("gross_spend_usd", "gross_spend", "gross_spend_in_usd"),
}
REQUIRED = ("date", "email", "model", "net_spend", "gross_spend")
# Columns the report has that the portal does not keep (not counted as unknown).
IGNORED = frozenset({"organization_uuid", "organization_id", "org_uuid", "model_family", "family"})
_FIELD_OF = {alias: field for field, aliases in ALIASES.items() for alias in aliases}

EXPECTED = (
    "Expected a claude.ai spend report CSV (Analytics › Export Spend Report): one row per person, "
    "product, model and day, with columns such as date, user_email, model, net_spend_usd and gross_spend_usd."
)

# Bounds for one person × product × model × day: a row past one is rejected as absurd.
MAX_REQUESTS = 10_000_000
MAX_TOKENS = 10_000_000_000
MAX_SPEND_USD = Decimal(100_000)
MAX_EMAIL, MAX_UUID, MAX_NAME = 254, 64, 100
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2100, 12, 31)

_LABELS = {
    "requests": "request count",
    "prompt_tokens": "prompt tokens",
    "completion_tokens": "completion tokens",
    "net_spend": "net spend",
    "gross_spend": "gross spend",
}
# A whole number, or one with thousands commas (1,100,000); an amount may add decimals.
_PLAIN_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+|[0-9]+(\.[0-9]*)?[eE][+-]?[0-9]+")
_GROUPED_NUMBER = re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")


def column_map(header: list[str]) -> dict[str, int]:
    """Canonical field → index of the first column with one of its spellings."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        field = _FIELD_OF.get(normalise_header(name))
        if field and field not in found:
            found[field] = index
    return found


def _is_audit_log(columns: set[str]) -> bool:
    return {"created_at", "event", "actor_info"} <= columns


def sniff(head: str) -> bool:
    """True when the first 64 KiB (decoded) is a spend report: its header names a date, the user's
    email, the model and net and gross spend (in any of the spellings above)."""
    header = head_header(head)
    if _is_audit_log({normalise_header(c) for c in header}):
        return False
    found = column_map(header)
    return all(field in found for field in REQUIRED)


class SpendReportFile:
    """A spend report opened for reading. `progress` is the share of the file read so far."""

    format = FORMAT

    def __init__(self, binary: IO[bytes], size: int, limits: ImportLimits):
        self._binary = binary
        self._size = max(size, 1)
        self.limits = limits
        self.unknown: Counter[str] = Counter()

    @property
    def progress(self) -> float:
        try:
            return min(self._binary.tell() / self._size, 1.0)
        except (OSError, ValueError):
            return 0.0

    def rows(self) -> Iterator[SpendRecord | RejectedRow]:
        table = CsvRows(self._binary, self.limits, EXPECTED)
        columns: dict[str, int] | None = None
        for item in table.rows():
            if columns is None:
                columns = column_map(table.header)
                missing = [ALIASES[f][0] for f in REQUIRED if f not in columns]
                if missing:
                    raise UnsupportedFile(f"The CSV lacks the column(s) {', '.join(missing)}. " + EXPECTED)
                for name in table.header:
                    key = normalise_header(name)
                    if key and key not in _FIELD_OF and key not in IGNORED and len(self.unknown) < 100:
                        self.unknown[f"column:{key[:60]}"] += 1
            if type(item) is RejectedRow:
                yield item
            else:
                yield spend_row(item[0], item[1], columns)


def spend_row(line: int, row: list[str], columns: dict[str, int]) -> SpendRecord | RejectedRow:
    """One row's cells as a record, or why it cannot be read."""

    def cell(field: str) -> str:
        index = columns.get(field)
        return row[index].strip() if index is not None else ""

    values = {field: cell(field) for field in ALIASES}
    if has_nul(*values.values()):
        return RejectedRow(line, "a value holds a NUL character")
    try:
        day = _date(values["date"])
        email = values["email"].lower()
        account_uuid = values["account_uuid"]
        if not email and not account_uuid:
            raise _Bad("no user email or account uuid")
        for label, value, limit in (
            ("user email", email, MAX_EMAIL),
            ("account uuid", account_uuid, MAX_UUID),
            ("product", values["product"], MAX_NAME),
            ("model", values["model"], MAX_NAME),
        ):
            if len(value) > limit:
                raise _Bad(f"{label} is longer than {limit} characters")
        if not values["model"]:
            raise _Bad("no model")
        requests = _count(values["requests"], "requests", MAX_REQUESTS)
        prompt_tokens = _count(values["prompt_tokens"], "prompt_tokens", MAX_TOKENS)
        completion_tokens = _count(values["completion_tokens"], "completion_tokens", MAX_TOKENS)
        net = _money(values["net_spend"], "net_spend")
        gross = _money(values["gross_spend"], "gross_spend")
    except _Bad as bad:
        return RejectedRow(line, str(bad))
    return SpendRecord(
        line, day, email, account_uuid, values["product"], values["model"], requests, prompt_tokens, completion_tokens, net, gross
    )


class _Bad(Exception):
    pass


def _date(text: str) -> date:
    if not text:
        raise _Bad("no date")
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
        else:
            instant = datetime.fromisoformat(text)
            day = (instant.astimezone(UTC) if instant.tzinfo else instant).date()
    except ValueError:
        raise _Bad("date is not an ISO 8601 date (YYYY-MM-DD)") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise _Bad(f"date is outside {FIRST_DATE.year}–{LAST_DATE.year}")
    return day


def _number(text: str, field: str) -> Decimal:
    label = _LABELS[field]
    if text.startswith("-"):
        raise _Bad(f"{label} is negative")
    text = text.removeprefix("+")
    if not (_PLAIN_NUMBER.fullmatch(text) or _GROUPED_NUMBER.fullmatch(text)) or len(text) > 40:
        raise _Bad(f"{label} is not a number")
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the patterns above only let numbers through
        raise _Bad(f"{label} is not a number") from None


def _count(text: str, field: str, bound: int) -> int:
    if not text:
        return 0  # a column the report lacks, or a cell a spreadsheet left empty for zero
    value = _number(text, field)
    if value != value.to_integral_value():
        raise _Bad(f"{_LABELS[field]} is not a whole number")
    if value > bound:
        raise _Bad(f"{_LABELS[field]} is over {bound:,} (absurd for one person, model and day)")
    return int(value)


def _money(text: str, field: str) -> Decimal:
    label = _LABELS[field]
    if not text:
        raise _Bad(f"{label} is empty")
    if text.startswith("$"):
        text = text[1:].lstrip()
    elif text.startswith("-$"):
        raise _Bad(f"{label} is negative")
    value = _number(text, field)
    if value > MAX_SPEND_USD:
        raise _Bad(f"{label} is over {MAX_SPEND_USD:,} USD (absurd for one person, model and day)")
    return value


def open_spend_report(binary: IO[bytes], *, limits: ImportLimits = DEFAULT_LIMITS) -> SpendReportFile:
    """Check that the file is a spend report (from its header) and open it for reading."""
    binary.seek(0, io.SEEK_END)
    size = binary.tell()
    binary.seek(0)
    head = binary.read(65536)
    binary.seek(0)
    if not head.strip():
        raise UnsupportedFile("The file is empty. " + EXPECTED)
    text = head.decode("utf-8-sig", errors="replace")
    if not sniff(text):
        found = column_map(head_header(text))
        missing = [ALIASES[f][0] for f in REQUIRED if f not in found]
        if not missing:  # an audit-log export's header
            raise UnsupportedFile("The CSV is a claude.ai audit-log export, not a spend report. " + EXPECTED)
        raise UnsupportedFile(f"The CSV lacks the column(s) {', '.join(missing)}. " + EXPECTED)
    return SpendReportFile(binary, size, limits)
