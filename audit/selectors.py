"""Reading the access log: one query for its page and its CSV download, so both show the same records."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from audit.filters import AccessRecordFilter
from audit.models import AccessRecord


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
