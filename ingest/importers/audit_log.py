"""Claude for Enterprise audit-log exports: the export ZIP, the CSV inside it, or the same
events as a JSON array or as JSON lines (formats.md §1). The format is read from the content,
never from the file name.

`open_audit_log(binary_file, limits=...)` checks the file and returns an `AuditLogFile`; iterating its
`rows()` yields an `AuditRecord` for each readable row and a `RejectedRow` (line and reason)
for each row that is not. A file that is not an audit log raises `UnsupportedFile` with a
message saying what was expected, before any row is yielded where that can be known.

Hostile files stay in bounded memory (`ImportLimits`): no line, row, JSON item or field is held
past its limit (a longer one is read past in chunks and rejected, the file goes on), JSON nested
deeper than the limit is a rejected row, and a ZIP member that inflates past a size or ratio cap
fails the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import IO, Any, NamedTuple

from .common import (
    CHUNK,
    DEFAULT_LIMITS,
    BoundedLines,
    ImportLimits,
    RejectedRow,
    RowTooLong,
    UnsupportedFile,
    longest_string,
    nested_deeper_than,
    size_text,
)
from .info_cell import UnreadableCell, parse_info_cell
from .json_stream import JsonArrayItems

REQUIRED_COLUMNS = ("created_at", "event", "actor_info")
EXPECTED = (
    "Expected a Claude for Enterprise audit-log export: the ZIP from Settings › Data and Privacy, "
    "the audit_logs.csv inside it (columns created_at, actor_info, event, …), "
    "or the same events as a JSON array or JSON lines."
)

# Documented event names (formats.md §1.3). Others are kept, and counted as unknown.
KNOWN_EVENTS = frozenset(
    """
    user_signed_in_sso user_signed_in_google user_signed_in_apple user_signed_out
    user_requested_magic_link user_attempted_magic_link_verification user_sent_phone_code
    user_verified_phone_code user_name_changed conversation_created conversation_renamed
    conversation_deleted project_created project_renamed project_deleted
    project_visibility_changed project_document_created project_document_deleted file_uploaded
    org_user_invite_sent org_user_invite_re_sent org_user_invite_accepted org_user_invite_rejected
    org_user_invite_deleted org_user_deleted org_sso_toggled org_sso_add_initiated
    org_sso_connection_activated org_sso_connection_deactivated org_sso_connection_deleted
    org_jit_toggled org_domain_add_initiated org_domain_verified org_data_export_started
    org_data_export_completed
    """.split()
)

# The longest values the database columns take (ingest.models; this module has no ORM). A row
# with a longer event name, entity id or actor email/uuid is rejected rather than let it fail the
# whole upload on PostgreSQL; a longer name is cut.
MAX_EVENT, MAX_ENTITY_TYPE, MAX_ENTITY_ID = 100, 50, 100
MAX_EMAIL, MAX_UUID, MAX_NAME = 254, 64, 200

_PLATFORMS = {"web_claude_ai": "web", "desktop_app": "desktop", "ios": "mobile", "android": "mobile"}
_NONE_TEXT = frozenset({"", "None", "null", "NULL"})


class AuditRecord(NamedTuple):
    line: int
    occurred_at: datetime  # aware, UTC
    instant: str  # the same, as YYYY-MM-DDTHH:MM:SS.ffffff
    event: str
    actor_email: str  # lower-cased; "" for service accounts and actor-less rows
    actor_name: str
    actor_uuid: str
    entity_type: str
    entity_id: str
    client_platform: str  # web, desktop, mobile, other or ""
    dedupe_key: str


def coarse_platform(raw: str) -> str:
    raw = raw.strip()
    if raw in _NONE_TEXT:  # before lower-casing: "None" is Python's spelling of no value
        return ""
    raw = raw.lower()
    if raw in _PLATFORMS:
        return _PLATFORMS[raw]
    for hint, platform in (("web", "web"), ("desktop", "desktop"), ("ios", "mobile"), ("android", "mobile")):
        if hint in raw:
            return platform
    return "other"


_platform_cache: dict[str, str] = {}


def _platform(raw: str) -> str:
    platform = _platform_cache.get(raw)
    if platform is None:
        platform = coarse_platform(raw)
        if len(_platform_cache) < 1000:  # an open enum with a handful of values; bound it anyway
            _platform_cache[raw] = platform
    return platform


def dedupe_key(*, instant: str, event: str, actor: str, entity_id: str, device_id: str) -> str:
    """The identity of an event, whatever file, format or spelling of the instant it came in.

    `instant` is the UTC instant as YYYY-MM-DDTHH:MM:SS.ffffff (see `canonical_instant`). The key
    starts with the instant's 20 digits, so new keys land at the end of the unique index instead
    of at random places in it (several times faster inserts); 48 bits of a hash of the whole
    identity follow, to tell apart events of the same microsecond.
    """
    digest = hashlib.blake2b(f"{instant}|{event}|{actor}|{entity_id}|{device_id}".encode(), digest_size=6).hexdigest()
    return instant.translate(_DIGITS_ONLY) + digest


_DIGITS_ONLY = str.maketrans("", "", "-T:.")


def canonical_instant(occurred_at: datetime) -> str:
    return occurred_at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


# An actor is (email, uuid, name), or a reject reason. Actors repeat on every row a person
# writes, so a CSV's actor cells are read once each; entity cells are unique per row.
_Actor = tuple[str, str, str] | str


def _actor_parsed(value: Any) -> _Actor:
    try:
        actor = parse_info_cell(value)
    except UnreadableCell:
        return "actor_info could not be read"
    metadata = actor.get("metadata")
    email = _text(metadata.get("email_address")).strip().lower() if type(metadata) is dict else ""
    uuid = _text(actor.get("uuid")).strip()
    if email and (len(email) > MAX_EMAIL or len(uuid) > MAX_UUID):
        return _too_long(email=email, uuid=uuid)
    return email, uuid, (_text(actor.get("name")).strip()[:MAX_NAME] if email else "")


_actor_from_text = lru_cache(maxsize=50_000)(_actor_parsed)


def _actor(value: Any) -> _Actor:
    """A CSV's actor cell (text, cached) or a JSON file's actor_info value (a dict, or text)."""
    return _actor_from_text(value) if type(value) is str else _actor_parsed(value)


def sqlite_instant(instant: str) -> str:
    """What Django's SQLite backend stores for a UTC instant given as YYYY-MM-DDTHH:MM:SS.ffffff."""
    text = instant[:10] + " " + instant[11:]
    return text[:19] if text.endswith(".000000") else text


