"""Signal receivers, connected in PortalConfig.ready():

- a login starts the session clocks of portal.security.SessionExpiryMiddleware;
- a Celery worker keeps Django's LOGGING (and so the email redaction of its console handler)
  instead of replacing the root logger's handlers with its own.
"""

from __future__ import annotations

from portal.security import session_start


def start_session_clocks(sender, request=None, user=None, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session_start(session)


def keep_django_logging(**kwargs) -> None:
    """Celery's setup_logging: with a receiver connected, the worker leaves logging as Django set it
    up from settings.LOGGING (the worker runs django.setup() before it sets up logging). The
    root level then comes from LOG_LEVEL rather than the worker's --loglevel."""


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(start_session_clocks, dispatch_uid="portal.start_session_clocks")

    from celery.signals import setup_logging

    setup_logging.connect(keep_django_logging, dispatch_uid="portal.keep_django_logging")
