"""The transparency page: for everyone who can log in, generated from the live settings."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from ingest.models import NEVER_STORED
from portal.services import retention_settings_update
from retention.models import PurgeReceipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client):
    def get() -> str:
        response = client.get(reverse("transparency"))
        assert response.status_code == 200
        return response.content.decode()

    return get


@pytest.mark.parametrize("role", ["viewer", "detail_viewer", "importer", "auditor", "superuser"])
def test_every_logged_in_role_can_read_it(client, request, page, role):
    client.force_login(request.getfixturevalue(role))

    assert "What this portal keeps" in page()


def test_it_lists_what_is_never_stored(client, viewer, page):
    client.force_login(viewer)

    html = page()

    for item in NEVER_STORED:
        assert item[0].upper() + item[1:] in html


def test_it_shows_the_retention_periods_in_force(client, viewer, superuser, page):
    retention_settings_update(user=superuser, periods={"raw_events_days": 90, "exports_days": 1, "access_log_days": 1000})
    client.force_login(viewer)

    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="numeric nowrap">([^<]+)</td>', page()))

    assert rows == {
        "Raw events": "90 days",
        "Daily rollups": "800 days",
        "Uploaded files and reports": "30 days",
        "Exports": "1 day",
        "Access log": "1000 days",
    }


def test_it_shows_the_minimum_group_size_and_the_reveal_time(client, viewer, page, settings):
    settings.MIN_GROUP_SIZE = 8
    settings.NAMES_REVEAL_MINUTES = 15
    client.force_login(viewer)

    html = page()

    assert "at least <strong>8</strong> people" in html and "fewer than 8 people" in html
    assert "for 15 minutes" in html


def test_it_counts_the_people_in_each_role_without_naming_them(client, viewer, detail_viewer, importer, auditor, page):
    client.force_login(viewer)

    html = page()

    roles = dict(re.findall(r'<th scope="row">([^<]+)</th><td>[^<]*</td><td class="numeric">(\d+)</td>', html))
    assert roles == {
        "Usage viewers": "1",
        "Individual-detail viewers": "1",
        "Log importers": "1",
        "Privacy auditors": "1",
        "Rollout champions": "0",
        "Administrators (superusers)": "0",
    }
    assert detail_viewer.username not in html  # "detail-viewer": no names, only counts


def test_it_says_when_the_purge_is_scheduled_and_when_it_last_ran(client, viewer, page, settings):
    client.force_login(viewer)
    assert "daily at 02:30" in page() and "No purge has run yet" in page()

    PurgeReceipt.objects.create(
        trigger=PurgeReceipt.Trigger.SCHEDULE,
        status=PurgeReceipt.Status.SUCCEEDED,
        finished_at=timezone.now().replace(year=2026, month=11, day=21, hour=1, minute=30, second=0),
    )
    assert "The last purge ran at 2026-11-21" in page() and "succeeded" in page()

    PeriodicTask.objects.filter(name="Retention purge").update(enabled=False)
    assert "No purge is scheduled" in page()


def test_anonymous_visitors_log_in_first(client):
    response = client.get(reverse("transparency"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
