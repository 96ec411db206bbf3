"""Seats from HR's roster: who holds one on a day, in a period; roster and not-on-roster counts."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from ingest.models import Event
from people.models import Member, Team
from people.selectors import (
    roster_counts_get,
    seats_in_period_count,
    seats_on_day_count,
)


def member(email: str, *, start: date | None, end: date | None = None, on_roster: bool = True, team: Team | None = None, **extra) -> Member:
    return Member.objects.create(email=email, on_roster=on_roster, seat_start=start, seat_end=end, team=team, **extra)


@pytest.fixture
def seats(db) -> dict[str, Member]:
    platform = Team.objects.create(name="Platform")
    return {
        "september": member("sep@example.com", start=date(2025, 9, 1), end=date(2025, 9, 30), team=platform),
        "open": member("open@example.com", start=date(2025, 9, 15), team=platform),
        "august": member("aug@example.com", start=date(2025, 8, 1), end=date(2025, 8, 31)),
        # Not on the roster (any more): a seat on paper, but not counted.
        "off": member("off@example.com", start=date(2025, 1, 1), on_roster=False, team=platform),
    }


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 7, 31), 0),  # before anyone's start
        (date(2025, 8, 1), 1),  # august's start day
        (date(2025, 8, 31), 1),  # august's end day
        (date(2025, 9, 1), 1),  # the day after august's end; september's start
        (date(2025, 9, 14), 1),  # the day before open's start
        (date(2025, 9, 15), 2),  # open's start day
        (date(2025, 9, 30), 2),  # september's end day
        (date(2025, 10, 1), 1),  # the day after september's end
        (date(2030, 1, 1), 1),  # open-ended
    ],
)
def test_seats_on_a_day_include_the_start_and_end_days(seats, day, expected):
    assert seats_on_day_count(day=day) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 7, 1), date(2025, 7, 31), 0),
        (date(2025, 7, 1), date(2025, 8, 1), 1),  # ends on august's start day
        (date(2025, 8, 31), date(2025, 9, 1), 2),  # august's last day, september's first
        (date(2025, 9, 1), date(2025, 9, 14), 1),  # ends the day before open starts
        (date(2025, 9, 30), date(2025, 10, 31), 2),  # starts on september's end day
        (date(2025, 10, 1), date(2025, 10, 31), 1),  # starts the day after september's end
        (date(2025, 9, 15), date(2025, 9, 15), 2),  # one day
        (date(2024, 1, 1), date(2030, 12, 31), 3),
    ],
)
def test_seats_in_a_period_count_a_seat_on_any_day(seats, start, end, expected):
    assert seats_in_period_count(start=start, end=end) == expected


def test_seats_count_only_the_given_members(seats):
    platform = Member.objects.filter(team__name="Platform")

    assert seats_on_day_count(day=date(2025, 9, 20), members=platform) == 2
    assert seats_on_day_count(day=date(2025, 8, 20), members=platform) == 0  # august has no team; off is not on the roster
    assert seats_in_period_count(start=date(2025, 8, 1), end=date(2025, 10, 31), members=platform) == 2
    assert seats_on_day_count(day=date(2025, 9, 20), members=Member.objects.none()) == 0


def test_a_period_ending_before_it_starts_is_refused(seats):
    with pytest.raises(ValueError):
        seats_in_period_count(start=date(2025, 9, 2), end=date(2025, 9, 1))


def test_roster_counts_count_people_seen_in_the_logs_but_not_on_the_roster(seats):
    seen_at = datetime(2025, 9, 2, 8, tzinfo=timezone.utc)
    member("seen@example.com", start=None, on_roster=False, first_seen=seen_at)
    with_events = member("events@example.com", start=None, on_roster=False)
    Event.objects.create(occurred_at=seen_at, event="conversation_created", member=with_events, dedupe_key="k1")
    member("never-seen@example.com", start=None, on_roster=False)  # neither on the roster nor in the logs
    member("rostered-and-seen@example.com", start=date(2025, 9, 1), first_seen=seen_at)

    # on the roster: september, open, august, rostered-and-seen; seen, not on it: seen, events.
    assert roster_counts_get() == (4, 2)


def test_roster_counts_are_zero_without_members(db):
    assert roster_counts_get() == (0, 0)
