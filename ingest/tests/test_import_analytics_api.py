"""The Enterprise Analytics API parsers (formats.md §3): /summaries pages (either envelope, any day key)
and /users pages (which need the date from the uploader). Expectations computed by hand from
testing/data/samples/enterprise_analytics_summaries.json and enterprise_analytics_users.json.

Pure parser tests: no database.
"""

from __future__ import annotations

import copy
import io
import json
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

import pytest

from ingest.importers import analytics_api as analytics
from ingest.importers.claude_code_usage import sniff as sniff_usage_report
from ingest.importers.common import ImportLimits, RejectedRow, UnsupportedFile
from ingest.importers.records import AnalyticsSummaryRecord, ChatDayRecord, CodeDayRecord
from testing import SAMPLES

SUMMARIES = "enterprise_analytics_summaries.json"
USERS = "enterprise_analytics_users.json"
DAY = date(2025, 9, 8)


def sample_bytes(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def summary_rows(content: bytes, **kwargs) -> list:
    return list(analytics.open_analytics_summaries(io.BytesIO(content), **kwargs).rows())


def user_rows(content: bytes, day=DAY, **kwargs) -> list:
    return list(analytics.open_analytics_users(io.BytesIO(content), date=day, **kwargs).rows())


def summary(**changes) -> dict:
    item = copy.deepcopy(json.loads(sample_bytes(SUMMARIES))["summaries"][0])
    for key, value in changes.items():
        if value is ...:
            del item[key]
        else:
            item[key] = value
    return item


def user(**changes) -> dict:
    """The sample's first /users record (alice) with `changes` applied at dotted paths; ... drops a key."""
    item = copy.deepcopy(json.loads(sample_bytes(USERS))["data"][0])
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        target = item
        for key in parents:
            target = target[key]
        if value is ...:
            del target[last]
        else:
            target[last] = value
    return item


def users_page(records: list) -> bytes:
    return json.dumps({"data": records, "next_page": None}).encode()


# /summaries

SAMPLE_SUMMARIES = [  # starting_at, DAU, WAU, MAU, seats, pending invites: read off the sample
    (date(2025, 9, 1), 4, 4, 6, 8, 1),
    (date(2025, 9, 2), 5, 4, 6, 8, 1),
    (date(2025, 9, 3), 4, 4, 6, 8, 0),
    (date(2025, 9, 4), 3, 5, 6, 8, 0),
    (date(2025, 9, 5), 5, 5, 6, 8, 0),
    (date(2025, 9, 6), 1, 5, 6, 8, 0),
    (date(2025, 9, 7), 0, 6, 6, 8, 0),
    (date(2025, 9, 8), 5, 6, 6, 8, 0),
    (date(2025, 9, 9), 6, 6, 6, 8, 0),
    (date(2025, 9, 10), 5, 6, 6, 8, 0),
    (date(2025, 9, 11), 4, 6, 6, 8, 0),
    (date(2025, 9, 12), 5, 6, 6, 8, 0),
    (date(2025, 9, 13), 1, 6, 6, 8, 0),
    (date(2025, 9, 14), 0, 6, 6, 8, 0),
]


def test_the_summaries_sample_gives_one_record_per_date():
    opened = analytics.open_analytics_summaries(io.BytesIO(sample_bytes(SUMMARIES)))
    assert opened.format == "analytics_summaries"
    got = list(opened.rows())
    assert got == [AnalyticsSummaryRecord(n, *values) for n, values in enumerate(SAMPLE_SUMMARIES, 1)]
    assert opened.progress == 1.0
    assert opened.unknown == Counter()


@pytest.mark.parametrize("envelope", ["summaries", "data"])
@pytest.mark.parametrize(
    "day_key, written",
    [
        ("starting_at", "2025-09-01"),
        ("starting_at", "2025-09-01T00:00:00Z"),
        ("starting_date", "2025-09-01"),
        ("date", "2025-09-01"),
        ("starting_date", "2025-08-31T20:00:00-04:00"),  # midnight UTC
    ],
)
def test_either_envelope_and_any_day_key_are_read(envelope, day_key, written):
    item = {key: value for key, value in summary().items() if key not in ("starting_at", "ending_at")}
    item[day_key] = written
    content = json.dumps({"other": {"summaries": 1}, envelope: [item]}).encode()
    assert analytics.sniff_summaries(content.decode())
    assert summary_rows(content) == [AnalyticsSummaryRecord(1, date(2025, 9, 1), 4, 4, 6, 8, 1)]


def test_seats_and_invites_may_be_missing_or_null():
    content = json.dumps({"data": [summary(assigned_seat_count=..., pending_invite_count=None)]}).encode()
    assert summary_rows(content) == [AnalyticsSummaryRecord(1, date(2025, 9, 1), 4, 4, 6, None, None)]


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"daily_active_user_count": ...}, "summaries[1].daily_active_user_count: missing"),
        ({"weekly_active_user_count": -1}, "summaries[1].weekly_active_user_count: negative (-1)"),
        ({"monthly_active_user_count": 10_000_001}, "summaries[1].monthly_active_user_count: 10000001 is over the bound of 10,000,000"),
        ({"assigned_seat_count": "many"}, "summaries[1].assigned_seat_count: not a whole number ('many')"),
        ({"pending_invite_count": 1.5}, "summaries[1].pending_invite_count: not a whole number (1.5)"),
        ({"starting_at": ...}, "summaries[1].starting_at: missing (nor starting_date, nor date)"),
        ({"starting_at": "01/09/2025"}, "summaries[1].starting_at: not a date (YYYY-MM-DD or RFC 3339): '01/09/2025'"),
        ({"starting_at": "2025-09-01\u0000"}, "summaries[1].starting_at: holds a NUL character"),
    ],
)  # fmt: skip
def test_a_summary_that_cannot_be_read_is_rejected_with_its_path(changes, reason):
    content = json.dumps({"summaries": [summary(), summary(**changes), summary()]}).encode()
    got = summary_rows(content)
    assert got[1] == RejectedRow(2, reason)
    assert [r.line for r in got if isinstance(r, AnalyticsSummaryRecord)] == [1, 3]


