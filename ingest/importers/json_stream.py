"""Streaming the items of a JSON array without ever holding the file, or one item, whole.

`JsonArrayItems(binary, limits, key=...)` iterates over `(number, item)` pairs, numbered from 1, of
either a top-level JSON array (`key=None`, the audit log's JSON export) or the array under one of
the given keys of a top-level JSON object (an API page such as `{"data": [...], "has_more": …}`),
whatever the order of the object's keys: the others are read past, keeping only their short scalar
values (`envelope`, e.g. `has_more` and `next_page`).

Each item is parsed on its own, from the text read so far (json's C decoder, `raw_decode`); when it
does not parse there (it goes on past what was read, it is too deep for the decoder, or it is not
valid JSON), more of the file is read, up to the row limit, after which a scanner takes over that
item: it finds where the item ends (strings, escapes, nesting) without holding more of it than the
row limit. So an item longer than `limits.max_row_chars`, nested deeper than
`limits.max_json_depth` or holding a string longer than `limits.max_field_chars` is read past in
chunks and comes out as `(number, RejectedRow(number, reason))`, and the file goes on. JSON that is
malformed, or ends early, raises `UnsupportedFile` with the `malformed` message; text that is not
UTF-8 raises `UnicodeDecodeError`. Limits count characters.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import IO, Any, NamedTuple

from .common import CHUNK, DEFAULT_LIMITS, ImportLimits, RejectedRow, UnsupportedFile, longest_string, size_text, skip_bom

MALFORMED = "The JSON is malformed or ends early."

_STRUCTURE = re.compile(r'["\[\]{},]')
_IN_STRING = re.compile(r'["\\]')
_NOT_SPACE = re.compile(r"[^ \t\r\n]")
_SCALAR_END = re.compile(r"[,}\] \t\r\n]")

# Of the envelope's other keys, only short scalar values are kept, and only so many of them.
ENVELOPE_MAX_VALUE = 1024
ENVELOPE_MAX_KEYS = 32
_MAX_KEY = 256  # a longer key is read past, never a wanted one

_NOT_KEPT = object()
_FAILED = object()


class JsonArrayItems:
    """Iterate over `(number, item)`: each item of the array, parsed, or a `RejectedRow`.

    key: None for a top-level array; a key, or a tuple of keys, for the array under that key of a
        top-level object. A file with two of them, or with none, or whose value there is not an
        array, raises `UnsupportedFile(not_found)`; so does a file whose top level is not an object.
    noun: what an item is called in rejection reasons ("the event is longer than 4 MiB …").
    malformed: the message of the `UnsupportedFile` raised for malformed JSON.
    parse_float: passed to the JSON decoder (e.g. `decimal.Decimal`, to keep amounts exact).

    Once iterated, `key` is the key whose array was read and `envelope` the short scalar values of
    the object's other keys (as far as the file was read).
    """

    def __init__(
        self,
        binary: IO[bytes],
        limits: ImportLimits = DEFAULT_LIMITS,
        *,
        key: str | tuple[str, ...] | None = None,
        noun: str = "item",
        malformed: str = MALFORMED,
        not_found: str = "",
        parse_float: Callable[[str], Any] | None = None,
    ):
        self._binary = binary
        self._limits = limits
        self._keys = (key,) if isinstance(key, str) else key
        self._noun = noun
        self._malformed = malformed
        self._not_found = not_found or malformed
        self._decoder = json.JSONDecoder(parse_float=parse_float)
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._too_long = f"the {noun} is longer than {size_text(limits.max_row_chars)} (IMPORT_MAX_ROW_BYTES)"
        self._field_too_long = f"a value is longer than {size_text(limits.max_field_chars)} (IMPORT_MAX_FIELD_BYTES)"
        self._too_deep = f"the {noun} is nested more than {limits.max_json_depth} levels deep"
        self.key: str | None = None
        self.envelope: dict[str, Any] = {}
        self._chunk = ""
        self._at = 0

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        skip_bom(self._binary)
        self._utf8.reset()
        self._chunk, self._at = "", 0
        if self._keys is None:
            return self._top_level_array()
        return self._object_member_array()

    def _read(self, size: int = CHUNK) -> str:
        """The next piece of the file's text; "" at its end."""
        while True:
            data = self._binary.read(size)
            if not data:
                return self._utf8.decode(b"", final=True)
            text = self._utf8.decode(data)
            if text:
                return text

    # The top-level array (the audit log's JSON export).

    def _top_level_array(self) -> Iterator[tuple[int, Any]]:
        while True:
            chunk = self._read()
            if not chunk:
                raise UnsupportedFile(self._malformed)
            at = chunk.find("[")
            if at >= 0:
                break
            if chunk.strip():
                raise UnsupportedFile(self._malformed)
        self._chunk, self._at = chunk, at + 1
        yield from self._items()

    # The array under a key of a top-level object.

    def _object_member_array(self) -> Iterator[tuple[int, Any]]:
        if self._next_char() != "{":
            raise UnsupportedFile(self._not_found)
        self._at += 1
        token = self._next_char()
        if token == "}":
            self._at += 1
        while token != "}":
            if token != '"':
                raise UnsupportedFile(self._malformed)
            self._at += 1
            name = self._key_string()
            if self._next_char() != ":":
                raise UnsupportedFile(self._malformed)
            self._at += 1
            token = self._next_char()
            if name is not None and name in self._keys:
                if self.key is not None or token != "[":
                    raise UnsupportedFile(self._not_found)
                self.key = name
                self._at += 1
                yield from self._items()
            else:
                value = self._skip_value()
                if name is not None and value is not _NOT_KEPT and len(self.envelope) < ENVELOPE_MAX_KEYS:
                    self.envelope[name] = value
            token = self._next_char()
            if token == ",":
                self._at += 1
                token = self._next_char()
                if token == "}":  # a trailing comma
                    raise UnsupportedFile(self._malformed)
            elif token == "}":
                self._at += 1
            else:
                raise UnsupportedFile(self._malformed)
        if self._next_char() is not None:
            raise UnsupportedFile(self._malformed + " (More follows the top-level object: several pages joined in one file?)")
        if self.key is None:
            raise UnsupportedFile(self._not_found)

    def _fill(self) -> bool:
        """Make the read position fall inside the current chunk; False at the end of the file."""
        while self._at >= len(self._chunk):
            self._chunk, self._at = self._read(), 0
            if not self._chunk:
                return False
        return True

    def _next_char(self) -> str | None:
        """The next character that is not white space (not consumed), or None at the end of the file."""
        while self._fill():
            found = _NOT_SPACE.search(self._chunk, self._at)
            if found:
                self._at = found.start()
                return self._chunk[self._at]
            self._at = len(self._chunk)
        return None

    def _string_rest(self, keep: int) -> str | None:
        """Read past the rest of a string whose opening quote was consumed; its raw text (escapes
        as written) when no longer than `keep` characters, else None."""
        pieces: list[str] | None = []
        held = 0
        escape = False
        while self._fill():
            chunk = self._chunk
            start = at = self._at
            if escape:  # the character after a backslash that ended the previous chunk
                escape, at = False, at + 1
            closed = False
            while True:
                found = _IN_STRING.search(chunk, at)
                if found is None:
                    stop = len(chunk)
                    break
                stop = found.start()
                if chunk[stop] == '"':
                    closed = True
                    break
                if stop + 1 < len(chunk):
                    at = stop + 2
                    continue
                escape, stop = True, len(chunk)
                break
            if pieces is not None:
                pieces.append(chunk[start:stop])
                held += stop - start
                if held > keep:
                    pieces = None
            if closed:
                self._at = stop + 1
                return None if pieces is None else "".join(pieces)
            self._at = len(chunk)
        raise UnsupportedFile(self._malformed)

    def _key_string(self) -> str | None:
        raw = self._string_rest(_MAX_KEY)
        return None if raw is None else self._loads('"' + raw + '"')

    def _skip_value(self) -> Any:
        """Read past one value of the envelope; return it when it is a short scalar, else _NOT_KEPT."""
        token = self._next_char()
        if token is None:
            raise UnsupportedFile(self._malformed)
        if token == '"':
            self._at += 1
            raw = self._string_rest(ENVELOPE_MAX_VALUE)
            return _NOT_KEPT if raw is None else self._loads('"' + raw + '"')
        if token in "{[":
            self._skip_container()
            return _NOT_KEPT
        pieces: list[str] | None = []
        held = 0
        while self._fill():
            found = _SCALAR_END.search(self._chunk, self._at)
            stop = found.start() if found else len(self._chunk)
            if pieces is not None:
                pieces.append(self._chunk[self._at : stop])
                held += stop - self._at
                if held > ENVELOPE_MAX_VALUE:
                    pieces = None
            self._at = stop
            if found:
                break
        if pieces is None:
            return _NOT_KEPT
        text = "".join(pieces)
        if not text:
            raise UnsupportedFile(self._malformed)
        return self._loads(text)

    def _skip_container(self) -> None:
        """Read past an object or array (the read position is on its opening bracket), holding none of it."""
        depth, in_string, escape = 0, False, False
        while self._fill():
            chunk, at, end = self._chunk, self._at, len(self._chunk)
            while at < end:
                if in_string:
                    if escape:
                        escape, at = False, at + 1
                        continue
                    found = _IN_STRING.search(chunk, at)
                    if found is None:
                        at = end
                    elif chunk[found.start()] == "\\":
                        escape, at = True, found.start() + 1
                    else:
                        in_string, at = False, found.start() + 1
                    continue
                found = _STRUCTURE.search(chunk, at)
                if found is None:
                    at = end
                    continue
                char, at = chunk[found.start()], found.start() + 1
                if char == '"':
                    in_string = True
                elif char in "{[":
                    depth += 1
                elif char in "}]":
                    depth -= 1
                    if depth == 0:
                        self._at = at
                        return
            self._at = at
        raise UnsupportedFile(self._malformed)

    def _loads(self, text: str) -> Any:
        try:
            return self._decoder.decode(text)
        except (ValueError, RecursionError):
            raise UnsupportedFile(self._malformed) from None

    # The items of an array (the read position is just past its opening bracket).

    def _items(self) -> Iterator[tuple[int, Any]]:
        row_limit = self._limits.max_row_chars
        raw_decode = self._decoder.raw_decode
        buf, at = self._chunk, self._at
        number = 0
        while True:
            buf, at = self._skip_space(buf, at)
            if number == 0 and buf[at] == "]":  # an empty array
                self._chunk, self._at = buf, at + 1
                return
            number += 1
            # The fast way: the decoder parses the item from the text read so far, reading more
            # while the item goes on past it (up to the row limit).
            value: Any = _FAILED
            while True:
                try:
                    value, end = raw_decode(buf, at)
                    if end < len(buf):  # ended before the text read does (a number may go on)
                        break
                except json.JSONDecodeError:
                    pass
                except (ValueError, RecursionError):  # a number past 4,300 digits; deep nesting
                    value = _FAILED
                    break
                value = _FAILED
                held = len(buf) - at
                if held > row_limit:
                    break
                more = self._read(min(max(CHUNK, held), row_limit + CHUNK - held))
                if not more:
                    break
                buf, at = buf[at:] + more, 0
            if value is _FAILED:  # the scanner says what is wrong, holding no more than the limit
                item, buf, at, closed = self._scanned_item(number, buf, at)
            else:
                item = self._checked(number, value, buf, at, end)
                buf, at = self._skip_space(buf, end)
                closed = buf[at] == "]"
                if not closed and buf[at] != ",":
                    raise UnsupportedFile(self._malformed)
                at += 1
            yield number, item
            if closed:
                self._chunk, self._at = buf, at
                return

    def _skip_space(self, buf: str, at: int) -> tuple[str, int]:
        while True:
            found = _NOT_SPACE.search(buf, at)
            if found:
                return buf, found.start()
            buf, at = self._read(), 0
            if not buf:
                raise UnsupportedFile(self._malformed)

    def _checked(self, number: int, value: Any, buf: str, start: int, end: int) -> Any:
        """A parsed item, or a RejectedRow when it is past a limit."""
        limits = self._limits
        # In the scanner's order: a long string or deep nesting says more than the length it makes.
        if end - start > limits.max_field_chars and longest_string(value) > limits.max_field_chars:
            return RejectedRow(number, self._field_too_long)
        brackets = buf.count("{", start, end) + buf.count("[", start, end)
        if brackets > limits.max_json_depth and _depth(value) > limits.max_json_depth:
            return RejectedRow(number, self._too_deep)
        if end - start > limits.max_row_chars:
            return RejectedRow(number, self._too_long)
        return value

    def _scanned_item(self, number: int, buf: str, at: int) -> tuple[Any, str, int, bool]:
        """Scan one item from `at` to the comma or bracket that ends it, holding no more of it than
        the row limit: (the item or a RejectedRow, the text and position after it, whether the
        array ended)."""
        limits = self._limits
        in_string = escape = active = False
        depth = item_chars = string_chars = 0
        pieces: list[str] | None = []
        reason = ""
        while True:
            end = len(buf)
            item_from = at
            while at < end:
                if in_string:
                    if escape:
                        escape, at, string_chars = False, at + 1, string_chars + 1
                        continue
                    found = _IN_STRING.search(buf, at)
                    stop = found.start() if found else end
                    string_chars += stop - at
                    if found is None:
                        at = end
                    elif buf[stop] == "\\":
                        escape, at, string_chars = True, stop + 1, string_chars + 1
                    else:
                        in_string, at = False, stop + 1
                    if string_chars > limits.max_field_chars and not reason:
                        reason = self._field_too_long
                    continue
                found = _STRUCTURE.search(buf, at)
                stop = found.start() if found else end
                if depth == 0 and buf[at:stop].strip():
                    active = True  # a number, true, false or null item
                if found is None:
                    at = end
                    continue
                char, at = buf[stop], stop + 1
                if char == '"':
                    in_string, string_chars, active = True, 0, True
                elif char in "{[":
                    depth, active = depth + 1, True
                    if depth > limits.max_json_depth and not reason:
                        reason = self._too_deep
                elif depth > 0 and char in "}]":
                    depth -= 1
                elif depth == 0 and char in ",]":  # the end of the item
                    if not active:
                        raise UnsupportedFile(self._malformed)
                    if pieces is not None:
                        pieces.append(buf[item_from:stop])
                        if item_chars + stop - item_from > limits.max_row_chars:
                            pieces, reason = None, reason or self._too_long
                    return self._item(number, pieces, reason), buf, at, char == "]"
                elif depth == 0:
                    raise UnsupportedFile(self._malformed)
            if pieces is not None:
                pieces.append(buf[item_from:])
                item_chars += end - item_from
                if item_chars > limits.max_row_chars:
                    pieces, reason = None, reason or self._too_long
            buf, at = self._read(), 0
            if not buf:
                raise UnsupportedFile(self._malformed)

    def _item(self, number: int, pieces: list[str] | None, reason: str) -> Any:
        if reason or pieces is None:
            return RejectedRow(number, reason)
        try:
            return self._decoder.decode("".join(pieces))
        except RecursionError:
            return RejectedRow(number, f"the {self._noun} is nested too deeply")
        except json.JSONDecodeError:
            raise UnsupportedFile(self._malformed) from None
        except ValueError:  # well-formed, but an integer past Python's 4,300 digits
            return RejectedRow(number, f"the {self._noun} holds a number too long to read")


