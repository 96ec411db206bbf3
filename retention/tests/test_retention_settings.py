"""Retention settings: defaults, edited in the admin by privacy auditors and superusers, every
change recorded, periods below one day refused; the admin warns when the scheduled purge has not
succeeded for 48 hours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from portal.models import RetentionSettings, RetentionSettingsChange
from portal.selectors import retention_settings_get
from retention.models import PurgeReceipt

pytestmark = [pytest.mark.django_db, pytest.mark.retention_defaults]

DEFAULTS = {"raw_events_days": 400, "rollups_days": 800, "uploads_days": 30, "exports_days": 7, "access_log_days": 730}


def settings_url() -> str:
    return reverse("admin:portal_retentionsettings_change", args=[retention_settings_get().pk])


def form(**changes) -> dict:
    return {**DEFAULTS, **changes}


def test_the_defaults_are_the_documented_periods():
    assert retention_settings_get().periods() == DEFAULTS


@pytest.mark.parametrize(("role", "changes"), [
    ("auditor", {"raw_events_days": 500, "exports_days": 10}),  # privacy auditors may raise periods
    ("superuser", {"raw_events_days": 365, "exports_days": 3}),  # superusers may lower them too
])
def test_auditors_and_superusers_change_the_settings_and_the_change_is_recorded(client, request, role, changes):
    user = request.getfixturevalue(role)
    client.force_login(user)

    response = client.post(settings_url(), form(**changes))

    assert response.status_code == 302
    assert retention_settings_get().periods() == {**DEFAULTS, **changes}
    change = RetentionSettingsChange.objects.get()
    assert (change.username, change.changed_by) == (user.username, user)
    assert change.changes == {field: [DEFAULTS[field], days] for field, days in changes.items()}
    assert timezone.now() - change.changed_at < timedelta(minutes=1)


def test_saving_without_a_change_records_nothing(client, auditor):
    client.force_login(auditor)

    client.post(settings_url(), form())

    assert not RetentionSettingsChange.objects.exists()


@pytest.mark.parametrize("days", ["0", "-1", ""])
def test_a_period_below_one_day_is_refused(client, auditor, days):
    client.force_login(auditor)

    response = client.post(settings_url(), form(uploads_days=days))

    assert response.status_code == 200  # the form again, with its error
    assert "errornote" in response.content.decode()
    assert retention_settings_get().uploads_days == 30
    assert not RetentionSettingsChange.objects.exists()


def test_the_settings_page_says_what_each_period_covers(client, auditor):
    client.force_login(auditor)

    html = client.get(reverse("admin:portal_retentionsettings_changelist"), follow=True).content.decode()

    for field in RetentionSettings.PERIOD_FIELDS:
        assert str(RetentionSettings._meta.get_field(field).help_text) in html


@pytest.mark.parametrize("role", ["importer", "viewer", "detail_viewer"])
def test_other_roles_cannot_change_the_settings(client, request, role):
    client.force_login(request.getfixturevalue(role))

    response = client.post(settings_url(), form(raw_events_days=1))

    assert response.status_code in (302, 403)  # non-staff go to the admin login, staff are refused
    assert retention_settings_get().raw_events_days == 400


@pytest.fixture
def installed_days_ago():
    """The purge schedule was made (its migration applied) three days ago, not as the test began."""
    from django.db.migrations.recorder import MigrationRecorder

    from retention.selectors import PURGE_SCHEDULE_MIGRATION

    made = MigrationRecorder.Migration.objects.filter(app="analytics", name=PURGE_SCHEDULE_MIGRATION)
    assert made.update(applied=timezone.now() - timedelta(days=3)) == 1


def test_a_fresh_install_does_not_warn_before_the_schedule_had_48_hours(client, auditor):
    client.force_login(auditor)  # the migrations, and with them the schedule, were applied just now

    assert "no run has succeeded" not in client.get(settings_url()).content.decode()


def test_the_admin_warns_when_the_scheduled_purge_has_not_succeeded_for_48_hours(client, auditor, installed_days_ago):
    assert PeriodicTask.objects.get(name="Retention purge").enabled
    client.force_login(auditor)
    warning = "no run has succeeded in the last 48 hours"

    assert warning in client.get(settings_url()).content.decode()  # never ran

    PurgeReceipt.objects.create(
        trigger=PurgeReceipt.Trigger.SCHEDULE, status=PurgeReceipt.Status.SUCCEEDED, finished_at=timezone.now() - timedelta(hours=49)
    )
    assert warning in client.get(reverse("admin:retention_purgereceipt_changelist")).content.decode()

    PurgeReceipt.objects.create(
        trigger=PurgeReceipt.Trigger.SCHEDULE, status=PurgeReceipt.Status.SUCCEEDED, finished_at=timezone.now() - timedelta(hours=47)
    )
    assert warning not in client.get(settings_url()).content.decode()


def test_no_warning_when_the_schedule_is_off(client, auditor):
    PeriodicTask.objects.filter(name="Retention purge").update(enabled=False)
    client.force_login(auditor)

    assert "no run has succeeded" not in client.get(settings_url()).content.decode()


def test_a_dry_run_does_not_count_as_a_successful_purge(client, auditor, installed_days_ago):
    PurgeReceipt.objects.create(
        trigger=PurgeReceipt.Trigger.USER, status=PurgeReceipt.Status.SUCCEEDED, dry_run=True, finished_at=timezone.now()
    )
    client.force_login(auditor)

    assert "no run has succeeded" in client.get(settings_url()).content.decode()


def test_rollups_cannot_be_kept_shorter_than_raw_events(client, superuser):
    client.force_login(superuser)

    response = client.post(settings_url(), form(raw_events_days=400, rollups_days=300))

    assert response.status_code == 200
    assert "Keep daily rollups at least as long as raw events (400 days)" in response.content.decode()
    assert retention_settings_get().rollups_days == 800
