"""A large export (more people than exports.selectors.SMALL_EXPORT_PEOPLE) is built by a real
Celery worker: its page polls the status until the file is there."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from exports.models import Export
from testing.exports import DAY, download, more_people_than_small
from testing.fixtures import export_csv

pytestmark = pytest.mark.worker


def test_the_worker_builds_the_file_with_progress_100(client, detail_viewer, import_bytes, small_groups_allowed, celery_worker_thread):
    import_bytes(export_csv({"a@example.com": 1, "b@example.com": 2}, day=DAY))
    more_people_than_small()
    client.force_login(detail_viewer)

    response = client.post(reverse("export-create"), {"view": "conversations", "format": "xlsx", "as_of": DAY})
    export = Export.objects.get()
    deadline = time.monotonic() + 60
    while client.get(reverse("export-status", args=[export.pk])).json()["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, "the export was not built within 60 s"
        time.sleep(0.2)

    assert response.status_code == 302 and response["Location"] == reverse("export-detail", args=[export.pk])
    export.refresh_from_db()
    assert (export.status, export.progress, export.error) == (Export.Status.DONE, 100, "")
    assert export.file.storage.exists(export.file.name)
    assert download(client, export).startswith(b"PK")  # an XLSX is a zip
    page = client.get(reverse("export-detail", args=[export.pk])).content.decode()
    assert reverse("export-download", args=[export.pk]) in page
