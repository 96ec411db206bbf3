"""Name reveals: an individual-detail viewer sees names for NAMES_REVEAL_MINUTES after giving a
justification; the access log records both the reveal and the hide (see audit.reveal_views)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from portal.privacy import REVEAL_SESSION_KEY


def names_reveal(*, session) -> datetime:
    until = timezone.now() + timedelta(minutes=settings.NAMES_REVEAL_MINUTES)
    session[REVEAL_SESSION_KEY] = until.isoformat()
    return until


def names_hide(*, session) -> None:
    session.pop(REVEAL_SESSION_KEY, None)
