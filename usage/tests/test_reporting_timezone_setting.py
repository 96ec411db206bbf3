"""The reporting timezone as an admin setting: it starts as REPORTING_TIMEZONE; a superuser
changes it in the admin, which rebuilds the rollups in that timezone in the background, with
progress, and every page and chart then names and counts in it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from portal.models import PortalSettings
from portal.selectors import reporting_timezone_get
from usage.models import DailyActivity
from usage.services.reporting_timezone import reporting_timezone_rebuild

pytestmark = pytest.mark.django_db

# 23:30 and 23:40 UTC on 2025-09-01 are 2025-09-02 in Berlin (UTC+2). Two people: k = 2.
LATE_EVENT = (
    b"created_at,actor_info,event,event_info,entity_info,ip_address,device_id,user_agent,client_platform\n"
    b"2025-09-01T23:30:00Z,\"{'name': 'Ann', 'uuid': 'u-1', 'metadata': {'email_address': 'ann@example.com'}}\","
    b"conversation_created,{},\"{'type': 'chat_conversation', 'uuid': 'c-1'}\",192.0.2.1,d-1,Mozilla/5.0,web_claude_ai\n"
    b"2025-09-01T23:40:00Z,\"{'name': 'Bo', 'uuid': 'u-2', 'metadata': {'email_address': 'bo@example.com'}}\","
    b"user_signed_in_sso,{},,192.0.2.2,d-2,Mozilla/5.0,web_claude_ai\n"
)


def settings_url() -> str:
    return reverse("admin:portal_portalsettings_changelist")


def test_it_starts_as_the_environment_setting(settings):
    settings.REPORTING_TIMEZONE = "America/New_York"

    assert reporting_timezone_get() == "America/New_York"


def test_changing_it_in_the_admin_queues_a_rebuild_that_moves_every_figure(
    client, superuser, viewer, import_bytes, settings, small_groups_allowed, django_capture_on_commit_callbacks
):
    settings.REPORTING_TIMEZONE = "UTC"
    assert import_bytes(LATE_EVENT).status == "done"
    assert set(DailyActivity.objects.values_list("timezone", "day")) == {("UTC", date(2025, 9, 1))}
    client.force_login(superuser)
    change_url = client.get(settings_url())["Location"]

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(change_url, {"reporting_timezone": "Europe/Berlin"})

    assert response.status_code == 302
    assert reporting_timezone_get() == "Europe/Berlin"
    assert PortalSettings.objects.get().rebuild_status == "queued"
    assert len(queued) == 1  # the Celery task, sent once the change is committed

    reporting_timezone_rebuild(timezone="Europe/Berlin", previous="UTC")  # what the task runs

    state = PortalSettings.objects.get()
    assert (state.rebuild_status, state.rebuild_progress) == ("done", 100)
    assert set(DailyActivity.objects.values_list("timezone", "day")) == {("Europe/Berlin", date(2025, 9, 2))}
    client.force_login(viewer)
    chart = json.loads(client.get(reverse("chart-daily-conversations"), {"as_of": "2025-09-02"}).content)
    assert (chart["timezone"], chart["labels"], chart["datasets"][0]["data"]) == ("Europe/Berlin", ["2025-09-02"], [1])
    assert "Times in <strong>Europe/Berlin</strong>" in client.get(reverse("dashboard-overview")).content.decode()


def test_an_unknown_timezone_is_refused(client, superuser):
    client.force_login(superuser)
    change_url = client.get(settings_url())["Location"]

    response = client.post(change_url, {"reporting_timezone": "Mars/Olympus_Mons"})

    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert PortalSettings.objects.get().reporting_timezone == ""


def test_the_dashboard_says_when_the_figures_are_being_rebuilt(client, viewer):
    PortalSettings.objects.update_or_create(pk=1, defaults={"reporting_timezone": "Europe/Berlin", "rebuild_status": "running", "rebuild_progress": 40})
    client.force_login(viewer)

    html = client.get(reverse("dashboard-overview")).content.decode()

    assert "being rebuilt in Europe/Berlin (40 % done)" in html
