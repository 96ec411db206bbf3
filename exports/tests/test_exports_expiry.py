"""An export past its expiry (RetentionSettings.exports_days after it was requested) answers
410 Gone with a page saying so, and its file is deleted from storage at that moment."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from exports.models import Export
from portal.models import RetentionSettings
from testing.exports import DAY, export_made
from testing.fixtures import export_csv


def test_an_export_expires_after_the_retention_period(client, viewer, import_bytes):
    RetentionSettings.objects.update_or_create(pk=1, defaults={"exports_days": 3})
    client.force_login(viewer)

    export = export_made(client)

    assert timedelta(days=3) - (export.expires_at - timezone.now()) < timedelta(minutes=1)


def test_an_expired_export_answers_410_and_its_file_is_deleted(client, viewer, import_bytes, small_groups_allowed):
    import_bytes(export_csv({"a@example.com": 1, "b@example.com": 2}, day=DAY))
    client.force_login(viewer)
    export = export_made(client, format="xlsx")
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get(reverse("export-download", args=[export.pk]))

    assert response.status_code == 410
    assert "This export has expired" in response.content.decode()
    assert not storage.exists(name)
    export.refresh_from_db()
    assert not export.file
    assert client.get(reverse("export-detail", args=[export.pk])).status_code == 410
    assert client.get(reverse("export-status", args=[export.pk])).json()["status"] == "expired"
