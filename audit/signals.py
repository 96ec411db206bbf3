"""Signals audit sends to the apps above it, which may not be imported from here.

names_hidden(user): a person ended their name reveal; exports expires the named files made under it
(exports.receivers), so no named byte outlives the reveal.
"""

from django.dispatch import Signal

names_hidden = Signal()