def test_whole_numbers_written_as_2_0_or_as_text_are_read():
    content = json.dumps({"summaries": [summary(daily_active_user_count=4.0, weekly_active_user_count="4")]}).encode()
    assert summary_rows(content)[0][2:4] == (4, 4)


def test_an_empty_summaries_page_has_no_records():
    assert analytics.sniff_summaries('{"summaries": []}')
    assert summary_rows(b'{"summaries": []}') == []


# /users

SAMPLE_USERS = [  # email, id, sessions, added, removed, commits, PRs, accepted, rejected, conversations, messages
    ("alice@example.com", "user_01WY9S19FK8RRArbSfDnu9Tr", 4, 812, 140, 3, 1, 31, 2, 5, 31),
    ("bob@example.com", "user_01FHXeDTAocRz21q397wpfMW", 2, 95, 60, 1, 0, 9, 3, 2, 9),
    ("carol@example.com", "user_014kpkFhdNK8ewgFTk7hh1Be", 6, 2210, 1304, 7, 2, 77, 9, 1, 4),
    ("dana.oneil@example.com", "user_01e7tsJ8BRp1dguTNyMqzwNb", 1, 12, 0, 0, 0, 1, 0, 3, 12),
    ("erik@example.com", "user_01mkSZRFjB0jMpN2xh5m4uQ0", 3, 430, 388, 2, 1, 20, 4, 4, 22),
    ("fatima@example.com", "user_01qktF7xqoHRo3fHEKDzTTfv", 0, 0, 0, 0, 0, 0, 0, 1, 2),
]


def test_the_users_sample_gives_a_claude_code_and_a_chat_record_per_person():
    opened = analytics.open_analytics_users(io.BytesIO(sample_bytes(USERS)), date="2025-09-08")
    assert (opened.format, opened.date) == ("analytics_users", DAY)
    got = list(opened.rows())
    expected = []
    for line, (email, account, sessions, added, removed, commits, prs, accepted, rejected, conversations, messages) in enumerate(
        SAMPLE_USERS, 1
    ):
        expected.append(
            CodeDayRecord(
                line, "analytics", DAY, email, account, "", "", sessions, added, removed, commits, prs, accepted, rejected,
                Decimal(0), (),
            )
        )  # fmt: skip
        expected.append(ChatDayRecord(line, DAY, email, account, conversations, messages))
    assert got == expected
    assert opened.envelope == {"next_page": None}
    assert opened.unknown == Counter()
    assert opened.progress == 1.0