def _depth(value: Any) -> int:
    """How deep objects and arrays nest in a parsed value (an object holding a list: 2)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


# Opening an API page: the head of the file, what it shows, and the file object the importers return.

HEAD_BYTES = 65536
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")


def read_head(binary: IO[bytes], expected: str) -> tuple[int, str]:
    """The file's size and its first 64 KiB as text; `UnsupportedFile` for an empty or binary file."""
    binary.seek(0, io.SEEK_END)
    size = binary.tell()
    binary.seek(0)
    head = binary.read(HEAD_BYTES)
    binary.seek(0)
    if not head.strip():
        raise UnsupportedFile("The file is empty. " + expected)
    if b"\x00" in head or head.startswith(b"PK"):
        raise UnsupportedFile("The file is not JSON text. " + expected)
    return size, head.decode("utf-8-sig", errors="replace")


class Peek(NamedTuple):
    """What the head of a file shows of a page: the key of its array (None when it is no such page),
    its first item (None when the head holds none whole), whether the array is empty, the short
    scalar values of the other keys seen so far, and `fields`: the first item's keys; when the item
    goes on past the head, the key names the head shows (any level: an approximation)."""

    key: str | None
    first: Any
    empty: bool
    envelope: dict[str, Any]
    fields: frozenset[str]


