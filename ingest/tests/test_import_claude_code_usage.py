"""The Claude Code usage report parser (formats.md §4): one CodeDayRecord per actor, UTC date and
terminal type, expectations computed by hand from testing/data/samples/claude_code_usage_report.json.

Pure parser tests: no database.
"""

from __future__ import annotations

import copy
import io
import json
import tracemalloc
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from ingest.importers import claude_code_usage as usage
from ingest.importers.analytics_api import sniff_summaries, sniff_users
from ingest.importers.common import ImportLimits, RejectedRow, UnsupportedFile
from ingest.importers.records import CodeDayRecord, ModelUsage
from testing import SAMPLES

SAMPLE = "claude_code_usage_report.json"
D = Decimal


def sample_bytes(name: str = SAMPLE) -> bytes:
    return (SAMPLES / name).read_bytes()


def sample_page() -> dict:
    return json.loads(sample_bytes())


def page(records: list, **envelope) -> bytes:
    return json.dumps({"data": records, "has_more": False, "next_page": None, **envelope}).encode()


def rows(content: bytes, **kwargs) -> list:
    return list(usage.open_claude_code_usage_report(io.BytesIO(content), **kwargs).rows())


def record(**changes) -> dict:
    """The sample's first record (alice, vscode) with `changes` applied; a value of ... drops the key.
    Keys may be dotted paths: "core_metrics.num_sessions"."""
    item = copy.deepcopy(sample_page()["data"][0])
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        target = item
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        index = int(last) if isinstance(target, list) else last
        if value is ...:
            del target[index]
        else:
            target[index] = value
    return item


# The sample, by hand.

ALICE = CodeDayRecord(
    line=1,
    source="usage_report",
    date=date(2025, 9, 8),
    email="alice@example.com",
    account_id="",
    api_key_name="",
    terminal="vscode",
    sessions=4,
    lines_added=812,
    lines_removed=140,
    commits=3,
    pull_requests=1,
    edits_accepted=31 + 6 + 4 + 0,
    edits_rejected=2 + 0 + 1 + 0,
    cost_cents=D(497 + 2),
    models=(
        ModelUsage("claude-sonnet-4-5", 182000, 41000, 905000, 61000, D(497)),
        ModelUsage("claude-haiku-4-5", 12000, 2100, 0, 0, D(2)),
    ),
)


def test_the_sample_gives_one_record_per_actor_and_terminal_computed_by_hand():
    got = rows(sample_bytes())
    assert got[0] == ALICE
    # (email or API key, terminal, sessions, added, removed, commits, PRs, accepted, rejected, cents)
    assert [
        (r.email or r.api_key_name, r.terminal, r.sessions, r.lines_added, r.lines_removed, r.commits, r.pull_requests,
         r.edits_accepted, r.edits_rejected, r.cost_cents)
        for r in got
    ] == [
        ("alice@example.com", "vscode", 4, 812, 140, 3, 1, 41, 3, D(499)),
        ("bob@example.com", "iTerm.app", 2, 95, 60, 1, 0, 10, 3, D(91)),
        ("carol@example.com", "tmux", 6, 2210, 1304, 7, 2, 77 + 14 + 11 + 2, 9 + 1 + 2 + 0, D(1480 + 802)),
        ("dana.oneil@example.com", "cursor", 1, 12, 0, 0, 0, 1, 0, D(12)),
        ("erik@example.com", "vscode", 3, 430, 388, 2, 1, 23, 4, D(246)),
        ("ci-review-bot", "non-interactive", 9, 0, 0, 0, 0, 0, 0, D(1105)),
        ("fatima@example.com", "Apple_Terminal", 1, 0, 0, 0, 0, 0, 2, D(1)),
    ]  # fmt: skip
    assert {r.line for r in got} == set(range(1, 8))
    assert {r.date for r in got} == {date(2025, 9, 8)}  # "2025-09-08T00:00:00Z"
    assert {r.source for r in got} == {"usage_report"}
    assert sum(r.sessions for r in got) == 26
    assert sum(r.cost_cents for r in got) == D(4236)
    assert got[2].models == (
        ModelUsage("claude-opus-4-1", 96000, 30500, 640000, 52000, D(1480)),
        ModelUsage("claude-sonnet-4-5", 210000, 50500, 1300000, 80000, D(802)),
    )


def test_the_file_object_says_its_format_progress_page_and_unknown_names():
    opened = usage.open_claude_code_usage_report(io.BytesIO(sample_bytes()))
    assert opened.format == "claude_code_usage_report"
    assert opened.progress == 0.0
    assert len(list(opened.rows())) == 7
    assert opened.progress == 1.0
    assert opened.envelope == {"has_more": True, "next_page": "page_ZXhhbXBsZS1jdXJzb3ItMg=="}
    assert opened.unknown == Counter()


