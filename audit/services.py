"""Writing the access log (one record per request that showed usage data or was refused) and name
reveals (an individual-detail viewer sees names for NAMES_REVEAL_MINUTES after a justification).

Views say what they showed with `access_note`; audit.middleware.AccessLogMiddleware writes the
record after the response is built. `access_log_purge` is the only way records are ever deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.db import PURGE_FUNCTION
from audit.models import AccessLogIsAppendOnly, AccessRecord
from portal.db import append_only_lifted
from portal.models import SCOPE_ORDER, Scope
from portal.privacy import REVEAL_SESSION_KEY
from portal.security import client_ip

# The database's guards (audit/db.py) let a DELETE through only inside the purge: on PostgreSQL
# the SECURITY DEFINER function does it; on SQLite access_log_purge tells the connection
# (portal.db.append_only_lifted).
USER_AGENT_MAX = 500
PATH_MAX = 2000


PAGE_VIEW_HEADER = "HTTP_X_PAGE_VIEW"  # X-Page-View: charts.js sends its page's id (audit.middleware)


def page_view_claimed(request) -> uuid.UUID | None:
    """The page view a request says it belongs to (X-Page-View), when the header is a UUID.
    A claim only; audit.selectors.page_views_fold decides whether it holds."""
    try:
        return uuid.UUID(request.META.get(PAGE_VIEW_HEADER, "").strip())
    except ValueError:
        return None


@dataclass
class AccessNote:
    """What a view showed; attached to the request as `request.access_note`."""

    scope: Scope = Scope.NONE
    person_rows: int = 0
    members: set[int] = field(default_factory=set)
    action: AccessRecord.Action = AccessRecord.Action.VIEW
    justification: str = ""


def access_note(request, *, scope: Scope, person_rows: int = 0, members: Iterable[int] = (), **extra) -> AccessNote:
    """Record on the request what it shows; several calls add up (a page with two tables)."""
    note = getattr(request, "access_note", None) or AccessNote()
    note.scope = max(note.scope, scope, key=SCOPE_ORDER.index)
    note.person_rows += person_rows
    note.members.update(members)
    for name, value in extra.items():
        setattr(note, name, value)
    request.access_note = note
    return note


def access_record_create(
    *,
    request,
    outcome: AccessRecord.Outcome,
    status_code: int | None = None,
    note: AccessNote | None = None,
    username: str | None = None,
    action: AccessRecord.Action | None = None,
) -> AccessRecord:
    note = note or AccessNote()
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    match = getattr(request, "resolver_match", None)
    return AccessRecord.objects.create(
        user_id=user.pk if signed_in else None,
        username=(username if username is not None else user.get_username() if signed_in else "")[:150],
        action=action or note.action,
        view_name=(match.view_name if match else "")[:200],
        path=request.path[:PATH_MAX],
        query={key: request.GET.getlist(key) for key in request.GET},
        scope=note.scope,
        person_rows=note.person_rows,
        members=sorted(note.members) if note.scope == Scope.NAMED else [],
        outcome=outcome,
        status_code=status_code,
        justification=note.justification,
        client_ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
        page_view=getattr(request, "page_view", None),
        part_of=page_view_claimed(request),
    )


def access_log_purge(*, before: datetime) -> int:
    """Delete the records older than `before`; the retention purge's path, and the only one.

    Refused when `before` is newer than the retention floor allows (RETENTION_FLOOR_ACCESS_LOG_DAYS:
    at least floor − 1 whole days ago); the database checks the same floor again by itself.
    """
    allowed = timezone.now() - timedelta(days=settings.RETENTION_FLOOR_ACCESS_LOG_DAYS - 1, hours=-2)
    if before > allowed:
        raise AccessLogIsAppendOnly(
            f"The access log keeps at least {settings.RETENTION_FLOOR_ACCESS_LOG_DAYS} days: "
            f"a purge of records before {before.isoformat()} is refused."
        )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The function (owned by the migration role) sets and clears the setting around its DELETE.
            cursor.execute(f"SELECT {PURGE_FUNCTION}(%s)", [before])
            return cursor.fetchone()[0]
        stored = connection.ops.adapt_datetimefield_value(before)  # SQLite compares UTC text
        with append_only_lifted(connection=connection, purge_before=stored):
            cursor.execute(f"DELETE FROM {AccessRecord._meta.db_table} WHERE occurred_at < %s", [stored])
            return cursor.rowcount


# --- Name reveals --------------------------------------------------------------------------------

def names_reveal(*, session) -> datetime:
    until = timezone.now() + timedelta(minutes=settings.NAMES_REVEAL_MINUTES)
    session[REVEAL_SESSION_KEY] = until.isoformat()
    return until


def names_hide(*, session) -> None:
    session.pop(REVEAL_SESSION_KEY, None)
