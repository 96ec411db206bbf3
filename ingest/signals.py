"""Signals ingest sends to the apps above it, which may not be imported from here.

events_changed(first, last): events between the instants first and last (inclusive) were stored or
removed; sent inside the import's transaction. usage refreshes its rollups for those days
(usage.receivers), so a finished import's figures are complete when the transaction commits.

code_records_changed(member_dates): Claude Code records (usage report, analytics API, OpenTelemetry)
of these (member id, UTC date) pairs were stored or removed; sent inside the transaction. usage
decides those members' figures for those dates again (usage.receivers).
"""

from django.dispatch import Signal

events_changed = Signal()
code_records_changed = Signal()