_KEY_NAME = re.compile(r'"([A-Za-z_][A-Za-z0-9_]{0,39})"\s*:')


def peek(head: str, key: str | tuple[str, ...]) -> Peek:
    scanner = JsonArrayItems(io.BytesIO(head.encode("utf-8", errors="replace")), key=key)
    first, empty, cut = None, False, False
    try:
        for _, item in scanner:
            first = item
            break
        else:
            empty = True
    except UnsupportedFile:
        cut = len(head) >= HEAD_BYTES // 2  # (decoded text can be shorter than the bytes read)
    if type(first) is RejectedRow:
        first = None
    if isinstance(first, dict):
        fields = frozenset(first)
    elif first is None and cut and scanner.key is not None:
        fields = frozenset(_KEY_NAME.findall(head))
    else:
        fields = frozenset()
    return Peek(scanner.key, first, empty and scanner.key is not None, dict(scanner.envelope), fields)


def described(head: str, key: str | tuple[str, ...], noun: str) -> str:
    """Why the head is not the page expected, in a sentence that quotes no values (only field names)."""
    text = head.lstrip("\ufeff \t\r\n")
    if not text.startswith(("{", "[")):
        return "The file is not JSON."
    if text.startswith("["):
        return "The file is a JSON array, not a page object (an audit-log export?)."
    seen = peek(head, key)
    keys = (key,) if isinstance(key, str) else key
    if seen.key is None:
        return f"The JSON has no {' or '.join(repr(k) for k in keys)} list of {noun}s."
    if not isinstance(seen.first, dict):
        return f"The first item of its {seen.key!r} list is not one of the {noun}s expected."
    names = [name for name in seen.first if _FIELD_NAME.fullmatch(name)]
    if len(names) < len(seen.first):
        return f"The first item of its {seen.key!r} list is not a {noun}."
    return f"The first item of its {seen.key!r} list is not a {noun} (its fields: {', '.join(names[:12])})."


