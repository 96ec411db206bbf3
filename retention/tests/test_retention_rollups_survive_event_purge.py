"""Raw events go sooner than the daily rollups: after the events of old days are purged, the
dashboard figures for those days stay as they were."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.models import Event
from portal.models import RetentionSettings
from retention.models import PurgeReceipt
from retention.services import retention_purge
from testing.fixtures import export_csv
from usage.models import DailyActivity
from usage.selectors.activity import (
    conversation_windows_get,
    daily_conversations_list,
    usage_totals_get,
)

AS_OF = date(2025, 9, 30)
ZONE = "America/New_York"


@pytest.fixture(autouse=True)
def new_york(settings, small_groups_allowed, db):
    settings.REPORTING_TIMEZONE = ZONE
    RetentionSettings.objects.update_or_create(pk=1, defaults={"raw_events_days": 36500, "rollups_days": 36500})


def figures():
    return (
        usage_totals_get(as_of=AS_OF, timezone=ZONE),
        conversation_windows_get(as_of=AS_OF, timezone=ZONE),
        daily_conversations_list(as_of=AS_OF, timezone=ZONE),
    )


def test_the_figures_of_days_whose_events_were_purged_stay(import_bytes):
    import_bytes(export_csv({"ana@example.com": 3, "bo@example.com": 2}, day="2025-09-02"))
    import_bytes(export_csv({"ana@example.com": 1, "cy@example.com": 4}, day="2025-09-20"))
    before = figures()
    assert before[0].users == 3 and before[1].all_time == 10
    RetentionSettings.objects.filter(pk=1).update(raw_events_days=30)

    receipt = retention_purge(trigger=PurgeReceipt.Trigger.USER)

    assert receipt.deleted["raw_events"]["rows"] == 14 and receipt.deleted["rollups"]["rows"] == 0
    assert Event.objects.count() == 0
    assert DailyActivity.objects.filter(timezone=ZONE).count() == 4
    assert figures() == before
