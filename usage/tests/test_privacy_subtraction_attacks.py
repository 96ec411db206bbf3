"""Attacks on the minimum group size by subtraction, as a Usage viewer would try them.

The roster nests teams in departments, has overlapping cohorts, a one-person team and people seen
in the logs but not on the roster. Every group the portal shows figures for is collected through
the real selectors; then every combination of them (each added, subtracted or left out) is
formed, and the people it describes (those counted a net non-zero number of times) must number
none or at least k. A combination's conversations must also equal the sum over exactly those
people, so what the attack computes is what the pages show.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from people.groups import Group
from people.models import Cohort, Department, Member, Team
from portal import privacy
from testing.fixtures import export_csv
from usage.selectors import activity, rollout

K = 3
AS_OF = date(2025, 9, 30)
# email prefix: (department, team, cohorts); None: seen in the logs, not on the roster.
ROSTER = {
    **{f"data{n}": ("Engineering", "Data", ["pilot"] if n < 2 else []) for n in range(4)},
    **{f"mobile{n}": ("Engineering", "Mobile", ["pilot"] if n == 0 else ["wave 2"]) for n in range(3)},
    **{f"platform{n}": ("Engineering", "Platform", ["wave 2"]) for n in range(5)},
    "solo0": ("Engineering", "Solo", []),  # a one-person team
    **{f"emea{n}": ("Sales", "EMEA", ["pilot"] if n < 3 else []) for n in range(6)},
    **{f"us{n}": ("Sales", "US", ["wave 2"] if n < 2 else []) for n in range(4)},
    **{f"legal{n}": ("Executive office", "Legal", ["pilot"] if n < 2 else []) for n in range(2)},
    **{f"contractor{n}": None for n in range(2)},  # in the logs, not on the roster
}
EMAILS = {who: f"{who}@example.com" for who in ROSTER}
CONVERSATIONS = {who: n + 1 for n, who in enumerate(ROSTER)}  # each person a different count


@pytest.fixture
def organisation(import_bytes, settings):
    settings.MIN_GROUP_SIZE = K
    assert import_bytes(export_csv({EMAILS[who]: CONVERSATIONS[who] for who in ROSTER}, day="2025-09-02")).status == "done"
    for who, place in ROSTER.items():
        if place is None:
            continue
        department, team, cohorts = place
        member = Member.objects.get(email=EMAILS[who])
        member.on_roster, member.seat_start = True, date(2025, 9, 1)
        member.department = Department.objects.get_or_create(name=department)[0]
        member.team = Team.objects.get_or_create(name=team)[0]
        member.save()
        member.cohorts.set([Cohort.objects.get_or_create(name=name)[0] for name in cohorts])


def members_of(group: Group | None) -> frozenset[str]:
    if group is None:
        return frozenset(ROSTER)
    attribute = {"department": 0, "team": 1}.get(group.kind)
    return frozenset(
        who
        for who, place in ROSTER.items()
        if place is not None and (group.name in place[2] if group.kind == "cohort" else place[attribute] == group.name)
    )


def every_group() -> list[Group]:
    names = {kind: set() for kind in ("department", "team", "cohort")}
    for place in filter(None, ROSTER.values()):
        names["department"].add(place[0])
        names["team"].add(place[1])
        names["cohort"].update(place[2])
    return [Group(kind, name) for kind in names for name in sorted(names[kind])]


def shown_conversations(as_of: date) -> dict[Group | None, int]:
    """The all-time conversations of every group the portal shows, through the page's selector."""
    shown = {}
    for group in [None, *every_group()]:
        totals = activity.usage_totals_get(as_of=as_of, timezone="UTC", group=group)
        if not totals.suppressed:
            shown[group] = totals.conversations
    return shown


def described(combination: dict[Group | None, int]) -> dict[str, int]:
    """Who a signed sum of groups counts, and how often (people counted zero times dropped)."""
    net = {}
    for group, sign in combination.items():
        for who in members_of(group):
            net[who] = net.get(who, 0) + sign
    return {who: times for who, times in net.items() if times}


@pytest.mark.parametrize("as_of", [AS_OF, date(2025, 9, 2)])
def test_no_sum_or_difference_of_shown_groups_describes_fewer_than_k_people(organisation, as_of):
    shown = shown_conversations(as_of)
    groups = list(shown)
    assert None in groups and len(groups) >= 5  # the attack has something to work with
    tried = leaks = 0
    for signs in itertools.product((-1, 0, 1), repeat=len(groups)):
        combination = {group: sign for group, sign in zip(groups, signs) if sign}
        if not combination:
            continue
        tried += 1
        people = described(combination)
        figure = sum(sign * shown[group] for group, sign in combination.items())
        assert figure == sum(times * CONVERSATIONS[who] for who, times in people.items())
        if 0 < len(people) < K:
            leaks += 1
    print(f"{len(groups)} groups shown, {tried} combinations tried, {leaks} leaks")
    assert leaks == 0


def test_the_attacks_of_the_issue_are_closed(organisation):
    shown = shown_conversations(AS_OF)
    # A one-person team: Engineering minus Data, Mobile and Platform would be that person.
    assert Group("team", "Solo") not in shown
    assert not {Group("department", "Engineering"), Group("team", "Data"), Group("team", "Mobile"), Group("team", "Platform")} <= shown.keys()
    # People not on the roster: the organisation minus every department would be the two contractors.
    departments = [group for group in every_group() if group.kind == "department"]
    assert not ({None, *departments} <= shown.keys())


def test_every_view_of_a_group_agrees_on_whether_it_is_shown(organisation):
    shown = shown_conversations(AS_OF).keys()
    team_rows = {row.team: not row.suppressed for row in rollout.team_rows_list(as_of=AS_OF, timezone="UTC")}
    for group in every_group():
        visible = group in shown
        assert (not activity.conversation_windows_get(as_of=AS_OF, timezone="UTC", group=group).suppressed) == visible
        assert (not activity.daily_conversations_list(as_of=AS_OF, timezone="UTC", group=group).suppressed) == visible
        assert (not activity.conversation_distribution_get(as_of=AS_OF, timezone="UTC", group=group).suppressed) == visible
        viewer = privacy.Viewer(scope=privacy.Scope.PSEUDONYMOUS)
        assert (not activity.member_activity_list(viewer=viewer, as_of=AS_OF, timezone="UTC", group=group).suppressed) == visible
        weeks = rollout.weekly_figures_list(as_of=AS_OF, timezone="UTC", group=group)
        assert all(week.suppressed != visible for week in weeks)
        if group.kind == "team":
            assert team_rows[group.name] == visible


def test_the_never_active_list_names_only_shown_teams(organisation):
    Member.objects.create(email="newcomer@example.com", on_roster=True, seat_start=date(2025, 9, 1), team=Team.objects.get(name="Solo"))
    viewer = privacy.Viewer(scope=privacy.Scope.PSEUDONYMOUS)

    rows = rollout.seat_holders_never_active_list(viewer=viewer, as_of=AS_OF, timezone="UTC")

    assert [row["team__name"] for row in rows] == [None]  # Solo is hidden, so no team beside the pseudonym