MAX_UNKNOWN_KINDS = 100  # distinct unknown names counted one by one per file; the rest together


class JsonPage:
    """An API page opened for reading: `format`, `progress` (the share of the file read), `rows()`,
    `unknown` (names the importer does not know, counted: {"tool:foo_tool": 3}) and, once `rows()`
    is exhausted, `envelope` (the page's short scalar values, e.g. has_more and next_page)."""

    format = ""
    expected = ""  # what the file should have been, for the person who uploaded it

    def __init__(self, binary: IO[bytes], size: int, limits: ImportLimits = DEFAULT_LIMITS):
        self._binary = binary
        self._size = max(size, 1)
        self.limits = limits
        self.unknown: Counter[str] = Counter()
        self.envelope: dict[str, Any] = {}

    @property
    def progress(self) -> float:
        try:
            return min(self._binary.tell() / self._size, 1.0)
        except (OSError, ValueError):
            return 0.0

    def rows(self) -> Iterator[Any]:
        try:
            yield from self._rows()
        except UnicodeDecodeError:
            raise UnsupportedFile("The file is not UTF-8 text. " + self.expected) from None

    def _rows(self) -> Iterator[Any]:
        raise NotImplementedError

    def note_unknown(self, kind: str, name: str) -> None:
        key = f"{kind}:{name[:100]}"
        if key in self.unknown or len(self.unknown) < MAX_UNKNOWN_KINDS:
            self.unknown[key] += 1
        else:
            self.unknown[f"{kind}:(others)"] += 1
