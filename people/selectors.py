"""Reading people: the members a group covers, who holds a seat on a day or in a period, and
how many people the roster misses (the rules themselves are MemberQuerySet's).

A roster member (`on_roster`) holds a seat from `seat_start` through `seat_end` (both days
included; no `seat_end` while the seat lasts). Counts only: no person is named here.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from people.groups import Group
from people.models import Member


def group_members(*, group: Group) -> QuerySet[Member]:
    return Member.objects.in_group(group)


def group_size_get(*, group: Group) -> int:
    return Member.objects.in_group(group).count()


def roster_size_get() -> int:
    return Member.objects.on_roster().count()


def seats_on_day_count(*, day: date, members: QuerySet[Member] | None = None) -> int:
    """Roster members (of `members`, if given) whose seat covers `day`."""
    return (members if members is not None else Member.objects.all()).seat_holders_on(day).count()


def seats_in_period_count(*, start: date, end: date, members: QuerySet[Member] | None = None) -> int:
    """Roster members (of `members`, if given) with a seat on any day from `start` through `end`."""
    return (members if members is not None else Member.objects.all()).seat_holders_in(start=start, end=end).count()


def roster_counts_get() -> tuple[int, int]:
    """(members on the roster, members seen in the logs but not on the roster)."""
    return roster_size_get(), Member.objects.filter(on_roster=False).seen_in_logs().count()
