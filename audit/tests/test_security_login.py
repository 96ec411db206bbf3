"""Login lockout (django-axes) and failed logins in the access log, through the real login form."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

import pytest
from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessRecord
from audit.receivers import NO_SUCH_ACCOUNT
from testing.fixtures import PASSWORD

LOGIN = "/accounts/login/"
WRONG = "not the password"


def attempt(client, username, password=WRONG, ip="203.0.113.7", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_settings_lock_the_combination_of_username_and_address_after_five_failures_for_fifteen_minutes():
    assert django_settings.LOGIN_FAILURE_LIMIT == 5
    assert django_settings.LOGIN_LOCKOUT_MINUTES == 15
    assert django_settings.AXES_FAILURE_LIMIT == 5
    assert django_settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert django_settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert django_settings.AXES_ENABLED is True


def test_the_first_backend_is_axes_and_refuses_a_request_less_check_only_in_production_settings():
    from django.utils.module_loading import import_string

    first = import_string(django_settings.AUTHENTICATION_BACKENDS[0])
    assert issubclass(first, AxesStandaloneBackend)
    from usage_portal import settings as production

    assert production.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_five_failed_logins_lock_the_user_out_with_a_friendly_page_saying_when_to_retry(client, viewer):
    for _ in range(4):
        response = attempt(client, viewer.username)
        assert response.status_code == 200  # the form again, with its error
        assert b"Please enter a correct username and password" in response.content

    before = timezone.now()
    response = attempt(client, viewer.username)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "15 minutes" in page
    retry_at = timezone.localtime(before + timedelta(minutes=15))
    assert retry_at.strftime("%H:%M") in page or (retry_at + timedelta(minutes=1)).strftime("%H:%M") in page
    assert viewer.username not in page  # the typed username is not echoed
    assert "<script>" not in page and "<style" not in page and " style=" not in page
    assert 'href="/accounts/login/"' in page

    # Locked: even the right password is refused now, from this address...
    response = attempt(client, viewer.username, password=PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but the same username from another address, and another username from this one, log in.
    other = client_class_login(viewer.username, ip="198.51.100.20")
    assert other.status_code == 302


def client_class_login(username, ip, password=PASSWORD):
    from django.test import Client

    return Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_the_lock_is_per_username_too(client, viewer, detail_viewer):
    for _ in range(5):
        attempt(client, viewer.username)
    assert attempt(client, viewer.username, password=PASSWORD).status_code == 429
    response = client_class_login(detail_viewer.username, ip="203.0.113.7")
    assert response.status_code == 302


def test_the_lock_ends_after_fifteen_minutes(client, viewer):
    for _ in range(5):
        attempt(client, viewer.username)
    assert attempt(client, viewer.username, password=PASSWORD).status_code == 429
    # Move the recorded attempts back in time instead of waiting.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    response = attempt(client, viewer.username, password=PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == viewer.pk


def test_the_admin_login_is_locked_as_well(client, importer):
    url = reverse("admin:login")
    for _ in range(5):
        response = attempt(client, importer.username, url=url)
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content


def test_a_successful_login_clears_earlier_failures(client, viewer):
    for _ in range(4):
        attempt(client, viewer.username)
    assert attempt(client, viewer.username, password=PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, viewer.username).status_code == 200
    assert attempt(client, viewer.username, password=PASSWORD).status_code == 302


def test_every_failed_login_and_every_lockout_is_in_the_access_log(client, viewer):
    for _ in range(5):
        attempt(client, "Viewer")  # a username that does not exist: not kept, it may be a password
    for _ in range(5):
        attempt(client, viewer.username)
    attempt(client, viewer.username, password=PASSWORD)  # refused during the lockout

    records = Counter(AccessRecord.objects.values_list("action", "outcome", "username", "client_ip", "path"))
    failed, locked = AccessRecord.Action.LOGIN_FAILED, AccessRecord.Action.LOCKED_OUT
    denied = AccessRecord.Outcome.DENIED
    typo = [(failed, denied, NO_SUCH_ACCOUNT, "203.0.113.7", LOGIN)] * 4 + [
        (failed, denied, NO_SUCH_ACCOUNT, "203.0.113.7", LOGIN),
        (locked, denied, NO_SUCH_ACCOUNT, "203.0.113.7", LOGIN),
    ]
    real = [(failed, denied, "viewer", "203.0.113.7", LOGIN)] * 4 + [
        (failed, denied, "viewer", "203.0.113.7", LOGIN),
        (locked, denied, "viewer", "203.0.113.7", LOGIN),
        # the attempt during the lockout: refused (a failed login) and locked out again
        (failed, denied, "viewer", "203.0.113.7", LOGIN),
        (locked, denied, "viewer", "203.0.113.7", LOGIN),
    ]
    assert records == Counter(typo + real)
    assert set(AccessRecord.objects.filter(action=locked).values_list("status_code", flat=True)) == {429}
    assert not AccessRecord.objects.filter(user_id__isnull=False).exists()


def test_failed_logins_and_lockouts_write_no_username_or_email_into_the_application_log(client, viewer, caplog):
    typed = "someone.else@example.com"
    with caplog.at_level(logging.DEBUG):
        for _ in range(6):
            attempt(client, typed)
        for _ in range(6):
            attempt(client, viewer.username)
    assert AccessRecord.objects.filter(username=NO_SUCH_ACCOUNT, action=AccessRecord.Action.LOCKED_OUT).exists()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "someone.else" not in logged and "example.com" not in logged
    assert f'"{viewer.username}"' not in logged and "203.0.113.7" not in logged


def test_request_less_authenticate_still_checks_the_password(viewer):
    assert authenticate(username=viewer.username, password=PASSWORD) == viewer
    assert authenticate(username=viewer.username, password=WRONG) is None


@pytest.mark.parametrize("forwarded, expected", [("", "10.0.0.2"), ("198.51.100.9", "198.51.100.9"), ("1.2.3.4, 198.51.100.9", "198.51.100.9")])
def test_behind_a_tls_proxy_the_lock_uses_the_address_the_proxy_saw(rf, settings, forwarded, expected):
    from portal.security import client_ip

    request = rf.post(LOGIN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    settings.BEHIND_TLS_PROXY = False
    assert client_ip(request) == "10.0.0.2"
    settings.BEHIND_TLS_PROXY = True
    assert client_ip(request) == expected


def test_an_operator_can_end_a_lockout_early(client, viewer):
    from django.core.management import call_command

    for _ in range(5):
        attempt(client, viewer.username)
    assert attempt(client, viewer.username, password=PASSWORD).status_code == 429
    call_command("axes_reset_username", viewer.username)
    assert attempt(client, viewer.username, password=PASSWORD).status_code == 302


def test_a_password_typed_into_the_username_field_never_reaches_the_access_log(client, viewer):
    attempt(client, "correct horse battery staple")

    assert list(AccessRecord.objects.values_list("username", flat=True)) == [NO_SUCH_ACCOUNT]
