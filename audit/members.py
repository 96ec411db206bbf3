"""The members the access log names, read by id or pseudonym.

audit sits below people (docs/architecture.md), so it may not import people.models; it reads the
Member model through Django's app registry, and only its id and pseudonym: auditors see
pseudonyms, never names or emails (portal.roles: "no usage figures about individuals").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.apps import apps

PSEUDONYM_SHAPE = re.compile(r"(?:member\s+)?([0-9a-f]{4})-?([0-9a-f]{4})", re.IGNORECASE)


def _members():
    return apps.get_model("people", "Member").objects


def pseudonym_normalise(text: str) -> str | None:
    """"member 4f2a-9c1b", "4F2A9C1B" → "Member 4F2A-9C1B"; None when it is not a pseudonym's shape."""
    match = PSEUDONYM_SHAPE.fullmatch(text.strip())
    return f"Member {match[1].upper()}-{match[2].upper()}" if match else None


def member_ids_with_pseudonym(pseudonym: str) -> list[int]:
    return list(_members().filter(pseudonym=pseudonym).values_list("id", flat=True))


def member_pseudonyms_get(ids: Iterable[int]) -> dict[int, str]:
    """{id: pseudonym} of the members that still exist (a purge may have removed some)."""
    return dict(_members().filter(id__in=set(ids)).values_list("id", "pseudonym"))
