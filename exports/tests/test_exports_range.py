"""An export made with a date range chosen: its daily tables hold the range's days only, its other
tables keep their own windows, and its provenance names the range (the rollout fixture,
testing/rollout.py, as of its last day with data)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from exports.models import Export
from people.models import Member
from usage.models import CodeDay
from testing.exports import downloaded_rows, section

pytestmark = pytest.mark.django_db

LAST_DAY = "2025-11-03"


def exported(client, *, view: str, format: str = "csv", **range_params) -> list[list]:
    response = client.post(reverse("export-create"), {"view": view, "format": format, "as_of": LAST_DAY, **range_params})
    assert response.status_code == 302, response.status_code
    export = Export.objects.latest("id")
    assert export.status == Export.Status.DONE, export.error
    return downloaded_rows(client, export)


def days(rows: list[list], title: str) -> list[str]:
    return [str(row[0])[:10] for row in section(rows, title)]


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_the_daily_table_covers_the_range_only(client, viewer, rollout, format):
    client.force_login(viewer)
    rows = exported(client, view="conversations", format=format, range="7d", compare="on")

    assert days(rows, "Conversations per day") == ["2025-10-28", "2025-10-29", "2025-10-30", "2025-10-31", "2025-11-01", "2025-11-02", "2025-11-03"]
    assert [str(row[1]) for row in section(rows, "Conversations per day")] == ["2", "0", "0", "0", "0", "0", "1"]
    by_period = {row[0]: row[1] for row in section(rows, "Conversations by period")}
    assert str(by_period["All time"]) == "5"  # the windows keep their meaning
    facts = {row[0]: row[1] for row in rows[: rows.index([])] if len(row) == 2}
    assert facts["Period"].endswith("; daily tables: Last 7 days: 2025-10-28 to 2025-11-03")


def test_without_a_range_the_daily_table_has_every_day(client, viewer, rollout):
    client.force_login(viewer)
    rows = exported(client, view="overview")

    assert days(rows, "Daily active users")[0] == "2025-10-19"
    facts = {row[0]: row[1] for row in rows[: rows.index([])] if len(row) == 2}
    assert "daily tables" not in facts["Period"]


def test_a_custom_range_and_a_bad_one(client, viewer, rollout):
    client.force_login(viewer)

    assert days(exported(client, view="overview", range="custom", start="2025-11-01"), "Daily active users") == ["2025-11-01", "2025-11-02", "2025-11-03"]
    # A start after the as-of day is refused as on the page: every day, as All time.
    assert days(exported(client, view="overview", range="custom", start="2025-11-09"), "Daily active users")[0] == "2025-10-19"


def test_the_claude_code_export_follows_the_range(client, viewer, rollout):
    for who, day in (("a", date(2025, 9, 30)), ("b", date(2025, 10, 1)), ("c", date(2025, 11, 3))):
        CodeDay.objects.create(member=Member.objects.get(email=f"{who}@example.com"), date=day, source="usage_report", sessions=1)
    client.force_login(viewer)

    rows = exported(client, view="claude-code", range="quarter")  # 2025-10-01 to 2025-11-03

    assert days(rows, "Claude Code per UTC date") == ["2025-10-01", "2025-11-03"]
