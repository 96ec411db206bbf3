"""The demo: a generated export in the real format, loaded once through the upload pipeline."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command

from devtools.demo import COLUMNS, CSV_NAME, demo_export_write
from devtools.management.commands.load_demo import DEMO_LOGINS, DEMO_UPLOAD_NAME
from ingest.importers.audit_log import (
    KNOWN_EVENTS,
    AuditRecord,
    RejectedRow,
    open_audit_log,
)
from ingest.models import AnalyticsSummary, CodeUsage, Event, OtelEvent, Ticket, Upload
from notes.models import ChampionNote, Milestone
from people.models import Member
from portal.roles import (
    INDIVIDUAL_VIEWERS,
    LOG_IMPORTERS,
    PRIVACY_AUDITORS,
    ROLLOUT_CHAMPIONS,
    USAGE_VIEWERS,
)
from usage.models import CodeDay


def daily_counts(path: Path) -> dict[date, int]:
    """Rows per calendar day (UTC) of an export written by demo_export_write."""
    per_day: dict[date, int] = {}
    with zipfile.ZipFile(path) as archive, archive.open(CSV_NAME) as member:
        reader = csv.reader(io.TextIOWrapper(member, encoding="utf-8", newline=""))
        next(reader)
        for row in reader:
            day = date.fromisoformat(row[0][:10])
            per_day[day] = per_day.get(day, 0) + 1
    return per_day


SMALL = ["--members", "40", "--days", "30", "--events", "3000"]


def _load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def _csv_text(path) -> str:
    with zipfile.ZipFile(path) as archive, archive.open(CSV_NAME) as member:
        return io.TextIOWrapper(member, encoding="utf-8", newline="").read()


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """A mid-sized export (enough people for every kind of name to turn up)."""
    path = tmp_path_factory.mktemp("demo") / "export.zip"
    rows = demo_export_write(path=path, members=300, days=60, events=20_000, end=date(2025, 11, 30))
    return path, rows


@pytest.mark.django_db
def test_load_demo_imports_through_the_pipeline_and_creates_one_login_per_role():
    out = _load_demo(*SMALL)

    upload = Upload.objects.get(original_name=DEMO_UPLOAD_NAME)
    assert upload.status == Upload.Status.DONE
    assert upload.rows_read == 3000
    assert upload.rows_rejected == 0
    assert upload.rows_imported == 3000 == Event.objects.count()
    assert Member.objects.count() >= 40
    assert upload.unknown_events  # the export has a couple of event names the docs do not list
    # A roster with teams and seats, a baseline week and notes, for the Rollout page.
    assert Member.objects.filter(on_roster=True, team__isnull=False, seat_start__isnull=False).count() == Member.objects.count()
    assert Milestone.objects.filter(is_baseline=True).count() == 1 and ChampionNote.objects.count() == 3
    # Claude Code: usage, plugins and skills, tagged tickets (the untagged ones not kept), Anthropic's summaries.
    assert set(Upload.objects.values_list("status", flat=True)) == {Upload.Status.DONE}
    assert CodeDay.objects.exists() and CodeUsage.objects.filter(member__isnull=True).exists()  # and an API key
    assert OtelEvent.objects.filter(name="plugin_installed").exists() and OtelEvent.objects.filter(name="skill_activated").exists()
    assert Ticket.objects.exists() and all("claude-code" in tags for tags in Ticket.objects.values_list("tags", flat=True))
    assert AnalyticsSummary.objects.exists()

    viewer, coach, importer, auditor, admin = (
        User.objects.get(username=name) for name in ("viewer", "coach", "importer", "auditor", "admin")
    )
    assert list(viewer.groups.values_list("name", flat=True)) == [USAGE_VIEWERS]
    assert list(coach.groups.values_list("name", flat=True)) == [INDIVIDUAL_VIEWERS]
    assert list(auditor.groups.values_list("name", flat=True)) == [PRIVACY_AUDITORS]
    assert coach.has_perm("usage.view_member_detail") and not viewer.has_perm("usage.view_member_detail")
    assert auditor.has_perm("audit.view_accessrecord") and not auditor.has_perm("usage.view_dashboard")
    assert not viewer.is_staff and not viewer.is_superuser
    assert list(importer.groups.values_list("name", flat=True)) == [LOG_IMPORTERS]
    assert importer.is_staff and not importer.is_superuser
    assert admin.is_superuser and admin.is_staff
    assert viewer.has_perm("usage.view_dashboard") and not viewer.has_perm("ingest.add_upload")
    assert importer.has_perm("ingest.add_upload") and not importer.has_perm("usage.view_dashboard")
    champion = User.objects.get(username="champion")
    assert list(champion.groups.values_list("name", flat=True)) == [ROLLOUT_CHAMPIONS]
    assert champion.has_perm("notes.add_championnote") and not champion.has_perm("usage.view_member_detail")
    for username, password, *_ in DEMO_LOGINS:
        assert authenticate(username=username, password=password) is not None
        assert username in out and password in out
    assert "http://127.0.0.1:8000/" in out


@pytest.mark.django_db
def test_a_second_run_says_already_loaded_and_imports_nothing():
    _load_demo(*SMALL)
    events, uploads = Event.objects.count(), Upload.objects.count()

    out = _load_demo(*SMALL)

    assert "Demo already loaded" in out
    assert "demo-viewer-pass" in out
    assert (Event.objects.count(), Upload.objects.count()) == (events, uploads)
    assert User.objects.filter(username__in=["viewer", "importer", "admin"]).count() == 3


@pytest.mark.django_db
def test_a_portal_holding_real_imports_is_left_alone(import_sample):
    import_sample("claude_enterprise_audit.csv")
    events = Event.objects.count()

    out = _load_demo(*SMALL)

    assert "leaving it alone" in out
    assert Event.objects.count() == events
    assert not User.objects.filter(username__in=["viewer", "importer", "admin"]).exists()


@pytest.mark.django_db
def test_demo_events_are_all_in_the_past():
    _load_demo(*SMALL)
    assert Event.objects.filter(occurred_at__gt=datetime.now(UTC)).count() == 0
    assert Event.objects.filter(occurred_at__gte=datetime.now(UTC) - timedelta(days=31)).count() == 3000


def test_the_importer_reads_every_row(export):
    path, rows = export
    with path.open("rb") as handle:
        log = open_audit_log(handle)
        parsed = list(log.rows())
    assert log.format == "zip"
    assert len(parsed) == rows == 20_000
    assert not [row for row in parsed if isinstance(row, RejectedRow)]
    records: list[AuditRecord] = parsed  # type: ignore[assignment]
    emails = {r.actor_email for r in records if r.actor_email}
    assert len(emails) == 300
    assert all(e.endswith("@example.com") for e in emails)
    assert any(not r.actor_email for r in records)  # service accounts and actor-less system rows
    names = {r.actor_name for r in records}
    assert any("'" in n for n in names) and any(not n.isascii() for n in names)
    events = [r.event for r in records]
    top = max(set(events), key=events.count)
    assert top == "conversation_created"
    assert {"user_signed_in_sso", "file_uploaded", "project_created", "project_document_created",
            "conversation_renamed", "conversation_deleted", "org_user_invite_sent"} <= set(events)
    assert {e for e in events if e not in KNOWN_EVENTS}  # a couple of future event names
    assert {r.client_platform for r in records} >= {"web", "desktop", "mobile"}
    assert len({r.dedupe_key for r in records}) == rows


def test_the_csv_is_the_real_exports_shape(export):
    path, _ = export
    text = _csv_text(path)
    assert text.splitlines()[0] == ",".join(COLUMNS)
    # Byte for byte what csv.writer writes (QUOTE_MINIMAL, \n line ends, like the sample export).
    rewritten = StringIO()
    writer = csv.writer(rewritten, lineterminator="\n")
    rows = list(csv.reader(StringIO(text)))
    writer.writerows(rows)
    assert rewritten.getvalue() == text
    body = rows[1:]
    assert all(len(row) == len(COLUMNS) for row in body)
    assert all(row[0].endswith("Z") and len(row[0]) == 27 for row in body)  # 2025-09-01T08:01:45.902117Z
    assert [row[0] for row in body] == sorted(row[0] for row in body)
    assert all(row[1].startswith("{'name': ") or row[1].startswith('{\'name\': "') or row[1] == "" for row in body)
    assert any(row[1].startswith('{\'name\': "') for row in body)  # repr's double quotes around O'… names
    people = [row for row in body if "'email_address'" in row[1]]
    assert all(row[5] and row[6] and row[7] for row in people)  # IPs, devices and user agents, as exported
    assert {row[8] for row in body} >= {"web_claude_ai", "desktop_app", "ios", "android"}


def test_weekdays_are_busier_than_weekends(export):
    path, _ = export
    per_day = daily_counts(path)
    weekday = [n for day, n in per_day.items() if day.weekday() < 5]
    weekend = [n for day, n in per_day.items() if day.weekday() >= 5]
    assert sum(weekday) / len(weekday) > 2.5 * sum(weekend) / len(weekend)


def test_adoption_grows(export):
    path, _ = export
    per_day = sorted(daily_counts(path).items())
    first_fortnight = sum(n for _, n in per_day[:14])
    last_fortnight = sum(n for _, n in per_day[-14:])
    assert last_fortnight > 1.5 * first_fortnight


def test_the_same_seed_gives_the_same_file(tmp_path):
    args = {"members": 25, "days": 10, "events": 800, "end": date(2025, 9, 30)}
    demo_export_write(path=tmp_path / "a.zip", **args)
    demo_export_write(path=tmp_path / "b.zip", **args)
    demo_export_write(path=tmp_path / "c.zip", seed=8, **args)
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    assert (tmp_path / "a.zip").read_bytes() != (tmp_path / "c.zip").read_bytes()


def test_not_after_caps_the_last_day(tmp_path):
    cap = datetime(2025, 9, 30, 9, 30, tzinfo=UTC)
    demo_export_write(path=tmp_path / "x.zip", members=25, days=10, events=800, end=cap.date(), not_after=cap)
    stamps = [row[0] for row in list(csv.reader(StringIO(_csv_text(tmp_path / "x.zip"))))[1:]]
    assert max(stamps) <= cap.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert any(s.startswith("2025-09-30") for s in stamps)
