"""The rows of the access-log CSV: one per record, cells escaped for spreadsheets."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import Any

from audit.models import AccessRecord
from portal.spreadsheets import UTC_FORMAT, query_compact

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
