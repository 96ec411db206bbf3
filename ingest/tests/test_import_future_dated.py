"""An event dated more than a week ahead of the clock is rejected with its line and the reason: a
wrong clock or a hostile file must not make far-off months (PostgreSQL's monthly partitions of the
event table) nor stand on a page. The rest of the file is imported."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from ingest.db import event_partitions_list
from ingest.models import Event
from ingest.services.uploads import FUTURE_TOLERANCE
from ingest.tests.test_import_older_than_retention import export


def test_events_more_than_a_week_ahead_are_rejected_and_make_no_partition(import_bytes):
    now = timezone.now()
    content = export(
        [
            (now - timedelta(hours=1), "ana@example.com"),
            (now + FUTURE_TOLERANCE - timedelta(hours=1), "ana@example.com"),  # a clock a few days fast
            (now + FUTURE_TOLERANCE + timedelta(hours=1), "bo@example.com"),
            (now.replace(year=2099), "bo@example.com"),
        ]
    )

    upload = import_bytes(content, "future.csv")

    assert upload.status == "done"
    assert (upload.rows_read, upload.rows_imported, upload.rows_rejected) == (4, 2, 2)
    assert [row["line"] for row in upload.rejected_sample] == [4, 5]
    assert all("in the future" in row["reason"] for row in upload.rejected_sample)
    assert Event.objects.count() == 2
    if connection.vendor == "postgresql":
        assert max(end for _, _, end in event_partitions_list()) <= now + timedelta(days=80)
