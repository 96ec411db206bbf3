"""Reading the values of one JSON record (an API page's item) into checked Python values.

Every reader takes the parent object, the key and the parent's JSON path (`data[2].core_metrics`),
and raises `BadValue` whose message starts with the value's full path
("data[2].core_metrics.num_sessions: not a whole number"). The path is only built on failure: these
run for every field of records that come by the million.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

# Dates outside this range are absurd for any Anthropic usage data (and the future is at most a day
# ahead, for the UTC date that is already tomorrow somewhere: see `latest_date`).
MIN_DATE = date(2020, 1, 1)
MAX_DAYS_AHEAD = 1
MAX_EMAIL = 254  # the longest email address (RFC 5321), and the member column's length
MAX_DATE_TEXT = 64

_MISSING = object()
_PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})?")
_WHOLE_TEXT = re.compile(r"-?\d{1,20}")
_DECIMAL_TEXT = re.compile(r"-?(\d{1,20}(\.\d{0,12})?|\.\d{1,12})")


class BadValue(Exception):
    """A value of a record cannot be read; the message is "<JSON path>: <reason>"."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")


def path_of(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def latest_date() -> date:
    """The latest UTC date a record may carry (tomorrow, UTC)."""
    return datetime.now(UTC).date() + timedelta(days=MAX_DAYS_AHEAD)


def shown(value: Any) -> str:
    """A value as it may be quoted in a reason: JSON spelling, cut short."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        text = value[:40].replace("\x00", "\\u0000")
        return repr(text + ("…" if len(value) > 40 else ""))
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return str(value)[:40]


def block(parent: dict, key: str, where: str, *, required: bool = False) -> dict | None:
    """An object-valued member; None when it is missing or null (unless `required`)."""
    value = parent.get(key)
    if type(value) is dict:
        return value
    if value is None:
        if required:
            raise BadValue(path_of(where, key), "missing" if key not in parent else "null, expected an object")
        return None
    raise BadValue(path_of(where, key), f"not an object ({shown(value)})")


def count(parent: dict, key: str, where: str, bound: int) -> int:
    """A whole number from 0 to `bound`: a JSON integer, or a number or text that is one."""
    value = parent.get(key, _MISSING)
    if type(value) is int and 0 <= value <= bound:  # the usual case, first
        return value
    return _count(value, path_of(where, key), bound)


def optional_count(parent: dict, key: str, where: str, bound: int) -> int | None:
    """As `count`, but None when the member is missing or null."""
    value = parent.get(key)
    if value is None:
        return None
    if type(value) is int and 0 <= value <= bound:
        return value
    return _count(value, path_of(where, key), bound)


def _count(value: Any, path: str, bound: int) -> int:
    if value is _MISSING:
        raise BadValue(path, "missing")
    if value is None:
        raise BadValue(path, "null, expected a whole number")
    number: int | float | Decimal
    kind = type(value)
    if kind is int or (kind is float and math.isfinite(value)) or (kind is Decimal and value.is_finite()):
        number = value
    elif type(value) is str and _WHOLE_TEXT.fullmatch(value.strip()):
        number = int(value)
    else:
        raise BadValue(path, f"not a whole number ({shown(value)})")
    # The bounds first: int() of 1e999999999 (a Decimal) would build a billion digits.
    if number < 0:
        raise BadValue(path, f"negative ({shown(number)})")
    if number > bound:
        raise BadValue(path, f"{shown(number)} is over the bound of {bound:,}")
    if number != int(number):
        raise BadValue(path, f"not a whole number ({shown(value)})")
    return int(number)


def amount(parent: dict, key: str, where: str, bound: int) -> Decimal:
    """A non-negative decimal amount up to `bound`: a JSON number or a decimal string ("12.5")."""
    value = parent.get(key, _MISSING)
    path = path_of(where, key)
    if value is _MISSING:
        raise BadValue(path, "missing")
    if type(value) is int:
        number = Decimal(value)
    elif type(value) is Decimal:
        number = value
    elif type(value) is float:
        number = Decimal(repr(value))
    elif type(value) is str and _DECIMAL_TEXT.fullmatch(value.strip()):
        number = Decimal(value.strip())
    else:
        raise BadValue(path, f"not a decimal number ({shown(value)})")
    try:
        if not number.is_finite():
            raise BadValue(path, f"not a decimal number ({shown(value)})")
        if number < 0:
            raise BadValue(path, f"negative ({number})")
        if number > bound:
            raise BadValue(path, f"{number} is over the bound of {bound:,}")
    except InvalidOperation:
        raise BadValue(path, f"not a decimal number ({shown(value)})") from None
    return number


def text(parent: dict, key: str, where: str, max_chars: int, *, required: bool = True) -> str:
    """A string (stripped) of at most `max_chars`, without NUL; "" when missing or null and not required."""
    value = parent.get(key)
    if type(value) is str:
        value = value.strip()
        if value and len(value) <= max_chars and "\x00" not in value:
            return value
    elif value is None and not required:
        return ""
    path = path_of(where, key)
    if value is None:
        raise BadValue(path, "missing" if key not in parent else "null, expected text")
    if type(value) is not str:
        raise BadValue(path, f"not text ({shown(value)})")
    if not value:
        if not required:
            return ""
        raise BadValue(path, "empty")
    if "\x00" in value:
        raise BadValue(path, "holds a NUL character")
    raise BadValue(path, f"longer than {max_chars} characters")


def email(parent: dict, key: str, where: str, *, required: bool = True) -> str:
    """An email address, lower-cased."""
    value = text(parent, key, where, MAX_EMAIL, required=required).lower()
    if value and ("@" not in value or any(c.isspace() for c in value)):
        raise BadValue(path_of(where, key), f"not an email address ({shown(value)})")
    return value


def utc_date(parent: dict, key: str, where: str, latest: date) -> date:
    """A date written as YYYY-MM-DD, or an RFC 3339 timestamp read as its UTC date (one without an
    offset is taken as UTC), from MIN_DATE to `latest`."""
    value = parent.get(key, _MISSING)
    parsed = _date_text(value) if type(value) is str else None
    if type(parsed) is date and MIN_DATE <= parsed <= latest:
        return parsed
    path = path_of(where, key)
    if value is _MISSING:
        raise BadValue(path, "missing")
    if type(value) is not str:
        raise BadValue(path, f"not a date ({shown(value)})")
    if type(parsed) is str:
        raise BadValue(path, parsed)
    raise BadValue(path, f"{parsed.isoformat()} is outside {MIN_DATE.isoformat()} to {latest.isoformat()}")


def date_text(value: str) -> date | str:
    """The UTC date of a date or RFC 3339 timestamp, or the reason it is not one."""
    return _date_text(value)


@lru_cache(maxsize=4096)  # a page's records share a handful of dates
def _date_text(value: str) -> date | str:
    if "\x00" in value:
        return "holds a NUL character"
    stripped = value.strip()
    try:
        if _PLAIN_DATE.fullmatch(stripped):
            return date.fromisoformat(stripped)
        if len(stripped) <= MAX_DATE_TEXT and _RFC3339.fullmatch(stripped):
            normal = stripped.upper().replace(" ", "T")
            if "." in normal:  # fromisoformat reads at most microseconds
                head, _, rest = normal.partition(".")
                digits = re.match(r"\d+", rest).group()
                normal = head + "." + digits[:6].ljust(6, "0") + rest[len(digits) :]
            instant = datetime.fromisoformat(normal)
            if instant.tzinfo is None:
                return instant.date()
            return instant.astimezone(UTC).date()
    except ValueError:
        pass
    return f"not a date (YYYY-MM-DD or RFC 3339): {shown(value)}"
