"""Writing people: the population version (changed with every change to who is in which group)
and the pseudonyms' rotation."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import transaction
from django.utils import timezone

from people.models import Member, PopulationVersion, PseudonymRotation
from people.selectors import pseudonym_period_get
from portal import privacy
from portal.cache import data_version_bump
from portal.selectors import reporting_today


def population_changed() -> None:
    """Mark the population as changed (a random token: one rolled back is never seen again)."""
    PopulationVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
    data_version_bump(reason="population")


def pseudonyms_rotate(*, day: date | None = None) -> bool:
    """Give every member the pseudonym of the period `day` (today) falls in, once per period.
    Returns whether they changed."""
    period = privacy.pseudonym_period(day=day or reporting_today())
    if period == pseudonym_period_get():
        return False
    with transaction.atomic():
        members = list(Member.objects.only("pk", "email"))
        for member in members:
            member.pseudonym = privacy.member_pseudonym(member.email, period=period)
        Member.objects.bulk_update(members, ["pseudonym"], batch_size=2000)
        PseudonymRotation.objects.update_or_create(pk=1, defaults={"period": period, "rotated_at": timezone.now()})
        data_version_bump(reason="pseudonyms")
    return True
