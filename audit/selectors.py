"""Reading the access log: one query for its page and its CSV download, so both show the same
records, and those records as CSV rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet

from audit.filters import AccessRecordFilter
from audit.models import AccessRecord
from portal.spreadsheets import UTC_FORMAT, query_compact


def access_record_list(*, filters: Mapping[str, Any], until: datetime | None = None) -> QuerySet[AccessRecord]:
    """The records matching `filters` (the page's query string), newest first.

    Invalid filters match nothing, never everything (django-filter's strict mode); the page shows
    the form's errors. `until` leaves out records written after a moment, such as an export's own.
    """
    filterset = AccessRecordFilter(data=filters, queryset=AccessRecord.objects.all())
    if not filterset.is_valid():
        return AccessRecord.objects.none()
    records = filterset.qs
    if until is not None:
        records = records.filter(occurred_at__lte=until)
    return records


# --- The access log as CSV rows ------------------------------------------------------------------

ACCESS_LOG_HEADER = [
    "When (UTC)", "Username", "User id", "Action", "View", "Path", "Query parameters", "Scope",
    "Person rows shown", "Members named (count)", "Members named (ids)", "Outcome", "Status code",
    "Client IP", "User agent", "Justification",
]


def access_log_rows(records: Iterable[AccessRecord]) -> Iterator[list[Any]]:
    yield ACCESS_LOG_HEADER
    for record in records:
        yield [
            record.occurred_at.astimezone(UTC).strftime(UTC_FORMAT),
            record.username,
            record.user_id,
            record.get_action_display(),
            record.view_name,
            record.path,
            query_compact(record.query),
            record.get_scope_display(),
            record.person_rows,
            len(record.members),
            " ".join(str(member) for member in record.members),
            record.get_outcome_display(),
            record.status_code,
            record.client_ip,
            record.user_agent,
            record.justification,
        ]
