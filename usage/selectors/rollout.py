"""Rollout figures: ISO weeks, groups (team, department, cohort), seats and the baseline.

Definitions (shared by the Rollout page and `usage_report`):
- Weeks are ISO weeks, Monday to Sunday, as calendar days in the reporting timezone; the week of
  the as-of day is partial when the as-of day is not its Sunday, and only counts up to as-of.
- Active users in a week: members with any event in it. Seats in a week: roster members with a
  seat on any day of it. Utilisation (`utilisation`): the week's active users / its seats (None
  when there are no seats); per team in the by-team table. The Rollout page's card shows another
  window on purpose, `utilisation_last_7_days`: active users in the 7 days up to as-of / the seats
  held on the as-of day.
  Conversations per active user: conversations / active users (None when nobody was active).
- A group is the roster members of a team, department or cohort. With a group, every figure
  covers those members only; without one, the organisation (conversations then count every
  conversation_created event, as on the dashboard).
- Privacy: a group is shown unless people.selectors.groups_hidden_get hides it (the rule over
  every visible group: no sum or difference isolates fewer than k people); the organisation
  follows the dashboard's rule. A hidden group's figures are all None and `suppressed` is True.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from notes.models import Milestone
from people.groups import Group
from people.models import Member
from people.selectors import (
    group_members,
    groups_hidden_get,
    seats_on_day_count,
)
from portal import privacy
from portal.cache import figure_cached
from usage.models import DailyActivity, DailyTotal, MemberTotal, WeeklyActivity, WeeklyTotal
from usage.selectors import activity, claude_code

DEFINITIONS = {
    "week": "ISO weeks, Monday to Sunday, in the reporting timezone; the as-of week counts up to the as-of day.",
    "active_users": "Members with at least one event in the week.",
    "seats": "Roster members with a seat on any day of the week.",
    "utilisation": "Per ISO week: the week's active users divided by the roster members with a seat on any day of it.",
    "conversations": "conversation_created events in the week (by the group's members when a group is chosen).",
    "conversations_per_active_user": "Conversations divided by active users.",
    "code_active_users": "Members with Claude Code sessions, lines, commits, pull requests or edits on a UTC date of the week.",
    "sessions_per_code_active_user": "Claude Code sessions in the week divided by its code-active users.",
    "plugin_adoption": "Code-active users who installed or loaded a Claude Code plugin in the week, divided by code-active users.",
    "tickets_per_100_code_active_users": "Support tickets tagged for Claude Code created in the week, per 100 code-active users.",
    "team_change_vs_last_week": "The team's active users this ISO week minus last week's.",
    "team_change_vs_baseline": "The team's active users this ISO week minus the baseline week's.",
}


@dataclass(frozen=True)
class WeekFigures:
    week: str  # "2026-W46"
    start: date
    partial: bool
    active_users: int | None
    seats: int | None
    utilisation: float | None
    conversations: int | None
    conversations_per_active_user: float | None
    # Claude Code (usage.selectors.claude_code.code_weeks_get): UTC dates; tickets in the reporting timezone.
    code_active_users: int | None = None
    any_active_users: int | None = None
    sessions: int | None = None
    sessions_per_code_active_user: float | None = None
    plugin_users: int | None = None
    plugin_adoption: float | None = None
    support_tickets: int | None = None
    tickets_per_100_code_active_users: float | None = None
    suppressed: bool = False

    def hidden(self) -> WeekFigures:
        return replace(
            self, active_users=None, seats=None, utilisation=None, conversations=None,
            conversations_per_active_user=None, code_active_users=None, any_active_users=None, sessions=None,
            sessions_per_code_active_user=None, plugin_users=None, plugin_adoption=None, support_tickets=None,
            tickets_per_100_code_active_users=None, suppressed=True,
        )


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_label(start: date) -> str:
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def utilisation(*, active_users: int, seats: int) -> float | None:
    """What utilisation means everywhere: active users over seats (None without seats)."""
    return _ratio(active_users, seats)


def _of_members(rows: QuerySet, members: QuerySet | None) -> QuerySet:
    """Rows with a `member`, narrowed to `members` (None: everyone)."""
    return rows if members is None else rows.filter(member__in=members.values("pk"))


def _active_rows(*, timezone: str, members: QuerySet | None) -> QuerySet[DailyActivity]:
    return _of_members(DailyActivity.objects.filter(timezone=timezone, member__isnull=False), members)


def _week_activity(*, start: date, end: date, timezone: str, members: QuerySet | None) -> tuple[int, int]:
    """(active members, the members' conversations) from `start` to `end`; one indexed query a
    week is much faster than grouping every member-day row of the span by week."""
    rows = _active_rows(timezone=timezone, members=members).filter(day__gte=start, day__lte=end)
    figures = rows.aggregate(active=Count("member", distinct=True), conversations=Sum("conversations"))
    return figures["active"], figures["conversations"] or 0


def _whole_weeks_activity(*, starts: list[date], as_of: date, timezone: str, members: QuerySet | None) -> dict[date, tuple[int, int]]:
    """(active members, the members' conversations) of each whole week up to as-of, from the weekly
    rollups: WeeklyTotal for everyone, WeeklyActivity grouped by week for a group."""
    whole = [start for start in starts if start + timedelta(days=6) <= as_of]
    if not whole:
        return {}
    if members is None:
        rows = WeeklyTotal.objects.filter(timezone=timezone, week__gte=whole[0], week__lte=whole[-1])
        return {week: (active, conversations) for week, active, conversations in rows.values_list("week", "active_users", "conversations")}
    rows = (
        WeeklyActivity.objects.filter(timezone=timezone, week__gte=whole[0], week__lte=whole[-1], member__in=members.values("pk"))
        .values("week")
        .annotate(active=Count("pk", filter=Q(events__gt=0)), conversations=Coalesce(Sum("conversations"), 0))
        .order_by()
    )
    return {row["week"]: (row["active"], row["conversations"]) for row in rows}


def _weeks_seats(*, starts: list[date], members: QuerySet | None) -> list[int]:
    """Seats in each week from `starts` (people.models.MemberQuerySet.seat_holders_in: a seat on any
    day of it), of `members` (None: everyone), in one query instead of one a week."""
    if not starts:
        return []
    counts = (members if members is not None else Member.objects.all()).aggregate(
        **{
            f"week_{i}": Count(
                "pk", filter=Q(pk__in=Member.objects.seat_holders_in(start=start, end=start + timedelta(days=6)).values("pk"))
            )
            for i, start in enumerate(starts)
        }
    )
    return [counts[f"week_{i}"] for i in range(len(starts))]


def _organisation_conversations(*, starts: list[date], as_of: date, timezone: str) -> dict[int, int]:
    """Every conversation_created event per week (service accounts too), from the daily totals."""
    per_week = defaultdict(int)
    for day, conversations in DailyTotal.objects.filter(timezone=timezone, day__gte=starts[0], day__lte=as_of).values_list("day", "conversations"):
        per_week[(day - starts[0]).days // 7] += conversations
    return per_week


@figure_cached
def weekly_figures_list(
    *, as_of: date, timezone: str, group: Group | None = None, first_week: date | None = None
) -> list[WeekFigures]:
    """One entry per ISO week from the first event's week (or `first_week`'s) to the as-of week."""
    if first_week is None:
        first_day = DailyTotal.objects.filter(timezone=timezone, day__lte=as_of).order_by("day").values_list("day", flat=True).first()
        code_first_day = claude_code.code_first_day_get(as_of=as_of, timezone=timezone)
        first_days = [day for day in (first_day, code_first_day) if day is not None]
        if not first_days:
            return []
        first_week = min(first_days)
    starts = [week_start(first_week) + timedelta(weeks=n) for n in range((week_start(as_of) - week_start(first_week)).days // 7 + 1)]
    members = group_members(group=group) if group is not None else None
    organisation = _organisation_conversations(starts=starts, as_of=as_of, timezone=timezone) if group is None else None
    shown = activity.group_shown(group=group, as_of=as_of, timezone=timezone)
    code_weeks = claude_code.code_weeks_get(starts=starts, as_of=as_of, timezone=timezone, members=members)
    whole_weeks = _whole_weeks_activity(starts=starts, as_of=as_of, timezone=timezone, members=members)
    weeks_seats = _weeks_seats(starts=starts, members=members)
    figures = []
    for i, start in enumerate(starts):
        end = min(start + timedelta(days=6), as_of)
        if end == start + timedelta(days=6):
            active, members_conversations = whole_weeks.get(start, (0, 0))
        else:  # the as-of week, cut at as-of: from the daily rows
            active, members_conversations = _week_activity(start=start, end=end, timezone=timezone, members=members)
        conversations = members_conversations if organisation is None else organisation[i]
        seats = weeks_seats[i]
        week = WeekFigures(
            week=week_label(start),
            start=start,
            partial=end < start + timedelta(days=6),
            active_users=active,
            seats=seats,
            utilisation=utilisation(active_users=active, seats=seats),
            conversations=conversations,
            conversations_per_active_user=_ratio(conversations, active),
            code_active_users=(code := code_weeks[i]).code_active_users,
            any_active_users=code.any_active_users,
            sessions=code.sessions,
            sessions_per_code_active_user=_ratio(code.sessions, code.code_active_users),
            plugin_users=code.plugin_users,
            plugin_adoption=_ratio(code.plugin_users, code.code_active_users),
            support_tickets=code.support_tickets,
            tickets_per_100_code_active_users=_ratio(100 * code.support_tickets, code.code_active_users),
        )
        figures.append(week if shown else week.hidden())
    return figures


@dataclass(frozen=True)
class Baseline:
    label: str
    figures: WeekFigures


@figure_cached
def baseline_get(*, as_of: date, timezone: str, group: Group | None = None, days: int = 7) -> Baseline | None:
    """The pinned baseline week's figures (None when no baseline is pinned): its first `days` days
    (Monday on), the whole week unless a partial week is compared with it."""
    milestone = Milestone.objects.filter(is_baseline=True).first()
    if milestone is None:
        return None
    start = week_start(milestone.date)
    weeks = weekly_figures_list(as_of=start + timedelta(days=days - 1), timezone=timezone, group=group, first_week=start)
    return Baseline(label=milestone.label, figures=weeks[0])


# --- The Rollout page -------------------------------------------------------------------------

DEFINITIONS.update(
    daily_active_users="Members with an event on the as-of day.",
    weekly_active_users="Members with an event in the 7 days up to the as-of day. It differs from the ISO week's "
    "active users in the table: the 7 days end on the as-of day, the ISO week starts on its Monday.",
    monthly_active_users="Members with an event in the 30 days up to the as-of day.",
    stickiness="Average daily active users over the 30 days up to the as-of day, divided by monthly active users.",
    seats_today="Roster members whose seat covers the as-of day.",
    utilisation_last_7_days="Active users in the 7 days up to the as-of day, divided by the seats held on the as-of day. "
    "It differs from the ISO week's utilisation in the table: another window, and seats on one day.",
    project_adoption="Share of the week's active users who created a project.",
    file_adoption="Share of the week's active users who uploaded a file.",
    new="Active this week for the first time ever.",
    returning="Active this week and last week.",
    resurrected="Active this week, not last week, but before.",
    dormant="Active last week, not this week.",
)


@dataclass(frozen=True)
class RollingActivity:
    daily_active_users: int | None
    weekly_active_users: int | None
    monthly_active_users: int | None
    stickiness: float | None
    seats: int | None
    utilisation_last_7_days: float | None
    suppressed: bool = False


@figure_cached
def rolling_activity_get(*, as_of: date, timezone: str, group: Group | None = None) -> RollingActivity:
    if not activity.group_shown(group=group, as_of=as_of, timezone=timezone):
        return RollingActivity(None, None, None, None, None, None, suppressed=True)
    members = group_members(group=group) if group else None
    rows = _active_rows(timezone=timezone, members=members)

    def distinct_members(days: int) -> int:
        return rows.filter(day__gt=as_of - timedelta(days=days), day__lte=as_of).values("member").distinct().count()

    monthly, weekly = distinct_members(30), distinct_members(7)
    daily_sum = rows.filter(day__gt=as_of - timedelta(days=30), day__lte=as_of).count()  # one row per member-day
    seats = seats_on_day_count(day=as_of, members=members)
    return RollingActivity(
        daily_active_users=distinct_members(1),
        weekly_active_users=weekly,
        monthly_active_users=monthly,
        stickiness=round(daily_sum / 30 / monthly, 4) if monthly else None,
        seats=seats,
        utilisation_last_7_days=utilisation(active_users=weekly, seats=seats),
    )


@figure_cached
def rolling_trends_get(*, as_of: date, timezone: str, group: Group | None = None) -> dict[str, activity.Trend]:
    """The Rollout cards' change against one window earlier, with daily active users as sparkline."""
    now = rolling_activity_get(as_of=as_of, timezone=timezone, group=group)
    day, week, month = (
        rolling_activity_get(as_of=as_of - timedelta(days=n), timezone=timezone, group=group) for n in (1, 7, 30)
    )
    active = activity.daily_active_users_list(as_of=as_of, timezone=timezone, group=group)
    trend = activity.trend_of
    return {
        "daily_active_users": trend(now.daily_active_users, day.daily_active_users, period="vs the day before", series=active),
        "weekly_active_users": trend(now.weekly_active_users, week.weekly_active_users, period="vs the 7 days before", series=active),
        "monthly_active_users": trend(now.monthly_active_users, month.monthly_active_users, period="vs the 30 days before", series=active),
        "seats": trend(now.seats, week.seats, period="since 7 days before"),
        "utilisation_last_7_days": trend(now.utilisation_last_7_days, week.utilisation_last_7_days, period="vs the 7 days before", places=2),
        "stickiness": trend(now.stickiness, month.stickiness, period="vs the 30 days before", places=2),
    }


@dataclass(frozen=True)
class WeekDetail:
    """Adoption and lifecycle of one week's active users."""

    week: str
    start: date
    partial: bool
    active_users: int | None
    project_adoption: float | None
    file_adoption: float | None
    new: int | None
    returning: int | None
    resurrected: int | None
    dormant: int | None


@figure_cached
def week_details_list(*, as_of: date, timezone: str, group: Group | None = None, weeks: int = 8) -> list[WeekDetail]:
    """Feature adoption and lifecycle for the last `weeks` ISO weeks up to the as-of week."""
    starts = [week_start(as_of) - timedelta(weeks=n) for n in range(weeks, -1, -1)]  # one extra, for "last week"
    members = group_members(group=group) if group else None
    rows = _active_rows(timezone=timezone, members=members)
    active, projects, files = {i: set() for i in range(len(starts))}, dict.fromkeys(range(len(starts)), 0), dict.fromkeys(range(len(starts)), 0)
    index = {start: i for i, start in enumerate(starts)}
    whole = [start for start in starts if start + timedelta(days=6) <= as_of]
    if whole:  # whole weeks: one read of the weekly rollups
        weekly = _of_members(WeeklyActivity.objects.filter(timezone=timezone, week__in=whole, events__gt=0), members)
        for week, member, created_projects, uploaded_files in weekly.values_list("week", "member", "projects", "files"):
            i = index[week]
            active[i].add(member)
            projects[i] += created_projects > 0
            files[i] += uploaded_files > 0
    for i, start in enumerate(starts):  # the as-of week, cut at as-of: the daily rows
        if start in whole or start > as_of:
            continue
        week = rows.filter(day__gte=start, day__lte=as_of)
        active[i] = set(week.values_list("member", flat=True).distinct())
        projects[i] = week.filter(projects__gt=0).values("member").distinct().count()
        files[i] = week.filter(files__gt=0).values("member").distinct().count()
    first_days = dict(
        _of_members(MemberTotal.objects.filter(timezone=timezone, member__isnull=False), members).values_list(
            "member", "first_day"
        )
    )
    shown = activity.group_shown(group=group, as_of=as_of, timezone=timezone)
    details = []
    for i in range(1, len(starts)):
        start, this, last = starts[i], active[i], active[i - 1]
        details.append(
            WeekDetail(
                week=week_label(start),
                start=start,
                partial=as_of < start + timedelta(days=6),
                active_users=len(this) if shown else None,
                project_adoption=_ratio(projects[i], len(this)) if shown else None,
                file_adoption=_ratio(files[i], len(this)) if shown else None,
                new=sum(1 for m in this if start <= first_days.get(m, start) < start + timedelta(days=7)) if shown else None,
                returning=len(this & last) if shown else None,
                resurrected=sum(1 for m in this - last if first_days.get(m, start) < start) if shown else None,
                dormant=len(last - this) if shown else None,
            )
        )
    return details


@dataclass(frozen=True)
class Comparison:
    """One KPI this week against last week and the baseline week."""

    key: str
    label: str
    definition: str
    this_week: float | int | None
    last_week: float | int | None
    baseline: float | int | None

    @staticmethod
    def _change(now, then) -> tuple[float | None, float | None]:
        if now is None or then is None:
            return None, None
        return round(now - then, 4), (round((now - then) / then * 100, 1) if then else None)

    @property
    def versus_last_week(self) -> tuple[float | None, float | None]:
        return self._change(self.this_week, self.last_week)

    @property
    def versus_baseline(self) -> tuple[float | None, float | None]:
        return self._change(self.this_week, self.baseline)


KPI_ROWS = [
    ("active_users", "Active users"),
    ("seats", "Seats"),
    ("utilisation", "Utilisation (ISO week)"),
    ("conversations", "Conversations"),
    ("conversations_per_active_user", "Conversations per active user"),
    ("code_active_users", "Claude Code active users (UTC dates)"),
    ("sessions_per_code_active_user", "Sessions per Claude Code user"),
    ("plugin_adoption", "Plugin adoption"),
    ("tickets_per_100_code_active_users", "Support tickets per 100 Claude Code users"),
]


def kpi_comparisons_list(
    *, weeks: list[WeekFigures], baseline: Baseline | None
) -> tuple[WeekFigures | None, WeekFigures | None, list[Comparison]]:
    """This week, last week, and per KPI the comparison with last week and the baseline."""
    this = weeks[-1] if weeks else None
    last = weeks[-2] if len(weeks) > 1 else None
    base = baseline.figures if baseline else None
    rows = [
        Comparison(key, label, DEFINITIONS[key], getattr(this, key, None), getattr(last, key, None), getattr(base, key, None))
        for key, label in KPI_ROWS
    ]
    return this, last, rows


@dataclass(frozen=True)
class WeekComparison:
    """The Rollout page's KPI table: this week against last week and the baseline week, like with
    like. While this week is partial (week to date), last week and the baseline count the same
    weekdays only (Monday to the as-of day's weekday), so a Wednesday is not set against a week."""

    this_week: WeekFigures | None
    last_week: WeekFigures | None
    baseline: Baseline | None
    comparisons: list[Comparison]
    days: int  # the weekdays compared: 7 for whole weeks, fewer for a week to date

    @property
    def to_date(self) -> bool:
        return self.days < 7

    @property
    def weekdays(self) -> str:
        """"Mon–Wed": the days compared while the week is partial."""
        names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        return names[0] if self.days == 1 else f"{names[0]}–{names[self.days - 1]}"


@figure_cached
def week_comparison_get(*, as_of: date, timezone: str, group: Group | None = None) -> WeekComparison:
    this_start = week_start(as_of)
    days = (as_of - this_start).days + 1
    this = weekly_figures_list(as_of=as_of, timezone=timezone, group=group, first_week=this_start)
    last = weekly_figures_list(as_of=as_of - timedelta(days=7), timezone=timezone, group=group, first_week=this_start - timedelta(days=7))
    baseline = baseline_get(as_of=as_of, timezone=timezone, group=group, days=days)
    this_week, last_week, comparisons = kpi_comparisons_list(weeks=[*last, *this], baseline=baseline)
    return WeekComparison(this_week, last_week, baseline, comparisons, days)


# --- Teams: the by-team table and enablement gaps ----------------------------------------------


@dataclass(frozen=True)
class TeamRow:
    team: str
    members: int
    weekly_active_users: int | None
    utilisation: float | None
    conversations_per_active_user: float | None
    change_vs_last_week: int | None
    change_vs_baseline: int | None
    suppressed: bool
    # Claude Code in the same ISO week (UTC dates; tickets in the reporting timezone)
    code_active_users: int | None = None
    sessions_per_code_active_user: float | None = None
    plugin_adoption: float | None = None
    tickets_per_100_code_active_users: float | None = None


def _roster_team_sizes() -> dict[str, int]:
    teams = Member.objects.on_roster().filter(team__isnull=False).values("team__name").annotate(n=Count("pk"))
    return dict(teams.values_list("team__name", "n"))


def _team_activity(*, first: date, last: date, timezone: str) -> dict[str, tuple[int, int]]:
    """Per roster team, from `first` to `last`: (active members, their conversations), in one
    grouped query for every team."""
    roster = DailyActivity.objects.filter(
        timezone=timezone, day__gte=first, day__lte=last, member__on_roster=True, member__team__isnull=False
    )
    return {
        team: (active, conversations or 0)
        for team, active, conversations in roster.values("member__team__name")
        .annotate(active=Count("member", distinct=True), conversations=Sum("conversations"))
        .values_list("member__team__name", "active", "conversations")
    }


def _teams_hidden() -> tuple[dict[str, int], set[str]]:
    """The roster teams' sizes, and the teams the rule over every visible group hides."""
    hidden = {group.name for group in groups_hidden_get() if group.kind == "team"}
    return _roster_team_sizes(), hidden


def _per_team_week(*, start: date, as_of: date, timezone: str) -> dict[str, tuple[int, int, int]]:
    """Per roster team, in the ISO week from `start` (activity up to as-of, seats on any day of the
    week): (active members, their conversations, seats); two grouped queries for every team."""
    end = start + timedelta(days=6)
    activity = _team_activity(first=start, last=min(end, as_of), timezone=timezone)
    seats = dict(
        Member.objects.seat_holders_in(start=start, end=end).filter(team__isnull=False)
        .values("team__name")
        .annotate(n=Count("pk"))
        .values_list("team__name", "n")
    )
    return {team: (*activity.get(team, (0, 0)), seats.get(team, 0)) for team in set(activity) | set(seats)}


@figure_cached
def team_rows_list(*, as_of: date, timezone: str) -> list[TeamRow]:
    """Per team of the roster: this ISO week (to as-of) against last week and the baseline. Teams
    are hidden as people.selectors.groups_hidden_get says, like every group filter. Figures as in weekly_figures_list with the team as the group."""
    sizes, hidden = _teams_hidden()
    this_start = week_start(as_of)
    this = _per_team_week(start=this_start, as_of=as_of, timezone=timezone)
    code = claude_code.code_team_weeks_get(start=this_start, as_of=as_of, timezone=timezone)
    last = _per_team_week(start=this_start - timedelta(days=7), as_of=as_of, timezone=timezone)
    milestone = Milestone.objects.filter(is_baseline=True).first()
    base = None
    if milestone is not None:
        base_start = week_start(milestone.date)
        base = _per_team_week(start=base_start, as_of=max(as_of, base_start + timedelta(days=6)), timezone=timezone)
    rows = []
    for name, size in sorted(sizes.items()):
        if name in hidden:
            rows.append(TeamRow(name, size, None, None, None, None, None, suppressed=True))
            continue
        active, conversations, seats = this.get(name, (0, 0, 0))
        team_code = code.get(name, claude_code.CodeTeamWeek(0, 0, 0, 0))
        rows.append(
            TeamRow(
                team=name,
                members=size,
                weekly_active_users=active,
                utilisation=utilisation(active_users=active, seats=seats),
                conversations_per_active_user=_ratio(conversations, active),
                change_vs_last_week=active - last.get(name, (0, 0, 0))[0],
                change_vs_baseline=active - base.get(name, (0, 0, 0))[0] if base is not None else None,
                suppressed=False,
                code_active_users=team_code.code_active_users,
                sessions_per_code_active_user=_ratio(team_code.sessions, team_code.code_active_users),
                plugin_adoption=_ratio(team_code.plugin_users, team_code.code_active_users),
                tickets_per_100_code_active_users=_ratio(100 * team_code.support_tickets, team_code.code_active_users),
            )
        )
    return rows


TEAM_SORTS = (
    "team", "members", "weekly_active_users", "utilisation", "conversations_per_active_user", "change_vs_last_week",
    "change_vs_baseline", "code_active_users", "sessions_per_code_active_user", "plugin_adoption",
    "tickets_per_100_code_active_users",
)


def team_rows_sort(rows: list[TeamRow], *, sort: str) -> list[TeamRow]:
    """Rows by one column (`-` in front: descending); hidden values always last; then by team."""
    key = sort.lstrip("-")
    if key not in TEAM_SORTS:
        return rows
    descending = sort.startswith("-")
    shown = sorted((r for r in rows if getattr(r, key) is not None), key=lambda r: r.team)
    shown.sort(key=lambda r: getattr(r, key), reverse=descending)
    return shown + [r for r in rows if getattr(r, key) is None]


GAP_HINTS = [
    "Are the team's people under the enterprise tenant and signing in with SSO? Activity on personal accounts is not in the export.",
    "Does a date filter or the as-of day leave out when this cohort was enabled?",
    "Did an access or configuration change (licences, SSO groups, network rules) reach this team?",
]


@dataclass(frozen=True)
class TeamGap:
    team: str
    reason: str
    active_last_7_days: int
    active_7_days_before: int


@figure_cached
def enablement_gaps_list(*, as_of: date, timezone: str, drop_percent: int) -> list[TeamGap]:
    """Shown teams with nobody active in the last 7 days, or whose actives fell by more than
    `drop_percent` against the 7 days before."""
    sizes, hidden = _teams_hidden()
    recent = _team_activity(first=as_of - timedelta(days=6), last=as_of, timezone=timezone)
    earlier = _team_activity(first=as_of - timedelta(days=13), last=as_of - timedelta(days=7), timezone=timezone)
    gaps = []
    for name in sorted(set(sizes) - hidden):
        now, before = recent.get(name, (0, 0))[0], earlier.get(name, (0, 0))[0]
        if now == 0:
            gaps.append(TeamGap(name, "Nobody active in the last 7 days.", now, before))
        elif before and (before - now) / before * 100 > drop_percent:
            gaps.append(TeamGap(name, f"Weekly actives fell by {round((before - now) / before * 100)} %.", now, before))
    return gaps


@figure_cached
def seat_holders_never_active_list(*, viewer: privacy.Viewer, as_of: date, timezone: str) -> list[dict]:
    """Roster members with a seat on the as-of day and no activity ever, for individual-detail
    viewers: pseudonyms, and names only while revealed (empty when the organisation is hidden).
    A row names its team only when that team is shown: a pseudonym beside a hidden team would
    single the person out."""
    fields = (*viewer.member_fields(refused="Seat holders are listed for individual-detail viewers only."), "team__name")
    if not activity.group_shown(group=None, as_of=as_of, timezone=timezone):
        return []
    hidden = {group.name for group in groups_hidden_get() if group.kind == "team"}
    holders = Member.objects.seat_holders_on(as_of).exclude(daily_activity__timezone=timezone).order_by("pseudonym")
    rows = list(holders.values(*fields))
    for row in rows:
        if row["team__name"] in hidden:
            row["team__name"] = None
    return rows


# --- The glossary under the Rollout page: each definition under the name the page gives it ------

GLOSSARY_LABELS = {
    "week": "Weeks",
    "active_users": "Active users (ISO week)",
    "seats": "Seats (ISO week)",
    "utilisation": "Utilisation (ISO week)",
    "conversations": "Conversations",
    "conversations_per_active_user": "Conversations per active user",
    "code_active_users": "Claude Code active users",
    "sessions_per_code_active_user": "Sessions per Claude Code user",
    "plugin_adoption": "Plugin adoption",
    "tickets_per_100_code_active_users": "Support tickets per 100 Claude Code users",
    "team_change_vs_last_week": "Active vs last week (by team)",
    "team_change_vs_baseline": "Active vs baseline (by team)",
    "daily_active_users": "Active users, as-of day",
    "weekly_active_users": "Active users, last 7 days",
    "monthly_active_users": "Active users, last 30 days",
    "stickiness": "Stickiness",
    "seats_today": "Seats, as-of day",
    "utilisation_last_7_days": "Utilisation, last 7 days",
    "project_adoption": "Created a project",
    "file_adoption": "Uploaded a file",
    "new": "New",
    "returning": "Returning",
    "resurrected": "Resurrected",
    "dormant": "Dormant",
}


def glossary_list() -> list[tuple[str, str]]:
    """(label, definition) for every Rollout definition, in the page's words."""
    return [(GLOSSARY_LABELS[key], text) for key, text in DEFINITIONS.items()]
