"""Writing people: the population version, changed with every change to who is in which group."""

from __future__ import annotations

import uuid

from people.models import PopulationVersion


def population_changed() -> None:
    """Mark the population as changed (a random token: one rolled back is never seen again)."""
    PopulationVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
