"""The importers' upload pages in the portal: who may open them, a real upload through the form
(imported by upload_process, as the worker would), and the headline that says how it went."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ingest.models import Upload
from ingest.services.uploads import upload_process
from testing.fixtures import PASSWORD, export_csv

PAGES = ["uploads", "upload-add"]


def _login(client, user):
    client.login(username=user.username, password=PASSWORD)


@pytest.mark.parametrize("name", PAGES)
def test_importers_open_the_upload_pages_and_viewers_and_auditors_are_refused(client, importer, viewer, auditor, name):
    _login(client, importer)
    assert client.get(reverse(name)).status_code == 200
    for other in (viewer, auditor):
        client.logout()
        _login(client, other)
        assert client.get(reverse(name)).status_code == 403


def test_an_upload_page_is_for_importers_only(client, importer, viewer, auditor, import_sample):
    upload = import_sample("claude_enterprise_audit.csv")
    url = reverse("upload-detail", args=[upload.pk])
    _login(client, importer)
    assert client.get(url).status_code == 200
    for other in (viewer, auditor):
        client.logout()
        _login(client, other)
        assert client.get(url).status_code == 403


def test_an_importer_lands_on_the_uploads_list_which_links_data_health_and_what_we_keep(client, importer):
    _login(client, importer)

    assert client.get("/")["Location"] == reverse("uploads")
    page = client.get(reverse("uploads")).content.decode()

    assert f'href="{reverse("data-health")}"' in page
    assert f'href="{reverse("transparency")}"' in page
    assert f'<a href="{reverse("uploads")}">Uploads</a>' in page  # the frame's link


def _upload_through_the_form(client, importer, content: bytes, name: str) -> Upload:
    _login(client, importer)
    response = client.post(reverse("upload-add"), {"file": SimpleUploadedFile(name, content)})
    upload = Upload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("upload-detail", args=[upload.pk])
    assert upload.uploaded_by == importer and upload.status == Upload.Status.QUEUED
    upload_process(upload_id=upload.pk)  # what the queued task runs
    return upload


def _headline(page: str) -> str:
    return re.search(r'<h1 class="upload-headline"[^>]*>(.*?)</h1>', page, re.S).group(1).strip()


def test_a_real_upload_through_the_form_is_imported_and_its_page_says_done(client, importer, sample_path):
    upload = _upload_through_the_form(
        client, importer, sample_path("claude_enterprise_audit_export.zip").read_bytes(), "claude_enterprise_audit_export.zip"
    )

    page = client.get(reverse("upload-detail", args=[upload.pk])).content.decode()

    assert _headline(page) == "Done: 26 rows stored"
    assert '<dd data-field="rows_imported_text">26</dd>' in page
    assert 'id="check-data-health"' in page and reverse("data-health") in page
    assert "Audit log (ZIP)" in page
    listing = client.get(reverse("uploads")).content.decode()
    assert '<span class="status-badge status-done"' in listing
    assert "style=" not in page + listing


def test_a_second_upload_of_the_same_file_says_nothing_new(client, importer, import_sample, sample_path):
    import_sample("claude_enterprise_audit.csv")
    again = import_sample("claude_enterprise_audit.csv")
    _login(client, importer)

    page = client.get(reverse("upload-detail", args=[again.pk])).content.decode()

    assert _headline(page) == "Done: nothing new, every row was already stored"


@pytest.mark.retention_defaults  # the 2025 sample is older than the default 400 days: every row is skipped
def test_a_file_of_old_rows_is_done_with_warnings_and_says_why_in_the_headline(client, importer, sample_path):
    upload = _upload_through_the_form(client, importer, sample_path("claude_enterprise_audit.csv").read_bytes(), "old.csv")

    page = client.get(reverse("upload-detail", args=[upload.pk])).content.decode()

    assert _headline(page) == "Done with warnings: 26 rows older than retention were skipped; nothing was stored"
    assert "raw-event retention period (400 days)" in page
    listing = client.get(reverse("uploads")).content.decode()
    assert '<span class="status-badge status-warning"' in listing and "Done with warnings" in listing


def test_rejected_rows_are_a_warning_with_their_sample_and_report(client, importer):
    upload = _upload_through_the_form(
        client, importer, export_csv({"person@example.com": 2}) + b"not-a-date,{},conversation_created,,,,,,\n", "export.csv"
    )

    page = client.get(reverse("upload-detail", args=[upload.pk])).content.decode()

    assert _headline(page) == "Done with warnings: 1 row was rejected"
    assert "created_at is not an ISO 8601 timestamp" in page
    assert f'<a href="{reverse("upload-rejected-report", args=[upload.pk])}">Download the rejected rows (CSV)</a>' in page


def test_a_file_that_is_not_an_export_fails_with_its_reason_in_the_headline(client, importer):
    upload = _upload_through_the_form(client, importer, b"email,name,team\nana@example.com,Ana Example,Sales\n", "roster.csv")

    page = client.get(reverse("upload-detail", args=[upload.pk])).content.decode()

    assert _headline(page).startswith("Failed: ")
    assert "lacks the column(s) created_at, event, actor_info" in _headline(page)
    assert 'id="check-data-health"' in page


def test_a_running_import_shows_every_count_live_and_the_poll_returns_them_formatted(client, importer, import_sample):
    upload = import_sample("claude_enterprise_audit.csv")
    Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.PROCESSING, progress=40, rows_read=12345, rows_imported=12000)
    _login(client, importer)

    page = client.get(reverse("upload-detail", args=[upload.pk])).content.decode()
    status = client.get(reverse("upload-status", args=[upload.pk])).json()

    assert _headline(page) == "Importing: 40% of the file read"
    assert '<dd data-field="rows_read_text">12,345</dd>' in page
    assert "job_progress.js" in page and 'data-status="processing"' in page
    assert (status["rows_read_text"], status["rows_imported_text"], status["headline"]) == (
        "12,345", "12,000", "Importing: 40% of the file read"
    )
    assert "Queued" not in page  # nothing below the progress contradicts it


def test_a_file_over_the_limit_is_refused_on_the_form_and_nothing_is_stored(client, importer, settings):
    settings.UPLOAD_MAX_BYTES = 10
    _login(client, importer)

    response = client.post(reverse("upload-add"), {"file": SimpleUploadedFile("big.csv", b"x" * 100)})

    assert response.status_code == 200
    assert "the limit is 10" in response.content.decode()
    assert not Upload.objects.exists()


def test_the_uploads_list_shows_sizes_and_counts_formatted(client, importer, import_sample):
    upload = import_sample("claude_enterprise_audit.csv")
    Upload.objects.filter(pk=upload.pk).update(size_bytes=7312631, rows_read=1234567)
    _login(client, importer)

    page = client.get(reverse("uploads")).content.decode()

    assert "7.0\xa0MB" in page
    assert "1,234,567" in page


@pytest.mark.parametrize(
    ("counts", "headline"),
    [
        ({"rows_imported": 1}, "Done: 1 row stored"),
        ({"rows_imported": 3, "rows_too_old": 1}, "Done with warnings: 1 row older than retention was skipped"),
        (
            {"rows_imported": 0, "rows_too_old": 26, "rows_rejected": 2},
            "Done with warnings: 26 rows older than retention were skipped and 2 rows were rejected; nothing was stored",
        ),
    ],
)
def test_the_headline_names_every_warning_in_words(counts, headline):
    from ingest.selectors import upload_outcome_get

    assert upload_outcome_get(upload=Upload(status=Upload.Status.DONE, **counts)).headline == headline


def test_the_admin_upload_page_keeps_no_stale_copy_of_the_live_counts(client, superuser, import_sample):
    upload = import_sample("claude_enterprise_audit.csv")
    Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.PROCESSING, progress=40, rows_read=12)
    client.force_login(superuser)

    page = client.get(reverse("admin:ingest_upload_change", args=[upload.pk])).content.decode()

    assert '<h2 data-field="headline">Importing: 40% of the file read</h2>' in page
    assert "field-status" not in page and "field-rows_read" not in page  # only the live panel shows them
    assert f'href="{reverse("upload-detail", args=[upload.pk])}"' in page
