"""Usage figures, read from the daily rollups of one timezone (DailyActivity per member and day,
and the DailyTotal and MemberTotal tables summed from it).

Definitions (shared by the dashboard and `usage_report`): days are calendar days in the
timezone; only days up to and including `as_of` count; "last 7 days" is `as_of` and the six
days before it (likewise 30). Conversations, projects and files count `conversation_created`,
`project_created` and `file_uploaded` events whoever the actor is; users are members with at
least one event of any kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import Coalesce

from analytics.models import DailyActivity, DailyTotal, Member, MemberTotal

DEFINITIONS = {
    "users": "Members with at least one event of any kind up to the as-of day. Service accounts never count.",
    "conversations": "conversation_created events up to the as-of day, whoever created them.",
    "projects": "project_created events up to the as-of day.",
    "files": "file_uploaded events up to the as-of day.",
    "daily_active_users": "Members with at least one event of any kind on that day.",
    "daily_conversations": "conversation_created events on that day.",
    "last_7_days": "The as-of day and the 6 days before it.",
    "last_30_days": "The as-of day and the 29 days before it.",
    "all_time": "Every day up to and including the as-of day.",
    "last_seen": "The member's latest event on or before the as-of day.",
    "leaderboard": "The members who created the most conversations, all time up to the as-of day.",
}


@dataclass(frozen=True)
class UsageTotals:
    users: int
    conversations: int
    projects: int
    files: int


@dataclass(frozen=True)
class ConversationWindows:
    last_7_days: int
    last_30_days: int
    all_time: int


def reporting_timezone() -> str:
    return settings.REPORTING_TIMEZONE


def reporting_today(*, timezone: str | None = None) -> date:
    return datetime.now(ZoneInfo(timezone or reporting_timezone())).date()


def _daily_totals(*, as_of: date, timezone: str) -> QuerySet[DailyTotal]:
    return DailyTotal.objects.filter(timezone=timezone, day__lte=as_of)


def usage_totals_get(*, as_of: date, timezone: str) -> UsageTotals:
    sums = _daily_totals(as_of=as_of, timezone=timezone).aggregate(
        conversations=Coalesce(Sum("conversations"), 0),
        projects=Coalesce(Sum("projects"), 0),
        files=Coalesce(Sum("files"), 0),
    )
    users = MemberTotal.objects.filter(timezone=timezone, member__isnull=False, first_day__lte=as_of).count()
    return UsageTotals(users=users, **sums)


def conversation_windows_get(*, as_of: date, timezone: str) -> ConversationWindows:
    sums = _daily_totals(as_of=as_of, timezone=timezone).aggregate(
        last_7_days=Coalesce(Sum("conversations", filter=Q(day__gte=as_of - timedelta(days=6))), 0),
        last_30_days=Coalesce(Sum("conversations", filter=Q(day__gte=as_of - timedelta(days=29))), 0),
        all_time=Coalesce(Sum("conversations"), 0),
    )
    return ConversationWindows(**sums)


def _daily_series(*, as_of: date, timezone: str, field: str) -> list[tuple[date, int]]:
    """One (day, value) pair per day from the first event's day to `as_of`, zero days included."""
    counts = dict(_daily_totals(as_of=as_of, timezone=timezone).values_list("day", field))
    if not counts:
        return []
    first = min(counts)
    return [(first + timedelta(days=n), counts.get(first + timedelta(days=n), 0)) for n in range((as_of - first).days + 1)]


def daily_active_users_list(*, as_of: date, timezone: str) -> list[tuple[date, int]]:
    return _daily_series(as_of=as_of, timezone=timezone, field="active_users")


def daily_conversations_list(*, as_of: date, timezone: str) -> list[tuple[date, int]]:
    return _daily_series(as_of=as_of, timezone=timezone, field="conversations")


def _activity_sum(*, timezone: str, field: str, days: Q) -> Subquery:
    """The sum of a member's rollup `field` over some days, as a correlated subquery."""
    rows = (
        DailyActivity.objects.filter(days, timezone=timezone, member=OuterRef("pk"))
        .order_by()
        .values("member")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Subquery(rows, output_field=IntegerField())


def _members_up_to(*, as_of: date, timezone: str) -> QuerySet[Member]:
    """Members with an event up to `as_of`, annotated with conversations_all_time and latest_event_at.

    Both come from MemberTotal, corrected by the rollup rows after `as_of` (none when as-of is the
    last day with data), so a page reads one row per member, not every rollup row.
    """
    members = Member.objects.filter(totals__timezone=timezone, totals__first_day__lte=as_of).order_by()
    if not DailyTotal.objects.filter(timezone=timezone, day__gt=as_of).exists():
        # The usual case, as-of on or after the last day with data: the stored totals are the answer.
        return members.annotate(
            conversations_all_time=F("totals__conversations"), latest_event_at=F("totals__last_event_at")
        )
    last_seen_by_as_of = (
        DailyActivity.objects.filter(timezone=timezone, member=OuterRef("pk"), day__lte=as_of)
        .order_by("-day")
        .values("last_event_at")[:1]
    )
    return members.annotate(
        conversations_all_time=F("totals__conversations")
        - Coalesce(_activity_sum(timezone=timezone, field="conversations", days=Q(day__gt=as_of)), 0),
        latest_event_at=Case(
            When(totals__last_day__lte=as_of, then=F("totals__last_event_at")),
            default=Subquery(last_seen_by_as_of),
        ),
    )


def member_activity_list(*, as_of: date, timezone: str) -> QuerySet[Member]:
    """Members with an event up to `as_of`, annotated with conversations_7d, conversations_30d,
    conversations_all_time and latest_event_at; unordered, for tables to sort."""

    def conversations_in_last(days: int):
        window = Q(day__gte=as_of - timedelta(days=days - 1), day__lte=as_of)
        return Coalesce(_activity_sum(timezone=timezone, field="conversations", days=window), 0)

    return _members_up_to(as_of=as_of, timezone=timezone).annotate(
        conversations_7d=conversations_in_last(7), conversations_30d=conversations_in_last(30)
    )


def member_leaderboard_list(*, as_of: date, timezone: str, limit: int = 10) -> list[Member]:
    """The members with the most conversations up to `as_of` (ties broken by email)."""
    members = _members_up_to(as_of=as_of, timezone=timezone)
    return list(members.filter(conversations_all_time__gt=0).order_by("-conversations_all_time", "email")[:limit])