def test_the_api_actor_is_kept_apart_from_people():
    bot = rows(sample_bytes())[5]
    assert (bot.email, bot.api_key_name, bot.account_id) == ("", "ci-review-bot", "")
    people = [r for r in rows(sample_bytes()) if r.email]
    assert all(r.api_key_name == "" for r in people) and len(people) == 6


def test_a_user_actors_email_is_lower_cased_and_stripped():
    (got,) = rows(page([record(**{"actor.email_address": " Alice@Example.COM "})]))
    assert got.email == "alice@example.com"


@pytest.mark.parametrize(
    "written, utc_date",
    [
        ("2025-09-08", date(2025, 9, 8)),
        ("2025-09-08T00:00:00Z", date(2025, 9, 8)),
        ("2025-09-08t00:00:00z", date(2025, 9, 8)),
        ("2025-09-08T00:00:00.123456789Z", date(2025, 9, 8)),
        ("2025-09-07T22:30:00-02:00", date(2025, 9, 8)),  # 00:30 UTC
        ("2025-09-08T23:30:00-02:00", date(2025, 9, 9)),  # 01:30 UTC the next day
        ("2025-09-08T01:00:00+02:00", date(2025, 9, 7)),  # 23:00 UTC the day before
        ("2025-09-08T12:00:00", date(2025, 9, 8)),  # no offset: UTC
    ],
)
def test_plain_and_rfc_3339_dates_are_read_as_the_utc_date(written, utc_date):
    (got,) = rows(page([record(date=written)]))
    assert got.date == utc_date


def test_one_actor_on_several_terminals_is_one_record_per_terminal():
    terminals = ["vscode", "iTerm.app", "tmux"]
    got = rows(page([record(terminal_type=t, **{"core_metrics.num_sessions": n}) for n, t in enumerate(terminals, 1)]))
    assert [(r.email, r.terminal, r.sessions) for r in got] == [
        ("alice@example.com", "vscode", 1),
        ("alice@example.com", "iTerm.app", 2),
        ("alice@example.com", "tmux", 3),
    ]


def test_a_missing_or_null_terminal_type_is_blank():
    got = rows(page([record(terminal_type=...), record(terminal_type=None)]))
    assert [r.terminal for r in got] == ["", ""]


def test_unknown_tools_are_summed_and_counted():
    tools = {"edit_tool": {"accepted": 1, "rejected": 2}, "super_edit_tool": {"accepted": 10, "rejected": 20}}
    opened = usage.open_claude_code_usage_report(
        io.BytesIO(page([record(tool_actions=tools), record(tool_actions={"super_edit_tool": {"accepted": 5, "rejected": 0}})]))
    )
    got = list(opened.rows())
    assert [(r.edits_accepted, r.edits_rejected) for r in got] == [(11, 22), (5, 0)]
    assert opened.unknown == Counter({"tool:super_edit_tool": 2})


def test_missing_optional_blocks_are_zeros_not_rejections():
    got = rows(page([record(tool_actions=...), record(tool_actions=None, model_breakdown=None), record(model_breakdown=...)]))
    assert [(r.edits_accepted, r.edits_rejected, r.cost_cents, r.models) for r in got] == [
        (0, 0, D(499), ALICE.models),
        (0, 0, D(0), ()),
        (41, 3, D(0), ()),
    ]
    (no_tokens,) = rows(page([record(model_breakdown=[{"model": "claude-x", "estimated_cost": {"amount": 5}}])]))
    assert no_tokens.models == (ModelUsage("claude-x", 0, 0, 0, 0, D(5)),)


def test_the_same_model_twice_in_one_record_is_summed():
    entry = {
        "model": "m",
        "tokens": {"input": 1, "output": 2, "cache_read": 3, "cache_creation": 4},
        "estimated_cost": {"amount": 7},
    }
    (got,) = rows(page([record(model_breakdown=[entry, {"model": "other", "estimated_cost": {"amount": 1}}, entry])]))
    assert got.models == (ModelUsage("m", 2, 4, 6, 8, D(14)), ModelUsage("other", 0, 0, 0, 0, D(1)))
    assert got.cost_cents == D(15)


