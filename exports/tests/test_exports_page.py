"""The dashboard header carries export buttons (POST, CSRF, the as-of day and sort shown); the
export page shows the status, a progress bar polled by a script file, and the download link when done."""

from __future__ import annotations

import re

from django.urls import reverse

from testing.exports import DAY, export_made, export_requested


def test_each_dashboard_view_has_export_buttons_carrying_what_is_shown(client, detail_viewer):
    client.force_login(detail_viewer)

    html = client.get(reverse("dashboard-conversations"), {"as_of": DAY, "sort": "pseudonym"}).content.decode()
    form = re.search(r'<form class="export-form" method="post" action="([^"]+)">(.*?)</form>', html, re.S)

    assert form and form.group(1) == reverse("export-create")
    assert 'name="csrfmiddlewaretoken"' in form.group(2)
    for field in ('name="view" value="conversations"', f'name="as_of" value="{DAY}"', 'name="sort" value="pseudonym"'):
        assert field in form.group(2)
    assert 'name="format" value="csv"' in form.group(2) and 'name="format" value="xlsx"' in form.group(2)
    overview = client.get(reverse("dashboard-overview")).content.decode()
    assert 'name="view" value="overview"' in overview


def test_a_get_cannot_create_an_export(client, viewer):
    client.force_login(viewer)

    assert client.get(reverse("export-create")).status_code == 405


def test_the_export_page_shows_progress_then_the_download_link(client, viewer):
    client.force_login(viewer)
    queued = export_requested(client)

    page = client.get(reverse("export-detail", args=[queued.pk])).content.decode()
    assert 'data-status="queued"' in page and "<progress" in page
    assert 'src="/static/portal/js/job_progress.js"' in page
    assert "<script>" not in page and "style=" not in page
    assert reverse("export-download", args=[queued.pk]) not in page
    assert client.get(reverse("export-status", args=[queued.pk])).json()["status"] == "queued"

    done = export_made(client)
    page = client.get(reverse("export-detail", args=[done.pk])).content.decode()
    assert reverse("export-download", args=[done.pk]) in page
    assert client.get(reverse("export-status", args=[done.pk])).json()["progress"] == 100
