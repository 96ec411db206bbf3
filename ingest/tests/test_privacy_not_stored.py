"""Not stored, ever: IP addresses, device ids (only inside the dedupe key), user agents, and
event_info values (conversation titles, phone numbers, invited addresses, old and new names).

Every row of every table is dumped as text and searched.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection

from ingest.models import Event, Upload
from people.models import Member
from testing import SAMPLES
from usage.models import DailyActivity

COLUMNS = [
    "created_at", "actor_info", "event", "event_info", "entity_info",
    "ip_address", "device_id", "user_agent", "client_platform",
]

SAMPLE_IPS = ["203.0.113.10", "203.0.113.22", "198.51.100.7", "198.51.100.31", "192.0.2.45", "192.0.2.77", "2001:db8::1f"]
SAMPLE_USER_AGENTS = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
    "AppleWebKit/537.36",
    "Claude/0.9.3 (Macintosh; example desktop build)",
    "Claude/1.250101 (iPhone; iOS 18.1)",
]
SAMPLE_DEVICE_IDS = [
    "034a8942-db19-4cc3-8656-f60e1e2fab31", "2bae0402-15f1-4cb9-86a0-2a7d6155283b",
    "a763e4a5-9df1-4a58-9a0b-4090074e5744", "2ba2bc28-6b59-4516-9802-b21a3e7e28ca",
    "d06f878a-fbaf-4b1e-9b6f-2c027fc5c1b7", "bec01f73-f1ff-4bd5-a301-72fd45701856",
]
SAMPLE_EVENT_INFO = ["[title redacted in sample]", "updated_privacy", "invited_role", "is_successful"]

# A file of our own with the event_info the documentation lists as sensitive.
CRAFTED_SECRETS = {
    "ip": "198.51.100.199",
    "ipv6": "2001:db8:abcd::4242",
    "device": "device-3f9c2a11-secret",
    "agent": "SecretBrowser/9.9 (Plan9; rv:1)",
    "phone": "+1 555 0100 2233",
    "phone_digits": "15550100999",
    "title": "Q3 reorganisation plan draft",
    "old_name": "Kimberly Oldname",
    "new_name": "Kim Newname",
    "invitee": "invitee.private@example.com",
    "domain": "secret-subsidiary.example.com",
}


def _crafted_export() -> bytes:
    kim = "{'name': 'Kim Example', 'uuid': 'kim-uuid', 'metadata': {'email_address': 'kim@example.com'}}"
    s = CRAFTED_SECRETS
    rows = [
        ["2025-10-01T09:00:00Z", kim, "user_sent_phone_code", f"{{'phone_number': '{s['phone']}', 'channel': 'sms'}}", "", s["ip"], s["device"], s["agent"], "ios"],
        ["2025-10-01T09:01:00Z", kim, "user_verified_phone_code", f"{{'phone_number': '{s['phone_digits']}', 'channel': 'sms'}}", "", s["ipv6"], s["device"], s["agent"], "ios"],
        ["2025-10-01T09:02:00Z", kim, "conversation_renamed", f"{{'new_name': '{s['title']}'}}", "{'type': 'chat_conversation', 'uuid': 'conv-1'}", s["ip"], s["device"], s["agent"], "web_claude_ai"],
        ["2025-10-01T09:03:00Z", kim, "user_name_changed", f"{{'old_name': '{s['old_name']}', 'new_name': '{s['new_name']}'}}", "", s["ip"], s["device"], s["agent"], "web_claude_ai"],
        ["2025-10-01T09:04:00Z", kim, "org_user_invite_re_sent", f"{{'invited_email_address': '{s['invitee']}', 'invited_role': 'user'}}", "", s["ip"], s["device"], s["agent"], "web_claude_ai"],
        ["2025-10-01T09:05:00Z", kim, "org_domain_verified", f"{{'domain': '{s['domain']}'}}", "", s["ip"], s["device"], s["agent"], "web_claude_ai"],
        # a rejected row must not carry its cells into the report either
        ["yesterday", kim, "conversation_created", f"{{'new_name': '{s['title']}'}}", "", s["ip"], s["device"], s["agent"], "web_claude_ai"],
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode()


def everything_stored() -> str:
    """Every value of every row of every table, as one text."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                parts.append(f"{table}: " + " | ".join(str(value) for value in row))
    return "\n".join(parts)


