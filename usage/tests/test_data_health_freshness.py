"""Data health says per source whether its data is fresh (at most FRESH_WITHIN_DAYS behind today)
or stale, and writes its numbers with thousands separators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ingest.models import Upload
from testing.fixtures import export_csv
from usage.selectors.data_health import FRESH_WITHIN_DAYS, data_health_get


@pytest.fixture(autouse=True)
def utc(settings):
    settings.REPORTING_TIMEZONE = "UTC"


def _import_day(import_bytes, days_ago: int):
    day = (timezone.now() - timedelta(days=days_ago)).date().isoformat()
    return import_bytes(export_csv({"a@example.com": 1}, day=day), name=f"audit-{day}.csv")


def _audit_log(db_timezone="UTC"):
    return data_health_get(timezone=db_timezone).sources[0]


def test_data_from_yesterday_is_fresh(import_bytes):
    _import_day(import_bytes, 1)

    source = _audit_log()

    assert (source.freshness, source.days_behind) == ("fresh", 1)
    assert source.freshness_label == "Fresh: data through yesterday"


def test_data_one_day_past_the_limit_is_stale(import_bytes):
    _import_day(import_bytes, FRESH_WITHIN_DAYS + 1)

    source = _audit_log()

    assert source.freshness == "stale"
    assert source.freshness_label == f"Stale: the newest data is {FRESH_WITHIN_DAYS + 1} days old"


def test_no_data_is_neither(db):
    assert (_audit_log().freshness, _audit_log().freshness_label) == ("empty", "No data yet")


def test_the_page_shows_the_status_badge_and_numbers_with_separators(client, importer, import_bytes):
    upload = _import_day(import_bytes, 400)
    Upload.objects.filter(pk=upload.pk).update(rows_read=1234567, rows_duplicate=1234565)
    client.force_login(importer)

    html = client.get(reverse("data-health")).content.decode()

    assert '<span class="status-badge status-stale" id="freshness-1">Stale: the newest data is 400 days old</span>' in html
    assert "1,234,567 rows read, 2 new, 1,234,565 duplicate" in html
    assert f'href="{reverse("uploads")}"' in html  # the importers' tabs
    assert "style=" not in html
