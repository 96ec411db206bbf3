"""The dashboard header carries export buttons on every tab (POST, CSRF, the as-of day, group and
sort shown). One click on a small export downloads it at once, still as an Export row whose
download is logged; a large one goes to its page, which shows the status, a progress bar polled
by a script file, and the download link when done."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from audit.models import AccessRecord
from exports.models import Export
from exports.services import export_build
from testing.exports import DAY, export_clicked, export_requested, export_with_names, more_people_than_small

TABS = {
    "dashboard-overview": "overview",
    "dashboard-conversations": "conversations",
    "dashboard-rollout": "rollout",
    "dashboard-claude-code": "claude-code",
}


def export_form(html: str) -> str:
    form = re.search(r'<form class="export-form" method="post" action="([^"]+)">(.*?)</form>', html, re.S)
    assert form and form.group(1) == reverse("export-create")
    return form.group(2)


@pytest.mark.parametrize("url_name", TABS)
def test_every_dashboard_tab_has_export_buttons(client, detail_viewer, url_name):
    client.force_login(detail_viewer)

    form = export_form(client.get(reverse(url_name), {"as_of": DAY}).content.decode())

    assert 'name="csrfmiddlewaretoken"' in form
    for field in (f'name="view" value="{TABS[url_name]}"', f'name="as_of" value="{DAY}"'):
        assert field in form
    assert 'name="format" value="csv"' in form and 'name="format" value="xlsx"' in form


def test_the_buttons_carry_the_sort_shown(client, detail_viewer):
    client.force_login(detail_viewer)

    form = export_form(client.get(reverse("dashboard-conversations"), {"as_of": DAY, "sort": "pseudonym"}).content.decode())

    assert 'name="sort" value="pseudonym"' in form


def test_a_get_cannot_create_an_export(client, viewer):
    client.force_login(viewer)

    assert client.get(reverse("export-create")).status_code == 405


@pytest.mark.parametrize(("format", "content_type", "extension"), [("csv", "application/zip", "zip"), ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")])
def test_one_click_downloads_a_small_export_at_once(client, detail_viewer, import_bytes, small_groups_allowed, format, content_type, extension):
    import_bytes(export_with_names({f"person{n}@example.com": f"Person {n}" for n in range(3)}))
    client.force_login(detail_viewer)

    response = client.post(reverse("export-create"), {"view": "conversations", "format": format, "as_of": DAY}, follow=True)

    export = Export.objects.get()
    assert response.redirect_chain == [(reverse("export-download", args=[export.pk]), 302)]
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="usage-conversations-{DAY}-{export.pk}.{extension}"'
    assert b"".join(response.streaming_content).startswith(b"PK")  # a ZIP, or a workbook (also a ZIP)
    assert (export.status, export.created_by, export.rows) == (Export.Status.DONE, detail_viewer, 3 + 3)
    record = AccessRecord.objects.get(view_name="export-download")
    assert (record.action, record.person_rows) == (AccessRecord.Action.EXPORT, 3 + 3)


def test_an_aggregate_export_is_small_whatever_the_number_of_people(client, viewer):
    more_people_than_small()
    client.force_login(viewer)

    export_clicked(client, view="conversations")


def test_a_large_export_goes_to_its_page_which_shows_progress_then_the_download_link(client, detail_viewer):
    more_people_than_small()
    client.force_login(detail_viewer)
    queued = export_requested(client)

    page = client.get(reverse("export-detail", args=[queued.pk])).content.decode()
    assert 'data-status="queued"' in page and "<progress" in page
    assert "Export of the conversations dashboard" in page and f"usage-conversations-{DAY}-{queued.pk}.zip" in page
    assert 'src="/static/portal/js/job_progress.js"' in page
    assert "<script>" not in page and "style=" not in page
    assert reverse("export-download", args=[queued.pk]) not in page
    assert client.get(reverse("export-status", args=[queued.pk])).json()["status"] == "queued"

    done = export_build(export_id=queued.pk)
    page = client.get(reverse("export-detail", args=[done.pk])).content.decode()
    assert reverse("export-download", args=[done.pk]) in page
    assert client.get(reverse("export-status", args=[done.pk])).json()["progress"] == 100
    again = export_build(export_id=done.pk)  # the queue may deliver the task twice (acks_late)
    assert (again.pk, again.file.name, again.finished_at) == (done.pk, done.file.name, done.finished_at)


def test_a_large_export_of_a_small_group_is_small(client, detail_viewer, rollout):
    more_people_than_small()  # the organisation is large; team Alpha has 2 members
    client.force_login(detail_viewer)

    assert export_clicked(client, view="rollout", group="team:Alpha").parameters["group"] == "team:Alpha"
    export_requested(client, view="rollout")
