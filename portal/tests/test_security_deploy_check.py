"""Production settings pass `manage.py check --deploy` with no warnings, directly on TLS and behind a
TLS-terminating proxy; with DEBUG=true (scripts/run, plain http) the https-only settings are off."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {"ALLOWED_HOSTS": "portal.example.com"}


def run(args: list[str], tmp_path, **env: str) -> subprocess.CompletedProcess:
    """Run python with only the given environment (none of the test run's DEBUG, SECRET_KEY, ...)."""
    environment = {
        "PATH": "/usr/bin:/bin",
        "VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "usage_portal.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def deploy_check(tmp_path, **env: str) -> subprocess.CompletedProcess:
    return run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **env)


def production_settings(tmp_path, **env: str) -> dict:
    names = [
        "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER",
        "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS", "SILENCED_SYSTEM_CHECKS",
    ]  # fmt: skip
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {names!r}}}))"
    )
    result = run(["-c", code], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def secret_key() -> str:
    return secrets.token_urlsafe(64)


def assert_clean(result: subprocess.CompletedProcess) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output.upper(), output
    assert "System check identified no issues" in output, output


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path, secret_key):
    assert_clean(deploy_check(tmp_path, SECRET_KEY=secret_key, **PRODUCTION_ENV))


def test_behind_a_tls_proxy_the_deploy_check_passes_too(tmp_path, secret_key):
    result = deploy_check(tmp_path, SECRET_KEY=secret_key, BEHIND_TLS_PROXY="true", **PRODUCTION_ENV)
    assert_clean(result)
    assert "(1 silenced)" in result.stdout  # security.W008 only, see below


def test_the_deploy_check_is_not_a_formality(tmp_path, secret_key):
    """The check does fail on a weak setup: here, HSTS turned off."""
    result = deploy_check(tmp_path, SECRET_KEY=secret_key, SECURE_HSTS_SECONDS="0", **PRODUCTION_ENV)
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_production_defaults(tmp_path, secret_key):
    values = production_settings(tmp_path, SECRET_KEY=secret_key, **PRODUCTION_ENV)
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "SILENCED_SYSTEM_CHECKS": [],
    }


def test_behind_a_tls_proxy_the_proxy_header_is_trusted_and_the_redirect_left_to_the_proxy(tmp_path, secret_key):
    values = production_settings(tmp_path, SECRET_KEY=secret_key, BEHIND_TLS_PROXY="true", **PRODUCTION_ENV)
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SILENCED_SYSTEM_CHECKS"] == ["security.W008"]
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SECURE_HSTS_SECONDS"]


def test_the_redirect_can_stay_on_behind_a_proxy_and_nothing_is_silenced_then(tmp_path, secret_key):
    env = {"SECRET_KEY": secret_key, "BEHIND_TLS_PROXY": "true", "SECURE_SSL_REDIRECT": "true", **PRODUCTION_ENV}
    values = production_settings(tmp_path, **env)
    assert values["SECURE_SSL_REDIRECT"] is True and values["SILENCED_SYSTEM_CHECKS"] == []


def test_local_http_with_debug_has_no_https_only_settings(tmp_path):
    values = production_settings(tmp_path, DEBUG="true")
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_the_test_settings_keep_plain_http_working():
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SECURE_HSTS_SECONDS == 0