def normalise_row(
    line: int,
    created_at: Any,
    event: Any,
    actor_info: Any,
    entity_info: Any,
    device_id: Any,
    client_platform: Any,
) -> AuditRecord | RejectedRow:
    """Turn one row's cells (CSV text or JSON values) into a record, or say why it cannot be read.

    This runs once per row of files with millions of rows: keep it lean.
    """
    event = (event if type(event) is str else _text(event)).strip()
    if not event:
        return RejectedRow(line, "missing event name")
    stamp = (created_at if type(created_at) is str else _text(created_at)).strip()
    if not stamp:
        return RejectedRow(line, "missing created_at timestamp")
    try:
        occurred_at = datetime.fromisoformat(stamp)
    except ValueError:
        try:  # RFC 3339 allows a lower-case "z", which fromisoformat does not (only tried on failure)
            occurred_at = datetime.fromisoformat(stamp[:-1] + "Z" if stamp[-1] == "z" else "")
        except ValueError:
            return RejectedRow(line, "created_at is not an ISO 8601 timestamp")
    if len(stamp) == 27 and stamp[26] == "Z" and stamp[19] == "." and stamp[10] == "T":
        instant = stamp[:26]  # the export's own spelling is already canonical
    elif occurred_at.tzinfo is None:
        return RejectedRow(line, "created_at has no UTC offset (was the file re-saved by a spreadsheet?)")
    else:
        occurred_at = occurred_at.astimezone(UTC)
        instant = canonical_instant(occurred_at)
    actor = _actor(actor_info)
    if type(actor) is str:
        return RejectedRow(line, actor)
    email, uuid, name = actor
    try:
        entity = parse_info_cell(entity_info)
    except UnreadableCell:
        return RejectedRow(line, "entity_info could not be read")
    entity_id = _text(entity.get("uuid")).strip()
    entity_type = _text(entity.get("type")).strip()
    # PostgreSQL text cannot hold NUL: one such row must not fail the whole upload. (NUL in a
    # CSV's actor or entity cell already made it unreadable.)
    if len(event) > MAX_EVENT or len(entity_id) > MAX_ENTITY_ID or len(entity_type) > MAX_ENTITY_TYPE or "\x00" in event:
        return RejectedRow(line, _too_long(event=event, entity_id=entity_id, entity_type=entity_type))
    device = (device_id if type(device_id) is str else _text(device_id)).strip()
    if device in _NONE_TEXT:
        device = ""
    return AuditRecord(
        line,
        occurred_at,
        instant,
        event,
        email,
        name,
        uuid,
        entity_type,
        entity_id,
        _platform(client_platform if type(client_platform) is str else _text(client_platform)),
        dedupe_key(instant=instant, event=event, actor=uuid or email, entity_id=entity_id, device_id=device),
    )


