"""Reading people: the members a group covers, who holds a seat on a day or in a period, and
how many people the roster misses (the rules themselves are MemberQuerySet's).

A roster member (`on_roster`) holds a seat from `seat_start` through `seat_end` (both days
included; no `seat_end` while the seat lasts). Counts only: no person is named here.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from people.groups import GROUP_KINDS, Group
from people.models import Member, PopulationVersion, PseudonymRotation
from portal import privacy
from portal.cache import figure_cached


def group_members(*, group: Group) -> QuerySet[Member]:
    return Member.objects.in_group(group)


def roster_size_get() -> int:
    return Member.objects.on_roster().count()


def seats_on_day_count(*, day: date, members: QuerySet[Member] | None = None) -> int:
    """Roster members (of `members`, if given) whose seat covers `day`."""
    return (members if members is not None else Member.objects.all()).seat_holders_on(day).count()


def seats_in_period_count(*, start: date, end: date, members: QuerySet[Member] | None = None) -> int:
    """Roster members (of `members`, if given) with a seat on any day from `start` through `end`."""
    return (members if members is not None else Member.objects.all()).seat_holders_in(start=start, end=end).count()


@figure_cached
def roster_counts_get() -> tuple[int, int]:
    """(members on the roster, members seen in the logs but not on the roster)."""
    return roster_size_get(), Member.objects.filter(on_roster=False).seen_in_logs().count()


@figure_cached
def group_choices_list() -> list[tuple[str, list[tuple[str, str]]]]:
    """The teams, departments and cohorts of the roster, as grouped <select> choices "kind:name".
    Cached: every page and chart's group filter asks, and at 10,000 members the three queries
    took a third of a cached chart's time."""
    from people.models import Cohort, Department, Team

    return [
        (label, [(f"{kind}:{name}", name) for name in model.objects.filter(members__on_roster=True).distinct().values_list("name", flat=True)])
        for kind, label, model in (("team", "Teams", Team), ("department", "Departments", Department), ("cohort", "Cohorts", Cohort))
    ]


def group_memberships_list() -> list[frozenset[Group]]:
    """Everyone the organisation's figures count (roster members, and people seen in the logs but
    not on the roster), each with the groups they belong to: only roster members are in groups."""
    population = Member.objects.on_roster() | Member.objects.seen_in_logs()
    groups: dict[int, set[Group]] = {pk: set() for pk in population.values_list("pk", flat=True)}
    roster = Member.objects.on_roster()
    for kind, lookup in GROUP_KINDS.items():
        for pk, name in roster.filter(**{f"{lookup}__isnull": False}).values_list("pk", lookup):
            groups[pk].add(Group(kind, name))
    return [frozenset(member_groups) for member_groups in groups.values()]


_hidden_cache: dict[tuple, frozenset[Group]] = {}


def groups_hidden_get() -> frozenset[Group]:
    """The groups whose figures no page, chart, export or report may show (portal.privacy.groups_hidden),
    computed once per population version and minimum group size."""
    token = PopulationVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""
    # The counts also catch a bulk write that forgot population_changed (an UPDATE sends no signal).
    counts = Member.objects.aggregate(members=Count("pk"), roster=Count("pk", filter=Q(on_roster=True)))
    key = (token, counts["members"], counts["roster"], privacy.min_group_size())
    if key not in _hidden_cache:
        _hidden_cache.clear()  # only the current version is ever asked for again
        _hidden_cache[key] = frozenset(privacy.groups_hidden(memberships=group_memberships_list()))
    return _hidden_cache[key]


def population_counts_key() -> str:
    """Members and roster members, counted: a part of the figure cache's version (portal.cache), so a
    bulk write that sent no population_changed still changes every figure's key."""
    counts = Member.objects.aggregate(members=Count("pk"), roster=Count("pk", filter=Q(on_roster=True)))
    return f"{counts['members']}.{counts['roster']}"


def pseudonym_period_get() -> str:
    """The period whose pseudonyms members carry now ("" before the first rotation)."""
    return PseudonymRotation.objects.filter(pk=1).values_list("period", flat=True).first() or ""