def test_amounts_may_be_numbers_or_decimal_strings_and_stay_exact():
    costs = [
        {"model": "a", "estimated_cost": {"currency": "USD", "amount": "12.5"}},
        {"model": "b", "estimated_cost": {"amount": 0.1}},
    ]
    (got,) = rows(page([record(model_breakdown=costs)]))
    assert [m.cost_cents for m in got.models] == [D("12.5"), D("0.1")]
    assert got.cost_cents == D("12.6")


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"core_metrics.num_sessions": "four"}, "data[1].core_metrics.num_sessions: not a whole number ('four')"),
        ({"core_metrics.num_sessions": 2.5}, "data[1].core_metrics.num_sessions: not a whole number (2.5)"),
        ({"core_metrics.num_sessions": True}, "data[1].core_metrics.num_sessions: not a whole number (true)"),
        ({"core_metrics.num_sessions": None}, "data[1].core_metrics.num_sessions: null, expected a whole number"),
        ({"core_metrics.num_sessions": ...}, "data[1].core_metrics.num_sessions: missing"),
        ({"core_metrics.num_sessions": -3}, "data[1].core_metrics.num_sessions: negative (-3)"),
        ({"core_metrics.num_sessions": 10_001}, "data[1].core_metrics.num_sessions: 10001 is over the bound of 10,000"),
        ({"core_metrics.lines_of_code.added": -1}, "data[1].core_metrics.lines_of_code.added: negative (-1)"),
        (
            {"core_metrics.lines_of_code.removed": 10_000_001},
            "data[1].core_metrics.lines_of_code.removed: 10000001 is over the bound of 10,000,000",
        ),
        ({"core_metrics.lines_of_code": ...}, "data[1].core_metrics.lines_of_code: missing"),
        (
            {"core_metrics.commits_by_claude_code": "1e3"},
            "data[1].core_metrics.commits_by_claude_code: not a whole number ('1e3')",
        ),
        ({"core_metrics.pull_requests_by_claude_code": -2}, "data[1].core_metrics.pull_requests_by_claude_code: negative (-2)"),
        ({"core_metrics": ...}, "data[1].core_metrics: missing"),
        ({"core_metrics": [1]}, "data[1].core_metrics: not an object (a list)"),
        ({"tool_actions.edit_tool.accepted": -1}, "data[1].tool_actions.edit_tool.accepted: negative (-1)"),
        ({"tool_actions.write_tool": 3}, "data[1].tool_actions.write_tool: not an object (3)"),
        ({"tool_actions.edit_tool.rejected": ...}, "data[1].tool_actions.edit_tool.rejected: missing"),
        (
            {"tool_actions": {"a": {"accepted": 600_000, "rejected": 0}, "b": {"accepted": 600_000, "rejected": 0}}},
            "data[1].tool_actions: 1,200,000 accepted and 0 rejected edits in all, over the bound of 1,000,000",
        ),
        ({"model_breakdown": {"model": "x"}}, "data[1].model_breakdown: not a list (an object)"),
        ({"model_breakdown": ["x"]}, "data[1].model_breakdown[0]: not an object ('x')"),
        ({"model_breakdown.0.model": ...}, "data[1].model_breakdown[0].model: missing"),
        ({"model_breakdown.1.tokens.output": -5}, "data[1].model_breakdown[1].tokens.output: negative (-5)"),
        (
            {"model_breakdown.0.estimated_cost.amount": "abc"},
            "data[1].model_breakdown[0].estimated_cost.amount: not a decimal number ('abc')",
        ),
        ({"model_breakdown.0.estimated_cost.amount": -1}, "data[1].model_breakdown[0].estimated_cost.amount: negative (-1)"),
        (
            {"model_breakdown.0.estimated_cost.amount": 100_000_001},
            "data[1].model_breakdown[0].estimated_cost.amount: 100000001 is over the bound of 100,000,000",
        ),
        (
            {"model_breakdown.0.estimated_cost.currency": "EUR"},
            "data[1].model_breakdown[0].estimated_cost.currency: 'EUR', expected USD (amounts are US cents)",
        ),
        ({"date": "yesterday"}, "data[1].date: not a date (YYYY-MM-DD or RFC 3339): 'yesterday'"),
        ({"date": "2025-02-30"}, "data[1].date: not a date (YYYY-MM-DD or RFC 3339): '2025-02-30'"),
        ({"date": 20250908}, "data[1].date: not a date (20250908)"),
        ({"date": ...}, "data[1].date: missing"),
        ({"actor.type": "robot_actor"}, "data[1].actor.type: 'robot_actor', expected user_actor or api_actor"),
        ({"actor.email_address": ""}, "data[1].actor.email_address: empty"),
        ({"actor.email_address": "alice"}, "data[1].actor.email_address: not an email address ('alice')"),
        ({"actor.email_address": "al\u0000ice@example.com"}, "data[1].actor.email_address: holds a NUL character"),
        ({"actor": {"type": "api_actor"}}, "data[1].actor.api_key_name: missing"),
        ({"actor": ...}, "data[1].actor: missing"),
        ({"terminal_type": "vs\u0000code"}, "data[1].terminal_type: holds a NUL character"),
        ({"terminal_type": "t" * 101}, "data[1].terminal_type: longer than 100 characters"),
        ({"model_breakdown.0.model": "m\u0000"}, "data[1].model_breakdown[0].model: holds a NUL character"),
    ],
)
def test_a_record_that_cannot_be_read_is_rejected_with_its_path_and_the_rest_go_on(changes, reason):
    got = rows(page([record(), record(**changes), record(terminal_type="tmux")]))
    assert got[1] == RejectedRow(2, reason)
    assert [(r.line, r.terminal) for r in (got[0], got[2])] == [(1, "vscode"), (3, "tmux")]