_LIMITS = {
    "event": ("event name", MAX_EVENT),
    "entity_id": ("entity_info uuid", MAX_ENTITY_ID),
    "entity_type": ("entity_info type", MAX_ENTITY_TYPE),
    "email": ("actor email", MAX_EMAIL),
    "uuid": ("actor uuid", MAX_UUID),
}


def _too_long(**values: str) -> str:
    for key, value in values.items():
        label, limit = _LIMITS[key]
        if "\x00" in value:
            return f"{label} holds a NUL character"
        if len(value) > limit:
            return f"{label} is longer than {limit} characters"
    return "a value is too long"


class AuditLogFile:
    """An audit-log export opened for reading. `progress` is the share of the file read so far."""

    def __init__(self, binary: IO[bytes], format: str, size: int, zip_member: str = "", limits: ImportLimits = DEFAULT_LIMITS):
        self._binary = binary
        self.format = format
        self._size = max(size, 1)
        self._zip_member = zip_member
        self.limits = limits
        self._columnar = None
        self.read_columnar = False  # whether rows() read the file column-wise (audit_columnar)

    @property
    def progress(self) -> float:
        if self._columnar is not None:
            return self._columnar.progress
        try:
            return min(self._binary.tell() / self._size, 1.0)
        except (OSError, ValueError):
            return 0.0

    def rows(self) -> Iterator[AuditRecord | RejectedRow]:
        """Every row as a record or a rejection. A large plain CSV (or the CSV of a ZIP) is read
        column-wise by DuckDB (audit_columnar), with the same records and rejections."""
        from .audit_columnar import COLUMNAR_MIN_BYTES, columnar_rows, columnar_workdir

        try:
            if self.format in ("csv", "zip") and self._csv_size() >= COLUMNAR_MIN_BYTES:
                with columnar_workdir() as workdir:
                    source = self._csv_extracted(workdir) if self.format == "zip" else self._binary
                    self._columnar = columnar_rows(source, limits=self.limits, workdir=workdir)
                    if self._columnar is not None:
                        self.read_columnar = True
                        yield from self._columnar
                        return
                self._binary.seek(0)
            yield from self._rows_one_by_one()
        except UnicodeDecodeError:
            raise UnsupportedFile("The file is not UTF-8 text. " + EXPECTED) from None
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise UnsupportedFile(f"The ZIP archive is damaged ({exc}). Download the export again.") from None
        except csv.Error as exc:
            raise UnsupportedFile(f"The CSV is malformed ({exc}).") from None

    def _csv_size(self) -> int:
        if self.format == "csv":
            return self._size
        with zipfile.ZipFile(self._binary) as archive:
            size = archive.getinfo(self._zip_member).file_size
        self._binary.seek(0)
        return size

    def _csv_extracted(self, workdir: str) -> str:
        """The ZIP's CSV inflated into `workdir`, with the inflation caps counted on the way."""
        path = f"{workdir}/audit_logs.csv"
        with zipfile.ZipFile(self._binary) as archive, archive.open(self._zip_member) as member, open(path, "wb") as out:
            guarded = _InflateGuard(member, archive.getinfo(self._zip_member), self.limits)
            while block := guarded.read(1 << 20):
                out.write(block)
        self._binary.seek(0)
        return path

    def _rows_one_by_one(self) -> Iterator[AuditRecord | RejectedRow]:
        if self.format == "zip":
            with zipfile.ZipFile(self._binary) as archive, archive.open(self._zip_member) as member:
                info = archive.getinfo(self._zip_member)
                guarded = io.BufferedReader(_InflateGuard(member, info, self.limits), CHUNK)
                yield from _csv_rows(guarded, self.limits)
        elif self.format == "csv":
            yield from _csv_rows(self._binary, self.limits)
        elif self.format == "json":
            yield from _json_array_rows(self._binary, self.limits)
        else:
            yield from _json_lines_rows(self._binary, self.limits)


