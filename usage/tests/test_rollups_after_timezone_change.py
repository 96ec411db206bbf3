"""Rollups after the reporting timezone changes: imports refresh only the kept timezones, and a
report in a timezone whose rollups do not cover every event rebuilds them first.

The bug this guards against: after a change to Europe/Berlin, later imports also refreshed the
environment's REPORTING_TIMEZONE (UTC) for the days they touched; a report in UTC then trusted
those partial rollups and showed about half the activity."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from portal.services import reporting_timezone_change
from testing.fixtures import export_csv
from usage.models import DailyActivity, DailyTotal, MemberTotal, RollupTimezone
from usage.services.reporting_timezone import reporting_timezone_rebuild
from usage.services.rollups import rollup_rebuild

PEOPLE = [f"person{n}@example.com" for n in range(6)]
AS_OF = "2025-09-30"


def report(timezone: str) -> dict:
    out = io.StringIO()
    call_command("usage_report", "--json", "--tz", timezone, "--as-of", AS_OF, stdout=out)
    return json.loads(out.getvalue())


def report_from_scratch(timezone: str) -> dict:
    """The report with every rollup thrown away and built again from the stored events."""
    for model in (DailyActivity, DailyTotal, MemberTotal, RollupTimezone):
        model.objects.all().delete()
    rollup_rebuild(timezone=timezone)
    return report(timezone)


def test_reports_in_the_old_and_new_timezone_equal_a_fresh_computation(import_bytes, settings, small_groups_allowed):
    settings.REPORTING_TIMEZONE = "UTC"
    assert import_bytes(export_csv({email: 3 for email in PEOPLE}, day="2025-09-02")).status == "done"
    reporting_timezone_change(timezone="Europe/Berlin")
    reporting_timezone_rebuild(timezone="Europe/Berlin", previous="UTC")  # what the queued task runs
    assert import_bytes(export_csv({email: 2 for email in PEOPLE[:4]}, day="2025-09-10")).status == "done"

    # The import kept Berlin current, and did not write partial rollups for the environment's UTC.
    assert set(DailyActivity.objects.values_list("timezone", flat=True)) == {"Europe/Berlin"}
    berlin, utc = report("Europe/Berlin"), report("UTC")

    assert berlin["totals"]["conversations"] == utc["totals"]["conversations"] == 6 * 3 + 4 * 2
    assert berlin == report_from_scratch("Europe/Berlin")
    assert utc == report_from_scratch("UTC")


def test_a_report_rebuilds_a_kept_timezone_left_incomplete(import_bytes, small_groups_allowed):
    assert import_bytes(export_csv({email: 1 for email in PEOPLE}, day="2025-09-02")).status == "done"
    report("America/New_York")  # built in full, and kept from now on
    assert RollupTimezone.objects.get(timezone="America/New_York").complete
    # A build that did not finish (a worker stopped partway) leaves the timezone incomplete, with
    # rollups that miss some activity.
    RollupTimezone.objects.filter(timezone="America/New_York").update(complete=False)
    DailyTotal.objects.filter(timezone="America/New_York").update(conversations=0)

    assert report("America/New_York")["totals"]["conversations"] == 6
