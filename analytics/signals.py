"""Signal receivers, connected in AnalyticsConfig.ready():

- every failed login (Django's user_login_failed) and every lockout (django-axes' user_locked_out)
  goes into the access log, with the username as typed; nothing about them goes into the
  application log;
- a login starts the session clocks of analytics.security.SessionExpiryMiddleware;
- a Celery worker keeps Django's LOGGING (and so the email redaction of its console handler)
  instead of replacing the root logger's handlers with its own.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

from analytics.models import AccessRecord
from analytics.security import session_start
from analytics.services.access_log import access_record_create


def record_login_failed(sender, credentials, request=None, **kwargs) -> None:
    if request is None:  # authenticate() called outside a request (a script or a test): nothing to record
        return
    typed = credentials.get(get_user_model().USERNAME_FIELD) or ""
    access_record_create(
        request=request,
        outcome=AccessRecord.Outcome.DENIED,
        action=AccessRecord.Action.LOGIN_FAILED,
        username=str(typed),
    )


def record_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    if request is None:
        return
    access_record_create(
        request=request,
        outcome=AccessRecord.Outcome.DENIED,
        action=AccessRecord.Action.LOCKED_OUT,
        status_code=settings.AXES_HTTP_RESPONSE_CODE,
        username=str(username or ""),
    )


def start_session_clocks(sender, request=None, user=None, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session_start(session)


def keep_django_logging(**kwargs) -> None:
    """Celery's setup_logging: with a receiver connected, the worker leaves logging as Django set it
    up from settings.LOGGING (the worker runs django.setup() before it sets up logging). The
    root level then comes from LOG_LEVEL rather than the worker's --loglevel."""


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    # The attempt that triggers a lockout leaves both records, in the order the receivers run
    # (django-axes' own user_login_failed receiver sends user_locked_out).
    user_login_failed.connect(record_login_failed, dispatch_uid="analytics.record_login_failed")
    user_locked_out.connect(record_locked_out, dispatch_uid="analytics.record_locked_out")
    user_logged_in.connect(start_session_clocks, dispatch_uid="analytics.start_session_clocks")

    from celery.signals import setup_logging

    setup_logging.connect(keep_django_logging, dispatch_uid="analytics.keep_django_logging")
