"""Who may see what about people: every privacy rule of the portal, in one place.

- Scope: usage viewers see aggregates only; individual-detail viewers see per-member rows under
  pseudonyms, and names only while a logged reveal lasts.
- Pseudonyms: "Member 4F2A-9C1B", a keyed hash (HMAC-SHA256) of the email, so it is stable but
  cannot be recomputed from an email without the key.
- Minimum group size k (settings.MIN_GROUP_SIZE): a figure about a group of people is shown only
  when the group has at least k members (or none at all: its zeros describe no one). Otherwise
  every figure of the group is None, shown as "fewer than k people".
- Complementary suppression, so a hidden group cannot be recovered by subtraction:
  * A filtered group (a subset of a parent, say one team of the organisation) is shown only when
    it has at least k members AND the rest of its parent is either empty or at least k members.
    (An empty filtered group shows its zeros.)
    Otherwise parent minus subset would give the figures of fewer than k people.
  * When a parent is split into parts (the teams of the organisation, say), every part below k is
    hidden. Parent minus the visible parts describes the hidden parts plus the people in no part;
    if those together are fewer than k (but not none), the smallest visible parts are hidden too,
    until they are k or more (or every part is hidden). Show people in no part as a part of their
    own ("No team") if you want them visible; they then follow the same rule.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Hashable, Mapping

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


def member_pseudonym(email: str) -> str:
    digest = hmac.new(_pseudonym_key(), email.strip().lower().encode(), hashlib.sha256).hexdigest().upper()
    return f"Member {digest[:4]}-{digest[4:8]}"


# --- Minimum group size -----------------------------------------------------------------------


def min_group_size() -> int:
    return settings.MIN_GROUP_SIZE


def suppression_marker() -> str:
    return f"fewer than {min_group_size()} people"


def group_is_shown(*, size: int) -> bool:
    """A group's figures may be shown: it has at least k members, or none (its zeros tell nothing)."""
    return size == 0 or size >= min_group_size()


def subgroup_is_shown(*, size: int, parent_size: int) -> bool:
    """A filtered group may be shown: it and the rest of its parent are each empty or k or more."""
    return group_is_shown(size=size) and group_is_shown(size=parent_size - size)


def parts_hidden(*, sizes: Mapping[Hashable, int], parent_size: int) -> set[Hashable]:
    """The parts of a split parent whose figures must be hidden (see the module docstring)."""
    k = min_group_size()
    hidden = {part for part, size in sizes.items() if size < k}
    unassigned = parent_size - sum(sizes.values())  # never shown on their own
    hidden_people = sum(sizes[part] for part in hidden) + unassigned
    visible = sorted((part for part in sizes if part not in hidden), key=lambda part: (sizes[part], str(part)))
    while 0 < hidden_people < k and visible:
        part = visible.pop(0)
        hidden.add(part)
        hidden_people += sizes[part]
    return hidden
