"""Writing the access log (one record per request that showed usage data or was refused) and name
reveals (an individual-detail viewer sees names for NAMES_REVEAL_MINUTES after a justification).

Views say what they showed with `access_note`; audit.middleware.AccessLogMiddleware writes the
record after the response is built. `access_log_purge` is the only way records are ever deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AccessRecord
from portal.models import SCOPE_ORDER, Scope
from portal.privacy import REVEAL_SESSION_KEY
from portal.security import client_ip

# The PostgreSQL trigger of migration 0003 lets a DELETE through only for records older than this
# transaction-local setting, which access_log_purge alone sets.
PURGE_SETTING = "usage_portal.access_log_purge_before"
USER_AGENT_MAX = 500
PATH_MAX = 2000


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
    )


def access_log_purge(*, before: datetime) -> int:
    """Delete the records older than `before`; the retention purge's path, and the only one."""
    with transaction.atomic(), connection.cursor() as cursor:
        postgresql = connection.vendor == "postgresql"
        if postgresql:
            cursor.execute("SELECT set_config(%s, %s, true)", [PURGE_SETTING, before.isoformat()])
        cursor.execute(
            f"DELETE FROM {AccessRecord._meta.db_table} WHERE occurred_at < %s",
            [connection.ops.adapt_datetimefield_value(before)],  # SQLite compares UTC text
        )
        deleted = cursor.rowcount
        if postgresql:  # closed again at once, even when an outer transaction goes on
            cursor.execute("SELECT set_config(%s, '', true)", [PURGE_SETTING])
        return deleted


# --- Name reveals --------------------------------------------------------------------------------

def names_reveal(*, session) -> datetime:
    until = timezone.now() + timedelta(minutes=settings.NAMES_REVEAL_MINUTES)
    session[REVEAL_SESSION_KEY] = until.isoformat()
    return until


def names_hide(*, session) -> None:
    session.pop(REVEAL_SESSION_KEY, None)
