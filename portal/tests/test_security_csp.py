"""Every page carries the portal's Content-Security-Policy (django-csp) and the other security headers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from testing.csp import EXPECTED, directives


def assert_headers(response) -> None:
    assert directives(response["Content-Security-Policy"]) == EXPECTED
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/", "/no-such-page/"])
def test_anonymous_pages(client, db, url):
    assert_headers(client.get(url))


def test_dashboard_pages_charts_and_the_refusal_page(client, viewer, importer):
    client.force_login(viewer)
    for url in ["/dashboard/", "/dashboard/conversations/", reverse("chart-daily-active-users")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_headers(response)
    client.force_login(importer)
    response = client.get("/dashboard/")
    assert response.status_code == 403
    assert_headers(response)


def test_admin_upload_pages(client, importer):
    client.force_login(importer)
    for name in ["admin:ingest_upload_changelist", "admin:ingest_upload_add"]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert_headers(response)


def test_the_lockout_page(client, viewer):
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": viewer.username, "password": "wrong"})
    assert response.status_code == 429
    assert_headers(response)


def test_hsts_is_off_under_the_plain_http_tests_and_complete_when_on(client, db, settings):
    assert "Strict-Transport-Security" not in client.get("/accounts/login/", secure=True)
    settings.SECURE_HSTS_SECONDS = 31536000  # the production default (portal/tests/test_security_deploy_check.py)
    response = Client().get("/accounts/login/", secure=True)  # a new client reads the settings anew
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