def media_files_except_uploads() -> str:
    """Files the portal wrote (rejected-row reports), not the uploaded exports themselves."""
    root = Path(django_settings.MEDIA_ROOT)
    parts = []
    for path in root.rglob("*"):
        if path.is_file() and "uploads" not in path.relative_to(root).parts:
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


def assert_absent(text: str, needles) -> None:
    found = [needle for needle in needles if needle.lower() in text.lower()]
    assert found == []


@pytest.fixture
def all_samples_imported(import_bytes):
    for name in ("claude_enterprise_audit_export.zip", "claude_enterprise_audit.json", "claude_enterprise_audit.csv"):
        assert import_bytes((SAMPLES / name).read_bytes(), name).status == "done"
    assert Event.objects.count() == 26


def test_the_dump_really_holds_the_imported_data(all_samples_imported):
    # Guards the searches below against searching an empty dump.
    dump = everything_stored()
    assert "alice@example.com" in dump
    assert "Dana O'Neil" in dump
    assert "e6f8e257-1d56-45ff-99f8-a64d45cba5f3" in dump  # an entity id is kept
    assert DailyActivity.objects.exists() and Member.objects.exists()
    assert Upload.objects.filter(status="done").count() == 3


def test_no_table_holds_the_samples_ip_addresses(all_samples_imported):
    assert_absent(everything_stored(), SAMPLE_IPS)


def test_no_table_holds_the_samples_user_agents(all_samples_imported):
    assert_absent(everything_stored(), SAMPLE_USER_AGENTS)


def test_no_table_holds_the_samples_device_ids(all_samples_imported):
    assert_absent(everything_stored(), SAMPLE_DEVICE_IDS)


def test_no_table_holds_the_samples_event_info(all_samples_imported):
    assert_absent(everything_stored(), SAMPLE_EVENT_INFO)


def test_no_table_or_report_holds_phone_numbers_titles_names_or_addresses_from_event_info(import_bytes):
    upload = import_bytes(_crafted_export())
    assert (upload.status, upload.rows_imported, upload.rows_rejected) == ("done", 6, 1)
    assert upload.rejected_sample == [{"line": 8, "reason": "created_at is not an ISO 8601 timestamp"}]
    assert "kim@example.com" in everything_stored()
    assert_absent(everything_stored(), CRAFTED_SECRETS.values())
    assert_absent(media_files_except_uploads(), CRAFTED_SECRETS.values())


def test_the_name_from_a_rename_event_info_is_not_taken_as_the_members_name(import_bytes):
    import_bytes(_crafted_export())
    assert Member.objects.get().name == "Kim Example"


def test_the_usage_report_shows_none_of_it(all_samples_imported):
    out = io.StringIO()
    call_command("usage_report", "--json", "--as-of", "2025-09-30", "--tz", "Europe/Berlin", stdout=out)
    assert "alice@example.com" in out.getvalue()
    assert_absent(out.getvalue(), SAMPLE_IPS + SAMPLE_USER_AGENTS + SAMPLE_DEVICE_IDS + SAMPLE_EVENT_INFO)
    # the report built Berlin rollups; they are in the tables now, and clean too
    assert DailyActivity.objects.filter(timezone="Europe/Berlin").exists()
    assert_absent(everything_stored(), SAMPLE_IPS + SAMPLE_USER_AGENTS + SAMPLE_DEVICE_IDS + SAMPLE_EVENT_INFO)


def test_a_headerless_export_fails_without_quoting_its_first_event(import_bytes):
    content = (SAMPLES / "claude_enterprise_audit.csv").read_bytes().split(b"\n", 1)[1]
    upload = import_bytes(content)
    assert upload.status == "failed"
    assert "lacks the column(s)" in upload.error
    assert_absent(upload.error, SAMPLE_IPS + SAMPLE_USER_AGENTS + SAMPLE_DEVICE_IDS + ["alice@example.com", "domain"])
    assert_absent(everything_stored(), SAMPLE_IPS + SAMPLE_USER_AGENTS + SAMPLE_DEVICE_IDS)


def test_the_uploaded_export_is_kept_privately_and_never_served(client, superuser, import_bytes):
    # The file is kept until the retention purge removes it (uploaded files: 30 days after
    # processing), so an import can be re-processed; nothing serves it over HTTP.
    upload = import_bytes((SAMPLES / "claude_enterprise_audit.csv").read_bytes())
    assert upload.file.storage.exists(upload.file.name)
    client.force_login(superuser)
    assert client.get("/media/" + upload.file.name).status_code == 404
