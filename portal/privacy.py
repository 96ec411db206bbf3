"""Who may see what about people: every privacy rule of the portal, in one place.

- Scope: usage viewers see aggregates only; individual-detail viewers see per-member rows under
  pseudonyms, and names only while a logged reveal lasts.
- Pseudonyms: "Member 4F2A-9C1B", a keyed hash (HMAC-SHA256) of the email and the current period
  (PSEUDONYM_ROTATION: quarterly, yearly or never), so it cannot be recomputed from an email
  without the key, and a linkage to a person lasts one period at most.
- Minimum group size k (settings.MIN_GROUP_SIZE): a figure about a group of people is shown only
  when the group has at least k members (or none at all: its zeros describe no one). Otherwise
  every figure of the group is None, shown as "fewer than k people".
- Suppression that survives subtraction (`groups_hidden`): the population is everyone the
  organisation's figures count, roster members and people seen in the logs but not on the roster.
  Every person has a signature, the set of visible groups (departments, teams, cohorts, any kind)
  they belong to; people with one signature form an atom. Every additive figure of a visible
  group (counts, sums, distinct actives per day or week) is a sum over its atoms, so no sum or
  difference of visible groups' figures can isolate less than one atom. The rule: every non-empty
  atom has at least k people; where one has fewer, groups are hidden (the smallest first, ties by
  name) until it holds. What it does not protect: knowing beforehand who was active (an atom of k
  people of whom only one was active still shows that one person's activity).
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from portal.models import Scope
from portal.roles import DASHBOARD_PERMISSION, MEMBER_DETAIL_PERMISSION

# --- Scope ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """What one person may see now. Built per request by `viewer_get`."""

    scope: Scope
    names_visible_until: datetime | None = None

    @property
    def sees_people(self) -> bool:
        """Per-member rows (pseudonymous or named) may be shown."""
        return self.scope in (Scope.PSEUDONYMOUS, Scope.NAMED)

    @property
    def sees_names(self) -> bool:
        return self.scope == Scope.NAMED

    def member_fields(self, *, refused: str = "Per-member figures are for individual-detail viewers.") -> tuple[str, ...]:
        """The Member fields a per-member row may hold for this viewer: the pseudonym, and id, email
        and name only while names are revealed. Refuses viewers who may not see people at all."""
        if not self.sees_people:
            raise PermissionDenied(refused)
        return ("id", "pseudonym", "email", "name") if self.sees_names else ("pseudonym",)


# For management commands run by operators, who can read the database anyway.
OPERATOR = Viewer(scope=Scope.NAMED)


# Where a name reveal's end (ISO instant) lives in the viewer's session; audit.reveal writes it.
REVEAL_SESSION_KEY = "names_revealed_until"


def viewer_for_request(request) -> Viewer:
    until = request.session.get(REVEAL_SESSION_KEY)
    return viewer_get(user=request.user, names_revealed_until=datetime.fromisoformat(until) if until else None)


def viewer_get(*, user, names_revealed_until: datetime | None) -> Viewer:
    """The scope of `user`, given when (if ever) their current name reveal ends."""
    if not user.is_authenticated or not user.has_perm(DASHBOARD_PERMISSION):
        return Viewer(scope=Scope.NONE)
    if not user.has_perm(MEMBER_DETAIL_PERMISSION):
        return Viewer(scope=Scope.AGGREGATE)
    if names_revealed_until is not None and names_revealed_until > timezone.now():
        return Viewer(scope=Scope.NAMED, names_visible_until=names_revealed_until)
    return Viewer(scope=Scope.PSEUDONYMOUS)


def reveal_minutes() -> int:
    return settings.NAMES_REVEAL_MINUTES


# --- Pseudonyms -------------------------------------------------------------------------------


def _pseudonym_key() -> bytes:
    configured = getattr(settings, "PSEUDONYM_KEY", "")
    if configured:
        return configured.encode()
    # Derived, so the secret key itself never doubles as the pseudonym key.
    return hmac.new(settings.SECRET_KEY.encode(), b"usage-portal member pseudonyms", hashlib.sha256).digest()


ROTATIONS = ("never", "yearly", "quarterly")


def pseudonym_period(*, day: date) -> str:
    """The period whose pseudonyms apply on `day` under PSEUDONYM_ROTATION: "2026-Q4" (quarterly),
    "2026" (yearly), or "" (never: the pseudonyms of the portal's first version)."""
    rotation = settings.PSEUDONYM_ROTATION
    if rotation == "quarterly":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year) if rotation == "yearly" else ""


def member_pseudonym(email: str, *, period: str) -> str:
    """"Member 4F2A-9C1B": a keyed hash of the email within a period, so a pseudonym linked to a
    person once is worthless after the next rotation (people.services.pseudonyms_rotate)."""
    message = email.strip().lower() if not period else f"{period}\n{email.strip().lower()}"
    digest = hmac.new(_pseudonym_key(), message.encode(), hashlib.sha256).hexdigest().upper()
    return f"Member {digest[:4]}-{digest[4:8]}"


# --- Minimum group size -----------------------------------------------------------------------


def min_group_size() -> int:
    return settings.MIN_GROUP_SIZE


def suppression_marker() -> str:
    return f"fewer than {min_group_size()} people"


def group_is_shown(*, size: int) -> bool:
    """A group's figures may be shown: it has at least k members, or none (its zeros tell nothing)."""
    return size == 0 or size >= min_group_size()


def groups_hidden(*, memberships: Iterable[frozenset[Hashable]]) -> set[Hashable]:
    """The groups whose figures must be hidden so that every atom of the rest has k or more people.

    `memberships`: one entry per person of the population, the set of groups they belong to
    (empty for people in no group). Returns the groups to hide; every other group may be shown
    with any other, and any sum or difference of their figures describes k or more people or none.
    Hiding a group merges the atoms it told apart, so the loop ends (at worst with every group
    hidden, when the organisation's own rule decides).
    """
    k = min_group_size()
    signatures = Counter(frozenset(groups) for groups in memberships)
    sizes = Counter()
    for groups, people in signatures.items():
        for group in groups:
            sizes[group] += people
    hidden: set[Hashable] = set()
    while True:
        atoms = Counter()
        for groups, people in signatures.items():
            atoms[groups - hidden] += people
        small = [groups for groups, people in atoms.items() if people < k]
        # Hide a group that tells a small atom apart; an atom of people in no visible group is
        # told apart by every visible group.
        candidates = {group for groups in small for group in groups}
        if small and not candidates:
            candidates = set(sizes) - hidden
        if not candidates:
            return hidden
        hidden.add(min(candidates, key=lambda group: (sizes[group], str(group))))
