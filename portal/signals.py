"""Signals the portal sends to the apps above it, which may not be imported from here.

reporting_timezone_changed(timezone, previous): sent inside the transaction that stored a new
reporting timezone; usage rebuilds its rollups in it (usage.receivers).

data_version_bumped(reason): portal.cache.data_version_bump gave the figures a new data version,
inside the transaction of the change; usage warms the figure cache after an import, a purge or a
roster import commits (usage.receivers).
"""

from django.dispatch import Signal

reporting_timezone_changed = Signal()
data_version_bumped = Signal()
