"""Usage figures, read from the daily rollups of one timezone (DailyActivity per member and day,
and the DailyTotal and MemberTotal tables summed from it).

Definitions (shared by the dashboard and `usage_report`): days are calendar days in the
timezone; only days up to and including `as_of` count; "last 7 days" is `as_of` and the six
days before it (likewise 30). Conversations, projects and files count `conversation_created`,
`project_created` and `file_uploaded` events whoever the actor is; users are members with at
least one event of any kind.

Privacy (portal.privacy) is applied here, so no page can forget it: every figure
about the organisation is None when it has fewer than MIN_GROUP_SIZE users up to `as_of`, and
per-member rows are only returned to viewers who may see people, under pseudonyms until names
are revealed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce

from people.groups import Group
from people.models import Member
from people.selectors import group_members, groups_hidden_get
from portal import privacy
from portal.cache import figure_cached
from usage.models import DailyActivity, DailyTotal, MemberTotal

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
    "distribution": "How many users created 0, 1–5, 6–20 or 21 and more conversations in each period.",
}

# Conversations per user in a period: (label, lowest, highest or None for no limit).
DISTRIBUTION_BUCKETS = [("0", 0, 0), ("1–5", 1, 5), ("6–20", 6, 20), ("21+", 21, None)]


# Every result below carries `suppressed`: True when the group it describes is smaller than the
# minimum group size, and then each of its figures is None.


@dataclass(frozen=True)
class UsageTotals:
    users: int | None
    conversations: int | None
    projects: int | None
    files: int | None
    suppressed: bool = False


@dataclass(frozen=True)
class ConversationWindows:
    last_7_days: int | None
    last_30_days: int | None
    all_time: int | None
    suppressed: bool = False


@dataclass(frozen=True)
class DailySeries:
    """One (day, value) pair per day from the first event's day to as-of; values None if suppressed."""

    points: list[tuple[date, int | None]]
    suppressed: bool = False


@dataclass(frozen=True)
class DistributionBucket:
    label: str
    last_7_days: int | None
    last_30_days: int | None
    all_time: int | None


@dataclass(frozen=True)
class ConversationDistribution:
    buckets: list[DistributionBucket]
    suppressed: bool = False


@dataclass(frozen=True)
class PeopleRows:
    """Per-member rows as dicts holding only what the viewer may see (see `_people_fields`)."""

    rows: QuerySet | list[dict]
    suppressed: bool = False


def _daily_totals(*, as_of: date, timezone: str) -> QuerySet[DailyTotal]:
    return DailyTotal.objects.filter(timezone=timezone, day__lte=as_of)


@figure_cached
def data_last_day_get(*, timezone: str) -> date | None:
    """The last day with any activity in `timezone` (None before the first import)."""
    return DailyTotal.objects.filter(timezone=timezone).aggregate(last=Max("day"))["last"]


@figure_cached
def organisation_size_get(*, as_of: date, timezone: str) -> int:
    """The group every figure so far describes: members with an event up to `as_of`."""
    return MemberTotal.objects.filter(timezone=timezone, member__isnull=False, first_day__lte=as_of).count()


@figure_cached
def group_shown(*, group: Group | None, as_of: date, timezone: str) -> bool:
    """Whether figures about `group` may be shown: the organisation (None) by its users up to
    as-of; a team, department or cohort unless the rule over every visible group hides it
    (people.selectors.groups_hidden_get: no sum or difference of shown groups isolates fewer
    than k people)."""
    if group is None:
        return privacy.group_is_shown(size=organisation_size_get(as_of=as_of, timezone=timezone))
    return group not in groups_hidden_get()


def _in_group(rows: QuerySet, group: Group | None, field: str = "member") -> QuerySet:
    return rows if group is None else rows.filter(**{f"{field}__in": group_members(group=group).values("pk")})


def _group_activity(*, as_of: date, timezone: str, group: Group) -> QuerySet[DailyActivity]:
    return _in_group(DailyActivity.objects.filter(timezone=timezone, day__lte=as_of), group)


@figure_cached
def usage_totals_get(*, as_of: date, timezone: str, group: Group | None = None) -> UsageTotals:
    if not group_shown(group=group, as_of=as_of, timezone=timezone):
        return UsageTotals(users=None, conversations=None, projects=None, files=None, suppressed=True)
    if group is not None:
        users = _in_group(MemberTotal.objects.filter(timezone=timezone, first_day__lte=as_of), group).count()
        rows = _group_activity(as_of=as_of, timezone=timezone, group=group)
    else:
        users = organisation_size_get(as_of=as_of, timezone=timezone)
        rows = _daily_totals(as_of=as_of, timezone=timezone)
    sums = rows.aggregate(
        conversations=Coalesce(Sum("conversations"), 0),
        projects=Coalesce(Sum("projects"), 0),
        files=Coalesce(Sum("files"), 0),
    )
    return UsageTotals(users=users, **sums)


