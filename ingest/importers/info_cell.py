"""Reading the dict-valued cells of an audit-log export (`actor_info`, `entity_info`).

Real exports write them as Python `str(dict)` output, not JSON. The cascade is: JSON, then a
Python literal, then a tolerant key-by-key extraction for cells that are neither (an
unescaped apostrophe as in 'Reece O'Sullivan'). Quotes are never swapped: names like
O'Neil would break.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

# The shape nearly every entity cell has. Matching it is reading the Python literal, only
# without ast's cost (about 40 µs a cell); anything else takes the full cascade.
_CANONICAL_ENTITY = re.compile(r"\{'type': '([a-z_]*)', 'uuid': '([0-9A-Za-z-]*)'(?:, 'metadata': \{[^{}]*\})?\}")
_EMPTY = frozenset({"", "{}", "None", "null", "NULL", "nan"})
_TOLERANT_KEYS = ("name", "uuid", "type", "email_address")
# Real actor and entity cells are well under 1 KiB; longer ones are not read as Python literals.
MAX_LITERAL_CHARS = 64 * 1024


def _tolerant_pattern(key: str) -> re.Pattern[str]:
    # The value runs to the first closing quote that is followed by `,` or `}`.
    return re.compile(rf"""['"]{key}['"]\s*:\s*(?:'(.*?)'|"(.*?)")(?=\s*[,}}])""")


_TOLERANT = {key: _tolerant_pattern(key) for key in _TOLERANT_KEYS}


class UnreadableCell(ValueError):
    pass


def parse_info_cell(value: Any) -> dict:
    """Return the cell as a dict ({} when empty); raise UnreadableCell when nothing can be read."""
    if isinstance(value, dict):
        return value
    if value is None:
        return {}
    if not isinstance(value, str):
        raise UnreadableCell("not a dict")
    text = value.strip()
    if text in _EMPTY:
        return {}
    match = _CANONICAL_ENTITY.fullmatch(text)
    if match:
        return {"type": match.group(1), "uuid": match.group(2)}
    return _parse_cascade(text)


def _parse_cascade(text: str) -> dict:
    if not text.startswith("{"):
        raise UnreadableCell("not a dict")
    if "\x00" in text:  # a NUL character cannot be stored (PostgreSQL); only slow-path cells reach here
        raise UnreadableCell("holds a NUL character")
    if text[1:].lstrip().startswith(('"', "}")):
        try:
            parsed = json.loads(text)
        except ValueError:
            pass
        else:
            if isinstance(parsed, dict):
                return parsed
    if len(text) > MAX_LITERAL_CHARS:
        return _extract_tolerantly(text)  # ast would build a tree many times the cell's size
    try:
        parsed = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        pass
    else:
        if isinstance(parsed, dict):
            return parsed
    return _extract_tolerantly(text)


def _extract_tolerantly(text: str) -> dict:
    found: dict[str, str] = {}
    for key, pattern in _TOLERANT.items():
        match = pattern.search(text)
        if match:
            found[key] = match.group(1) if match.group(1) is not None else match.group(2)
    if not found:
        raise UnreadableCell("no name, uuid or email found")
    email = found.pop("email_address", None)
    if email is not None:
        found["metadata"] = {"email_address": email}
    return found
