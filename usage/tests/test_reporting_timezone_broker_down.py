"""A reporting timezone changed while the broker is down: the change is saved (no 500), the pages
say the rebuild waits, and a real worker rebuilds once the broker is back and the re-queue ran."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.urls import reverse

from portal.models import PortalSettings
from usage.models import DailyActivity
from usage.services.reporting_timezone import reporting_timezone_rebuild_requeue
from usage.tests.test_reporting_timezone_setting import LATE_EVENT, settings_url

pytestmark = pytest.mark.worker


def test_a_rebuild_asked_for_while_the_broker_is_down_runs_when_it_is_back(
    client, superuser, viewer, import_bytes, settings, small_groups_allowed, celery_worker_thread, broker_unreachable
):
    settings.REPORTING_TIMEZONE = "UTC"
    PortalSettings.objects.get_or_create(pk=1)  # made by a migration; an earlier transactional test flushed it
    assert import_bytes(LATE_EVENT).status == "done"
    client.force_login(superuser)

    response = client.post(client.get(settings_url())["Location"], {"reporting_timezone": "Europe/Berlin"})

    assert response.status_code == 302
    assert PortalSettings.objects.get().rebuild_status == "waiting"
    client.force_login(viewer)
    assert "waits for the queue" in client.get(reverse("dashboard-overview")).content.decode()
    assert reporting_timezone_rebuild_requeue() is False  # still down

    broker_unreachable()  # the broker is back
    assert reporting_timezone_rebuild_requeue() is True

    deadline = time.monotonic() + 60
    while PortalSettings.objects.get().rebuild_status != "done":
        assert time.monotonic() < deadline, "the rebuild did not finish within 60 s"
        time.sleep(0.2)
    assert set(DailyActivity.objects.values_list("timezone", "day")) == {("Europe/Berlin", date(2025, 9, 2))}
    assert reporting_timezone_rebuild_requeue() is False
