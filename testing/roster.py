"""Helpers for HR's roster import through the admin (django-import-export): preview a file, confirm
the preview, or both; and FIXTURES, the folder of the roster files (testing/data)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from testing import DATA

FIXTURES = DATA
CSV, XLSX = "0", "1"  # the admin's import formats, in order


def preview(client, content: bytes, *, name: str = "roster.csv", file_format: str = CSV):
    """The first step: upload, dry run, preview (or errors)."""
    return client.post(
        reverse("admin:people_rosterentry_import"),
        {"resource": "0", "format": file_format, "import_file": SimpleUploadedFile(name, content)},
    )


def confirm(client, previewed):
    """The second step: the preview's confirm form, posted."""
    form = previewed.context["confirm_form"]
    assert form is not None, "the preview offers no confirm button"
    data = {name: form.initial[name] for name in ("import_file_name", "original_file_name", "format", "resource")}
    return client.post(reverse("admin:people_rosterentry_process_import"), data, follow=True)


def import_roster(client, content: bytes, **kwargs):
    previewed = preview(client, content, **kwargs)
    assert previewed.status_code == 200
    assert not previewed.context["result"].has_validation_errors(), previewed.content.decode()[:3000]
    return confirm(client, previewed)