@figure_cached
def conversation_windows_get(*, as_of: date, timezone: str, group: Group | None = None) -> ConversationWindows:
    if not group_shown(group=group, as_of=as_of, timezone=timezone):
        return ConversationWindows(last_7_days=None, last_30_days=None, all_time=None, suppressed=True)
    rows = _daily_totals(as_of=as_of, timezone=timezone) if group is None else _group_activity(as_of=as_of, timezone=timezone, group=group)
    sums = rows.aggregate(
        last_7_days=Coalesce(Sum("conversations", filter=Q(day__gte=as_of - timedelta(days=6))), 0),
        last_30_days=Coalesce(Sum("conversations", filter=Q(day__gte=as_of - timedelta(days=29))), 0),
        all_time=Coalesce(Sum("conversations"), 0),
    )
    return ConversationWindows(**sums)


def _daily_series(*, as_of: date, timezone: str, field: str, group: Group | None) -> DailySeries:
    """One (day, value) pair per day from the first event's day to `as_of`, zero days included."""
    counts = dict(_daily_totals(as_of=as_of, timezone=timezone).values_list("day", field))
    if not counts:
        return DailySeries(points=[])
    first = min(counts)
    days = [first + timedelta(days=n) for n in range((as_of - first).days + 1)]
    if not group_shown(group=group, as_of=as_of, timezone=timezone):
        return DailySeries(points=[(day, None) for day in days], suppressed=True)
    if group is not None:  # the group's members' rows: one per member and day
        per_day = _group_activity(as_of=as_of, timezone=timezone, group=group).filter(member__isnull=False).values("day")
        value = Count("pk") if field == "active_users" else Sum(field)
        counts = dict(per_day.annotate(value=value).order_by().values_list("day", "value"))
    return DailySeries(points=[(day, counts.get(day, 0)) for day in days])


@figure_cached
def daily_active_users_list(*, as_of: date, timezone: str, group: Group | None = None) -> DailySeries:
    return _daily_series(as_of=as_of, timezone=timezone, field="active_users", group=group)


@figure_cached
def daily_conversations_list(*, as_of: date, timezone: str, group: Group | None = None) -> DailySeries:
    return _daily_series(as_of=as_of, timezone=timezone, field="conversations", group=group)


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


def _member_activity(*, as_of: date, timezone: str) -> QuerySet[Member]:
    """Members with an event up to `as_of`, annotated with conversations_7d, conversations_30d,
    conversations_all_time and latest_event_at; unordered."""

    def conversations_in_last(days: int):
        window = Q(day__gte=as_of - timedelta(days=days - 1), day__lte=as_of)
        return Coalesce(_activity_sum(timezone=timezone, field="conversations", days=window), 0)

    return _members_up_to(as_of=as_of, timezone=timezone).annotate(
        conversations_7d=conversations_in_last(7), conversations_30d=conversations_in_last(30)
    )


def _bucket_label(conversations: int) -> str:
    for label, low, high in DISTRIBUTION_BUCKETS:
        if conversations >= low and (high is None or conversations <= high):
            return label
    raise ValueError(conversations)


@figure_cached
def conversation_distribution_get(*, as_of: date, timezone: str, group: Group | None = None) -> ConversationDistribution:
    """How many users fall in each DISTRIBUTION_BUCKETS range, per period: the aggregate view of
    the per-member table.

    Two grouped reads (all-time totals per user, and the last 30 days of rollups per member), then
    counted here: one pass over the users instead of two correlated subqueries per user.
    """
    if not group_shown(group=group, as_of=as_of, timezone=timezone):
        empty = [DistributionBucket(label, None, None, None) for label, _, _ in DISTRIBUTION_BUCKETS]
        return ConversationDistribution(buckets=empty, suppressed=True)
    recent = {
        member: (last_7_days, last_30_days)
        for member, last_7_days, last_30_days in _in_group(
            DailyActivity.objects.filter(
                timezone=timezone, member__isnull=False, day__gte=as_of - timedelta(days=29), day__lte=as_of
            ),
            group,
        )
        .order_by()
        .values("member")
        .annotate(
            last_7_days=Coalesce(Sum("conversations", filter=Q(day__gte=as_of - timedelta(days=6))), 0),
            last_30_days=Sum("conversations"),
        )
        .values_list("member", "last_7_days", "last_30_days")
    }
    counts = {period: Counter() for period in ("last_7_days", "last_30_days", "all_time")}
    users = _in_group(_members_up_to(as_of=as_of, timezone=timezone), group, field="pk")
    for member, all_time in users.values_list("pk", "conversations_all_time"):
        last_7_days, last_30_days = recent.get(member, (0, 0))
        counts["last_7_days"][_bucket_label(last_7_days)] += 1
        counts["last_30_days"][_bucket_label(last_30_days)] += 1
        counts["all_time"][_bucket_label(all_time)] += 1
    return ConversationDistribution(
        buckets=[
            DistributionBucket(
                label, counts["last_7_days"][label], counts["last_30_days"][label], counts["all_time"][label]
            )
            for label, _, _ in DISTRIBUTION_BUCKETS
        ]
    )


