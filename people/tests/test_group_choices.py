"""The group filter's choices are cached (people.selectors.group_choices_list): a roster change must
still show at once, and a group whose members all left the roster must leave the filter."""

from __future__ import annotations

import pytest

from people.models import Member, Team
from people.selectors import group_choices_list
from usage.forms import GroupForm

pytestmark = pytest.mark.django_db


def teams_offered() -> list[str]:
    return [name for value, name in dict(group_choices_list())["Teams"]]


def test_the_cached_choices_follow_every_roster_change():
    platform = Team.objects.create(name="Platform")
    member = Member.objects.create(email="ada@example.com", on_roster=True, team=platform, pseudonym="p-ada")
    assert teams_offered() == ["Platform"]  # now cached

    platform.name = "Platform Engineering"
    platform.save()
    assert teams_offered() == ["Platform Engineering"]

    member.on_roster = False
    member.save()
    assert teams_offered() == []
    # A team no one on the roster belongs to is not a valid filter either.
    assert not GroupForm({"group": "team:Platform Engineering"}).is_valid()
