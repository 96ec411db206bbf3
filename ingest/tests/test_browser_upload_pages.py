"""The upload pages in Chromium under the real Content-Security-Policy: the drop zone's script
shows the chosen file, the upload page follows the import live and ends on its headline."""

from __future__ import annotations

import os

import pytest

from ingest.models import Upload
from ingest.services.uploads import upload_process
from testing.browser import log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_importer_uploads_through_the_drop_zone_and_the_page_follows_the_import(page, live_server, importer, sample_path):
    log_in(page, live_server, importer)
    page.wait_for_url(f"{live_server.url}/uploads/")
    page.click(".upload-cta")
    page.wait_for_url(f"{live_server.url}/uploads/new/")

    page.set_input_files("#drop-zone input[type=file]", str(sample_path("claude_enterprise_audit_export.zip")))
    assert page.locator("#drop-zone-chosen").inner_text().startswith("claude_enterprise_audit_export.zip (")
    assert "has-file" in page.locator("#drop-zone").get_attribute("class")
    page.click("#upload-form button[type=submit]")

    upload = Upload.objects.get()
    page.wait_for_url(f"{live_server.url}/uploads/{upload.pk}/")
    assert page.locator("#upload-headline").inner_text().startswith("Queued")
    upload_process(upload_id=upload.pk)  # the worker's job; the page polls and reloads on its own
    page.wait_for_selector("#check-data-health")

    assert page.locator("#upload-headline").inner_text() == "Done: 26 rows stored"
    assert page.locator("[data-field=rows_imported_text]").inner_text() == "26"
    assert page.problems == []