FIGURE_FIELDS = ("conversations_7d", "conversations_30d", "conversations_all_time", "latest_event_at")


def _people_fields(viewer: privacy.Viewer) -> tuple[str, ...]:
    """What a per-member row holds: what the viewer may see of the member, and the figures."""
    return (*viewer.member_fields(), *FIGURE_FIELDS)


def member_activity_list(
    *, viewer: privacy.Viewer, as_of: date, timezone: str, group: Group | None = None
) -> PeopleRows:
    """Per-member rows (dicts of `_people_fields`), unordered, for tables to sort in SQL."""
    members = _in_group(_member_activity(as_of=as_of, timezone=timezone), group, field="pk")
    rows = members.values(*_people_fields(viewer))
    if not group_shown(group=group, as_of=as_of, timezone=timezone):
        return PeopleRows(rows=rows.none(), suppressed=True)
    return PeopleRows(rows=rows)


@figure_cached
def member_leaderboard_list(
    *, viewer: privacy.Viewer, as_of: date, timezone: str, limit: int = 10, group: Group | None = None
) -> PeopleRows:
    """The members with the most conversations up to `as_of` (ties broken by what the viewer sees)."""
    fields = [field for field in _people_fields(viewer) if field not in ("conversations_7d", "conversations_30d")]
    if not group_shown(group=group, as_of=as_of, timezone=timezone):
        return PeopleRows(rows=[], suppressed=True)
    tie_break = "email" if viewer.sees_names else "pseudonym"
    members = _in_group(_members_up_to(as_of=as_of, timezone=timezone), group, field="pk").filter(conversations_all_time__gt=0)
    return PeopleRows(rows=list(members.order_by("-conversations_all_time", tie_break).values(*fields)[:limit]))


# --- Cards: each figure's change against one period earlier, with a sparkline ---------------------

SPARKLINE_DAYS = 30


@dataclass(frozen=True)
class Trend:
    """How a card's figure moved: the change against the same figure one period earlier (None when
    either is hidden) and the daily points of the last 30 days behind it (a sparkline; None points
    are hidden days, drawn as gaps)."""

    change: int | float | None
    period: str  # what the change is measured against: "vs 7 days before"
    points: list[int | None]


def trend_of(now, before, *, period: str, series: DailySeries | None = None, places: int = 4) -> Trend:
    """The Trend of a figure `now`, one period after `before` (both as the selectors answer them),
    the change rounded to `places` decimals (2 for shares shown in whole points)."""
    change = None if now is None or before is None else round(now - before, places)
    points = [value for _, value in series.points[-SPARKLINE_DAYS:]] if series is not None else []
    return Trend(change=change, period=period, points=points)


@figure_cached
def card_trends_get(*, as_of: date, timezone: str, group: Group | None = None) -> dict[str, Trend]:
    """The Overview and Conversations cards' trends: all-time figures against a week before,
    windows against the window before them (the last 7 days against the 7 days before them)."""
    week = timedelta(days=7)
    totals, totals_before = (usage_totals_get(as_of=day, timezone=timezone, group=group) for day in (as_of, as_of - week))
    windows = conversation_windows_get(as_of=as_of, timezone=timezone, group=group)
    windows_7 = conversation_windows_get(as_of=as_of - week, timezone=timezone, group=group)
    windows_30 = conversation_windows_get(as_of=as_of - timedelta(days=30), timezone=timezone, group=group)
    active = daily_active_users_list(as_of=as_of, timezone=timezone, group=group)
    conversations = daily_conversations_list(as_of=as_of, timezone=timezone, group=group)
    since_week = "since 7 days before"
    return {
        "users": trend_of(totals.users, totals_before.users, period=since_week, series=active),
        "conversations": trend_of(totals.conversations, totals_before.conversations, period=since_week, series=conversations),
        "projects": trend_of(totals.projects, totals_before.projects, period=since_week),
        "files": trend_of(totals.files, totals_before.files, period=since_week),
        "conversations_7d": trend_of(windows.last_7_days, windows_7.last_7_days, period="vs the 7 days before", series=conversations),
        "conversations_30d": trend_of(windows.last_30_days, windows_30.last_30_days, period="vs the 30 days before", series=conversations),
        "conversations_all_time": trend_of(windows.all_time, windows_7.all_time, period=since_week, series=conversations),
    }
