"""Claude Code sources through the real upload flow: one source per member and UTC date (the usage
report, else the analytics API, else OpenTelemetry), revisions, duplicates, API keys apart."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db.models import Sum

from ingest.models import CodeUsage, OtelPoint, Ticket
from people.models import Member
from testing.claude_code import (
    analytics_user,
    analytics_users_page,
    otel_metrics_line,
    usage_record,
    usage_report_page,
)
from testing.fixtures import upload_imported
from usage.models import CodeDay, CodeDayModel

pytestmark = pytest.mark.django_db
DAY = "2026-11-02"


def imported(content: bytes, name: str = "file.json", covers_date=None):
    return upload_imported(content, name, covers_date=covers_date)


def figures(email: str, day: str = DAY) -> dict:
    rows = CodeDay.objects.filter(member__email=email, date=date.fromisoformat(day))
    totals = rows.aggregate(sessions=Sum("sessions"), lines_added=Sum("lines_added"))
    return {"sources": sorted(set(rows.values_list("source", flat=True))), **totals}


def test_the_same_member_and_date_in_all_three_sources_counts_once_from_the_usage_report():
    otel = imported(otel_metrics_line(email="ana@example.com", day=DAY, sessions=9, added=900), "otel.jsonl")
    assert figures("ana@example.com") == {"sources": ["otel"], "sessions": 9, "lines_added": 900}

    analytics = imported(
        analytics_users_page(analytics_user(email="Ana@Example.com", user_id="user_01", sessions=5, added=500)),
        covers_date=date.fromisoformat(DAY),
    )
    assert figures("ana@example.com") == {"sources": ["analytics"], "sessions": 5, "lines_added": 500}

    report = imported(
        usage_report_page(
            usage_record(day=DAY, email="ana@example.com", terminal="vscode", sessions=2, added=120),
            usage_record(day=f"{DAY}T00:00:00Z", email="ana@example.com", terminal="iTerm.app", sessions=1, added=30),
        )
    )

    assert (otel.status, analytics.status, report.status) == ("done", "done", "done")
    assert figures("ana@example.com") == {"sources": ["usage_report"], "sessions": 3, "lines_added": 150}
    assert Member.objects.get().anthropic_user_id == "user_01"  # one member, matched case-insensitively


def test_a_usage_report_record_for_the_same_member_date_and_terminal_replaces_the_earlier_one():
    imported(usage_report_page(usage_record(day=DAY, email="bo@example.com", sessions=2, models=(("claude-sonnet-4-5", 100, 40),))))
    again = imported(usage_report_page(usage_record(day=DAY, email="bo@example.com", sessions=5, models=(("claude-sonnet-4-5", 300, 70),))))

    assert again.rows_imported == 1
    assert CodeUsage.objects.count() == 1
    assert figures("bo@example.com")["sessions"] == 5
    model = CodeDayModel.objects.get()
    assert (model.model, model.input_tokens, model.cost_cents) == ("claude-sonnet-4-5", 300, Decimal(70))


def test_an_opentelemetry_point_seen_again_is_a_duplicate():
    line = otel_metrics_line(email="cy@example.com", day=DAY, sessions=2, added=10)
    first = imported(line, "a.jsonl")
    second = imported(line + otel_metrics_line(email="cy@example.com", day=DAY, sessions=1, hour=15), "b.jsonl")

    assert (first.rows_imported, first.rows_duplicate) == (2, 0)
    assert (second.rows_imported, second.rows_duplicate) == (2, 2)
    assert OtelPoint.objects.count() == 4
    assert figures("cy@example.com") == {"sources": ["otel"], "sessions": 3, "lines_added": 10}


def test_api_key_actors_are_kept_apart_and_are_no_members():
    upload = imported(usage_report_page(usage_record(day=DAY, api_key="ci-bot", sessions=40, added=4000)))

    assert upload.status == "done" and upload.rows_imported == 1
    assert Member.objects.count() == 0 and CodeDay.objects.count() == 0
    assert CodeUsage.objects.get().api_key_name == "ci-bot"


def test_an_analytics_users_page_without_a_date_is_refused_and_keeps_nothing():
    upload = imported(analytics_users_page(analytics_user(email="di@example.com", user_id="user_02", sessions=1)))

    assert upload.status == "failed"
    assert "does not say which date" in upload.error
    assert Member.objects.count() == 0 and CodeUsage.objects.count() == 0


def test_a_rejected_record_is_reported_with_its_position_and_the_rest_import():
    bad = usage_record(day=DAY, email="eve@example.com", sessions=1)
    bad["core_metrics"]["num_sessions"] = -3
    upload = imported(usage_report_page(usage_record(day=DAY, email="fay@example.com", sessions=1), bad))

    assert (upload.status, upload.rows_imported, upload.rows_rejected) == ("done", 1, 1)
    assert upload.rejected_sample[0]["line"] == 2 and "num_sessions" in upload.rejected_sample[0]["reason"]
    with upload.rejected_report.open("rb") as report:
        lines = report.read().decode().splitlines()
    assert lines[0] == "line,reason" and lines[1].startswith("2,") and "num_sessions" in lines[1] and len(lines) == 2
    assert list(Member.objects.values_list("email", flat=True)) == ["fay@example.com"]


def test_tickets_keep_only_tagged_ones_and_a_reimport_changes_nothing(settings):
    content = (
        b"id,created_at,requester_email,tags,subject\n"
        b"T-1,2026-11-02T09:00:00Z,gus@example.com,claude-code;mcp,Claude Code cannot reach the proxy\n"
        b"T-2,2026-11-02T10:00:00Z,gus@example.com,printer,The printer is jammed\n"
    )
    first = imported(content, "tickets.csv")
    second = imported(content, "tickets.csv")

    assert (first.status, first.rows_imported) == ("done", 1)
    assert second.rows_imported == 1 and Ticket.objects.count() == 1
    ticket = Ticket.objects.get()
    assert (ticket.ticket_id, ticket.tags, ticket.member.email) == ("T-1", ["claude-code", "mcp"], "gus@example.com")
    assert "proxy" not in repr(list(Ticket.objects.values()))


def test_import_logs_takes_the_date_of_an_analytics_users_page(tmp_path):
    from django.core.management import call_command

    page = tmp_path / "users.json"
    page.write_bytes(analytics_users_page(analytics_user(email="hal@example.com", user_id="user_03", sessions=2, added=7)))

    call_command("import_logs", str(page), "--sync", "--date", DAY)

    assert figures("hal@example.com") == {"sources": ["analytics"], "sessions": 2, "lines_added": 7}


def test_the_admin_upload_form_takes_the_date_of_an_analytics_users_page(client, importer):
    from django.urls import reverse

    client.force_login(importer)
    page = ContentFile(analytics_users_page(analytics_user(email="ida@example.com", user_id="user_04", sessions=1)), name="u.json")

    response = client.post(reverse("admin:ingest_upload_add"), {"file": page, "covers_date": DAY})

    assert response.status_code == 302
    from ingest.models import Upload

    assert Upload.objects.get().covers_date == date.fromisoformat(DAY)
