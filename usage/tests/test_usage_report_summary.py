"""usage_report without --json: the headline figures for a person at a shell."""

from __future__ import annotations

import io

from django.core.management import call_command

from testing.fixtures import export_csv

PEOPLE = [f"person{n}@example.com" for n in range(6)]


def summary(*args: str) -> str:
    out = io.StringIO()
    call_command("usage_report", "--as-of", "2025-09-07", *args, stdout=out)
    return out.getvalue()


def test_the_summary_shows_the_totals_the_windows_and_recent_weeks(import_bytes, small_groups_allowed):
    import_bytes(export_csv({email: 1200 if n == 0 else 2 for n, email in enumerate(PEOPLE)}, day="2025-09-02"))

    text = summary()

    assert text.splitlines()[0] == "Usage as of 2025-09-07 (UTC)"
    assert "users 6," in text and "all time 1,210" in text
    assert "2025-W36: 6 active" in text
    assert "usage_report --json" in text


def test_a_small_organisation_is_suppressed_in_the_summary_too(import_bytes, settings):
    settings.MIN_GROUP_SIZE = 10
    import_bytes(export_csv({email: 1 for email in PEOPLE}, day="2025-09-02"))

    assert "users fewer than 10 people" in summary()
