"""'Dry run now' on the purge receipts page: privacy auditors ask for one, a real Celery worker
runs it, and a dry-run receipt appears, deleting nothing. Others do not get the button or the action."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from ingest.models import Event
from retention.models import PurgeReceipt

RECEIPTS = "admin:retention_purgereceipt_changelist"
DRY_RUN = "admin:retention_purgereceipt_dry_run"


@pytest.mark.worker
def test_an_auditor_asks_for_a_dry_run_and_the_worker_writes_its_receipt(client, auditor, import_bytes, celery_worker_thread):
    from testing.fixtures import export_csv

    import_bytes(export_csv({"a@example.com": 2}, day="2020-01-06"))  # past any raw-event retention? counted, kept
    events = Event.objects.count()
    client.force_login(auditor)
    assert "Dry run now" in client.get(reverse(RECEIPTS)).content.decode()

    response = client.post(reverse(DRY_RUN), follow=True)

    assert "A dry run is queued" in response.content.decode()
    deadline = time.monotonic() + 60
    while not PurgeReceipt.objects.filter(dry_run=True, status=PurgeReceipt.Status.SUCCEEDED).exists():
        assert time.monotonic() < deadline, "no dry-run receipt within 60 s"
        time.sleep(0.2)
    receipt = PurgeReceipt.objects.get(dry_run=True)
    assert (receipt.trigger, receipt.triggered_by) == (PurgeReceipt.Trigger.USER, auditor.username)
    assert Event.objects.count() == events  # a dry run deletes nothing


@pytest.mark.django_db
def test_the_queue_down_is_said_not_hidden(client, auditor, broker_unreachable):
    client.force_login(auditor)

    response = client.post(reverse(DRY_RUN), follow=True)

    assert "cannot be reached, so the dry run did not start" in response.content.decode()
    assert not PurgeReceipt.objects.exists()


@pytest.mark.django_db
def test_only_those_who_keep_the_settings_may_ask(client, importer, superuser):
    client.force_login(importer)
    assert client.post(reverse(DRY_RUN)).status_code == 403
    assert client.get(reverse(DRY_RUN)).status_code in (403, 405)
