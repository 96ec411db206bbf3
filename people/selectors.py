"""HR's roster: who holds a seat on a day or in a period, and how many people the roster misses.

A roster member (`on_roster`) holds a seat from `seat_start` through `seat_end` (both days
included; no `seat_end` while the seat lasts). Counts only: no person is named here.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from ingest.models import Event
from people.groups import roster_size_get
from people.models import Member


def seen_in_logs_q() -> Q:
    """Members the audit logs have named: they have events, or a first sighting recorded."""
    return Q(first_seen__isnull=False) | Q(Exists(Event.objects.filter(member=OuterRef("pk"))))


def _roster_members(members: QuerySet[Member] | None) -> QuerySet[Member]:
    return (Member.objects.all() if members is None else members).filter(on_roster=True)


def seats_on_day_count(*, day: date, members: QuerySet[Member] | None = None) -> int:
    """Roster members (of `members`, if given) whose seat covers `day`."""
    return (
        _roster_members(members)
        .filter(seat_start__lte=day)
        .filter(Q(seat_end__isnull=True) | Q(seat_end__gte=day))
        .count()
    )


def seats_in_period_count(*, start: date, end: date, members: QuerySet[Member] | None = None) -> int:
    """Roster members (of `members`, if given) with a seat on any day from `start` through `end`."""
    if end < start:
        raise ValueError(f"The period ends ({end}) before it starts ({start}).")
    return (
        _roster_members(members)
        .filter(seat_start__lte=end)
        .filter(Q(seat_end__isnull=True) | Q(seat_end__gte=start))
        .count()
    )


def roster_counts_get() -> tuple[int, int]:
    """(members on the roster, members seen in the logs but not on the roster)."""
    on_roster = roster_size_get()
    not_on_roster = Member.objects.filter(on_roster=False).filter(seen_in_logs_q()).count()
    return on_roster, not_on_roster
