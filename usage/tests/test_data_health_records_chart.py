"""Data health's records-per-day chart per source: counted by hand, zero days filled, for
importers only, hidden while the organisation is below the minimum group size."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from testing.claude_code import usage_record, usage_report_page
from testing.fixtures import export_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources(import_bytes, small_groups_allowed, settings):
    settings.REPORTING_TIMEZONE = "UTC"
    assert import_bytes(export_csv({"a@example.com": 2, "b@example.com": 1}, day="2026-11-02")).status == "done"
    page = usage_report_page(
        usage_record(day="2026-11-02", email="a@example.com", sessions=1),
        usage_record(day="2026-11-02", email="b@example.com", sessions=1),
        usage_record(day="2026-11-04", email="a@example.com", sessions=1),
    )
    assert import_bytes(page, name="report.json").status == "done"


def test_records_per_day_per_source(client, importer, sources):
    client.force_login(importer)
    html = client.get(reverse("data-health")).content.decode()
    numbers = re.findall(r'data-chart-url="/data-health/charts/(\d+)\.json"', html)
    assert numbers == ["0", "1"]  # the audit log, the Claude Code usage report

    audit = client.get(reverse("chart-source-records", args=[0])).json()
    report = client.get(reverse("chart-source-records", args=[1])).json()

    assert audit["labels"] == ["2026-11-02"] and audit["datasets"][0]["data"][0] > 0
    assert report["labels"] == ["2026-11-02", "2026-11-03", "2026-11-04"]
    assert report["datasets"][0]["data"] == [2, 0, 1]  # two records, a day without, one
    assert report["x_title"] == "UTC date" and report["notes"] == []


def test_hidden_while_the_organisation_is_below_the_minimum_group_size(client, importer, sources, settings):
    settings.MIN_GROUP_SIZE = 3
    client.force_login(importer)

    report = client.get(reverse("chart-source-records", args=[1])).json()

    assert report["suppressed"] is True and set(report["datasets"][0]["data"]) == {None}


def test_only_for_those_who_import(client, viewer, importer, sources):
    client.force_login(viewer)
    assert client.get(reverse("chart-source-records", args=[0])).status_code == 403
    client.force_login(importer)
    assert client.get(reverse("chart-source-records", args=[99])).status_code == 404
