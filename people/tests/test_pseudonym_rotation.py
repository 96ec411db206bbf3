"""Pseudonyms rotate (PSEUDONYM_ROTATION: quarterly by default, yearly, never), so a pseudonym
linked to a person once stops linking them at the next period."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from people.models import Member
from people.selectors import pseudonym_period_get
from people.services import pseudonyms_rotate
from portal.privacy import member_pseudonym, pseudonym_period
from testing.fixtures import export_csv

PEOPLE = [f"person{n}@example.com" for n in range(6)]


@pytest.fixture
def members(import_bytes):
    assert import_bytes(export_csv({email: 1 for email in PEOPLE}, day="2025-09-02")).status == "done"
    return {member.email: member.pseudonym for member in Member.objects.all()}


def stored() -> dict[str, str]:
    return dict(Member.objects.values_list("email", "pseudonym"))


def test_quarterly_is_the_default_and_rotates_once_a_quarter(members, settings):
    assert settings.PSEUDONYM_ROTATION == "quarterly"

    assert pseudonyms_rotate(day=date(2026, 11, 2))
    in_q4 = stored()
    assert in_q4 == {email: member_pseudonym(email, period="2026-Q4") for email in PEOPLE}
    assert not set(in_q4.values()) & set(members.values())  # no old pseudonym survives
    assert pseudonym_period_get() == "2026-Q4"

    assert not pseudonyms_rotate(day=date(2026, 12, 31))  # the same quarter: nothing changes
    assert stored() == in_q4
    assert pseudonyms_rotate(day=date(2027, 1, 1))
    assert not set(stored().values()) & set(in_q4.values())


def test_yearly_and_never(members, settings):
    settings.PSEUDONYM_ROTATION = "yearly"
    assert pseudonym_period(day=date(2026, 11, 2)) == "2026"
    settings.PSEUDONYM_ROTATION = "never"
    assert not pseudonyms_rotate(day=date(2026, 11, 2))
    assert stored() == members


def test_a_member_imported_after_a_rotation_joins_the_current_period(members, import_bytes):
    pseudonyms_rotate(day=date(2026, 11, 2))

    import_bytes(export_csv({"newcomer@example.com": 1}, day="2025-09-03"))

    assert Member.objects.get(email="newcomer@example.com").pseudonym == member_pseudonym("newcomer@example.com", period="2026-Q4")


def test_the_rotation_runs_daily_from_the_beat_schedule(db):
    task = PeriodicTask.objects.get(name="Pseudonym rotation")
    assert (task.task, task.enabled, task.crontab.hour, task.crontab.minute) == ("people.tasks.pseudonyms_rotate_task", True, "0", "15")


def test_pseudonymous_tables_say_whose_period_they_show(client, detail_viewer, members, small_groups_allowed):
    pseudonyms_rotate(day=date(2026, 11, 2))
    client.force_login(detail_viewer)

    html = client.get(reverse("dashboard-conversations"), {"as_of": "2025-09-05"}).content.decode()

    assert "pseudonyms of 2026-Q4; they change every quarter" in html
