"""The ticket tag as a portal setting: superusers change it in the admin; one tag, no separators."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.selectors import ticket_tag_get

pytestmark = pytest.mark.django_db


def _change_url(client) -> str:
    return client.get(reverse("admin:portal_portalsettings_changelist"))["Location"]


def test_it_starts_as_claude_code_and_a_superuser_changes_it(client, superuser):
    assert ticket_tag_get() == "claude-code"
    client.force_login(superuser)

    response = client.post(_change_url(client), {"reporting_timezone": "", "ticket_tag": "Claude-Code-Rollout"})

    assert response.status_code == 302
    assert ticket_tag_get() == "Claude-Code-Rollout"


def test_a_tag_with_a_separator_is_refused(client, superuser):
    client.force_login(superuser)

    response = client.post(_change_url(client), {"reporting_timezone": "", "ticket_tag": "claude code"})

    assert response.status_code == 200
    assert "without spaces, commas or semicolons" in response.content.decode()
    assert ticket_tag_get() == "claude-code"