class _InflateGuard(io.RawIOBase):
    """A ZIP member read with the inflated-size and ratio caps counted on the bytes it really gives
    (the sizes a ZIP declares are checked first, in _zip_member, but can lie)."""

    def __init__(self, member: IO[bytes], info: zipfile.ZipInfo, limits: ImportLimits):
        self._member = member
        self._info = info
        self._limits = limits
        self.inflated = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._member.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        self.inflated += count
        _inflation_check(self._info, self.inflated, self._limits)
        return count


def _inflation_check(info: zipfile.ZipInfo, inflated: int, limits: ImportLimits) -> None:
    name = info.filename.rsplit("/", 1)[-1][:80]
    if inflated > limits.zip_max_inflated_bytes:
        raise UnsupportedFile(
            f"The ZIP's {name} inflates to more than {limits.zip_max_inflated_bytes / 1024**3:g} GiB, the limit "
            "(IMPORT_ZIP_MAX_INFLATED_BYTES); nothing from this file was kept. Split the export, or upload its CSV."
        )
    ratio = inflated / max(info.compress_size, 1)
    if inflated > 1024**2 and ratio > limits.zip_max_ratio:
        raise UnsupportedFile(
            f"The ZIP's {name} inflates {ratio:,.0f} times its compressed size ({size_text(info.compress_size)} to "
            f"{size_text(inflated)} or more); the limit is {limits.zip_max_ratio} times (IMPORT_ZIP_MAX_RATIO), as no "
            "real export compresses that well (a ZIP bomb?). Nothing from this file was kept."
        )


def open_audit_log(binary: IO[bytes], *, limits: ImportLimits = DEFAULT_LIMITS) -> AuditLogFile:
    """Detect the format from the content and check the file's structure."""
    binary.seek(0, io.SEEK_END)
    size = binary.tell()
    binary.seek(0)
    head = binary.read(65536)
    binary.seek(0)
    if not head.strip():
        raise UnsupportedFile("The file is empty. " + EXPECTED)
    if head.startswith(b"PK"):
        return AuditLogFile(binary, "zip", size, _zip_member(binary, limits), limits)
    if b"\x00" in head:
        raise UnsupportedFile("The file is neither a ZIP, CSV nor JSON file. " + EXPECTED)
    text = head.decode("utf-8-sig", errors="replace").lstrip()
    if text.startswith("["):
        _check_json_array(binary, limits)
        return AuditLogFile(binary, "json", size, limits=limits)
    if text.startswith("{"):
        _check_json_lines(text)
        return AuditLogFile(binary, "jsonl", size, limits=limits)
    _check_csv_header(text)
    return AuditLogFile(binary, "csv", size, limits=limits)


