"""Support-ticket exports (Zendesk, Jira, plain CSV): the parser alone, no database. The fixtures in
testing/data/tickets/ are invented (people at example.com); expectations are read off them by hand."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime

import pytest

from ingest.importers import otel, spend, tickets
from ingest.importers.common import ImportLimits, RejectedRow, UnsupportedFile
from ingest.importers.records import TicketRecord
from testing import DATA, SAMPLES

FIXTURES = DATA / "tickets"


def fixture(name: str) -> io.BytesIO:
    return io.BytesIO((FIXTURES / name).read_bytes())


def text_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def read(binary: io.BytesIO, **kwargs):
    opened = tickets.open_support_tickets(binary, **kwargs)
    return opened, list(opened.rows())


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_zendesk_export_keeps_the_tagged_tickets_only():
    opened, rows = read(fixture("zendesk_tickets.csv"))

    assert opened.format == "support_tickets" and opened.helpdesk == "zendesk" and opened.progress == 1.0
    assert rows == [
        TicketRecord(2, "zendesk", "1041", utc(2026, 11, 30, 13, 5), "nina.patel@example.com", ("claude-code", "mcp", "vpn")),
        TicketRecord(5, "zendesk", "1043", utc(2026, 12, 1, 7, 0), "lena@example.com", ("claude-code", "plugins")),
    ]  # 1041's description spans lines 2-3, so 1042 is on line 4 and 1043 on line 5
    assert opened.untagged == 2  # 1042 (printer) and 1044 (claude-ai is another tag)


def test_a_jira_export_merges_its_repeated_labels_columns():
    opened, rows = read(fixture("jira_issues.csv"))

    assert opened.helpdesk == "jira"
    assert rows == [
        TicketRecord(2, "jira", "IT-310", utc(2026, 11, 30, 14, 5), "nina.patel@example.com", ("claude-code", "performance")),
        TicketRecord(4, "jira", "IT-312", utc(2026, 12, 1, 0, 15), "lena@example.com", ("skills", "claude-code", "onboarding")),
    ]
    assert opened.untagged == 1


def test_a_plain_export_splits_tags_on_commas_semicolons_and_spaces_and_reads_times_without_offset_as_utc():
    opened, rows = read(fixture("tickets.csv"))

    assert opened.helpdesk == "csv"
    assert rows == [
        TicketRecord(2, "csv", "T-1", utc(2026, 11, 30, 13, 5), "nina.patel@example.com", ("claude-code", "mcp")),
        TicketRecord(3, "csv", "T-2", utc(2026, 11, 30, 9, 0), "omar@example.com", ("claude-code", "vpn")),
        TicketRecord(4, "csv", "T-3", utc(2026, 11, 30, 8, 0), "lena@example.com", ("laptop", "claude-code")),
    ]
    assert opened.untagged == 1


def test_subjects_descriptions_and_untagged_tickets_are_never_kept():
    everything = ""
    for name in ("zendesk_tickets.csv", "jira_issues.csv", "tickets.csv"):
        opened, rows = read(fixture(name))
        everything += repr(rows) + repr(vars(opened).get("unknown"))

    for text in ("MCP server", "Friday", "monorepo", "custom skill", "Printer", "printer", "VPN drops", "laptop setup",
                 "Nina Patel", "Broken mouse", "1042", "IT-311", "T-4"):  # fmt: skip
        assert text not in everything, text


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("CLAUDE-CODE", ["T-1", "T-2", "T-3"]), ("  Claude-Code ", ["T-1", "T-2", "T-3"]), ("mcp", ["T-1"]), ("hardware", ["T-4"])],
)
def test_the_tag_is_the_portal_setting_compared_case_insensitively(tag, expected):
    opened, rows = read(fixture("tickets.csv"), tag=tag)

    assert [r.ticket_id for r in rows] == expected
    assert opened.untagged == 4 - len(expected)


@pytest.mark.parametrize("tag", ["", "  ", "claude code", "a,b"])
def test_a_tag_that_is_not_one_word_is_a_programming_error(tag):
    with pytest.raises(ValueError):
        tickets.open_support_tickets(fixture("tickets.csv"), tag=tag)


def test_a_tag_is_matched_whole_not_as_part_of_another():
    _, rows = read(text_file("id,created_at,requester_email,tags\n1,2026-11-30T10:00:00Z,a@example.com,claude-code-beta\n"))

    assert rows == []


def test_jira_reporter_column_is_used_when_there_is_no_reporter_email_and_a_name_is_no_email():
    content = (
        "Issue key,Summary,Reporter,Created,Labels\n"
        "IT-1,Hangs,Lena@Example.com,30/Nov/2026 14:05,claude-code\n"
        "IT-2,Hangs too,Lena Berg,30/Nov/26 11:59 PM,claude-code\n"
    )
    opened, rows = read(text_file(content))

    assert opened.helpdesk == "jira"
    assert [(r.ticket_id, r.email, r.created_at) for r in rows] == [
        ("IT-1", "lena@example.com", utc(2026, 11, 30, 14, 5)),
        ("IT-2", "", utc(2026, 11, 30, 23, 59)),
    ]


@pytest.fixture
def process_in_new_york(monkeypatch):
    """The worker's own time zone is not UTC (Django sets TZ from TIME_ZONE, UTC in the tests)."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_time_without_an_offset_is_utc_whatever_the_process_time_zone(process_in_new_york):
    assert time.localtime(0).tm_hour == 19  # the zone did change
    _, rows = read(fixture("tickets.csv"))

    assert rows[1].created_at == utc(2026, 11, 30, 9, 0)
    assert tickets.parse_created("30/Nov/26 2:05 PM") == utc(2026, 11, 30, 14, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30T14:05:00Z", utc(2026, 11, 30, 14, 5)),
        ("2026-11-30T14:05:00+01:00", utc(2026, 11, 30, 13, 5)),
        ("2026-11-30T14:05:00.250-05:00", utc(2026, 11, 30, 19, 5, 0, 250000)),
        ("2026-11-30 14:05:00 +0100", utc(2026, 11, 30, 13, 5)),
        ("2026-11-30 14:05:00", utc(2026, 11, 30, 14, 5)),
        ("2026-11-30 14:05", utc(2026, 11, 30, 14, 5)),
        ("2026-11-30", utc(2026, 11, 30)),
        ("30/Nov/26 2:05 PM", utc(2026, 11, 30, 14, 5)),
        ("30/nov/26 12:05 am", utc(2026, 11, 30, 0, 5)),
        ("30/Nov/26 12:05 PM", utc(2026, 11, 30, 12, 5)),
        ("1/Dec/2026 14:05:30", utc(2026, 12, 1, 14, 5, 30)),
    ],
)
def test_created_times_in_the_supported_spellings(text, expected):
    assert tickets.parse_created(text) == expected


