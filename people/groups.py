"""Groups of people a dashboard can be filtered to: the roster members of a team, department or cohort."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from people.models import Member

GROUP_KINDS = {"team": "team__name", "department": "department__name", "cohort": "cohorts__name"}


@dataclass(frozen=True)
class Group:
    """A filter: the roster members of one team, department or cohort."""

    kind: str
    name: str

    def __post_init__(self):
        if self.kind not in GROUP_KINDS:
            raise ValueError(f"A group is a team, department or cohort, not {self.kind!r}")

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


def group_members(*, group: Group) -> QuerySet[Member]:
    return Member.objects.filter(on_roster=True, **{GROUP_KINDS[group.kind]: group.name}).distinct()


def group_size_get(*, group: Group) -> int:
    return group_members(group=group).count()


def roster_size_get() -> int:
    return Member.objects.filter(on_roster=True).count()