def _zip_member(binary: IO[bytes], limits: ImportLimits) -> str:
    try:
        with zipfile.ZipFile(binary) as archive:
            csvs = [
                info
                for info in archive.infolist()
                if not info.is_dir() and info.filename.lower().endswith(".csv") and "__MACOSX" not in info.filename
            ]
            if not csvs:
                raise UnsupportedFile("The ZIP holds no CSV file. " + EXPECTED)
            named = [i for i in csvs if i.filename.rsplit("/", 1)[-1].lower() == "audit_logs.csv"]
            audit = [i for i in csvs if "audit" in i.filename.lower()]
            chosen = (named or audit or sorted(csvs, key=lambda i: i.file_size, reverse=True))[0]
            if chosen.flag_bits & 0x1:
                raise UnsupportedFile("The ZIP is password-protected; upload the export as downloaded.")
            _inflation_check(chosen, chosen.file_size, limits)  # as declared; checked again while reading
            with archive.open(chosen) as member:
                head = member.read(65536)
            _check_csv_header(head.decode("utf-8-sig", errors="replace"))
            return chosen.filename
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise UnsupportedFile("The ZIP archive is damaged or incomplete (a truncated download?). " + EXPECTED) from None
    finally:
        binary.seek(0)


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get)


def _header_columns(header_line: str) -> list[str]:
    row = next(csv.reader([header_line], delimiter=_delimiter(header_line)), [])
    return [cell.strip().lstrip("\ufeff").lower() for cell in row]


_COLUMN_NAME = re.compile(r"[a-z][a-z0-9_ ]{0,39}")


def _check_csv_header(text: str) -> None:
    header_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    columns = _header_columns(header_line)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        if "\ufffd" in header_line:
            raise UnsupportedFile("The file is neither a ZIP, CSV nor JSON file (it is not UTF-8 text). " + EXPECTED)
        names = [c for c in columns if c]
        # Quote the first line only when it is a header: a headerless export's first line is an
        # event, with an IP address, user agent and event_info that must not end up in the error.
        if names and all(_COLUMN_NAME.fullmatch(c) for c in names):
            found = "found: " + ", ".join(names[:12])[:300]
        else:
            found = "its first line is not a row of column names"
        raise UnsupportedFile(f"The CSV lacks the column(s) {', '.join(missing)} ({found}). " + EXPECTED)


def _csv_rows(binary: IO[bytes], limits: ImportLimits = DEFAULT_LIMITS) -> Iterator[AuditRecord | RejectedRow]:
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    lines = BoundedLines(text, limits.max_row_chars)
    try:
        header_line = next(lines, "")
        while header_line and not header_line.strip():  # blank lines before the header
            lines.record_chars = 0
            header_line = next(lines, "")
    except RowTooLong:
        raise UnsupportedFile(f"The CSV's first line is longer than {size_text(limits.max_row_chars)}. " + EXPECTED) from None
    delimiter = _delimiter(header_line)
    columns = _header_columns(header_line)
    index = {name: columns.index(name) for name in set(columns)}
    reader = csv.reader(lines, delimiter=delimiter)
    width = len(columns)
    i_created, i_event, i_actor = index["created_at"], index["event"], index["actor_info"]
    i_entity, i_device, i_platform = (index.get(n, width) for n in ("entity_info", "device_id", "client_platform"))
    too_long = f"the row is longer than {size_text(limits.max_row_chars)} (IMPORT_MAX_ROW_BYTES)"
    field_too_long = f"a field is longer than {size_text(limits.max_field_chars)} (IMPORT_MAX_FIELD_BYTES)"
    previous_field_limit = csv.field_size_limit(limits.max_field_chars)
    try:
        yield from _csv_records(
            reader, lines, width, (i_created, i_event, i_actor, i_entity, i_device, i_platform), too_long, field_too_long
        )
    finally:
        csv.field_size_limit(previous_field_limit)
    text.detach()