@pytest.mark.parametrize(
    "text", ["yesterday", "31/Feb/26 1:00 PM", "30/Nov/26 13:05 PM", "30/Xyz/26 1:00 PM", "11/30/2026", "1999-12-31"]
)
def test_created_times_that_are_not_read(text):
    with pytest.raises(ValueError):
        tickets.parse_created(text)


PLAIN = "id,created_at,requester_email,tags\n"
GOOD = "T-9,2026-11-30T10:00:00Z,nina.patel@example.com,claude-code\n"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("T-5,yesterday,nina.patel@example.com,claude-code\n", tickets.BAD_TIME),
        ("T-5,1999-12-31T10:00:00Z,nina.patel@example.com,claude-code\n", "created time is outside 2000–2100"),
        ("T-5,,nina.patel@example.com,claude-code\n", "no created time"),
        (",2026-11-30T10:00:00Z,nina.patel@example.com,claude-code\n", "no ticket id"),
        ("T\x005,2026-11-30T10:00:00Z,nina.patel@example.com,claude-code\n", "a value holds a NUL character"),
        (
            "T-5,2026-11-30T10:00:00Z,nina.patel@example.com,claude-code " + "x" * 101 + "\n",
            "a tag is longer than 100 characters",
        ),
        (
            "T-5,2026-11-30T10:00:00Z,nina.patel@example.com,claude-code " + " ".join(f"t{i}" for i in range(100)) + "\n",
            "more than 100 tags",
        ),
        ("X" * 101 + ",2026-11-30T10:00:00Z,nina.patel@example.com,claude-code\n", "ticket id is longer than 100 characters"),
        ("T-5,2026-11-30T10:00:00Z," + "n" * 260 + "@example.com,claude-code\n", "requester email is longer than 254 characters"),
    ],
)
def test_a_bad_tagged_ticket_is_rejected_with_its_line_and_the_rest_go_on(row, reason):
    opened, rows = read(text_file(PLAIN + GOOD + row + GOOD))

    assert rows[1] == RejectedRow(3, reason)
    assert [type(r) for r in rows] == [TicketRecord, RejectedRow, TicketRecord] and rows[2].line == 4
    assert opened.untagged == 0


