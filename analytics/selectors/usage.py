"""Usage figures, read from the daily rollups of one timezone.

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
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from analytics.models import DailyActivity, Member

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


def _rollups(*, as_of: date, timezone: str) -> QuerySet[DailyActivity]:
    return DailyActivity.objects.filter(timezone=timezone, day__lte=as_of)


def usage_totals_get(*, as_of: date, timezone: str) -> UsageTotals:
    rollups = _rollups(as_of=as_of, timezone=timezone)
    sums = rollups.aggregate(
        conversations=Coalesce(Sum("conversations"), 0),
        projects=Coalesce(Sum("projects"), 0),
        files=Coalesce(Sum("files"), 0),
        users=Count("member", distinct=True),
    )
    return UsageTotals(**sums)


def conversation_windows_get(*, as_of: date, timezone: str) -> ConversationWindows:
    sums = _rollups(as_of=as_of, timezone=timezone).aggregate(
        last_7_days=Coalesce(Sum("conversations", filter=Q(day__gte=as_of - timedelta(days=6))), 0),
        last_30_days=Coalesce(Sum("conversations", filter=Q(day__gte=as_of - timedelta(days=29))), 0),
        all_time=Coalesce(Sum("conversations"), 0),
    )
    return ConversationWindows(**sums)


def _daily_series(*, as_of: date, timezone: str, counts: dict[date, int]) -> list[tuple[date, int]]:
    first = _rollups(as_of=as_of, timezone=timezone).aggregate(first=Min("day"))["first"]
    if first is None:
        return []
    return [(first + timedelta(days=n), counts.get(first + timedelta(days=n), 0)) for n in range((as_of - first).days + 1)]


def daily_active_users_list(*, as_of: date, timezone: str) -> list[tuple[date, int]]:
    """One (day, users) pair per day from the first event's day to `as_of`, zero days included."""
    rows = (
        _rollups(as_of=as_of, timezone=timezone)
        .filter(member__isnull=False)
        .values("day")
        .annotate(users=Count("member"))
        .values_list("day", "users")
    )
    return _daily_series(as_of=as_of, timezone=timezone, counts=dict(rows))


def daily_conversations_list(*, as_of: date, timezone: str) -> list[tuple[date, int]]:
    rows = (
        _rollups(as_of=as_of, timezone=timezone)
        .values("day")
        .annotate(total=Sum("conversations"))
        .values_list("day", "total")
    )
    return _daily_series(as_of=as_of, timezone=timezone, counts=dict(rows))


def member_activity_list(*, as_of: date, timezone: str) -> QuerySet[Member]:
    """Members with an event up to `as_of`, annotated with conversations_7d, conversations_30d,
    conversations_all_time and latest_event_at; unordered, for tables to sort."""
    activity = "daily_activity"
    return (
        Member.objects.filter(**{f"{activity}__timezone": timezone, f"{activity}__day__lte": as_of})
        .annotate(
            conversations_7d=Coalesce(
                Sum(f"{activity}__conversations", filter=Q(**{f"{activity}__day__gte": as_of - timedelta(days=6)})), 0
            ),
            conversations_30d=Coalesce(
                Sum(f"{activity}__conversations", filter=Q(**{f"{activity}__day__gte": as_of - timedelta(days=29)})), 0
            ),
            conversations_all_time=Coalesce(Sum(f"{activity}__conversations"), 0),
            latest_event_at=Max(f"{activity}__last_event_at"),
        )
        .order_by()
    )


def member_leaderboard_list(*, as_of: date, timezone: str, limit: int = 10) -> list[Member]:
    """The members with the most conversations up to `as_of` (ties broken by email)."""
    members = member_activity_list(as_of=as_of, timezone=timezone)
    return list(members.filter(conversations_all_time__gt=0).order_by("-conversations_all_time", "email")[:limit])
