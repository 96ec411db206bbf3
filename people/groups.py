"""Groups of people a dashboard can be filtered to: the roster members of a team, department or
cohort, written "kind:name" in a query string or a stored export."""

from __future__ import annotations

from dataclasses import dataclass

# Each kind of group, with the member field that names it.
GROUP_KINDS = {"team": "team__name", "department": "department__name", "cohort": "cohorts__name"}


@dataclass(frozen=True)
class Group:
    """A filter: the roster members of one team, department or cohort (Member.objects.in_group)."""

    kind: str
    name: str

    def __post_init__(self):
        if self.kind not in GROUP_KINDS:
            raise ValueError(f"A group is a team, department or cohort, not {self.kind!r}")

    @classmethod
    def parse(cls, value: str) -> Group | None:
        """"team:Data" -> Group("team", "Data"); empty -> None (the whole organisation)."""
        if not value:
            return None
        kind, separator, name = value.partition(":")
        if not separator or not name:
            raise ValueError(f"A group is written kind:name, not {value!r}")
        return cls(kind, name)

    @property
    def param(self) -> str:
        """The "kind:name" form that parse reads."""
        return f"{self.kind}:{self.name}"

    @property
    def lookup(self) -> str:
        return GROUP_KINDS[self.kind]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"
