"""Error pages and application logs never show member emails or names."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client
from django.views import defaults

from portal.security import EMAIL_REDACTED, RedactEmailsFilter, redact_emails
from usage.selectors import activity

MEMBER_EMAIL = "dana.oneil@example.com"
MEMBER_NAME = "Dana O'Neil"


def console_handler() -> logging.Handler:
    """The handler settings.LOGGING attaches to the root logger (pytest adds its own next to it)."""
    handlers = [handler for handler in logging.getLogger().handlers if any(isinstance(f, RedactEmailsFilter) for f in handler.filters)]
    assert len(handlers) == 1, logging.getLogger().handlers
    return handlers[0]


@pytest.fixture
def console_output():
    handler = console_handler()
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Import failed for alice@example.com", f"Import failed for {EMAIL_REDACTED}"),
        ("a.b+tag@sub.example.co.uk and bob@example.com", f"{EMAIL_REDACTED} and {EMAIL_REDACTED}"),
        ("no email here, just an @ sign and example.com", "no email here, just an @ sign and example.com"),
    ],
)
def test_redact_emails(text, expected):
    assert redact_emails(text) == expected


def test_the_filter_redacts_the_message_and_its_arguments():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "Member %s (%s) has %d rows", (MEMBER_EMAIL, "eng", 3), None)
    assert RedactEmailsFilter().filter(record) is True
    assert record.getMessage() == f"Member {EMAIL_REDACTED} (eng) has 3 rows"
    assert MEMBER_EMAIL not in str(record.msg) and not record.args


def test_the_filter_redacts_tracebacks():
    try:
        raise ValueError(f"bad row for {MEMBER_EMAIL}")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Import failed", (), sys.exc_info())
    RedactEmailsFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "ValueError: bad row for [email redacted]" in text
    assert MEMBER_EMAIL not in text


def test_the_console_handler_writes_no_email(console_output):
    logger = logging.getLogger("analytics.anything")
    logger.warning("Could not import %s", MEMBER_EMAIL)
    logger.error("Failed for alice@example.com")
    try:
        raise RuntimeError(f"member {MEMBER_EMAIL}")
    except RuntimeError:
        logger.exception("Crash")
    output = console_output.getvalue()
    assert "Could not import [email redacted]" in output
    assert "Failed for [email redacted]" in output
    assert "RuntimeError: member [email redacted]" in output
    assert "@example.com" not in output


def test_djangos_own_loggers_go_through_the_same_handler():
    for name in ("django", "django.request", "django.server"):
        logger = logging.getLogger(name)
        while logger is not None and not logger.handlers and logger.propagate:
            logger = logger.parent
        assert logger is logging.getLogger(), name  # they reach the root logger's console handler


def test_a_celery_worker_keeps_the_redacting_console_handler():
    from celery.app.log import Logging

    from usage_portal.celery import app

    before = list(logging.getLogger().handlers)
    was_setup, Logging._setup = Logging._setup, False
    try:
        app.log.setup(loglevel="INFO")  # what a starting worker does
    finally:
        Logging._setup = was_setup
    assert logging.getLogger().handlers == before
    console_handler()


def boom(**kwargs):
    raise RuntimeError(f"could not count conversations of {MEMBER_EMAIL} ({MEMBER_NAME})")


def test_a_server_error_shows_the_500_page_without_member_data_and_logs_none(viewer, monkeypatch, console_output):
    monkeypatch.setattr(activity, "usage_totals_get", boom)
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    response = client.get(f"/dashboard/?as_of=2025-09-05&member={MEMBER_EMAIL}")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "Usage Portal" in page and "portal.css" in page
    assert MEMBER_EMAIL not in page and "dana" not in page.lower() and "example.com" not in page
    assert "RuntimeError" not in page and "Traceback" not in page
    assert "<script" not in page and "<style" not in page and " style=" not in page
    output = console_output.getvalue()
    assert "Internal Server Error: /dashboard/" in output
    assert f"RuntimeError: could not count conversations of {EMAIL_REDACTED}" in output
    assert MEMBER_EMAIL not in output


def test_the_500_page_needs_no_database_and_no_context(rf, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = defaults.server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


def test_a_missing_page_shows_the_404_page_in_the_portal_look_without_the_address(client, viewer):
    client.force_login(viewer)
    response = client.get(f"/dashboard/members/{MEMBER_EMAIL}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This page doesn’t exist" in page
    assert 'href="/dashboard/"' in page and "portal.css" in page
    assert MEMBER_EMAIL not in page and "members/" not in page


def test_the_404_page_for_anonymous_visitors_offers_the_login(client, db):
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert 'href="/accounts/login/"' in response.content.decode()


@pytest.mark.django_db
def test_an_ordinary_403_is_one_log_line_without_a_traceback(client, importer, console_output):
    client.force_login(importer)  # importers may not see the dashboard

    assert client.get("/dashboard/").status_code == 403

    logged = console_output.getvalue()
    assert "Forbidden (Permission denied): /dashboard/" in logged
    assert "Traceback" not in logged and "PermissionDenied" not in logged