def test_a_bad_untagged_ticket_is_only_counted():
    opened, rows = read(text_file(PLAIN + GOOD + "T-5,yesterday,,printer\n"))

    assert len(rows) == 1 and opened.untagged == 1


def test_over_long_rows_are_rejected_and_the_file_goes_on():
    limits = ImportLimits(max_row_chars=1000, max_field_chars=400)
    long_row = "T-6,2026-11-30T10:00:00Z,a@example.com,claude-code," + "s" * 2000 + "\n"
    long_field = 'T-7,2026-11-30T10:00:00Z,a@example.com,claude-code,"' + "s" * 500 + '"\n'
    _, rows = read(text_file("id,created_at,requester_email,tags,subject\n" + long_row + GOOD + long_field + GOOD), limits=limits)

    assert rows[0] == RejectedRow(2, "the row is longer than 0.976562 KiB (IMPORT_MAX_ROW_BYTES)")
    assert rows[1].line == 3 and rows[1].ticket_id == "T-9"
    assert rows[2] == RejectedRow(4, "a field is longer than 0.390625 KiB (IMPORT_MAX_FIELD_BYTES)")
    assert rows[3].line == 5


def test_a_semicolon_export_with_a_bom_and_crlf():
    content = "\ufeffId;Requester email;Created at;Tags\r\n77;Nina.Patel@example.com;2026-11-30 14:05:00 +0100;claude-code\r\n"
    opened, rows = read(text_file(content))

    assert opened.helpdesk == "zendesk"
    assert rows == [TicketRecord(2, "zendesk", "77", utc(2026, 11, 30, 13, 5), "nina.patel@example.com", ("claude-code",))]


# ---- what the file is ----------------------------------------------------------------------------------


def _head(path) -> str:
    return path.read_bytes()[:65536].decode("utf-8-sig", errors="replace")


def test_sniff_claims_the_three_ticket_exports_and_nothing_else():
    for name in ("zendesk_tickets.csv", "jira_issues.csv", "tickets.csv"):
        head = _head(FIXTURES / name)
        assert tickets.sniff(head), name
        assert not spend.sniff(head) and not otel.sniff(head), name
    for name in (
        "claude_enterprise_audit.csv",
        "claude_enterprise_audit.json",
        "claude_spend_report.csv",
        "claude_code_otel_logs.jsonl",
    ):
        assert not tickets.sniff(_head(SAMPLES / name)), name
    assert not tickets.sniff("id,created_at,event,actor_info,requester_email,tags\n")  # an audit log with extra columns
    assert not tickets.sniff("Issue key,Created,Labels\n")  # no reporter


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "The file is empty."),
        ((SAMPLES / "claude_spend_report.csv").read_bytes(), "not a ticket export's"),
        ((SAMPLES / "claude_enterprise_audit.csv").read_bytes(), "not a ticket export's"),
        (b"id,created_at,tags\n1,2026-11-30,claude-code\n", "not a ticket export's"),
    ],
    ids=["empty", "spend report", "audit log", "no requester"],
)
def test_a_file_that_is_not_a_ticket_export_fails_saying_what_was_expected(content, says):
    with pytest.raises(UnsupportedFile) as failure:
        tickets.open_support_tickets(io.BytesIO(content))

    assert says in str(failure.value) and "Expected a help-desk ticket export" in str(failure.value)


def test_text_that_is_not_utf8_fails_the_file():
    opened = tickets.open_support_tickets(io.BytesIO(PLAIN.encode() + b"1,2026-11-30,\xff@example.com,claude-code\n"))

    with pytest.raises(UnsupportedFile, match="not UTF-8"):
        list(opened.rows())
