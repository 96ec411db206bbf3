"""An export requested while the broker is down is saved, says so, and is built by a real worker
once the broker is back and the periodic re-queue has run."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from exports.models import Export
from exports.services import exports_requeue
from testing.exports import DAY, more_people_than_small
from testing.fixtures import export_csv

pytestmark = pytest.mark.worker


def test_an_export_requested_while_the_broker_is_down_is_built_when_it_is_back(
    client, detail_viewer, import_bytes, small_groups_allowed, celery_worker_thread, broker_unreachable
):
    import_bytes(export_csv({"a@example.com": 1, "b@example.com": 2}, day=DAY))
    more_people_than_small()  # large, so built by the worker
    client.force_login(detail_viewer)

    response = client.post(reverse("export-create"), {"view": "conversations", "format": "csv", "as_of": DAY}, follow=True)

    export = Export.objects.get()
    assert response.status_code == 200
    assert export.status == Export.Status.WAITING
    assert "the queue is unreachable just now" in response.content.decode()
    assert exports_requeue() == []  # still down: nothing sent, still waiting
    assert Export.objects.get().status == Export.Status.WAITING

    broker_unreachable()  # the broker is back
    assert exports_requeue() == [export.pk]

    deadline = time.monotonic() + 60
    while client.get(reverse("export-status", args=[export.pk])).json()["status"] != "done":
        assert time.monotonic() < deadline, "the export was not built within 60 s"
        time.sleep(0.2)
    assert exports_requeue() == []
