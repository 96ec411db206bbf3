"""Only an export's creator (or a superuser) can see or download it; anyone else gets 404."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from portal.roles import USAGE_VIEWERS
from testing.exports import downloaded_rows, export_made

VIEWS = ["export-detail", "export-status", "export-download"]


@pytest.fixture
def other_viewer(viewer) -> User:
    other = User.objects.create_user("other-viewer")
    other.groups.add(Group.objects.get(name=USAGE_VIEWERS))
    return other


@pytest.mark.parametrize("view", VIEWS)
def test_another_viewer_cannot_see_or_download_someones_export(client, viewer, other_viewer, view):
    client.force_login(viewer)
    export = export_made(client)
    client.force_login(other_viewer)

    assert client.get(reverse(view, args=[export.pk])).status_code == 404


def test_the_creator_and_a_superuser_can_download_it(client, viewer, superuser):
    client.force_login(viewer)
    export = export_made(client)

    assert downloaded_rows(client, export)[0] == ["Usage Portal: conversations export"]
    client.force_login(superuser)
    assert downloaded_rows(client, export)[0] == ["Usage Portal: conversations export"]


def test_an_export_of_member_rows_needs_the_individual_detail_permission_still(client, detail_viewer):
    client.force_login(detail_viewer)
    export = export_made(client)
    detail_viewer.groups.set([Group.objects.get(name=USAGE_VIEWERS)])

    assert client.get(reverse("export-download", args=[export.pk])).status_code == 403
