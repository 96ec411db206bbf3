"""Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after login."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from portal.security import LAST_SEEN, LOGIN_AT
from testing.fixtures import PASSWORD

DASHBOARD = "/dashboard/?as_of=2025-09-05"


def test_defaults(settings):
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_MAX_HOURS == 10
    assert settings.SESSION_COOKIE_AGE == 10 * 3600
    position = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert settings.MIDDLEWARE[position + 1] == "portal.security.SessionExpiryMiddleware"


def shift(client, **clocks: timedelta) -> None:
    """Move the session's clocks back: shift(client, login_at=timedelta(hours=1))."""
    session = client.session
    for name, delta in clocks.items():
        key = {"login_at": LOGIN_AT, "last_seen": LAST_SEEN}[name]
        session[key] = session[key] - delta.total_seconds()
    session.save()


def followed_message(client, response) -> list[str]:
    page = client.get(response["Location"])
    return [str(message) for message in page.context["messages"]], page


def test_logging_in_through_the_form_starts_both_clocks(client, viewer):
    before = timezone.now().timestamp()
    response = client.post("/accounts/login/", {"username": viewer.username, "password": PASSWORD})
    assert response.status_code == 302
    assert before <= client.session[LOGIN_AT] <= timezone.now().timestamp()
    assert client.session[LAST_SEEN] == client.session[LOGIN_AT]


def test_an_active_session_goes_on(client, viewer):
    client.force_login(viewer)
    shift(client, login_at=timedelta(hours=9, minutes=50), last_seen=timedelta(minutes=29))
    assert client.get(DASHBOARD).status_code == 200
    assert timezone.now().timestamp() - client.session[LAST_SEEN] < 5  # the request counted as activity
    shift(client, last_seen=timedelta(minutes=29))
    assert client.get(DASHBOARD).status_code == 200


def test_after_the_idle_limit_the_person_is_logged_out_and_sent_to_log_in_again(client, viewer):
    client.force_login(viewer)
    assert client.get(DASHBOARD).status_code == 200
    shift(client, last_seen=timedelta(minutes=30))

    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/%3Fas_of%3D2025-09-05"
    assert "_auth_user_id" not in client.session
    messages, page = followed_message(client, response)
    assert messages == ["You were logged out after 30 minutes without activity. Please log in again."]
    assert "You were logged out after 30 minutes without activity" in page.content.decode()
    # Logged out for good: the next request is an anonymous one.
    assert client.get(DASHBOARD)["Location"].startswith("/accounts/login/")


def test_after_the_absolute_limit_the_person_is_logged_out_however_active(client, viewer):
    client.force_login(viewer)
    start = timezone.now()
    with mock.patch("django.utils.timezone.now") as now:
        for minutes in range(20, 10 * 60, 20):  # a request every 20 minutes for ten hours
            now.return_value = start + timedelta(minutes=minutes)
            assert client.get(DASHBOARD).status_code == 200, minutes
        now.return_value = start + timedelta(hours=10)
        response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/dashboard/")
    messages, _ = followed_message(client, response)
    assert messages == ["You were logged out because a session lasts at most 10 hours. Please log in again."]


def test_the_limits_come_from_settings(client, viewer, settings):
    settings.SESSION_IDLE_MINUTES = 5
    client.force_login(viewer)
    shift(client, last_seen=timedelta(minutes=4))
    assert client.get(DASHBOARD).status_code == 200
    shift(client, last_seen=timedelta(minutes=5))
    assert client.get(DASHBOARD).status_code == 302

    settings.SESSION_MAX_HOURS = 1
    client.force_login(viewer)
    shift(client, login_at=timedelta(minutes=59))
    assert client.get(DASHBOARD).status_code == 200
    shift(client, login_at=timedelta(minutes=1))
    assert client.get(DASHBOARD).status_code == 302


def test_a_post_after_expiry_is_not_carried_out(client, detail_viewer):
    client.force_login(detail_viewer)
    shift(client, last_seen=timedelta(hours=1))
    response = client.post("/dashboard/names/reveal/", {"justification": "Coaching session agreed with the member"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    from audit.models import AccessRecord

    assert not AccessRecord.objects.filter(action=AccessRecord.Action.REVEAL).exists()


def test_an_expired_session_on_the_login_page_just_shows_the_login_page(client, viewer):
    client.force_login(viewer)
    shift(client, last_seen=timedelta(hours=1))
    response = client.get("/accounts/login/")
    assert response["Location"] == "/accounts/login/"
    assert client.get(response["Location"]).status_code == 200


def test_a_session_from_before_the_limits_starts_its_clocks_at_its_next_request(client, viewer):
    client.force_login(viewer)
    session = client.session
    del session[LOGIN_AT], session[LAST_SEEN]
    session.save()
    assert client.get(DASHBOARD).status_code == 200
    assert abs(client.session[LOGIN_AT] - timezone.now().timestamp()) < 5


def test_anonymous_requests_are_untouched(client, db):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert LOGIN_AT not in client.session


@pytest.mark.parametrize("name", ["SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS"])
def test_limits_below_one_are_refused(name, tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(
        [sys.executable, "-c", "import usage_portal.settings"],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", name: "0", "VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr
