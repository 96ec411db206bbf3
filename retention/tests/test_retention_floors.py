"""Retention floors and the append-only retention records, tried as an insider would (issue 10, §3):
a privacy auditor sets every period to 1 day, lowers one, writes the settings row by hand before a
purge; anyone rewrites or deletes a settings change or a finished purge receipt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessRecord
from ingest.models import Event
from portal.db import AppendOnlyError
from portal.models import RetentionSettings, RetentionSettingsChange
from portal.selectors import retention_settings_get
from portal.services import RetentionChangeRefused, retention_settings_update
from retention.models import PurgeReceipt
from retention.services import retention_purge

pytestmark = [pytest.mark.django_db, pytest.mark.retention_defaults]

DEFAULTS = {"raw_events_days": 400, "rollups_days": 800, "uploads_days": 30, "exports_days": 7, "access_log_days": 730}
FLOORS = {"raw_events_days": 30, "rollups_days": 90, "uploads_days": 7, "exports_days": 1, "access_log_days": 365}


def _post(client, **changes):
    url = reverse("admin:portal_retentionsettings_change", args=[retention_settings_get().pk])
    return client.post(url, {**DEFAULTS, **changes})


def _refused_sql(sql, params=None):
    with pytest.raises(DatabaseError, match="append-only|permission denied"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_floors_are_the_documented_settings():
    assert RetentionSettings.floors() == FLOORS


def test_an_auditor_setting_every_period_to_one_day_is_refused(client, auditor):
    client.force_login(auditor)

    response = _post(client, **{field: 1 for field in DEFAULTS})

    assert response.status_code == 200
    html = response.content.decode()
    for field, floor in FLOORS.items():
        if floor > 1:
            assert f"At least {floor} days: this period&#x27;s retention floor." in html, field
    assert "Only a superuser may lower this period" in html  # exports: 1 is its floor, but lower than 7
    assert retention_settings_get().periods() == DEFAULTS
    assert not RetentionSettingsChange.objects.exists()


def test_an_auditor_may_raise_but_not_lower_a_period(client, auditor):
    client.force_login(auditor)

    assert _post(client, raw_events_days=300).status_code == 200
    assert retention_settings_get().raw_events_days == 400

    assert _post(client, raw_events_days=500, access_log_days=1000).status_code == 302
    assert retention_settings_get().periods() == {**DEFAULTS, "raw_events_days": 500, "access_log_days": 1000}


def test_a_superuser_may_lower_to_the_floor_but_not_below(client, superuser):
    client.force_login(superuser)

    assert _post(client, access_log_days=364).status_code == 200
    assert retention_settings_get().access_log_days == 730

    assert _post(client, **FLOORS).status_code == 302
    assert retention_settings_get().periods() == FLOORS


def test_the_service_refuses_what_the_form_refuses(auditor, superuser):
    with pytest.raises(RetentionChangeRefused, match="at least 365 days"):
        retention_settings_update(user=superuser, periods={"access_log_days": 1})
    with pytest.raises(RetentionChangeRefused, match="only a superuser may lower"):
        retention_settings_update(user=auditor, periods={"raw_events_days": 100})
    with pytest.raises(RetentionChangeRefused, match="only a superuser may lower"):
        retention_settings_update(user=None, periods={"exports_days": 1})
    with pytest.raises(RetentionChangeRefused):  # all or nothing
        retention_settings_update(user=auditor, periods={"uploads_days": 60, "access_log_days": 1})

    assert retention_settings_get().periods() == DEFAULTS
    assert not RetentionSettingsChange.objects.exists()


def test_the_purge_refuses_periods_below_the_floor_written_past_the_service(settings):
    """The settings row written by hand (raw ORM): every category below its floor is refused and
    recorded on the receipt; nothing of it is deleted."""
    settings.REPORTING_TIMEZONE = "UTC"
    RetentionSettings.objects.filter(pk=1).update(raw_events_days=1, access_log_days=1)
    Event.objects.create(occurred_at=timezone.now() - timedelta(days=5), event="conversation_created", dedupe_key="recent")
    AccessRecord.objects.create(occurred_at=timezone.now() - timedelta(days=5), username="alice")

    receipt = retention_purge(trigger=PurgeReceipt.Trigger.SCHEDULE)

    assert receipt.status == PurgeReceipt.Status.FAILED
    assert {error["category"] for error in receipt.errors} == {"raw_events", "access_log"}
    assert "below its floor of 365" in {e["category"]: e["error"] for e in receipt.errors}["access_log"]
    assert Event.objects.count() == 1 and AccessRecord.objects.count() == 1


# --- Retention settings changes are append-only -------------------------------------------------


@pytest.fixture
def change(superuser) -> RetentionSettingsChange:
    retention_settings_update(user=superuser, periods={"exports_days": 3})
    return RetentionSettingsChange.objects.get()


def test_a_settings_change_cannot_be_rewritten_or_deleted(change):
    table = RetentionSettingsChange._meta.db_table
    change.changes = {"exports_days": [7, 7]}
    for attack in (
        change.save,
        change.delete,
        lambda: RetentionSettingsChange.objects.update(username="someone else"),
        lambda: RetentionSettingsChange._base_manager.update(changes={}),
        lambda: RetentionSettingsChange.objects.all().delete(),
        lambda: RetentionSettingsChange.objects.all()._raw_delete(connection.alias),
        lambda: RetentionSettingsChange.objects.bulk_create(
            [RetentionSettingsChange(pk=change.pk, username="x")], update_conflicts=True, unique_fields=["id"], update_fields=["username"]
        ),
    ):
        with pytest.raises(AppendOnlyError):
            attack()
    _refused_sql(f"UPDATE {table} SET changes = '{{}}'")
    _refused_sql(f"UPDATE {table} SET changed_by_id = NULL, username = 'nobody'")
    _refused_sql(f"DELETE FROM {table}")

    stored = RetentionSettingsChange.objects.get()
    assert (stored.username, stored.changes) == ("root", {"exports_days": [7, 3]})


def test_deleting_the_user_keeps_the_change_and_its_username(change, superuser):
    User.objects.filter(pk=superuser.pk).delete()

    stored = RetentionSettingsChange.objects.get()
    assert (stored.changed_by, stored.username, stored.changes) == (None, "root", {"exports_days": [7, 3]})


# --- Finished purge receipts are append-only ----------------------------------------------------


def test_a_finished_receipt_cannot_be_rewritten_or_deleted():
    receipt = retention_purge(trigger=PurgeReceipt.Trigger.USER, triggered_by="ana", dry_run=True)
    table = PurgeReceipt._meta.db_table
    receipt.deleted = {}
    for attack in (
        receipt.save,
        receipt.delete,
        lambda: PurgeReceipt.objects.update(status=PurgeReceipt.Status.RUNNING),
        lambda: PurgeReceipt._base_manager.all().delete(),
        lambda: PurgeReceipt.objects.all()._raw_delete(connection.alias),
    ):
        with pytest.raises(AppendOnlyError):
            attack()
    _refused_sql(f"UPDATE {table} SET deleted = '{{}}'")
    _refused_sql(f"UPDATE {table} SET status = 'running'")
    _refused_sql(f"DELETE FROM {table}")

    stored = PurgeReceipt.objects.get()
    assert (stored.status, stored.triggered_by) == (PurgeReceipt.Status.SUCCEEDED, "ana")
    assert set(stored.deleted) == {"raw_events", "rollups", "uploads", "exports", "access_log"}


def test_a_running_receipt_gains_its_progress_but_nothing_else_changes():
    receipt = PurgeReceipt.objects.create(trigger=PurgeReceipt.Trigger.SCHEDULE, settings_in_force={"access_log_days": 730})
    table = PurgeReceipt._meta.db_table
    _refused_sql(f"UPDATE {table} SET settings_in_force = '{{\"access_log_days\": 1}}'")
    _refused_sql(f"UPDATE {table} SET started_at = %s", [datetime(2020, 1, 1, tzinfo=UTC)])

    receipt.deleted = {"access_log": {"rows": 3, "files": 0}}
    receipt.save(update_fields=["deleted"])
    receipt.status, receipt.finished_at = PurgeReceipt.Status.SUCCEEDED, timezone.now()
    receipt.save(update_fields=["status", "finished_at"])

    receipt.status = PurgeReceipt.Status.FAILED
    with pytest.raises(AppendOnlyError):
        receipt.save(update_fields=["status"])
    stored = PurgeReceipt.objects.get()
    assert (stored.status, stored.deleted, stored.settings_in_force) == (
        PurgeReceipt.Status.SUCCEEDED, {"access_log": {"rows": 3, "files": 0}}, {"access_log_days": 730},
    )


@pytest.mark.django_db(transaction=True)
def test_the_app_role_may_not_delete_receipts_or_changes(two_roles):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege('analytics_purgereceipt', 'DELETE'), has_table_privilege('analytics_purgereceipt', 'TRUNCATE'),"
            " has_table_privilege('analytics_retentionsettingschange', 'DELETE'),"
            " has_table_privilege('analytics_retentionsettingschange', 'UPDATE'),"
            " has_column_privilege('analytics_retentionsettingschange', 'changed_by_id', 'UPDATE'),"
            " has_table_privilege('analytics_member', 'DELETE')"
        )
        assert cursor.fetchone() == (False, False, False, False, True, True)