def _csv_records(reader, lines: BoundedLines, width: int, columns, too_long: str, field_too_long: str):
    i_created, i_event, i_actor, i_entity, i_device, i_platform = columns
    while True:
        start = lines.line + 1
        lines.record_chars = lines.record_quotes = 0
        try:
            row = next(reader)
        except StopIteration:
            return
        except RowTooLong:
            lines.skip_open_quote()
            yield RejectedRow(start, too_long)
            continue
        except csv.Error as exc:
            if "field limit" not in str(exc):
                raise
            lines.skip_open_quote()
            yield RejectedRow(start, field_too_long)
            continue
        if lines.exhausted and lines.line > start and lines.record_quotes % 2:
            raise csv.Error(f"a quoted field opened on line {start} is never closed")
        cells = len(row)
        if not cells or (cells == 1 and not row[0].strip()):
            continue
        # Cells past the header's are ignored; a missing optional column reads row[width], kept "".
        if cells != width:
            if cells < width:
                row += [""] * (width - cells)
            else:
                del row[width:]
        row.append("")
        yield normalise_row(start, row[i_created], row[i_event], row[i_actor], row[i_entity], row[i_device], row[i_platform])


def _json_record(line: int, item: Any) -> AuditRecord | RejectedRow:
    if not isinstance(item, dict):
        return RejectedRow(line, "not a JSON object")
    record = normalise_row(
        line,
        item.get("created_at"),
        item.get("event"),
        item.get("actor_info"),
        item.get("entity_info"),
        item.get("device_id"),
        item.get("client_platform"),
    )
    # JSON values are not read through the cell parser, which turns away NUL characters.
    if type(record) is AuditRecord and "\x00" in (
        record.actor_email + record.actor_name + record.actor_uuid + record.entity_type + record.entity_id
    ):
        return RejectedRow(line, "a value holds a NUL character")
    return record


_MALFORMED_JSON = "The JSON is malformed or ends early. " + EXPECTED


def _json_array_items(binary: IO[bytes], limits: ImportLimits) -> Iterator[tuple[int, Any]]:
    """The items of the top-level JSON array, numbered from 1, each parsed on its own (json_stream)."""
    return iter(JsonArrayItems(binary, limits, noun="event", malformed=_MALFORMED_JSON))


def _check_json_array(binary: IO[bytes], limits: ImportLimits = DEFAULT_LIMITS) -> None:
    try:
        first = next(_json_array_items(binary, limits), (0, None))[1]
    except UnsupportedFile:
        first = None
    binary.seek(0)
    if not isinstance(first, dict) or "created_at" not in first or "event" not in first:
        raise UnsupportedFile("The JSON array does not hold audit-log events (objects with created_at and event). " + EXPECTED)


def _json_array_rows(binary: IO[bytes], limits: ImportLimits = DEFAULT_LIMITS) -> Iterator[AuditRecord | RejectedRow]:
    for number, item in _json_array_items(binary, limits):
        yield item if type(item) is RejectedRow else _json_record(number, item)


def _check_json_lines(text: str) -> None:
    first_line = text.split("\n", 1)[0].strip()
    try:
        first = json.loads(first_line)
    except ValueError:
        first = None
    if not isinstance(first, dict) or "created_at" not in first or "event" not in first:
        raise UnsupportedFile("Expected JSON lines, one audit-log event object per line. " + EXPECTED)


def _json_lines_rows(binary: IO[bytes], limits: ImportLimits = DEFAULT_LIMITS) -> Iterator[AuditRecord | RejectedRow]:
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline=None)
    lines = BoundedLines(text, limits.max_row_chars)
    while True:
        lines.record_chars = 0
        try:
            raw = next(lines)
        except StopIteration:
            break
        except RowTooLong:
            yield RejectedRow(lines.line, f"the line is longer than {size_text(limits.max_row_chars)} (IMPORT_MAX_ROW_BYTES)")
            continue
        number = lines.line
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except RecursionError:
            yield RejectedRow(number, "the event is nested too deeply")
            continue
        except ValueError:
            yield RejectedRow(number, "not valid JSON")
            continue
        if len(raw) > limits.max_field_chars and longest_string(item) > limits.max_field_chars:
            yield RejectedRow(number, f"a value is longer than {size_text(limits.max_field_chars)} (IMPORT_MAX_FIELD_BYTES)")
            continue
        if raw.count("{") + raw.count("[") > limits.max_json_depth and nested_deeper_than(item, limits.max_json_depth):
            yield RejectedRow(number, f"the event is nested more than {limits.max_json_depth} levels deep")
            continue
        yield _json_record(number, item)
    text.detach()
