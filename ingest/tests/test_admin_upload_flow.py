"""An importer uploads an export in the admin; a real Celery worker processes it."""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from ingest.models import Event, Upload
from testing.fixtures import PASSWORD

pytestmark = pytest.mark.worker


def _wait_until_finished(upload: Upload, timeout: float = 60) -> Upload:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        upload.refresh_from_db()
        if upload.status in (Upload.Status.DONE, Upload.Status.FAILED):
            return upload
        time.sleep(0.2)
    raise AssertionError(f"upload still {upload.status} after {timeout}s")


def _upload_through_admin(client, importer, path):
    client.login(username=importer.username, password=PASSWORD)
    with path.open("rb") as handle:
        response = client.post(reverse("admin:ingest_upload_add"), {"file": handle})
    upload = Upload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:ingest_upload_change", args=[upload.pk])
    return upload


def test_an_uploaded_export_is_processed_by_the_worker_and_its_page_shows_the_counts(
    client, importer, sample_path, celery_worker_thread
):
    upload = _upload_through_admin(client, importer, sample_path("claude_enterprise_audit_export.zip"))

    upload = _wait_until_finished(upload)

    assert upload.status == Upload.Status.DONE
    assert upload.detected_format == "zip"
    assert upload.uploaded_by == importer
    assert (upload.rows_read, upload.rows_imported, upload.rows_rejected) == (26, 26, 0)
    assert Event.objects.count() == 26
    page = client.get(reverse("admin:ingest_upload_change", args=[upload.pk]))
    assert page.status_code == 200
    assert b'data-status="done"' in page.content
    assert b"<dd data-field=\"rows_imported\">26</dd>" in page.content
    status = client.get(reverse("upload-status", args=[upload.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100


def test_the_upload_page_lists_the_first_rejected_rows_with_line_numbers(
    client, importer, tmp_path, sample_path, celery_worker_thread
):
    lines = sample_path("claude_enterprise_audit.csv").read_text().splitlines()
    timestamp, rest = lines[3].split(",", 1)
    lines[3] = "yesterday at nine," + rest
    broken = tmp_path / "export.csv"
    broken.write_text("\n".join(lines) + "\n")

    upload = _wait_until_finished(_upload_through_admin(client, importer, broken))

    assert (upload.status, upload.rows_imported, upload.rows_rejected) == (Upload.Status.DONE, 25, 1)
    page = client.get(reverse("admin:ingest_upload_change", args=[upload.pk])).content.decode()
    assert "<td>4</td><td>created_at is not an ISO 8601 timestamp</td>" in page


def test_a_file_that_is_not_an_export_fails_with_a_message_and_stores_nothing(
    client, importer, tmp_path, celery_worker_thread
):
    roster = tmp_path / "roster.csv"
    roster.write_text("email,name,team\nana@example.com,Ana Example,Sales\n")

    upload = _wait_until_finished(_upload_through_admin(client, importer, roster))

    assert upload.status == Upload.Status.FAILED
    assert "lacks the column(s) created_at, event, actor_info" in upload.error
    assert Event.objects.count() == 0
    page = client.get(reverse("admin:ingest_upload_change", args=[upload.pk])).content.decode()
    assert "lacks the column(s)" in page


def test_the_worker_talks_to_redis_when_configured():
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("Redis not configured: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0 to run the worker over Redis")
    from usage_portal.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.transport.driver_type == "redis"


def test_importers_cannot_edit_or_delete_an_upload(client, importer, import_sample):
    upload = import_sample("claude_enterprise_audit.csv")
    client.login(username=importer.username, password=PASSWORD)

    page = client.get(reverse("admin:ingest_upload_change", args=[upload.pk])).content.decode()

    assert 'name="_save"' not in page
    assert client.post(reverse("admin:ingest_upload_delete", args=[upload.pk])).status_code == 403


def test_the_uploads_list_offers_an_import_button(client, importer):
    client.login(username=importer.username, password=PASSWORD)

    page = client.get(reverse("admin:ingest_upload_changelist")).content.decode()

    assert f'href="{reverse("admin:ingest_upload_add")}" class="addlink">Import audit log</a>' in page


def test_an_importer_downloads_the_rejected_rows_report_from_the_upload_page(client, importer, viewer, import_bytes):
    upload = import_bytes(b"created_at,actor_info,event\nnot-a-date,{},conversation_created\n")
    url = reverse("upload-rejected-report", args=[upload.pk])
    client.login(username=importer.username, password=PASSWORD)

    page = client.get(reverse("admin:ingest_upload_change", args=[upload.pk])).content.decode()
    report = client.get(url)

    assert f'<a href="{url}">Download all 1 rejected rows (CSV)</a>' in page
    assert report.status_code == 200
    assert b"".join(report.streaming_content).decode().splitlines() == [
        "line,reason",
        "2,created_at is not an ISO 8601 timestamp",
    ]
    client.logout()
    client.login(username=viewer.username, password=PASSWORD)
    assert client.get(url).status_code == 403
