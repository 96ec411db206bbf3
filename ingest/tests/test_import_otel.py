"""Claude Code OpenTelemetry (OTLP JSON lines from a Collector's file exporter): the parser alone, no
database. Expectations on the samples are computed by hand from the files (formats.md §5)."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ingest.importers import otel
from ingest.importers.common import ImportLimits, RejectedRow, UnsupportedFile
from ingest.importers.records import OtelEventRecord, OtelPointRecord
from testing import SAMPLES

# 2026-11-30 13:00:00 and 13:01:00 UTC, in nanoseconds
T0 = 1_764_507_600_000_000_000
T1 = T0 + 60 * 10**9
PERSON = {"user.email": "nina@example.com", "user.account_uuid": "0b0e5c1e-0000-4000-8000-000000000001",
          "session.id": "5e55-1", "terminal.type": "vscode"}  # fmt: skip


def kv(attributes: dict) -> list[dict]:
    def value(v):
        if isinstance(v, bool):
            return {"boolValue": v}
        if isinstance(v, int):
            return {"intValue": str(v)}
        if isinstance(v, float):
            return {"doubleValue": v}
        return {"stringValue": v}

    return [{"key": k, "value": value(v)} for k, v in attributes.items()]


def point(value, *, start=T0, end=T1, **attributes) -> dict:
    attrs = {**PERSON, **{k.replace("__", "."): v for k, v in attributes.items()}}
    out = {"attributes": kv(attrs), "startTimeUnixNano": str(start), "timeUnixNano": str(end)}
    if isinstance(value, int):
        out["asInt"] = str(value)
    else:
        out["asDouble"] = value
    return out


def metric(name: str, *points: dict, temporality: int = 1) -> dict:
    return {
        "name": name,
        "unit": "count",
        "sum": {"dataPoints": list(points), "aggregationTemporality": temporality, "isMonotonic": True},
    }


def metrics_line(*metrics: dict, resource: dict | None = None) -> dict:
    resource = {"service.name": "claude-code"} if resource is None else resource
    return {"resourceMetrics": [{"resource": {"attributes": kv(resource)},
                                 "scopeMetrics": [{"scope": {"name": "com.anthropic.claude_code"}, "metrics": list(metrics)}]}]}  # fmt: skip


def log_record(name: str, *, nanos: int | None = T0, sequence: int = 1, **attributes) -> dict:
    attrs = {**PERSON, "event.name": name, "event.sequence": str(sequence),
             **{k.replace("__", "."): v for k, v in attributes.items()}}  # fmt: skip
    out = {"attributes": kv(attrs), "body": {"stringValue": f"claude_code.{name}"}}
    if nanos is not None:
        out["timeUnixNano"] = str(nanos)
    return out


def logs_line(*records: dict) -> dict:
    return {"resourceLogs": [{"resource": {"attributes": kv({"service.name": "claude-code"})},
                              "scopeLogs": [{"scope": {"name": "com.anthropic.claude_code.events"}, "logRecords": list(records)}]}]}  # fmt: skip


def lines(*objects) -> io.BytesIO:
    text = "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects)
    return io.BytesIO(text.encode("utf-8"))


def read(binary: io.BytesIO, **kwargs):
    opened = otel.open_otel(binary, **kwargs)
    return opened, list(opened.rows())


def sample(name: str) -> io.BytesIO:
    return io.BytesIO((SAMPLES / name).read_bytes())


def total(records, metric_name: str, **where) -> Decimal:
    return sum(
        (r.value for r in records if r.metric == metric_name and all(getattr(r, k) == v for k, v in where.items())),
        Decimal(0),
    )


# ---- the samples ---------------------------------------------------------------------------------


def test_the_metrics_sample_yields_its_42_points_hand_summed():
    opened, rows = read(sample("claude_code_otel_metrics.jsonl"))

    assert opened.format == "otel_metrics" and opened.progress == 1.0
    assert all(type(r) is OtelPointRecord for r in rows) and len(rows) == 42  # 3 lines × 14 points
    assert [r.line for r in rows] == [1] * 14 + [2] * 14 + [3] * 14
    assert opened.unknown == Counter() and opened.skipped == Counter()
    assert {r.date for r in rows} == {date(2025, 9, 8)}  # 08:01, 09:01 and 10:01 UTC
    assert {r.email for r in rows} == {"alice@example.com", "carol@example.com", "erik@example.com"}
    assert total(rows, "session.count") == 3
    assert total(rows, "session.count", email="carol@example.com") == 1
    assert total(rows, "lines_of_code.count", kind="added") == 120 + 160 + 200
    assert total(rows, "lines_of_code.count", kind="removed") == 30 + 31 + 32
    assert total(rows, "commit.count") == 3
    assert total(rows, "pull_request.count") == 1  # carol's
    assert total(rows, "pull_request.count", email="carol@example.com") == 1
    assert total(rows, "cost.usage") == Decimal("0.2143") + Decimal("0.3143") + Decimal("0.4143")
    assert total(rows, "token.usage", kind="input") == 3 * 5200
    assert total(rows, "token.usage", kind="cacheRead", model="claude-sonnet-4-5") == 3 * 88000
    assert total(rows, "code_edit_tool.decision", kind="accept", tool="Edit") == 3 * 7
    assert total(rows, "code_edit_tool.decision", kind="reject", tool="Write") == 3
    assert total(rows, "active_time.total", kind="user") == Decimal("1237.5")
    assert total(rows, "active_time.total", kind="cli") == 3 * 958
    alice = next(r for r in rows if r.email == "alice@example.com" and r.metric == "session.count")
    assert alice.account_uuid == "fb7a7989-26c1-47eb-b956-b86470cf4f80"
    assert alice.session_id == "96e6a004-a028-4a0e-ad2c-7d377a593202" and alice.terminal == "vscode"
    assert {r.terminal for r in rows} == {"vscode", "tmux", "iTerm.app"}
    assert len({r.identity for r in rows}) == 42


def test_the_logs_sample_keeps_prompts_requests_and_errors_and_skips_tool_events():
    opened, rows = read(sample("claude_code_otel_logs.jsonl"))

    assert opened.format == "otel_logs"
    assert all(type(r) is OtelEventRecord for r in rows)
    assert [r.name for r in rows] == ["user_prompt", "api_request", "user_prompt", "api_request", "api_error"]
    assert opened.skipped == Counter({"event:tool_decision": 2, "event:tool_result": 2})
    assert opened.unknown == Counter()
    first_request = rows[1]
    assert first_request.occurred_at == datetime(2025, 9, 8, 8, 0, 4, 100000, tzinfo=UTC)
    assert first_request.model == "claude-sonnet-4-5" and first_request.cost_usd == Decimal("0.0412")
    assert first_request.email == "alice@example.com" and first_request.status == ""
    error = rows[4]
    assert error.status == "529" and error.model == "claude-sonnet-4-5" and error.cost_usd == 0
    assert sum(r.cost_usd for r in rows) == Decimal("0.0824")
    assert len({r.identity for r in rows}) == 5


# ---- duplicates ------------------------------------------------------------------------------------


def test_the_same_points_in_a_second_file_have_the_same_identities():
    _, first = read(sample("claude_code_otel_metrics.jsonl"))
    _, again = read(sample("claude_code_otel_metrics.jsonl"))

    assert [r.identity for r in first] == [r.identity for r in again]


def test_a_point_written_with_its_attributes_in_another_order_is_the_same_point():
    one = point(4, type="added")
    other = dict(one, attributes=list(reversed(one["attributes"])))
    _, rows = read(lines(metrics_line(metric("claude_code.lines_of_code.count", one)),
                         metrics_line(metric("claude_code.lines_of_code.count", other))))  # fmt: skip

    assert rows[0].identity == rows[1].identity
    assert (rows[0].line, rows[1].line) == (1, 2)


@pytest.mark.parametrize(
    "change",
    [
        {"end": T1 + 10**9},
        {"start": T0 - 60 * 10**9},
        {"type": "removed"},
        {"session__id": "5e55-2"},
        {"user__email": "omar@example.com"},
    ],
    ids=["end time", "start time", "kind", "session", "person"],
)
def test_a_point_differing_in_time_or_attributes_is_another_point(change):
    base = {"type": "added"}
    _, rows = read(
        lines(metrics_line(metric("claude_code.lines_of_code.count", point(4, **base), point(4, **{**base, **change}))))
    )

    assert rows[0].identity != rows[1].identity


def test_resource_attributes_belong_to_the_identity_and_fill_in_missing_person_fields():
    bare = {"attributes": kv({"type": "added"}), "startTimeUnixNano": str(T0), "timeUnixNano": str(T1), "asInt": "5"}
    resource = {"service.name": "claude-code", "user.email": "Nina@Example.COM", "terminal.type": "tmux"}
    _, rows = read(lines(metrics_line(metric("claude_code.lines_of_code.count", bare), resource=resource),
                         metrics_line(metric("claude_code.lines_of_code.count", bare), resource={**resource, "host.arch": "arm64"})))  # fmt: skip

    assert rows[0].email == "nina@example.com" and rows[0].terminal == "tmux"
    assert rows[0].identity != rows[1].identity


def test_the_same_event_twice_has_the_same_identity_and_another_sequence_does_not():
    _, rows = read(lines(logs_line(log_record("plugin_loaded", **{"plugin.name": "pr-review"})),
                         logs_line(log_record("plugin_loaded", **{"plugin.name": "pr-review"}))))  # fmt: skip
    _, again = read(lines(logs_line(log_record("plugin_loaded", **{"plugin.name": "pr-review"}))))
    _, later = read(lines(logs_line(log_record("plugin_loaded", sequence=2, **{"plugin.name": "pr-review"}))))

    assert rows[0].identity == rows[1].identity == again[0].identity
    assert later[0].identity != rows[0].identity


# ---- what is kept, counted and never kept -------------------------------------------------------------


def test_unknown_metrics_are_counted_not_yielded():
    _, rows = read(lines(metrics_line(
        metric("claude_code.foo", point(1), point(2)),
        metric("http.server.duration", point(3)),
        metric("claude_code.session.count", point(1)),
    )))  # fmt: skip
    opened = otel.open_otel(lines(metrics_line(metric("claude_code.foo", point(1), point(2)))))
    list(opened.rows())

    assert [r.metric for r in rows] == ["session.count"]
    assert opened.unknown == Counter({"metric:claude_code.foo": 2})


def test_unknown_metric_names_are_counted_in_bounded_memory():
    many = [metric(f"claude_code.made_up_{i}", point(1)) for i in range(otel.MAX_COUNTED_NAMES + 50)]
    opened = otel.open_otel(lines(metrics_line(*many)))
    assert list(opened.rows()) == []

    assert len(opened.unknown) == otel.MAX_COUNTED_NAMES + 1
    assert opened.unknown["(other names)"] == 50


def test_unknown_edit_tools_and_token_types_are_kept_and_counted():
    _, rows = read(lines(metrics_line(
        metric("claude_code.code_edit_tool.decision", point(2, tool_name="Paint", decision="accept")),
        metric("claude_code.token.usage", point(9, type="thinking", model="claude-opus-4-1")),
    )))  # fmt: skip
    opened = otel.open_otel(
        lines(metrics_line(metric("claude_code.code_edit_tool.decision", point(2, tool_name="Paint", decision="accept"))))
    )
    list(opened.rows())

    assert [(r.metric, r.tool, r.kind, r.value) for r in rows] == [
        ("code_edit_tool.decision", "Paint", "accept", 2),
        ("token.usage", "", "thinking", 9),
    ]
    assert opened.unknown == Counter({"tool:Paint": 1})


def test_plugin_skill_and_mcp_events_keep_their_names_in_either_spelling():
    _, rows = read(lines(logs_line(
        log_record("plugin_installed", **{"plugin.name": "pr-review", "marketplace.name": "claude-plugins-official"}),
        log_record("claude_code.plugin_loaded", sequence=2, plugin_name="security-guidance"),
        log_record("skill_activated", sequence=3, **{"skill.name": "pdf", "plugin.name": "document-skills"}),
        log_record("skill_activated", sequence=4, skill_name="xlsx"),
        log_record("mcp_server_connection", sequence=5, status="connected", server_name="github", transport_type="http"),
    )))  # fmt: skip

    assert [(r.name, r.plugin, r.skill, r.mcp_server, r.status) for r in rows] == [
        ("plugin_installed", "pr-review", "", "", ""),
        ("plugin_loaded", "security-guidance", "", "", ""),
        ("skill_activated", "document-skills", "pdf", "", ""),
        ("skill_activated", "", "xlsx", "", ""),
        ("mcp_server_connection", "", "", "github", "connected"),
    ]
    assert {r.email for r in rows} == {"nina@example.com"}


def test_an_event_without_time_unix_nano_is_timed_by_its_event_timestamp():
    _, rows = read(lines(logs_line(log_record("plugin_loaded", nanos=None, **{"event.timestamp": "2026-11-30T13:00:04.250Z"}))))

    assert rows[0].occurred_at == datetime(2026, 11, 30, 13, 0, 4, 250000, tzinfo=UTC)


def test_unknown_events_are_counted_apart_from_known_ones_not_kept():
    opened, rows = read(lines(logs_line(
        log_record("tool_result", tool_name="Bash", tool_input='{"command": "rm -rf /tmp/x"}'),
        log_record("brand_new_event", sequence=2),
        log_record("claude_code.brand_new_event", sequence=3),
        log_record("user_prompt", sequence=4, prompt_length="9"),
    )))  # fmt: skip

    assert [r.name for r in rows] == ["user_prompt"]
    assert opened.skipped == Counter({"event:tool_result": 1})
    assert opened.unknown == Counter({"event:brand_new_event": 2})


PROMPT = "Refactor the payroll module for Quentin, password hunter2"


def test_prompt_text_tool_input_errors_and_bodies_never_reach_a_record():
    events = [
        log_record("user_prompt", prompt=PROMPT, prompt_length=str(len(PROMPT))),
        log_record("api_request", sequence=2, model="claude-opus-4-1", cost_usd="0.5", tool_input=PROMPT),
        log_record("api_error", sequence=3, model="claude-opus-4-1", error=PROMPT, status_code=500),
        log_record("mcp_server_connection", sequence=4, status="failed", error=PROMPT),
        log_record("api_request_body", sequence=5, body=PROMPT),
        log_record("tool_result", sequence=6, tool_parameters=PROMPT),
    ]
    events[0]["body"] = {"stringValue": PROMPT}
    opened, rows = read(lines(logs_line(*events)))

    assert [r.name for r in rows] == ["user_prompt", "api_request", "api_error", "mcp_server_connection"]
    assert rows[2].status == "500"  # an intValue, as text
    everything = repr(rows) + repr(opened.unknown) + repr(opened.skipped)
    assert "payroll" not in everything and "hunter2" not in everything


def test_the_samples_redacted_prompt_is_not_kept_either():
    _, rows = read(sample("claude_code_otel_logs.jsonl"))

    assert "REDACTED" not in repr(rows)


def test_values_arrive_as_int_strings_json_numbers_or_doubles():
    as_number = dict(point(0), asInt=7)
    as_string_double = {k: v for k, v in point(0).items() if k != "asInt"} | {"asDouble": "0.25"}
    _, rows = read(lines(metrics_line(
        metric("claude_code.session.count", as_number),
        metric("claude_code.cost.usage", as_string_double, point(1.5)),
    )))  # fmt: skip

    assert [r.value for r in rows] == [Decimal(7), Decimal("0.25"), Decimal("1.5")]


# ---- bad input ---------------------------------------------------------------------------------------


def test_a_bad_point_is_rejected_with_its_path_and_the_rest_of_the_line_goes_on():
    _, rows = read(lines(
        metrics_line(metric("claude_code.session.count", point(1))),
        metrics_line(
            metric("claude_code.session.count", point(1)),
            metric("claude_code.lines_of_code.count", point(10, type="added"), point(-3, type="removed"), point(5, type="removed")),
        ),
    ))  # fmt: skip

    assert rows[3] == RejectedRow(2, "resourceMetrics[0].scopeMetrics[0].metrics[1].sum.dataPoints[1]: negative value")
    assert [(r.line, r.metric, r.value) for r in rows if type(r) is OtelPointRecord] == [
        (1, "session.count", 1),
        (2, "session.count", 1),
        (2, "lines_of_code.count", 10),
        (2, "lines_of_code.count", 5),
    ]


@pytest.mark.parametrize(
    ("metric_name", "good", "bad"),
    [
        ("claude_code.session.count", otel.MAX_SESSIONS, otel.MAX_SESSIONS + 1),
        ("claude_code.lines_of_code.count", otel.MAX_LINES, otel.MAX_LINES + 1),
        ("claude_code.commit.count", otel.MAX_COMMITS, otel.MAX_COMMITS + 1),
        ("claude_code.pull_request.count", otel.MAX_PULL_REQUESTS, otel.MAX_PULL_REQUESTS + 1),
        ("claude_code.token.usage", otel.MAX_TOKENS, otel.MAX_TOKENS + 1),
        ("claude_code.cost.usage", 100000.0, 100000.01),
    ],
)
def test_absurd_values_are_rejected_at_their_bound(metric_name, good, bad):
    extra = {"type": "added"} if "lines" in metric_name else {"type": "input"} if "token" in metric_name else {}
    _, rows = read(lines(metrics_line(metric(metric_name, point(good, **extra), point(bad, **extra)))))

    assert type(rows[0]) is OtelPointRecord and rows[0].value == Decimal(str(good))
    assert type(rows[1]) is RejectedRow and "value over" in rows[1].reason
    assert rows[1].reason.startswith("resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[1]: ")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"asInt": "seven"}, "dataPoints[1].asInt: not a whole number"),
        ({"asInt": None, "asDouble": "NaN"}, "asDouble: not a finite number"),
        ({"asInt": "1.5"}, "asInt: not a whole number"),
        ({"asInt": None}, "no value (asInt or asDouble)"),
        ({"timeUnixNano": "soon"}, "timeUnixNano: not a nanosecond Unix time"),
        ({"timeUnixNano": None}, "timeUnixNano: missing"),
        ({"timeUnixNano": "1000"}, "timeUnixNano: not a time between 2000 and 2100"),
        ({"startTimeUnixNano": str(T1 + 1)}, "startTimeUnixNano is after timeUnixNano"),
        ({"attributes": "user.email=x"}, "attributes: not a list"),
    ],
)
def test_an_unreadable_point_is_rejected_with_its_reason(change, reason):
    broken = {k: v for k, v in {**point(1), **change}.items() if v is not None}
    _, rows = read(lines(metrics_line(metric("claude_code.session.count", point(1), broken))))

    assert type(rows[0]) is OtelPointRecord
    assert type(rows[1]) is RejectedRow and rows[1].line == 1
    assert rows[1].reason.startswith("resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[1]")
    assert reason in rows[1].reason


def test_a_whole_count_metric_rejects_a_fraction_and_a_kind_it_cannot_place():
    _, rows = read(lines(metrics_line(
        metric("claude_code.session.count", point(1.5)),
        metric("claude_code.lines_of_code.count", point(3, type="modified")),
        metric("claude_code.code_edit_tool.decision", point(3, tool_name="Edit")),
    )))  # fmt: skip

    assert [r.reason.split(": ", 1)[1] for r in rows] == [
        "not a whole number",
        "type is 'modified', expected added or removed",
        "decision is 'missing', expected accept or reject",
    ]


def test_nul_characters_and_overlong_values_in_kept_fields_are_rejected():
    _, rows = read(lines(metrics_line(metric(
        "claude_code.session.count",
        point(1, user__email="nina\x00@example.com"),
        point(1, terminal__type="x" * 500),
        point(1),
    ))))  # fmt: skip

    assert rows[0].reason.endswith("user.email holds a NUL character")
    assert rows[1].reason.endswith("terminal.type is longer than 200 characters")
    assert type(rows[2]) is OtelPointRecord


def test_a_cumulative_metric_is_rejected_rather_than_counted_twice():
    _, rows = read(lines(metrics_line(metric("claude_code.session.count", point(1), temporality=2))))

    assert len(rows) == 1 and type(rows[0]) is RejectedRow
    assert rows[0].reason.startswith("resourceMetrics[0].scopeMetrics[0].metrics[0].sum.aggregationTemporality: cumulative")


def test_unreadable_lines_are_rejected_with_their_line_and_the_file_goes_on():
    good = metrics_line(metric("claude_code.session.count", point(1)))
    _, rows = read(lines(good, "{not json", "", "[1, 2]", logs_line(log_record("user_prompt")), {"resourceMetrics": {}}, good))

    assert rows[1:5] == [
        RejectedRow(2, "not valid JSON"),
        RejectedRow(4, "not a JSON object"),
        RejectedRow(5, "a logs line (resourceLogs) in a metrics file"),
        RejectedRow(6, "resourceMetrics: not a list"),
    ]
    assert [r.line for r in rows if type(r) is OtelPointRecord] == [1, 7]


def test_a_line_over_the_row_limit_is_rejected_and_the_next_line_read():
    limits = ImportLimits(max_row_chars=4000, max_field_chars=1000)
    huge = metrics_line(metric("claude_code.session.count", point(1, padding="p" * 5000)))
    long_field = metrics_line(metric("claude_code.session.count", point(1, padding="p" * 1200), point(2)))
    good = metrics_line(metric("claude_code.session.count", point(1)))
    _, rows = read(lines(huge, good, long_field), limits=limits)

    assert rows[0] == RejectedRow(1, "the line is longer than 3.90625 KiB (IMPORT_MAX_ROW_BYTES)")
    assert type(rows[1]) is OtelPointRecord and rows[1].line == 2
    assert rows[2].line == 3 and "dataPoints[0]: a value is longer than" in rows[2].reason
    assert type(rows[3]) is OtelPointRecord and rows[3].value == 2


def test_deeply_nested_attribute_values_are_rejected_not_a_crash():
    nested: dict = {"stringValue": "x"}
    for _ in range(60):
        nested = {"arrayValue": {"values": [nested]}}
    deep = point(1)
    deep["attributes"].append({"key": "deep", "value": nested})
    _, rows = read(lines(metrics_line(metric("claude_code.session.count", deep, point(1)))))

    assert type(rows[0]) is RejectedRow and "nested more than 32 levels deep" in rows[0].reason
    assert type(rows[1]) is OtelPointRecord


def test_an_event_with_a_bad_cost_or_no_time_is_rejected_with_its_path():
    _, rows = read(lines(logs_line(
        log_record("api_request", cost_usd="-1"),
        log_record("api_request", sequence=2, cost_usd="250000"),
        log_record("api_request", sequence=3, nanos=None),
        log_record("api_request", sequence=4, cost_usd="0.01"),
    )))  # fmt: skip

    assert [r.reason for r in rows[:3]] == [
        "resourceLogs[0].scopeLogs[0].logRecords[0]: cost_usd is negative",
        "resourceLogs[0].scopeLogs[0].logRecords[1]: cost_usd is over 100,000 USD (absurd for one request)",
        "resourceLogs[0].scopeLogs[0].logRecords[2]: no time (timeUnixNano or event.timestamp)",
    ]
    assert rows[3].cost_usd == Decimal("0.01")


# ---- what the file is ------------------------------------------------------------------------------------


def _head(name: str) -> str:
    return (SAMPLES / name).read_bytes()[:65536].decode("utf-8-sig", errors="replace")


def test_sniff_claims_only_otlp_json_lines():
    assert otel.sniff(_head("claude_code_otel_metrics.jsonl")) and otel.sniff_metrics(_head("claude_code_otel_metrics.jsonl"))
    assert otel.sniff(_head("claude_code_otel_logs.jsonl")) and otel.sniff_logs(_head("claude_code_otel_logs.jsonl"))
    assert not otel.sniff_logs(_head("claude_code_otel_metrics.jsonl"))
    audit_lines = "\n".join(json.dumps(o) for o in json.loads((SAMPLES / "claude_enterprise_audit.json").read_text()))
    for head in (_head("claude_enterprise_audit.csv"), _head("claude_enterprise_audit.json"), audit_lines,
                 _head("claude_spend_report.csv"), '{"resourceSpans": []}', '{"event": "resourceMetrics"}'):  # fmt: skip
        assert not otel.sniff(head)


def test_the_signal_is_read_from_the_content_with_a_bom_and_crlf():
    body = "\ufeff" + json.dumps(metrics_line(metric("claude_code.session.count", point(1)))) + "\r\n"
    opened, rows = read(io.BytesIO(body.encode("utf-8") * 1))

    assert opened.format == "otel_metrics" and len(rows) == 1


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "The file is empty."),
        (b'{"resourceSpans": []}\n', "traces (resourceSpans)"),
        ((SAMPLES / "claude_enterprise_audit.csv").read_bytes(), "does not start with an OTLP JSON line"),
        (b'{"created_at": "2026-11-30T13:00:00Z", "event": "conversation_created"}\n', "does not start"),
    ],
    ids=["empty", "traces", "audit csv", "audit json line"],
)
def test_a_file_that_is_not_otlp_fails_saying_what_was_expected(content, says):
    with pytest.raises(UnsupportedFile) as failure:
        otel.open_otel(io.BytesIO(content))

    assert says in str(failure.value) and "OTLP JSON lines" in str(failure.value)


def test_the_metrics_and_logs_openers_refuse_the_other_signal():
    with pytest.raises(UnsupportedFile, match="logs"):
        otel.open_otel_metrics(sample("claude_code_otel_logs.jsonl"))
    with pytest.raises(UnsupportedFile, match="metrics"):
        otel.open_otel_logs(sample("claude_code_otel_metrics.jsonl"))


def test_text_that_is_not_utf8_fails_the_file():
    opened = otel.open_otel(io.BytesIO(json.dumps(metrics_line()).encode() + b"\n\xff\xfe\n"))

    with pytest.raises(UnsupportedFile, match="not UTF-8"):
        list(opened.rows())