def test_a_users_page_without_a_date_is_refused_saying_why():
    for missing in (None, ""):
        with pytest.raises(UnsupportedFile) as failure:
            analytics.open_analytics_users(io.BytesIO(sample_bytes(USERS)), date=missing)
        assert str(failure.value) == (
            "An analytics /users page does not say which date it covers (the API takes it as a query parameter): "
            "give the date on the upload form, or `import_logs --date YYYY-MM-DD`."
        )
    with pytest.raises(UnsupportedFile, match="does not say which date"):
        analytics.open_analytics_users(io.BytesIO(sample_bytes(USERS)))


@pytest.mark.parametrize(
    "given, says",
    [
        ("08/09/2025", "must be YYYY-MM-DD"),
        ("2025-09-08T00:00:00Z", "must be YYYY-MM-DD"),
        (datetime(2025, 9, 8, 12), "a date (YYYY-MM-DD), not a time"),
        ("2999-01-01", "is outside 2020-01-01 to"),
        (20250908, "must be YYYY-MM-DD"),
    ],
)
def test_a_date_that_is_not_one_is_refused(given, says):
    with pytest.raises(UnsupportedFile, match=says.replace("(", r"\(").replace(")", r"\)")):
        analytics.open_analytics_users(io.BytesIO(sample_bytes(USERS)), date=given)


def test_a_wrong_file_says_what_was_expected_before_asking_for_a_date():
    with pytest.raises(UnsupportedFile, match="Expected an Enterprise Analytics API /users page"):
        analytics.open_analytics_users(io.BytesIO(sample_bytes("claude_code_usage_report.json")))


def test_a_record_with_only_one_of_the_blocks_gives_only_that_record():
    got = user_rows(users_page([user(claude_code_metrics=...), user(chat_metrics=None)]))
    assert [type(r) for r in got] == [ChatDayRecord, CodeDayRecord]
    assert [r.line for r in got] == [1, 2]


def test_unknown_tools_are_summed_and_counted():
    tools = {"edit_tool": {"accepted_count": 1, "rejected_count": 0}, "future_tool": {"accepted_count": 2, "rejected_count": 3}}
    opened = analytics.open_analytics_users(
        io.BytesIO(users_page([user(**{"claude_code_metrics.tool_actions": tools})])), date=DAY
    )
    code = next(r for r in opened.rows() if isinstance(r, CodeDayRecord))
    assert (code.edits_accepted, code.edits_rejected) == (3, 3)
    assert opened.unknown == Counter({"tool:future_tool": 1})


def test_missing_tool_actions_are_zeros():
    (code, _) = user_rows(users_page([user(**{"claude_code_metrics.tool_actions": ...})]))
    assert (code.sessions, code.edits_accepted, code.edits_rejected) == (4, 0, 0)


def test_a_user_known_only_by_id_or_with_a_mixed_case_email():
    got = user_rows(users_page([user(**{"user.email_address": ...}), user(**{"user.email_address": "Alice@Example.com"})]))
    assert [(r.email, r.account_id) for r in got[::2]] == [
        ("", "user_01WY9S19FK8RRArbSfDnu9Tr"),
        ("alice@example.com", "user_01WY9S19FK8RRArbSfDnu9Tr"),
    ]


CC = "data[1].claude_code_metrics"


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"claude_code_metrics.core_metrics.commit_count": -1}, f"{CC}.core_metrics.commit_count: negative (-1)"),
        ({"claude_code_metrics.core_metrics.distinct_session_count": 10_001}, f"{CC}.core_metrics.distinct_session_count: 10001 is over the bound of 10,000"),
        ({"claude_code_metrics.core_metrics.lines_of_code.added_count": "x"}, f"{CC}.core_metrics.lines_of_code.added_count: not a whole number ('x')"),
        ({"claude_code_metrics.core_metrics.pull_request_count": ...}, f"{CC}.core_metrics.pull_request_count: missing"),
        ({"claude_code_metrics.core_metrics": ...}, f"{CC}.core_metrics: missing"),
        ({"claude_code_metrics.tool_actions.edit_tool.rejected_count": -4}, f"{CC}.tool_actions.edit_tool.rejected_count: negative (-4)"),
        ({"chat_metrics.message_count": -1}, "data[1].chat_metrics.message_count: negative (-1)"),
        ({"chat_metrics.distinct_conversation_count": 100_001}, "data[1].chat_metrics.distinct_conversation_count: 100001 is over the bound of 100,000"),
        ({"chat_metrics": "none"}, "data[1].chat_metrics: not an object ('none')"),
        ({"user": ...}, "data[1].user: missing"),
        ({"user.email_address": "a\u0000@example.com"}, "data[1].user.email_address: holds a NUL character"),
        ({"user.email_address": ..., "user.id": ...}, "data[1].user: neither email_address nor id"),
        ({"user.id": "u" * 65}, "data[1].user.id: longer than 64 characters"),
        ({"chat_metrics": ..., "claude_code_metrics": ...}, "data[1]: neither claude_code_metrics nor chat_metrics"),
    ],
)  # fmt: skip
def test_a_user_record_that_cannot_be_read_is_one_rejected_row_and_keeps_neither_part(changes, reason):
    got = user_rows(users_page([user(), user(**changes), user()]))
    assert got[2] == RejectedRow(2, reason)
    assert [(type(r).__name__, r.line) for r in got] == [
        ("CodeDayRecord", 1), ("ChatDayRecord", 1), ("RejectedRow", 2), ("CodeDayRecord", 3), ("ChatDayRecord", 3),
    ]  # fmt: skip


