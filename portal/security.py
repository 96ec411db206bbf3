"""Hardening that is not a view: session limits, the lockout page, email redaction in logs.

This module is imported by the logging configuration, before the app registry is ready: keep
model imports (and django-axes, whose helpers import its models) inside the functions.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

# --- Session limits ---------------------------------------------------------------------------

# Session keys (Unix timestamps): when the person logged in and when they were last active.
# portal.receivers writes LOGIN_AT on user_logged_in; SessionExpiryMiddleware keeps LAST_SEEN.
LOGIN_AT = "portal_login_at"
LAST_SEEN = "portal_last_seen"
# LAST_SEEN is rewritten at most this often, so not every request saves the session.
LAST_SEEN_PRECISION_SECONDS = 60


def session_start(session) -> None:
    """Start both clocks of a new login."""
    now = timezone.now().timestamp()
    session[LOGIN_AT] = now
    session[LAST_SEEN] = now


def session_expiry_reason(session) -> str | None:
    """'idle', 'max' or None: whether the signed-in session behind `session` has run out."""
    now = timezone.now().timestamp()
    login_at = session.get(LOGIN_AT)
    last_seen = session.get(LAST_SEEN, login_at)
    if login_at is None or last_seen is None:
        return None
    if now - login_at >= settings.SESSION_MAX_HOURS * 3600:
        return "max"
    if now - last_seen >= settings.SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


EXPIRY_MESSAGES = {
    "idle": "You were logged out after {idle} minutes without activity. Please log in again.",
    "max": "You were logged out because a session lasts at most {hours} hours. Please log in again.",
}


class SessionExpiryMiddleware:
    """Logs a person out after SESSION_IDLE_MINUTES without a request or SESSION_MAX_HOURS after login,
    and sends them to the login page with ?next= and a message saying why.

    Sits right after AuthenticationMiddleware, so before MessageMiddleware: it sets up the message
    storage of the request it answers itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib.auth import SESSION_KEY

        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) and request.user.is_authenticated:
            if LOGIN_AT not in session:  # a session from before these limits: its clocks start now
                session_start(session)
            reason = session_expiry_reason(session)
            if reason:
                return self.expire(request, reason)
            now = timezone.now().timestamp()
            if now - session.get(LAST_SEEN, 0) >= LAST_SEEN_PRECISION_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)

    def expire(self, request, reason: str):
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login
        from django.contrib.messages.storage import default_storage
        from django.shortcuts import redirect, resolve_url

        logout(request)
        storage = request._messages = default_storage(request)
        messages.info(
            request,
            EXPIRY_MESSAGES[reason].format(idle=settings.SESSION_IDLE_MINUTES, hours=settings.SESSION_MAX_HOURS),
        )
        login_url = resolve_url(settings.LOGIN_URL)
        if request.path == login_url:
            response = redirect(login_url)
        else:
            response = redirect_to_login(request.get_full_path(), login_url)
        storage.update(response)
        return response


# --- Login lockout (django-axes) --------------------------------------------------------------


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the friendly 429 page saying when to try again.

    Every attempt during a lockout restarts the cool-off (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT),
    so "now + cool-off" is exactly when this combination of username and address may log in again.
    The typed username is not shown back."""
    from axes.helpers import get_cool_off
    from django.shortcuts import render

    cool_off = get_cool_off(request) or timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    return render(
        request,
        "registration/locked_out.html",
        {
            "retry_at": timezone.now() + cool_off,
            "lockout_minutes": int(cool_off.total_seconds() // 60),
            "failure_limit": settings.LOGIN_FAILURE_LIMIT,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def client_ip(request) -> str | None:
    """The client's address: what lockouts are keyed on (AXES_CLIENT_IP_CALLABLE) and the access log records.

    Behind a TLS proxy (BEHIND_TLS_PROXY) REMOTE_ADDR is the proxy for everyone, so a lockout by
    username and address would lock the username for every client; the proxy appends the client's
    address to X-Forwarded-For, and the right-most entry is the one the proxy itself saw (entries
    to its left come from the client and may be forged)."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None


# --- Logs -------------------------------------------------------------------------------------

EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
EMAIL_REDACTED = "[email redacted]"


# The password of a URL's credentials (redis://:secret@host:6379/0, postgres://app:secret@db/portal):
# redacted first, so the host stays readable instead of passing for an email's domain.
URL_PASSWORD = re.compile(r"\b([a-z][a-z0-9+.-]*://[^\s/@:]*):[^\s/@]*@", re.IGNORECASE)
PASSWORD_REDACTED = "[password redacted]"


def redact_emails(text: str) -> str:
    return EMAIL.sub(EMAIL_REDACTED, URL_PASSWORD.sub(rf"\1:{PASSWORD_REDACTED}@", text))


class ForbiddenWithoutTracebackFilter(logging.Filter):
    """An ordinary 403 (a role without the permission) is logged as one line, not a traceback:
    it is an expected answer, and the access log already records the refusal."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info, record.exc_text = None, None
        return True


class RedactEmailsFilter(logging.Filter):
    """Replaces anything that looks like an email address in a log record (message, arguments,
    traceback and stack) with "[email redacted]". Defence in depth: the portal's code never logs
    member emails or typed usernames, but a library's message or an exception text might."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let the handler report it as usual
            return True
        redacted = redact_emails(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_emails(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_emails(record.stack_info)
        return True
