"""The spend report CSV (formats.md §4.2): the parser alone, no database. The sample's figures are
summed by hand from the file."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from ingest.importers import otel, spend, tickets
from ingest.importers.common import ImportLimits, RejectedRow, UnsupportedFile
from ingest.importers.records import SpendRecord
from testing import SAMPLES

HEADER = "date,user_email,account_uuid,product,model,request_count,prompt_tokens,completion_tokens,net_spend_usd,gross_spend_usd"
ROW = "2026-11-30,nina@example.com,0b0e5c1e-0000-4000-8000-000000000001,Claude Code,claude-opus-4-1,12,1000,200,1.50,2.00"


def csv_file(*rows: str, header: str = HEADER, newline: str = "\n") -> io.BytesIO:
    return io.BytesIO((newline.join([header, *rows]) + newline).encode("utf-8"))


def read(binary: io.BytesIO, **kwargs):
    opened = spend.open_spend_report(binary, **kwargs)
    return opened, list(opened.rows())


def test_the_sample_yields_its_12_rows_hand_summed():
    opened, rows = read(io.BytesIO((SAMPLES / "claude_spend_report.csv").read_bytes()))

    assert opened.format == "spend_report" and opened.progress == 1.0
    assert all(type(r) is SpendRecord for r in rows) and len(rows) == 12
    assert [r.line for r in rows] == list(range(2, 14))
    assert opened.unknown == Counter()  # organization_uuid and model_family are known, not kept
    assert rows[0] == SpendRecord(
        2, date(2025, 9, 8), "alice@example.com", "fb7a7989-26c1-47eb-b956-b86470cf4f80", "Chat", "claude-sonnet-4-5",
        38, 210000, 41000, Decimal("1.0625"), Decimal("1.2500"),
    )  # fmt: skip
    # per day: 1.0625 + 4.2585 + 1.9125 + 12.5800 + 0.2635 + 0.0510 = 20.1280
    assert sum(r.net_spend_usd for r in rows) == Decimal("40.2560")
    # per day: 1.25 + 5.01 + 2.25 + 14.80 + 0.31 + 0.06 = 23.68
    assert sum(r.gross_spend_usd for r in rows) == Decimal("47.3600")
    assert sum(r.requests for r in rows) == 2 * (38 + 120 + 6 + 44 + 9 + 15)
    assert sum(r.prompt_tokens for r in rows if r.product == "Claude Code") == 2 * (1_100_000 + 736_000)
    assert {r.date for r in rows} == {date(2025, 9, 8), date(2025, 9, 9)}
    assert {r.email for r in rows} == {
        "alice@example.com", "bob@example.com", "carol@example.com", "dana.oneil@example.com", "erik@example.com",
    }  # fmt: skip


@pytest.mark.parametrize(
    "header",
    [
        "Day,User's email,Account UUID,Product,Model,Requests,Input tokens,Output tokens,Net spend,Gross spend",
        "Date,User Email,Account-UUID,Product,Model,Request count,Prompt tokens,Completion tokens,Net spend (USD),Gross spend (USD)",
        "date,email,account_uuid,product,model,requests,input_tokens,output_tokens,net_spend,gross_spend",
        "DATE,USER’S EMAIL,ACCOUNT_UUID,PRODUCT,MODEL,REQUEST_COUNT,PROMPT_TOKENS,COMPLETION_TOKENS,NET_SPEND_USD,GROSS_SPEND_USD",
    ],
    ids=["dashboard words", "title case with units", "short snake case", "upper case, curly apostrophe"],
)
def test_header_spellings_are_read_through_the_alias_table(header):
    _, rows = read(csv_file(ROW, header=header))

    assert rows == [
        SpendRecord(
            2, date(2026, 11, 30), "nina@example.com", "0b0e5c1e-0000-4000-8000-000000000001", "Claude Code",
            "claude-opus-4-1", 12, 1000, 200, Decimal("1.50"), Decimal("2.00"),
        )
    ]  # fmt: skip


def test_columns_in_another_order_semicolons_crlf_a_bom_and_dollar_amounts():
    header = "Gross spend USD;Net spend USD;Model;User email;Date;Organization UUID;Model family"
    content = "\ufeff" + header + "\r\n" + '"$1,234.50";$ 999.5;claude-opus-4-1;Omar@Example.com;2026-11-30;org-1;opus\r\n'
    opened, rows = read(io.BytesIO(content.encode("utf-8")))

    (record,) = rows
    assert record.gross_spend_usd == Decimal("1234.50") and record.net_spend_usd == Decimal("999.5")
    assert record.email == "omar@example.com" and record.requests == 0 and record.product == "" and record.account_uuid == ""
    assert opened.unknown == Counter()


def test_unknown_columns_are_counted_so_a_new_spelling_shows():
    opened, rows = read(csv_file(ROW + ",x", header=HEADER + ",Cache tokens"))

    assert len(rows) == 1 and opened.unknown == Counter({"column:cache_tokens": 1})


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (ROW.replace(",1.50,", ",-1.50,"), "net spend is negative"),
        (ROW.replace(",1.50,", ",-$1.50,"), "net spend is negative"),
        (ROW.replace(",2.00", ",$-2.00"), "gross spend is negative"),
        (ROW.replace(",2.00", ",100000.01"), "gross spend is over 100,000 USD (absurd for one person, model and day)"),
        (ROW.replace(",1.50,", ",lots,"), "net spend is not a number"),
        (ROW.replace(",1.50,", ',"1,0625",'), "net spend is not a number"),  # a decimal comma, not thousands
        (ROW.replace(",1.50,", ",NaN,"), "net spend is not a number"),
        (ROW.replace(",1.50,", ",,"), "net spend is empty"),
        (ROW.replace(",12,", ",-12,"), "request count is negative"),
        (ROW.replace(",12,", ",1.5,"), "request count is not a whole number"),
        (ROW.replace(",1000,", ",10000000001,"), "prompt tokens is over 10,000,000,000 (absurd for one person, model and day)"),
        (ROW.replace(",12,", ",10000001,"), "request count is over 10,000,000 (absurd for one person, model and day)"),
        (ROW.replace("2026-11-30", "30/11/2026"), "date is not an ISO 8601 date (YYYY-MM-DD)"),
        (ROW.replace("2026-11-30", "1999-12-31"), "date is outside 2000–2100"),
        (ROW.replace("2026-11-30", ""), "no date"),
        (ROW.replace("nina@example.com,0b0e5c1e-0000-4000-8000-000000000001", ","), "no user email or account uuid"),
        (ROW.replace("claude-opus-4-1", ""), "no model"),
        (ROW.replace("nina@", "ni\x00na@"), "a value holds a NUL character"),
        (ROW.replace("nina@", "n" * 300 + "@"), "user email is longer than 254 characters"),
    ],
)
def test_a_bad_row_is_rejected_with_its_line_and_reason_and_the_rest_go_on(row, reason):
    _, rows = read(csv_file(ROW, row, ROW))

    assert rows[1] == RejectedRow(3, reason)
    assert [type(r) for r in rows] == [SpendRecord, RejectedRow, SpendRecord]
    assert rows[2].line == 4


def test_thousands_commas_and_boundary_values_are_accepted():
    row = '2026-11-30,nina@example.com,,Chat,claude-haiku-4-5,"10,000,000","1,100,000",0,"100,000.00",$100000'
    _, rows = read(csv_file(row))

    (record,) = rows
    assert record.requests == 10_000_000 and record.prompt_tokens == 1_100_000
    assert record.net_spend_usd == record.gross_spend_usd == Decimal(100_000)


def test_a_date_written_as_a_midnight_timestamp_is_that_utc_date():
    _, rows = read(
        csv_file(ROW.replace("2026-11-30", "2026-11-30T00:00:00Z"), ROW.replace("2026-11-30", "2026-11-30 23:30:00-02:00"))
    )

    assert [r.date for r in rows] == [date(2026, 11, 30), date(2026, 12, 1)]


def test_over_long_rows_and_fields_are_rejected_and_the_file_goes_on():
    limits = ImportLimits(max_row_chars=2000, max_field_chars=500)
    long_row = ROW.replace("Claude Code", "C" * 3000)
    long_field = ROW.replace("Claude Code", '"' + "C" * 800 + '"')
    multi_line = ROW.replace("Claude Code", '"Claude\nCode"')
    _, rows = read(csv_file(long_row, ROW, long_field, multi_line, ROW), limits=limits)

    assert rows[0] == RejectedRow(2, "the row is longer than 1.95312 KiB (IMPORT_MAX_ROW_BYTES)")
    assert rows[1].line == 3
    assert rows[2] == RejectedRow(4, "a field is longer than 0.488281 KiB (IMPORT_MAX_FIELD_BYTES)")
    assert rows[3].line == 5 and rows[3].product == "Claude\nCode"
    assert rows[4].line == 7


# ---- what the file is ---------------------------------------------------------------------------------


def _head(name: str) -> str:
    return (SAMPLES / name).read_bytes()[:65536].decode("utf-8-sig", errors="replace")


def test_sniff_claims_spend_reports_only():
    assert spend.sniff(_head("claude_spend_report.csv"))
    assert spend.sniff(HEADER + "\n")
    for name in ("claude_enterprise_audit.csv", "claude_enterprise_audit.json", "claude_code_otel_metrics.jsonl"):
        assert not spend.sniff(_head(name)), name
    assert not spend.sniff("id,created_at,requester_email,tags\n")
    assert not spend.sniff("created_at,event,actor_info,date,user_email,model,net_spend_usd,gross_spend_usd\n")


def test_the_spend_sample_is_claimed_by_no_other_importer():
    head = _head("claude_spend_report.csv")

    assert not otel.sniff(head) and not tickets.sniff(head)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "The file is empty."),
        (b"date,user_email,model,net_spend_usd\n2026-11-30,a@example.com,m,1\n", "lacks the column(s) gross_spend_usd"),
        ((SAMPLES / "claude_enterprise_audit.csv").read_bytes(), "lacks the column(s) date, user_email, model"),
    ],
    ids=["empty", "no gross spend", "audit log"],
)
def test_a_file_that_is_not_a_spend_report_fails_saying_what_was_expected(content, says):
    with pytest.raises(UnsupportedFile) as failure:
        spend.open_spend_report(io.BytesIO(content))

    assert says in str(failure.value) and "Expected a claude.ai spend report CSV" in str(failure.value)


def test_text_that_is_not_utf8_fails_the_file():
    opened = spend.open_spend_report(io.BytesIO((HEADER + "\n").encode() + b"2026-11-30,\xff\xfe@example.com\n"))

    with pytest.raises(UnsupportedFile, match="not UTF-8"):
        list(opened.rows())
