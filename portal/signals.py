"""Signals the portal sends to the apps above it, which may not be imported from here.

reporting_timezone_changed(timezone, previous): sent inside the transaction that stored a new
reporting timezone; usage rebuilds its rollups in it (usage.receivers).
"""

from django.dispatch import Signal

reporting_timezone_changed = Signal()
