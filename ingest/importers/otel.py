"""Claude Code OpenTelemetry as an OpenTelemetry Collector's file exporter writes it: OTLP JSON lines,
one `MetricsData` (`{"resourceMetrics": [...]}`) or `LogsData` (`{"resourceLogs": [...]}`) object
per line, one signal per file (formats.md §5). Pure parser: no ORM.

`open_otel(binary, limits=...)` reads the signal from the content and returns an `OtelFile`
(`format` "otel_metrics" or "otel_logs"); its `rows()` yields an `OtelPointRecord` per data point of
a known `claude_code.*` metric, an `OtelEventRecord` per kept event, and a `RejectedRow` for what
cannot be read: a line that is not JSON (its line), or one point or log record (its line and JSON
path, "resourceMetrics[0].scopeMetrics[0].metrics[2].sum.dataPoints[1]: negative value"); the
other points of the line go on.

Metrics are delta counters (Claude Code's default): their points are summed downstream, so a
cumulative metric is rejected rather than counted again and again. Values arrive as `asInt` (a
string) or `asDouble`; a negative value, or one past the bounds below, is a rejected point.
Unknown metrics and events are counted in `unknown` ("metric:<name>", "event:<name>"), known
events the portal does not keep in `skipped`; neither is yielded.

Events keep names, times, people, plugin, skill, MCP server, model, cost and status: never the
prompt text, tool input, error messages or bodies (the record has no field for them).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO, Any, NamedTuple

from .common import (
    DEFAULT_LIMITS,
    BoundedLines,
    ImportLimits,
    RejectedRow,
    RowTooLong,
    UnsupportedFile,
    longest_string,
    size_text,
)
from .records import OtelEventRecord, OtelPointRecord

METRICS_FORMAT = "otel_metrics"
LOGS_FORMAT = "otel_logs"
PREFIX = "claude_code."

EXPECTED = (
    "Expected Claude Code OpenTelemetry data as an OpenTelemetry Collector's file exporter writes it: "
    'OTLP JSON lines, one {"resourceMetrics": [...]} or {"resourceLogs": [...]} object per line.'
)

# Bounds for one data point (one exporter interval, 60 s by default, of one session): past them a
# point is rejected as absurd.
MAX_SESSIONS = 10_000
MAX_LINES = 10_000_000
MAX_COMMITS = 10_000
MAX_PULL_REQUESTS = 10_000
MAX_EDIT_DECISIONS = 1_000_000
MAX_COST_USD = Decimal(100_000)  # also one api_request event's cost_usd
MAX_TOKENS = 10_000_000_000
MAX_ACTIVE_SECONDS = 1_000_000
# Times outside these years are rejected (a zero or garbled timestamp, not 1970).
FIRST_YEAR, LAST_YEAR = 2000, 2100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FIRST_NANOS = int((datetime(FIRST_YEAR, 1, 1, tzinfo=UTC) - _EPOCH).total_seconds()) * 10**9
_LAST_NANOS = int((datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC) - _EPOCH).total_seconds()) * 10**9

# The longest kept values (database columns are not this module's business, but must be bounded).
MAX_EMAIL, MAX_UUID, MAX_ID, MAX_NAME = 254, 64, 100, 200
IDENTITY_HEX = 32  # sha256, truncated: 128 bits
MAX_COUNTED_NAMES = 1000  # distinct keys in `unknown` / `skipped`; past them "(other names)"


class MetricSpec(NamedTuple):
    kind_attribute: str  # the attribute that splits the metric, "" for none
    kinds: frozenset[str]  # its values the portal understands
    strict_kinds: bool  # another value is a rejected point (True) or kept and counted unknown (False)
    bound: Decimal
    whole: bool  # a count: the value must be a whole number


_NO_KINDS: frozenset[str] = frozenset()
METRICS: dict[str, MetricSpec] = {
    "session.count": MetricSpec("", _NO_KINDS, False, Decimal(MAX_SESSIONS), True),
    "lines_of_code.count": MetricSpec("type", frozenset({"added", "removed"}), True, Decimal(MAX_LINES), True),
    "commit.count": MetricSpec("", _NO_KINDS, False, Decimal(MAX_COMMITS), True),
    "pull_request.count": MetricSpec("", _NO_KINDS, False, Decimal(MAX_PULL_REQUESTS), True),
    "code_edit_tool.decision": MetricSpec("decision", frozenset({"accept", "reject"}), True, Decimal(MAX_EDIT_DECISIONS), True),
    "cost.usage": MetricSpec("", _NO_KINDS, False, MAX_COST_USD, False),
    "token.usage": MetricSpec(
        "type", frozenset({"input", "output", "cacheRead", "cacheCreation"}), False, Decimal(MAX_TOKENS), True
    ),
    "active_time.total": MetricSpec("type", frozenset({"user", "cli"}), False, Decimal(MAX_ACTIVE_SECONDS), False),
}
EDIT_TOOLS = frozenset({"Edit", "Write", "NotebookEdit", "MultiEdit"})

KEPT_EVENTS = frozenset(
    {"plugin_installed", "plugin_loaded", "skill_activated", "mcp_server_connection", "api_request", "api_error", "user_prompt"}
)
# Documented events the portal does not keep (counted in `skipped`, not `unknown`).
SKIPPED_EVENTS = frozenset(
    [
        "tool_result",
        "tool_decision",
        "assistant_response",
        "api_refusal",
        "api_request_body",
        "api_response_body",
        "permission_mode_changed",
        "auth",
        "internal_error",
        "at_mention",
        "api_retries_exhausted",
        "hook_registered",
        "hook_execution_start",
        "hook_execution_complete",
        "hook_plugin_metrics",
        "compaction",
        "feedback_survey",
        "subagent_completed",
        "managed_settings_resolved",
    ]
)
# Attribute spellings, first found wins.
_PLUGIN = ("plugin.name", "plugin_name")
_SKILL = ("skill.name", "skill_name")
_MCP_SERVER = ("server_name", "mcp_server.name", "mcp_server_name", "mcp.server.name", "server.name")
_STATUS = {"api_error": ("status_code", "http.status_code"), "mcp_server_connection": ("status",)}

_OTLP_START = re.compile(r'\s*\{\s*"(resourceMetrics|resourceLogs|resourceSpans)"\s*:')
_DIGITS = re.compile(r"[0-9]{1,25}")
_INTEGER = re.compile(r"-?[0-9]{1,40}")


def _signal(head: str) -> str:
    match = _OTLP_START.match(head.lstrip("\ufeff"))
    return match.group(1) if match else ""


def sniff_metrics(head: str) -> bool:
    """True when the first 64 KiB (decoded) starts with an OTLP `MetricsData` line."""
    return _signal(head) == "resourceMetrics"


def sniff_logs(head: str) -> bool:
    """True when the first 64 KiB (decoded) starts with an OTLP `LogsData` line."""
    return _signal(head) == "resourceLogs"


def sniff(head: str) -> bool:
    """True when the first 64 KiB (decoded) is OTLP JSON lines of metrics or logs."""
    return _signal(head) in ("resourceMetrics", "resourceLogs")


class _Bad(Exception):
    """A point or log record that cannot be read; the message is the reason (JSON path first)."""


def _count(counter: Counter[str], key: str) -> None:
    key = key[:120].replace("\x00", "?")
    if key not in counter and len(counter) >= MAX_COUNTED_NAMES:
        key = "(other names)"
    counter[key] += 1


# ---- OTLP JSON values ---------------------------------------------------------------------


def _any_value(value: Any, path: str, depth: int, limit: int) -> Any:
    """An OTLP AnyValue as a plain value: str, bool, int, float, list, dict or None."""
    if depth > limit:
        raise _Bad(f"{path}: nested more than {limit} levels deep")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Bad(f"{path}: not an OTLP AnyValue object")
    if "stringValue" in value:
        text = value["stringValue"]
        return text if isinstance(text, str) else _text(text)
    if "intValue" in value:
        number = value["intValue"]
        if type(number) is int:
            return number
        if isinstance(number, str) and _INTEGER.fullmatch(number):
            return int(number)
        raise _Bad(f"{path}.intValue: not a whole number")
    if "doubleValue" in value:
        number = value["doubleValue"]
        try:
            return float(number)
        except (TypeError, ValueError):
            raise _Bad(f"{path}.doubleValue: not a number") from None
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "arrayValue" in value:
        items = _values(value["arrayValue"], f"{path}.arrayValue")
        return [_any_value(v, f"{path}.arrayValue.values[{i}]", depth + 1, limit) for i, v in enumerate(items)]
    if "kvlistValue" in value:
        items = _values(value["kvlistValue"], f"{path}.kvlistValue")
        return _attributes(items, f"{path}.kvlistValue", depth + 1, limit, field="values")
    if "bytesValue" in value:
        return _text(value["bytesValue"])
    return None


def _values(container: Any, path: str) -> list[Any]:
    """The `values` list of an ArrayValue or KeyValueList ({} and null are empty)."""
    if container is None:
        return []
    items = container.get("values") if isinstance(container, dict) else None
    if items is None and isinstance(container, dict):
        return []
    if not isinstance(items, list):
        raise _Bad(f"{path}: not a list of values")
    return items


def _attributes(items: Any, path: str, depth: int, limit: int, field: str = "attributes") -> dict[str, Any]:
    if items is None:
        return {}
    if not isinstance(items, list):
        raise _Bad(f"{path}.{field}: not a list")
    result: dict[str, Any] = {}
    for i, item in enumerate(items):
        if type(item) is not dict or type(item.get("key")) is not str:
            raise _Bad(f"{path}.{field}[{i}]: not a key and value")
        value = item.get("value")
        if type(value) is dict and len(value) == 1 and type(value.get("stringValue")) is str:  # most attributes
            result[item["key"]] = value["stringValue"]
        else:
            result[item["key"]] = _any_value(value, f"{path}.{field}[{i}].value", depth + 1, limit)
    return result


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _first(attributes: dict[str, Any], names: tuple[str, ...]) -> str:
    for name in names:
        value = attributes.get(name)
        if value is not None and value != "":
            return _text(value).strip()
    return ""


def _nanos(value: Any, path: str, *, required: bool) -> int:
    """A nanosecond Unix time (a string of digits, or a JSON number); 0 when absent and not required."""
    if value is None or value == "" or value == "0" or value == 0:
        if required:
            raise _Bad(f"{path}: missing")
        return 0
    if type(value) is int:
        nanos = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        nanos = int(value)
    else:
        raise _Bad(f"{path}: not a nanosecond Unix time")
    if not _FIRST_NANOS <= nanos < _LAST_NANOS:
        raise _Bad(f"{path}: not a time between {FIRST_YEAR} and {LAST_YEAR}")
    return nanos


def _instant(nanos: int) -> datetime:
    return _EPOCH + timedelta(microseconds=nanos // 1000)


def _digest(parts: list[Any]) -> str:
    payload = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:IDENTITY_HEX]


def point_identity(
    metric: str, point_attributes: dict[str, Any], resource_attributes: dict[str, Any], start: int, end: int
) -> str:
    """The identity of a data point: the metric's name as written, the point's and the resource's
    attributes (sorted by key, values typed), start and end time. The same point in another file,
    attributes in another order, has the same identity."""
    return _digest([metric, sorted(point_attributes.items()), sorted(resource_attributes.items()), start, end])


def _kept_text(label: str, value: str, limit: int) -> str:
    if "\x00" in value:
        raise _Bad(f"{label} holds a NUL character")
    if len(value) > limit:
        raise _Bad(f"{label} is longer than {limit} characters")
    return value


class _People(NamedTuple):
    email: str
    account_uuid: str
    session_id: str
    terminal: str


def _people(attributes: dict[str, Any], path: str) -> _People:
    return _People(
        _kept_text(f"{path}: user.email", _first(attributes, ("user.email",)).lower(), MAX_EMAIL),
        _kept_text(f"{path}: user.account_uuid", _first(attributes, ("user.account_uuid",)), MAX_UUID),
        _kept_text(f"{path}: session.id", _first(attributes, ("session.id",)), MAX_ID),
        _kept_text(f"{path}: terminal.type", _first(attributes, ("terminal.type",)), MAX_NAME),
    )


def _value(point: dict[str, Any], path: str, spec: MetricSpec) -> Decimal:
    if "asInt" in point:
        raw = point["asInt"]
        if type(raw) is int:
            value = Decimal(raw)
        elif isinstance(raw, str) and _INTEGER.fullmatch(raw.strip()):
            value = Decimal(raw.strip())
        else:
            raise _Bad(f"{path}.asInt: not a whole number")
    elif "asDouble" in point:
        raw = point["asDouble"]
        if isinstance(raw, bool) or not isinstance(raw, (int, str, Decimal)):
            raise _Bad(f"{path}.asDouble: not a number")
        try:
            value = Decimal(raw.strip() if isinstance(raw, str) else raw)
        except InvalidOperation:
            raise _Bad(f"{path}.asDouble: not a number") from None
        if not value.is_finite():
            raise _Bad(f"{path}.asDouble: not a finite number")
    else:
        raise _Bad(f"{path}: no value (asInt or asDouble)")
    if value < 0:
        raise _Bad(f"{path}: negative value")
    if value > spec.bound:
        raise _Bad(f"{path}: value over {spec.bound:,} (absurd for one data point)")
    if spec.whole and value != value.to_integral_value():
        raise _Bad(f"{path}: not a whole number")
    return value


# ---- the file --------------------------------------------------------------------------------


class OtelFile:
    """An OTLP JSON-lines file opened for reading. `progress` is the share of the file read so far;
    `unknown` counts unknown metrics and events (and edit tools and token types, which are kept),
    `skipped` the known events the portal does not keep."""

    def __init__(self, binary: IO[bytes], format: str, size: int, limits: ImportLimits = DEFAULT_LIMITS):
        self._binary = binary
        self.format = format
        self._size = max(size, 1)
        self.limits = limits
        self.unknown: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self._key = "resourceMetrics" if format == METRICS_FORMAT else "resourceLogs"

    @property
    def progress(self) -> float:
        try:
            return min(self._binary.tell() / self._size, 1.0)
        except (OSError, ValueError):
            return 0.0

    def rows(self) -> Iterator[OtelPointRecord | OtelEventRecord | RejectedRow]:
        self._binary.seek(0)
        text = io.TextIOWrapper(self._binary, encoding="utf-8-sig", newline=None)
        lines = BoundedLines(text, self.limits.max_row_chars)
        try:
            yield from self._lines(lines)
        except UnicodeDecodeError:
            raise UnsupportedFile("The file is not UTF-8 text. " + EXPECTED) from None
        finally:
            text.detach()

    def _lines(self, lines: BoundedLines) -> Iterator[OtelPointRecord | OtelEventRecord | RejectedRow]:
        limits = self.limits
        too_long = f"the line is longer than {size_text(limits.max_row_chars)} (IMPORT_MAX_ROW_BYTES)"
        other = "resourceLogs" if self._key == "resourceMetrics" else "resourceMetrics"
        read = self._metrics if self._key == "resourceMetrics" else self._logs
        while True:
            lines.record_chars = 0
            try:
                raw = next(lines)
            except StopIteration:
                return
            except RowTooLong:
                yield RejectedRow(lines.line, too_long)
                continue
            number = lines.line
            if not raw.strip():
                continue
            try:
                item = json.loads(raw, parse_float=Decimal)
            except RecursionError:
                yield RejectedRow(number, "nested too deeply")
                continue
            except ValueError:
                yield RejectedRow(number, "not valid JSON")
                continue
            if not isinstance(item, dict):
                yield RejectedRow(number, "not a JSON object")
                continue
            if self._key not in item:
                what = f"no {self._key}"
                if other in item:
                    what = (
                        "a logs line (resourceLogs) in a metrics file"
                        if other == "resourceLogs"
                        else "a metrics line (resourceMetrics) in a logs file"
                    )
                yield RejectedRow(number, what)
                continue
            resources = item[self._key]
            if not isinstance(resources, list):
                yield RejectedRow(number, f"{self._key}: not a list")
                continue
            yield from read(number, resources, len(raw) > limits.max_field_chars)

    def _field_check(self, value: Any, path: str) -> None:
        if longest_string(value) > self.limits.max_field_chars:
            raise _Bad(f"{path}: a value is longer than {size_text(self.limits.max_field_chars)} (IMPORT_MAX_FIELD_BYTES)")

    def _resource(self, resource_item: Any, path: str, check_fields: bool) -> dict[str, Any]:
        if not isinstance(resource_item, dict):
            raise _Bad(f"{path}: not an object")
        resource = resource_item.get("resource") or {}
        if not isinstance(resource, dict):
            raise _Bad(f"{path}.resource: not an object")
        if check_fields:
            self._field_check(resource, f"{path}.resource")
        return _attributes(resource.get("attributes"), f"{path}.resource", 2, self.limits.max_json_depth)

    @staticmethod
    def _list(container: dict[str, Any], key: str, path: str) -> list[Any]:
        items = container.get(key)
        if items is None:
            return []
        if not isinstance(items, list):
            raise _Bad(f"{path}.{key}: not a list")
        return items

    # ---- metrics

    def _metrics(self, line: int, resources: list[Any], check_fields: bool) -> Iterator[OtelPointRecord | RejectedRow]:
        for i, resource_item in enumerate(resources):
            path = f"resourceMetrics[{i}]"
            try:
                resource_attributes = self._resource(resource_item, path, check_fields)
                scopes = self._list(resource_item, "scopeMetrics", path)
            except _Bad as bad:
                yield RejectedRow(line, str(bad))
                continue
            for j, scope in enumerate(scopes):
                scope_path = f"{path}.scopeMetrics[{j}]"
                try:
                    if not isinstance(scope, dict):
                        raise _Bad(f"{scope_path}: not an object")
                    metrics = self._list(scope, "metrics", scope_path)
                except _Bad as bad:
                    yield RejectedRow(line, str(bad))
                    continue
                for k, metric in enumerate(metrics):
                    yield from self._metric(line, f"{scope_path}.metrics[{k}]", metric, resource_attributes, check_fields)

    def _metric(
        self, line: int, path: str, metric: Any, resource_attributes: dict[str, Any], check_fields: bool
    ) -> Iterator[OtelPointRecord | RejectedRow]:
        if not isinstance(metric, dict) or not isinstance(metric.get("name"), str) or not metric["name"]:
            yield RejectedRow(line, f"{path}.name: missing")
            return
        name = metric["name"]
        spec = METRICS.get(name[len(PREFIX) :]) if name.startswith(PREFIX) else None
        if spec is None:
            points = next(
                (metric[k].get("dataPoints") for k in ("sum", "gauge", "histogram") if isinstance(metric.get(k), dict)), None
            )
            for _ in range(len(points) if isinstance(points, list) and points else 1):
                _count(self.unknown, f"metric:{name}")
            return
        data = metric.get("sum")
        if not isinstance(data, dict):
            yield RejectedRow(line, f"{path}: {name} has no sum data points (a counter was expected)")
            return
        temporality = data.get("aggregationTemporality")
        if temporality in (2, "2", "AGGREGATION_TEMPORALITY_CUMULATIVE"):
            yield RejectedRow(
                line,
                f"{path}.sum.aggregationTemporality: cumulative; the portal sums delta points "
                "(Claude Code's default; OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta)",
            )
            return
        points = data.get("dataPoints")
        if points is None:
            return
        if not isinstance(points, list):
            yield RejectedRow(line, f"{path}.sum.dataPoints: not a list")
            return
        for n, point in enumerate(points):
            point_path = f"{path}.sum.dataPoints[{n}]"
            try:
                yield self._point(line, point_path, name, spec, point, resource_attributes, check_fields)
            except _Bad as bad:
                yield RejectedRow(line, str(bad))

    def _point(
        self,
        line: int,
        path: str,
        name: str,
        spec: MetricSpec,
        point: Any,
        resource_attributes: dict[str, Any],
        check_fields: bool,
    ) -> OtelPointRecord:
        if not isinstance(point, dict):
            raise _Bad(f"{path}: not an object")
        if check_fields:
            self._field_check(point, path)
        point_attributes = _attributes(point.get("attributes"), path, 6, self.limits.max_json_depth)
        end = _nanos(point.get("timeUnixNano"), f"{path}.timeUnixNano", required=True)
        start = _nanos(point.get("startTimeUnixNano"), f"{path}.startTimeUnixNano", required=False)
        if start > end:
            raise _Bad(f"{path}: startTimeUnixNano is after timeUnixNano")
        value = _value(point, path, spec)
        attributes = {**resource_attributes, **point_attributes}
        people = _people(attributes, path)
        short = name[len(PREFIX) :]
        kind = ""
        if spec.kind_attribute:
            kind = _kept_text(f"{path}: {spec.kind_attribute}", _first(attributes, (spec.kind_attribute,)), MAX_NAME)
            if kind not in spec.kinds:
                if spec.strict_kinds:
                    shown = kind[:40] if kind else "missing"
                    raise _Bad(f"{path}: {spec.kind_attribute} is {shown!r}, expected {' or '.join(sorted(spec.kinds))}")
                _count(self.unknown, f"{short} {spec.kind_attribute}:{kind}")
        model = _kept_text(f"{path}: model", _first(attributes, ("model",)), MAX_NAME)
        tool = ""
        if short == "code_edit_tool.decision":
            tool = _kept_text(f"{path}: tool_name", _first(attributes, ("tool_name", "tool.name")), MAX_NAME)
            if tool not in EDIT_TOOLS:
                _count(self.unknown, f"tool:{tool}")
        return OtelPointRecord(
            line,
            point_identity(name, point_attributes, resource_attributes, start, end),
            short,
            _instant(end).date(),
            people.email,
            people.account_uuid,
            people.session_id,
            people.terminal,
            kind,
            model,
            tool,
            value,
        )

    # ---- logs (events)

    def _logs(self, line: int, resources: list[Any], check_fields: bool) -> Iterator[OtelEventRecord | RejectedRow]:
        for i, resource_item in enumerate(resources):
            path = f"resourceLogs[{i}]"
            try:
                resource_attributes = self._resource(resource_item, path, check_fields)
                scopes = self._list(resource_item, "scopeLogs", path)
            except _Bad as bad:
                yield RejectedRow(line, str(bad))
                continue
            for j, scope in enumerate(scopes):
                scope_path = f"{path}.scopeLogs[{j}]"
                try:
                    if not isinstance(scope, dict):
                        raise _Bad(f"{scope_path}: not an object")
                    records = self._list(scope, "logRecords", scope_path)
                except _Bad as bad:
                    yield RejectedRow(line, str(bad))
                    continue
                for k, log_record in enumerate(records):
                    try:
                        event = self._event(line, f"{scope_path}.logRecords[{k}]", log_record, resource_attributes, check_fields)
                    except _Bad as bad:
                        yield RejectedRow(line, str(bad))
                        continue
                    if event is not None:
                        yield event

    def _event(
        self, line: int, path: str, log_record: Any, resource_attributes: dict[str, Any], check_fields: bool
    ) -> OtelEventRecord | None:
        if not isinstance(log_record, dict):
            raise _Bad(f"{path}: not an object")
        if check_fields:
            self._field_check(log_record, path)
        record_attributes = _attributes(log_record.get("attributes"), path, 6, self.limits.max_json_depth)
        name = _first(record_attributes, ("event.name",))
        if not name:  # some exporters put the event name in the body only
            body = log_record.get("body")
            text = body.get("stringValue") if isinstance(body, dict) else None
            if isinstance(text, str) and text.startswith(PREFIX) and len(text) <= MAX_NAME:
                name = text
        if not name:
            raise _Bad(f"{path}: no event.name attribute")
        short = name.removeprefix(PREFIX)
        if short not in KEPT_EVENTS:
            _count(self.skipped if short in SKIPPED_EVENTS else self.unknown, f"event:{short}")
            return None
        nanos = _nanos(log_record.get("timeUnixNano"), f"{path}.timeUnixNano", required=False)
        attributes = {**resource_attributes, **record_attributes}
        if nanos:
            occurred_at = _instant(nanos)
            when: Any = nanos
        else:
            when = _first(attributes, ("event.timestamp",))
            if not when:
                raise _Bad(f"{path}: no time (timeUnixNano or event.timestamp)")
            try:
                occurred_at = datetime.fromisoformat(when[:40])
            except ValueError:
                raise _Bad(f"{path}: event.timestamp is not an ISO 8601 time") from None
            if occurred_at.tzinfo is None:
                raise _Bad(f"{path}: event.timestamp has no UTC offset")
            occurred_at = occurred_at.astimezone(UTC)
            if not FIRST_YEAR <= occurred_at.year <= LAST_YEAR:
                raise _Bad(f"{path}: event.timestamp is not a time between {FIRST_YEAR} and {LAST_YEAR}")
        people = _people(attributes, path)
        plugin = _kept_text(f"{path}: plugin.name", _first(attributes, _PLUGIN), MAX_NAME)
        skill = _kept_text(f"{path}: skill.name", _first(attributes, _SKILL), MAX_NAME)
        mcp_server = _kept_text(f"{path}: server_name", _first(attributes, _MCP_SERVER), MAX_NAME)
        model = _kept_text(f"{path}: model", _first(attributes, ("model",)), MAX_NAME)
        status = _kept_text(f"{path}: status", _first(attributes, _STATUS.get(short, ())), MAX_NAME)
        cost = Decimal(0)
        if short == "api_request":
            cost = _cost(_first(attributes, ("cost_usd",)), f"{path}: cost_usd")
        sequence = _first(attributes, ("event.sequence",))[:40]
        identity = _digest(
            [short, when, people.session_id, sequence, people.email, people.account_uuid, people.terminal,
             plugin, skill, mcp_server, model, str(cost), status]
        )  # fmt: skip
        return OtelEventRecord(
            line,
            identity,
            short,
            occurred_at,
            people.email,
            people.account_uuid,
            people.session_id,
            people.terminal,
            plugin,
            skill,
            mcp_server,
            model,
            cost,
            status,
        )


def _cost(text: str, label: str) -> Decimal:
    if not text:
        return Decimal(0)
    try:
        cost = Decimal(text[:40])
    except InvalidOperation:
        raise _Bad(f"{label} is not a number") from None
    if not cost.is_finite():
        raise _Bad(f"{label} is not a finite number")
    if cost < 0:
        raise _Bad(f"{label} is negative")
    if cost > MAX_COST_USD:
        raise _Bad(f"{label} is over {MAX_COST_USD:,} USD (absurd for one request)")
    return cost


def open_otel(binary: IO[bytes], *, limits: ImportLimits = DEFAULT_LIMITS) -> OtelFile:
    """Read the signal (metrics or logs) from the content and open the file for reading."""
    binary.seek(0, io.SEEK_END)
    size = binary.tell()
    binary.seek(0)
    head = binary.read(65536)
    binary.seek(0)
    if not head.strip():
        raise UnsupportedFile("The file is empty. " + EXPECTED)
    signal = _signal(head.decode("utf-8-sig", errors="replace"))
    if signal == "resourceMetrics":
        return OtelFile(binary, METRICS_FORMAT, size, limits)
    if signal == "resourceLogs":
        return OtelFile(binary, LOGS_FORMAT, size, limits)
    if signal == "resourceSpans":
        raise UnsupportedFile(
            "The file holds OpenTelemetry traces (resourceSpans); the portal reads metrics and logs. " + EXPECTED
        )
    raise UnsupportedFile("The file does not start with an OTLP JSON line. " + EXPECTED)


def open_otel_metrics(binary: IO[bytes], *, limits: ImportLimits = DEFAULT_LIMITS) -> OtelFile:
    """`open_otel`, refusing a logs file."""
    opened = open_otel(binary, limits=limits)
    if opened.format != METRICS_FORMAT:
        raise UnsupportedFile("The file holds OpenTelemetry logs (events), not metrics. " + EXPECTED)
    return opened


def open_otel_logs(binary: IO[bytes], *, limits: ImportLimits = DEFAULT_LIMITS) -> OtelFile:
    """`open_otel`, refusing a metrics file."""
    opened = open_otel(binary, limits=limits)
    if opened.format != LOGS_FORMAT:
        raise UnsupportedFile("The file holds OpenTelemetry metrics, not logs (events). " + EXPECTED)
    return opened