def test_a_date_far_in_the_future_or_before_2020_is_absurd():
    got = rows(page([record(date="2999-01-01"), record(date="1999-12-31T00:00:00Z")]))
    assert [type(r) for r in got] == [RejectedRow, RejectedRow]
    assert got[0].reason.startswith("data[0].date: 2999-01-01 is outside 2020-01-01 to ")
    assert got[1].reason.startswith("data[1].date: 1999-12-31 is outside 2020-01-01 to ")


def test_a_tool_name_with_a_nul_character_is_rejected():
    (got,) = rows(page([record(tool_actions={"ed\u0000it": {"accepted": 1, "rejected": 0}})]))
    assert got == RejectedRow(1, "data[0].tool_actions: a tool name is empty or holds a NUL character ('ed\\\\u0000it')")


def test_an_item_that_is_no_object_is_rejected():
    got = rows(page([record(), 42, None, record()]))
    assert got[1:3] == [RejectedRow(2, "data[1]: not an object (42)"), RejectedRow(3, "data[2]: not an object (null)")]


def test_a_first_record_without_core_metrics_is_a_rejected_row_not_a_refused_file():
    got = rows(page([record(core_metrics=...), record()]))
    assert got == [RejectedRow(1, "data[0].core_metrics: missing"), ALICE._replace(line=2)]


def test_records_past_the_size_depth_or_field_limits_are_rejected_with_their_path():
    limits = ImportLimits(max_row_chars=4096, max_field_chars=200, max_json_depth=8)
    deep = record(extra=json.loads("[" * 10 + "]" * 10))
    long_field = record(organization_id="o" * 300)
    huge = record(extra=list(range(2000)))
    got = rows(page([record(), deep, long_field, huge, record()]), limits=limits)
    assert got[1:4] == [
        RejectedRow(2, "data[1]: the record is nested more than 8 levels deep"),
        RejectedRow(3, "data[2]: a value is longer than 0.195312 KiB (IMPORT_MAX_FIELD_BYTES)"),
        RejectedRow(4, "data[3]: the record is longer than 4 KiB (IMPORT_MAX_ROW_BYTES)"),
    ]
    assert [r.line for r in got if isinstance(r, CodeDayRecord)] == [1, 5]


def test_an_empty_page_is_a_usage_report_with_no_records():
    empty = b'{"data": [], "has_more": false, "next_page": null}'
    assert usage.sniff(empty.decode()) and not sniff_users(empty.decode()) and not sniff_summaries(empty.decode())
    assert rows(empty) == []


def test_the_envelope_keys_may_come_in_any_order_and_unknown_keys_are_read_past():
    content = json.dumps({"next_page": "p2", "meta": {"x": [1, {"data": []}]}, "data": [record()], "has_more": True}).encode()
    assert usage.sniff(content.decode())
    assert rows(content) == [ALICE]


@pytest.mark.parametrize(
    "name",
    [
        "claude_enterprise_audit.json",
        "claude_enterprise_audit.csv",
        "enterprise_analytics_users.json",
        "enterprise_analytics_summaries.json",
    ],
)
def test_the_other_formats_are_not_a_usage_report(name):
    content = sample_bytes(name)
    assert not usage.sniff(content.decode())
    with pytest.raises(UnsupportedFile, match="Expected a Claude Code usage report page"):
        usage.open_claude_code_usage_report(io.BytesIO(content))


def test_audit_log_json_lines_are_not_a_usage_report():
    lines = "\n".join(json.dumps(event) for event in json.loads(sample_bytes("claude_enterprise_audit.json")))
    assert not usage.sniff(lines)
    with pytest.raises(UnsupportedFile, match="Expected a Claude Code usage report page"):
        usage.open_claude_code_usage_report(io.BytesIO(lines.encode()))