def test_a_page_grouped_by_rbac_group_is_refused():
    group = {
        "rbac_group_id": "g1",
        "rbac_group_name": "Eng",
        "distinct_user_count": 4,
        "chat_metrics": {},
        "claude_code_metrics": {},
    }
    content = users_page([group])
    assert analytics.sniff_users(content.decode())
    with pytest.raises(UnsupportedFile, match="grouped by RBAC group"):
        analytics.open_analytics_users(io.BytesIO(content), date=DAY)


def test_an_empty_users_page_has_no_records():
    content = b'{"data": [], "next_page": null}'
    assert analytics.sniff_users(content.decode()) and not analytics.sniff_summaries(content.decode())
    assert user_rows(content) == []


def test_a_big_users_page_is_streamed_within_a_small_row_limit(tmp_path):
    path = tmp_path / "users.json"
    count = 20_000
    with path.open("w") as handle:
        handle.write('{"data": [')
        for n in range(count):
            handle.write(
                ("," if n else "") + json.dumps(user(**{"user.email_address": f"u{n}@example.com", "user.id": f"user_{n}"}))
            )
        handle.write('], "next_page": "page_2"}')
    assert path.stat().st_size > 15 * 1024**2
    with path.open("rb") as binary:
        opened = analytics.open_analytics_users(binary, date=DAY, limits=ImportLimits(max_row_chars=2048))
        kinds = Counter(type(r).__name__ for r in opened.rows())
    assert kinds == {"CodeDayRecord": count, "ChatDayRecord": count}
    assert opened.envelope == {"next_page": "page_2"}


# Telling the formats apart


ALL_SAMPLES = [
    "claude_code_usage_report.json",
    "enterprise_analytics_summaries.json",
    "enterprise_analytics_users.json",
    "claude_enterprise_audit.json",
    "claude_enterprise_audit.csv",
    "claude_enterprise_audit_export.zip",
]


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_each_sample_is_claimed_by_its_own_sniffer_only(name):
    head = sample_bytes(name)[:65536].decode("utf-8", errors="replace")
    claims = {
        "claude_code_usage_report.json": sniff_usage_report(head),
        "enterprise_analytics_summaries.json": analytics.sniff_summaries(head),
        "enterprise_analytics_users.json": analytics.sniff_users(head),
    }
    assert {n for n, claimed in claims.items() if claimed} == ({name} if name in claims else set())


def test_audit_log_json_lines_are_claimed_by_none():
    lines = "\n".join(json.dumps(event) for event in json.loads(sample_bytes("claude_enterprise_audit.json")))
    assert not (analytics.sniff_users(lines) or analytics.sniff_summaries(lines) or sniff_usage_report(lines))


@pytest.mark.parametrize(
    "name", ["claude_code_usage_report.json", "enterprise_analytics_users.json", "claude_enterprise_audit.json"]
)
def test_other_files_are_not_summaries(name):
    with pytest.raises(UnsupportedFile, match="Expected an Enterprise Analytics API /summaries page"):
        analytics.open_analytics_summaries(io.BytesIO(sample_bytes(name)))


@pytest.mark.parametrize(
    "name", ["claude_code_usage_report.json", "enterprise_analytics_summaries.json", "claude_enterprise_audit.csv"]
)
def test_other_files_are_not_users_pages(name):
    with pytest.raises(UnsupportedFile, match="Expected an Enterprise Analytics API /users page"):
        analytics.open_analytics_users(io.BytesIO(sample_bytes(name)), date=DAY)
