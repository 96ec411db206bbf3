"""Who is a member: people with an email, compared case-insensitively.

Rows with no actor, or an actor with no email (service accounts), are events of no member:
they count in event totals, never as users.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from ingest.models import Event
from people.models import Member
from usage.models import DailyActivity

COLUMNS = ["created_at", "actor_info", "event", "event_info", "entity_info", "device_id", "client_platform"]


@pytest.fixture(autouse=True)
def utc_reporting(settings):
    """Rollups are checked in UTC, whatever REPORTING_TIMEZONE the environment sets."""
    settings.REPORTING_TIMEZONE = "UTC"


def actor(name: str, email: str | None, uuid: str = "") -> str:
    email_repr = "None" if email is None else repr(email)
    uuid_part = f", 'uuid': {uuid!r}" if uuid else ""
    return f"{{'name': {name}{uuid_part}, 'metadata': {{'email_address': {email_repr}}}}}"


def to_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def row(created_at: str, event: str, actor_info: str, entity: str = "", **extra) -> dict:
    entity_info = f"{{'type': 'chat_conversation', 'uuid': {entity!r}}}" if entity else ""
    return {"created_at": created_at, "event": event, "actor_info": actor_info, "entity_info": entity_info, **extra}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_the_samples_members_are_the_six_people_with_an_email(import_sample):
    import_sample("claude_enterprise_audit.csv")
    assert list(Member.objects.order_by("email").values_list("email", "name", "anthropic_uuid")) == [
        ("alice@example.com", "Alice Example", "fb7a7989-26c1-47eb-b956-b86470cf4f80"),
        ("bob@example.com", "Bob Sample", "90b1696b-7503-48a4-85a2-77543dc94ded"),
        ("carol@example.com", "Carol Demo", "aa1b991f-ba1a-4e96-aa4e-1e6513e32ae2"),
        ("dana.oneil@example.com", "Dana O'Neil", "caaf2ae2-1cf9-436b-bbb4-d74e937a463b"),
        ("erik@example.com", "Erik Testesen", "64b2e41b-aad6-48e0-aeb5-7c5bf1b4a0b3"),
        ("fatima@example.com", "Fatima Placeholder", "3d258352-c94e-4cbf-a8c6-bf17bf105ef4"),
    ]
    alice = Member.objects.get(email="alice@example.com")
    assert (alice.first_seen, alice.last_seen) == (utc("2025-09-01T07:58:02.114233Z"), utc("2025-09-03T18:02:00Z"))
    assert Event.objects.filter(member=alice).count() == 6


def test_a_service_account_counts_in_event_totals_but_is_never_a_member(import_sample):
    import_sample("claude_enterprise_audit.csv")
    service_event = Event.objects.get(event="org_user_deleted")
    assert service_event.member is None
    assert not Member.objects.filter(name__icontains="service").exists()
    # The account the service deleted is named only inside entity_info: not a member either.
    assert not Member.objects.filter(email="former.member@example.com").exists()
    rollup = DailyActivity.objects.get(timezone="UTC", day="2025-09-03", member=None)
    assert rollup.events == 1


def test_rows_with_no_actor_count_in_event_totals_but_are_no_member(import_bytes):
    upload = import_bytes(
        to_csv(
            [
                row("2025-10-01T09:00:00Z", "org_sso_toggled", ""),
                row("2025-10-01T09:01:00Z", "org_jit_toggled", "{}"),
                row("2025-10-01T09:02:00Z", "conversation_created", "None", "conv-1"),
                row("2025-10-01T09:03:00Z", "conversation_created", actor("'Bot'", None, "bot-uuid"), "conv-2"),
                row("2025-10-01T09:04:00Z", "conversation_created", actor("'Kim Example'", "kim@example.com"), "conv-3"),
            ]
        )
    )
    assert (upload.status, upload.rows_imported) == ("done", 5)
    assert list(Member.objects.values_list("email", flat=True)) == ["kim@example.com"]
    assert Event.objects.filter(member__isnull=True).count() == 4
    by_member = {
        (r.member_id is None): (r.events, r.conversations)
        for r in DailyActivity.objects.filter(timezone="UTC", day="2025-10-01")
    }
    assert by_member == {True: (4, 2), False: (1, 1)}


def test_emails_compare_case_insensitively_within_one_file(import_bytes):
    import_bytes(
        to_csv(
            [
                row("2025-10-01T09:00:00Z", "conversation_created", actor("'Alice Example'", "ALICE@Example.com"), "c-1"),
                row("2025-10-02T09:00:00Z", "conversation_created", actor("'Alice Example'", "alice@example.com"), "c-2"),
                row("2025-10-03T09:00:00Z", "file_uploaded", actor("'Alice Example'", " Alice@EXAMPLE.com "), "c-3"),
            ]
        )
    )
    assert list(Member.objects.values_list("email", flat=True)) == ["alice@example.com"]
    assert Event.objects.filter(member__email="alice@example.com").count() == 3


def test_emails_compare_case_insensitively_across_uploads(import_bytes):
    import_bytes(to_csv([row("2025-10-01T09:00:00Z", "conversation_created", actor("'Alice'", "alice@example.com"), "c-1")]))
    import_bytes(to_csv([row("2025-10-02T09:00:00Z", "conversation_created", actor("'Alice'", "ALICE@Example.COM"), "c-2")]))
    assert list(Member.objects.values_list("email", flat=True)) == ["alice@example.com"]
    member = Member.objects.get()
    assert (member.first_seen, member.last_seen) == (utc("2025-10-01T09:00:00Z"), utc("2025-10-02T09:00:00Z"))
    assert member.events.count() == 2


def test_first_and_last_seen_widen_whatever_order_the_exports_come_in(import_bytes):
    kim = actor("'Kim Example'", "kim@example.com", "kim-uuid")
    import_bytes(to_csv([row("2025-10-10T12:00:00Z", "conversation_created", kim, "c-2")]), "middle.csv")
    import_bytes(to_csv([row("2025-10-01T08:00:00Z", "user_signed_in_sso", kim)]), "older.csv")
    import_bytes(to_csv([row("2025-10-20T18:30:00.250000Z", "user_signed_out", kim)]), "newer.csv")
    member = Member.objects.get(email="kim@example.com")
    assert (member.first_seen, member.last_seen) == (utc("2025-10-01T08:00:00Z"), utc("2025-10-20T18:30:00.25Z"))


def test_a_member_takes_name_and_uuid_from_their_newest_event(import_bytes):
    newer = row("2025-10-20T09:00:00Z", "user_name_changed", actor("'Kim Married-Name'", "kim@example.com", "uuid-2"))
    older = row("2025-10-01T09:00:00Z", "user_signed_in_sso", actor("'Kim Maiden-Name'", "kim@example.com", "uuid-1"))
    import_bytes(to_csv([newer]), "newer.csv")
    import_bytes(to_csv([older]), "older.csv")  # an older export must not undo the rename
    member = Member.objects.get()
    assert (member.name, member.anthropic_uuid) == ("Kim Married-Name", "uuid-2")


def test_apostrophe_names_are_stored_whole(import_bytes):
    import_bytes(
        to_csv(
            [
                row("2025-10-01T09:00:00Z", "user_signed_in_sso", actor('"Dana O\'Neil"', "dana@example.com", "u-1")),
                row("2025-10-01T09:05:00Z", "user_signed_in_sso", actor("'Reece O'Sullivan'", "reece@example.com", "u-2")),
            ]
        )
    )
    assert dict(Member.objects.values_list("email", "name")) == {
        "dana@example.com": "Dana O'Neil",
        "reece@example.com": "Reece O'Sullivan",
    }


def test_people_named_only_in_event_info_or_entity_info_are_not_members(import_bytes):
    admin = actor("'Ada Admin'", "ada@example.com")
    import_bytes(
        to_csv(
            [
                row("2025-10-01T09:00:00Z", "org_user_invite_sent", admin,
                    event_info="{'invited_email_address': 'newbie@example.com', 'invited_role': 'user'}"),
                {"created_at": "2025-10-01T09:01:00Z", "event": "org_user_deleted", "actor_info": admin,
                 "entity_info": "{'type': 'account', 'uuid': 'acc-1', 'metadata': {'email_address': 'gone@example.com'}}"},
            ]
        )
    )
    assert list(Member.objects.values_list("email", flat=True)) == ["ada@example.com"]


def test_an_actor_whose_only_rows_are_rejected_is_not_a_member(import_bytes):
    upload = import_bytes(
        to_csv(
            [
                row("not a time", "conversation_created", actor("'Ghost'", "ghost@example.com"), "c-1"),
                row("2025-10-01T09:00:00Z", "", actor("'Ghost'", "ghost@example.com"), "c-2"),
                row("2025-10-01T09:00:00Z", "conversation_created", actor("'Kim'", "kim@example.com"), "c-3"),
            ]
        )
    )
    assert (upload.rows_imported, upload.rows_rejected) == (1, 2)
    assert list(Member.objects.values_list("email", flat=True)) == ["kim@example.com"]


def test_json_actors_become_the_same_members_as_csv_actors(import_sample):
    import_sample("claude_enterprise_audit.json")
    json_members = sorted(Member.objects.values_list("email", "name", "anthropic_uuid"))
    Event.objects.all().delete()
    DailyActivity.objects.all().delete()
    Member.objects.all().delete()
    import_sample("claude_enterprise_audit.csv")
    assert sorted(Member.objects.values_list("email", "name", "anthropic_uuid")) == json_members
    assert len(json_members) == 6