@pytest.mark.parametrize(
    "content, says",
    [
        (b"", "The file is empty"),
        (b"  \n", "The file is empty"),
        (b"PK\x03\x04\x00\x00", "not JSON text"),
        (b"date,actor\n2025-09-08,a\n", "The file is not JSON"),
        (b'{"data": {"date": "2025-09-08"}}', "has no 'data' list"),
        (b'{"items": []}', "has no 'data' list"),
        (
            b'{"data": [{"date": "2025-09-08", "email": "a@example.com"}]}',
            "is not a usage report record (its fields: date, email)",
        ),
    ],
)
def test_a_file_that_is_not_a_usage_report_fails_saying_what_was_expected(content, says):
    with pytest.raises(UnsupportedFile) as failure:
        usage.open_claude_code_usage_report(io.BytesIO(content))
    assert says in str(failure.value)
    assert str(failure.value).endswith(usage.EXPECTED)


def test_a_page_that_breaks_off_fails_the_file():
    content = sample_bytes()[:-200]
    opened = usage.open_claude_code_usage_report(io.BytesIO(content))  # its head is fine
    with pytest.raises(UnsupportedFile, match="malformed or ends early"):
        list(opened.rows())


def test_two_pages_joined_in_one_file_fail_the_file():
    opened = usage.open_claude_code_usage_report(io.BytesIO(page([record()]) + b"\n" + page([record()])))
    with pytest.raises(UnsupportedFile, match="several pages joined"):
        list(opened.rows())


def test_a_big_page_is_streamed_within_a_small_row_limit(tmp_path):
    """100,000 records (over 50 MB), each read on its own within a 4 KiB row limit."""
    path = tmp_path / "big.json"
    template = json.dumps(record(**{"actor.email_address": "user{n}@example.com", "core_metrics.num_sessions": 0}))
    template = template.replace('"num_sessions": 0', '"num_sessions": {sessions}')
    count = 100_000
    with path.open("w") as handle:
        handle.write('{"has_more": false, "data": [')
        for n in range(count):
            handle.write(("," if n else "") + template.replace("{n}", str(n)).replace("{sessions}", str(n % 7)))
            if n == 1000:  # one record past the field limit, in the middle of the page
                handle.write(',{"date": "2025-09-08", "blob": "' + "x" * 5000 + '"}')
        handle.write('], "next_page": null}')
    assert path.stat().st_size > 50 * 1024**2
    limits = ImportLimits(max_row_chars=4096, max_field_chars=1024)
    records = sessions = 0
    rejected, emails = [], set()
    with path.open("rb") as binary:
        opened = usage.open_claude_code_usage_report(binary, limits=limits)
        for row in opened.rows():
            if isinstance(row, RejectedRow):
                rejected.append(row)
            else:
                records += 1
                sessions += row.sessions
                if row.line <= 3:
                    emails.add(row.email)
        assert opened.progress == 1.0
    assert records == count
    assert rejected == [RejectedRow(1002, "data[1001]: a value is longer than 1 KiB (IMPORT_MAX_FIELD_BYTES)")]
    assert sessions == sum(n % 7 for n in range(count))
    assert emails == {"user0@example.com", "user1@example.com", "user2@example.com"}


def test_a_page_much_larger_than_memory_allows_is_never_held_whole(tmp_path):
    """40 records of 1 MB each: reading them holds about one record, never the 40 MB page."""
    path = tmp_path / "wide.json"
    with path.open("w") as handle:
        handle.write('{"data": [')
        for n in range(40):
            handle.write(("," if n else "") + json.dumps(record(padding="p" * 1_000_000)))
        handle.write("]}")
    limits = ImportLimits(max_row_chars=2 * 1024**2, max_field_chars=2 * 1024**2)
    tracemalloc.start()
    try:
        with path.open("rb") as binary:
            got = sum(
                1
                for row in usage.open_claude_code_usage_report(binary, limits=limits).rows()
                if row == ALICE._replace(line=row.line)
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert got == 40
    assert peak < 8 * 1024**2  # the page is 40 MB


def test_a_page_that_is_not_utf_8_fails_the_file():
    content = page([record(), record(terminal_type="tmux")]).replace(b"tmux", b"tm\xffux")
    opened = usage.open_claude_code_usage_report(io.BytesIO(content))
    with pytest.raises(UnsupportedFile, match="not UTF-8 text. Expected a Claude Code usage report page"):
        list(opened.rows())
