"""Claude Code figures, read from CodeDay (one deciding source per member and UTC date, see
usage.services.code_days) and, for API keys, from the usage report's API-key records.

Definitions (shared by the Claude Code tab and `usage_report`): dates are UTC dates, as Anthropic
reports them; only dates up to and including `as_of` count. A member is code-active on a date when
any of sessions, lines added or removed, commits, pull requests, accepted or rejected edits summed
over that date's rows is above zero. API keys are never people: they count only in the API-keys
totals.

Privacy is applied here, as in usage.selectors.activity: a group's figures are None when the rule
over every visible group hides it (group_shown); the organisation's when fewer than the minimum
group size of members were code-active up to `as_of`. Per-member rows only for viewers who may see
people, under pseudonyms until names are revealed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from ingest.models import CodeUsage, OtelEvent, Ticket
from people.groups import Group
from people.models import Member
from people.selectors import group_members, groups_hidden_get
from portal import privacy
from portal.cache import figure_cached
from usage.models import CodeDay, CodeDayModel, CodeMemberTotal, DailyActivity, WeeklyActivity, WeeklyTotal
from usage.selectors.activity import DailySeries

DEFINITIONS = {
    "code_active_users": "Members with Claude Code sessions, lines, commits, pull requests or edits on at least one "
    "UTC date up to the as-of day. API keys never count.",
    "sessions": "Claude Code sessions (the usage report's num_sessions, the analytics API's distinct sessions, or "
    "OpenTelemetry's session.count: one source per member and date).",
    "acceptance_rate": "Accepted edits / (accepted + rejected), over every editing tool.",
    "cost_usd": "Anthropic's estimated cost (the usage report's estimated_cost, in US dollars).",
    "utc_dates": "Claude Code figures are per UTC date, as Anthropic reports them.",
    "weeks": "ISO weeks of UTC dates, labelled by their Monday; the baseline week is shaded, milestones and notes are marked.",
    "terminals": 'Sessions and lines added per terminal type (the deciding source\'s terminal; "" where it does not say). '
    "A terminal is shown only when at least the minimum group size of members used it.",
    "models": "Tokens (input, output, cache read and cache creation) and Anthropic's estimated cost per model. "
    "A model is shown only when at least the minimum group size of members used it.",
    "plugins": "Members with a plugin_installed or plugin_loaded OpenTelemetry event for the plugin, on a UTC date up to "
    "the as-of day. A plugin is shown only when at least the minimum group size of members used it.",
    "skills": "Members with a skill_activated OpenTelemetry event for the skill, on a UTC date up to the as-of day. "
    "A skill is shown only when at least the minimum group size of members used it.",
    "tickets": "Help-desk tickets carrying the portal's ticket tag (Settings), per day they were created in the "
    "reporting timezone; a group's count is its members' tickets.",
    "api_keys": "Sums over API-key actors of the usage report. API keys are not people and count nowhere else.",
}
FIGURES = ("sessions", "lines_added", "lines_removed", "commits", "pull_requests", "edits_accepted", "edits_rejected")


@dataclass(frozen=True)
class CodeTotals:
    active_users: int | None
    sessions: int | None
    lines_added: int | None
    lines_removed: int | None
    commits: int | None
    pull_requests: int | None
    edits_accepted: int | None
    edits_rejected: int | None
    acceptance_rate: float | None
    cost_usd: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class CodeDayFigures:
    date: date
    active_users: int | None
    sessions: int | None
    lines_added: int | None
    cost_usd: float | None


@dataclass(frozen=True)
class ApiKeyTotals:
    sessions: int
    lines_added: int
    cost_usd: float


@dataclass(frozen=True)
class BreakdownRow:
    """One terminal, model, plugin or skill: the distinct members behind it and its figures."""

    name: str
    members: int
    sessions: int | None = None
    lines_added: int | None = None
    tokens: int | None = None
    cost_usd: float | None = None


@dataclass(frozen=True)
class Breakdown:
    """Rows with at least k members, largest first; `hidden`: how many rows were left out because
    fewer than k members each are behind them (only their number: no figure of theirs is shown,
    and no total over all rows either, so none can be derived by subtraction)."""

    rows: list[BreakdownRow]
    hidden: int = 0


def _dollars(cents: Decimal | int | None) -> float:
    return round(float((cents or 0) / 100), 2)


def _rate(accepted: int, rejected: int) -> float | None:
    return round(accepted / (accepted + rejected), 4) if accepted + rejected else None


def _days(*, as_of: date, group: Group | None) -> QuerySet[CodeDay]:
    rows = CodeDay.objects.filter(date__lte=as_of)
    return rows if group is None else rows.filter(member__in=group_members(group=group).values("pk"))


def code_active_member_days(rows: QuerySet[CodeDay]) -> QuerySet:
    """(member, date) pairs whose summed figures make the member code-active that date."""
    sums = {f"total_{f}": Sum(f) for f in FIGURES}
    active = Q()
    for f in FIGURES:
        active |= Q(**{f"total_{f}__gt": 0})
    return rows.values("member", "date").annotate(**sums).filter(active).order_by()


def _code_active(rows: QuerySet[CodeDay]) -> QuerySet[CodeDay]:
    """The rows that make their member code-active on their date: as code_active_member_days decides
    (a figure summed over the date's rows above zero), since no figure is ever negative."""
    active = Q()
    for f in FIGURES:
        active |= Q(**{f"{f}__gt": 0})
    return rows.filter(active)


@figure_cached
def code_active_users_count(*, as_of: date, group: Group | None = None, since: date | None = None) -> int:
    """Members code-active on at least one date from `since` (or ever) to `as_of`. Unsuppressed:
    callers decide what may be shown (code_totals_get, the Rollout page)."""
    if since is None:  # ever: the members whose first code-active date is up to as-of
        firsts = CodeMemberTotal.objects.filter(first_active_date__lte=as_of)
        return (firsts if group is None else firsts.filter(member__in=group_members(group=group).values("pk"))).count()
    return _code_active(_days(as_of=as_of, group=group).filter(date__gte=since)).values("member").distinct().count()


@figure_cached
def code_shown(*, as_of: date, group: Group | None = None) -> bool:
    """Whether Claude Code figures about `group` (None: the organisation) may be shown."""
    if group is None:
        return privacy.group_is_shown(size=code_active_users_count(as_of=as_of))
    return group not in groups_hidden_get()


@figure_cached
def code_totals_get(*, as_of: date, group: Group | None = None) -> CodeTotals:
    if not code_shown(as_of=as_of, group=group):
        return CodeTotals(*([None] * 10), suppressed=True)
    sums = _days(as_of=as_of, group=group).aggregate(**{f: Coalesce(Sum(f), 0) for f in FIGURES}, cents=Sum("cost_cents"))
    return CodeTotals(
        active_users=code_active_users_count(as_of=as_of, group=group),
        **{f: sums[f] for f in FIGURES},
        acceptance_rate=_rate(sums["edits_accepted"], sums["edits_rejected"]),
        cost_usd=_dollars(sums["cents"]),
    )


@figure_cached
def code_daily_list(*, as_of: date, group: Group | None = None) -> list[CodeDayFigures]:
    """Every date up to `as_of` on which some member (of the group) has a Claude Code record, ascending."""
    rows = _days(as_of=as_of, group=group)
    per_day = {
        row["date"]: row
        for row in rows.values("date")
        .annotate(sessions=Sum("sessions"), lines_added=Sum("lines_added"), cents=Sum("cost_cents"))
        .order_by()
    }
    if not code_shown(as_of=as_of, group=group):
        return [CodeDayFigures(day, None, None, None, None) for day in sorted(per_day)]
    active = dict(  # code-active members per date
        _code_active(rows).values("date").annotate(n=Count("member", distinct=True)).order_by().values_list("date", "n")
    )
    return [
        CodeDayFigures(
            day, active.get(day, 0), per_day[day]["sessions"], per_day[day]["lines_added"], _dollars(per_day[day]["cents"])
        )
        for day in sorted(per_day)
    ]


@figure_cached
def code_member_list(*, viewer: privacy.Viewer, as_of: date, group: Group | None = None) -> list[dict] | None:
    """Per member code-active up to `as_of`: what the viewer may see of them, sessions in the last 7
    and 30 days and all time, lines added all time and the last code-active date; sorted by what
    identifies them. None when the viewer may not see people or the group is hidden."""
    fields = viewer.member_fields()
    if not fields or not code_shown(as_of=as_of, group=group):
        return None
    rows = _days(as_of=as_of, group=group)
    last_active = dict(_code_active(rows).values("member").annotate(last=Max("date")).order_by().values_list("member", "last"))
    figures = (
        rows.filter(member__in=list(last_active))
        .values("member")
        .annotate(
            sessions_7d=Coalesce(Sum("sessions", filter=Q(date__gte=as_of - timedelta(days=6))), 0),
            sessions_30d=Coalesce(Sum("sessions", filter=Q(date__gte=as_of - timedelta(days=29))), 0),
            sessions_all_time=Sum("sessions"),
            lines_added_all_time=Sum("lines_added"),
        )
    )
    people = {m["pk"]: m for m in Member.objects.filter(pk__in=list(last_active)).values("pk", *fields)}
    result = [
        {
            **{f: people[row["member"]][f] for f in fields},
            **{k: v for k, v in row.items() if k != "member"},
            "last_active": last_active[row["member"]],
        }
        for row in figures.order_by()
    ]
    return sorted(result, key=lambda row: row.get("email") or row.get("pseudonym") or "")


@figure_cached
def api_key_totals_get(*, as_of: date) -> ApiKeyTotals:
    """Sums over API-key actors (usage report) up to `as_of`. API keys are not people."""
    sums = CodeUsage.objects.filter(member__isnull=True, date__lte=as_of).aggregate(
        sessions=Coalesce(Sum("sessions"), 0), lines_added=Coalesce(Sum("lines_added"), 0), cents=Sum("cost_cents")
    )
    return ApiKeyTotals(sessions=sums["sessions"], lines_added=sums["lines_added"], cost_usd=_dollars(sums["cents"]))


# --- per ISO week, for the Rollout page and the report (usage.selectors.rollout merges these) ------

PLUGIN_EVENTS = ("plugin_installed", "plugin_loaded")


@dataclass(frozen=True)
class CodeWeek:
    code_active_users: int
    any_active_users: int  # active in the audit log or code-active
    sessions: int
    plugin_users: int  # code-active members with a plugin_installed or plugin_loaded event in the week (UTC)
    support_tickets: int  # tagged tickets created in the week (reporting timezone)


@figure_cached
def code_first_day_get(*, as_of: date, timezone: str) -> date | None:
    """The first date with Claude Code data of any kind (members' or API keys' records, events,
    tagged tickets in the reporting timezone) up to `as_of`."""
    firsts = [
        CodeDay.objects.filter(date__lte=as_of).aggregate(first=Min("date"))["first"],
        CodeUsage.objects.filter(member__isnull=True, date__lte=as_of).aggregate(first=Min("date"))["first"],
        OtelEvent.objects.filter(date__lte=as_of).aggregate(first=Min("date"))["first"],
    ]
    ticket = Ticket.objects.aggregate(first=Min("created_at"))["first"]
    if ticket is not None and ticket.astimezone(ZoneInfo(timezone)).date() <= as_of:
        firsts.append(ticket.astimezone(ZoneInfo(timezone)).date())
    return min((day for day in firsts if day is not None), default=None)


def _code_week_from_days(*, start: date, end: date, timezone: str, members: QuerySet | None) -> CodeWeek:
    """One week's figures (start to end) from the member-days, for a week the weekly rollups do not
    cover as asked (the as-of week, cut at as-of); tickets are counted by the caller."""

    def narrowed(rows: QuerySet) -> QuerySet:
        return rows if members is None else rows.filter(member__in=members.values("pk"))

    days = narrowed(CodeDay.objects.filter(date__gte=start, date__lte=end))
    active = _code_active(days)
    code_active = set(active.values_list("member", flat=True).distinct().order_by())
    sessions = days.aggregate(n=Coalesce(Sum("sessions"), 0))["n"]
    chat = narrowed(DailyActivity.objects.filter(timezone=timezone, member__isnull=False, day__gte=start, day__lte=end))
    any_active = code_active | set(chat.values_list("member", flat=True).distinct().order_by())
    events = narrowed(OtelEvent.objects.filter(name__in=PLUGIN_EVENTS, member__in=list(code_active), date__gte=start, date__lte=end))
    plugin_users = events.values("member").distinct().count() if code_active else 0
    return CodeWeek(len(code_active), len(any_active), sessions, plugin_users, 0)


@figure_cached
def code_weeks_get(*, starts: list[date], as_of: date, timezone: str, members: QuerySet | None) -> list[CodeWeek]:
    """Claude Code figures for each ISO week beginning at `starts` (ascending, consecutive), cut at
    `as_of`, for `members` (None: everyone). Unsuppressed: the caller applies the group rule.

    Whole weeks up to as-of come from the weekly rollups (usage.models.WeeklyTotal for everyone,
    WeeklyActivity grouped for a group); the as-of week, when cut, from the member-days."""
    if not starts:
        return []
    first, count = starts[0], len(starts)
    whole = [start for start in starts if start + timedelta(days=6) <= as_of]
    per_week: dict[date, CodeWeek] = {}
    if whole and members is None:
        for row in WeeklyTotal.objects.filter(timezone=timezone, week__gte=whole[0], week__lte=whole[-1]).values(
            "week", "code_active_users", "any_active_users", "code_sessions", "plugin_users"
        ):
            per_week[row["week"]] = CodeWeek(row["code_active_users"], row["any_active_users"], row["code_sessions"], row["plugin_users"], 0)
    elif whole:
        code_active = Q(code_days__gt=0)
        rows = (
            WeeklyActivity.objects.filter(timezone=timezone, week__gte=whole[0], week__lte=whole[-1], member__in=members.values("pk"))
            .values("week")
            .annotate(
                code_active_users=Count("pk", filter=code_active),
                any_active_users=Count("pk", filter=code_active | Q(events__gt=0)),
                sessions=Coalesce(Sum("code_sessions"), 0),
                plugin_users=Count("pk", filter=code_active & Q(plugin_events__gt=0)),
            )
            .order_by()
        )
        for row in rows:
            per_week[row["week"]] = CodeWeek(row["code_active_users"], row["any_active_users"], row["sessions"], row["plugin_users"], 0)
    if starts[-1] + timedelta(days=6) > as_of and starts[-1] <= as_of:
        per_week[starts[-1]] = _code_week_from_days(start=starts[-1], end=as_of, timezone=timezone, members=members)
    tickets = [0] * count
    zone = ZoneInfo(timezone)
    narrowed = Ticket.objects.all() if members is None else Ticket.objects.filter(member__in=members.values("pk"))
    for created in narrowed.values_list("created_at", flat=True):
        day = created.astimezone(zone).date()
        if first <= day <= as_of:
            tickets[(day - first).days // 7] += 1
    empty = CodeWeek(0, 0, 0, 0, 0)
    return [replace(per_week.get(start, empty), support_tickets=tickets[i]) for i, start in enumerate(starts)]


@dataclass(frozen=True)
class CodeTeamWeek:
    code_active_users: int
    sessions: int
    plugin_users: int
    support_tickets: int


@figure_cached
def code_team_weeks_get(*, start: date, as_of: date, timezone: str) -> dict[str, CodeTeamWeek]:
    """Per roster team, the Claude Code figures of the ISO week from `start` (cut at `as_of`), as in
    code_weeks_get with the team as the group, in grouped queries for every team. Unsuppressed: the
    caller hides teams (usage.selectors.rollout.team_rows_list)."""
    end = min(start + timedelta(days=6), as_of)
    roster = Member.objects.on_roster().filter(team__isnull=False)
    teams = set(roster.values_list("team__name", flat=True).distinct().order_by())
    on_team = {"member__on_roster": True, "member__team__isnull": False}
    if end == start + timedelta(days=6):  # a whole week: the weekly rollups
        code_active = Q(code_days__gt=0)
        figures = {
            row["member__team__name"]: row
            for row in WeeklyActivity.objects.filter(timezone=timezone, week=start, **on_team)
            .values("member__team__name")
            .annotate(
                active=Count("pk", filter=code_active),
                sessions=Coalesce(Sum("code_sessions"), 0),
                plugins=Count("pk", filter=code_active & Q(plugin_events__gt=0)),
            )
            .order_by()
        }
    else:  # the as-of week, cut: the member-days
        days = CodeDay.objects.filter(date__gte=start, date__lte=end, **on_team)
        sessions = dict(days.values("member__team__name").annotate(n=Coalesce(Sum("sessions"), 0)).order_by().values_list("member__team__name", "n"))
        active = _code_active(days)
        plugin_members = OtelEvent.objects.filter(
            name__in=PLUGIN_EVENTS, date__gte=start, date__lte=end, member__in=active.values("member")
        ).values("member")
        figures = {
            row["member__team__name"]: {**row, "sessions": sessions.get(row["member__team__name"], 0)}
            for row in active.values("member__team__name")
            .annotate(
                active=Count("member", distinct=True),
                plugins=Count("member", distinct=True, filter=Q(member__in=plugin_members)),
            )
            .order_by()
        }
    tickets: dict[str, int] = {}
    zone = ZoneInfo(timezone)
    for team, created in Ticket.objects.filter(**on_team).values_list("member__team__name", "created_at").order_by():
        if start <= created.astimezone(zone).date() <= end:
            tickets[team] = tickets.get(team, 0) + 1
    return {
        team: CodeTeamWeek(
            figures.get(team, {}).get("active", 0), figures.get(team, {}).get("sessions", 0), figures.get(team, {}).get("plugins", 0), tickets.get(team, 0)
        )
        for team in teams
    }


def _breakdown(rows: list[BreakdownRow], *, people: dict[str, set[int]], key=lambda row: row.members) -> Breakdown:
    """Rows behind k or more members, largest first. The rows left out must together be behind k or
    more distinct members (or none), since what they add up to may be read off a total shown
    elsewhere (the cards, the Rollout page): while they are not, the smallest shown row joins them."""
    k = privacy.min_group_size()
    shown = sorted((row for row in rows if row.members >= k), key=lambda row: (row.members, row.name))
    hidden = [row for row in rows if row.members < k]

    def hidden_people() -> int:
        return len(set().union(*(people.get(row.name, set()) for row in hidden))) if hidden else 0

    while hidden and shown and 0 < hidden_people() < k:
        hidden.append(shown.pop(0))
    return Breakdown(rows=sorted(shown, key=lambda row: (-(key(row) or 0), row.name)), hidden=len(hidden))


def _people(pairs: QuerySet, field: str) -> dict[str, set[int]]:
    people: dict[str, set[int]] = {}
    for name, member in pairs.values_list(field, "member").distinct().order_by():
        people.setdefault(name, set()).add(member)
    return people


def _in_group(rows: QuerySet, group: Group | None) -> QuerySet:
    return rows if group is None else rows.filter(member__in=group_members(group=group).values("pk"))


@figure_cached
def code_terminal_list(*, as_of: date, group: Group | None = None) -> Breakdown | None:
    """Per terminal type up to `as_of`: distinct members with a record, sessions and lines added.
    None when the group's Claude Code figures are hidden."""
    if not code_shown(as_of=as_of, group=group):
        return None
    per_terminal = (
        _days(as_of=as_of, group=group)
        .values("terminal")
        .annotate(
            people=Count("member", distinct=True),
            total_sessions=Coalesce(Sum("sessions"), 0),
            total_lines=Coalesce(Sum("lines_added"), 0),
        )
        .order_by()
    )
    rows = [
        BreakdownRow(name=row["terminal"], members=row["people"], sessions=row["total_sessions"], lines_added=row["total_lines"])
        for row in per_terminal
    ]
    return _breakdown(rows, people=_people(_days(as_of=as_of, group=group), "terminal"), key=lambda row: row.sessions)


@figure_cached
def code_model_list(*, as_of: date, group: Group | None = None) -> Breakdown | None:
    """Per model up to `as_of`: distinct members, tokens of every kind and estimated cost. None
    when the group's Claude Code figures are hidden."""
    if not code_shown(as_of=as_of, group=group):
        return None
    tokens = F("input_tokens") + F("output_tokens") + F("cache_read_tokens") + F("cache_creation_tokens")
    models = _in_group(CodeDayModel.objects.filter(date__lte=as_of), group)
    per_model = (
        models.values("model")
        .annotate(people=Count("member", distinct=True), total_tokens=Coalesce(Sum(tokens), 0), cents=Sum("cost_cents"))
        .order_by()
    )
    rows = [
        BreakdownRow(name=row["model"], members=row["people"], tokens=row["total_tokens"], cost_usd=_dollars(row["cents"]))
        for row in per_model
    ]
    return _breakdown(rows, people=_people(models, "model"), key=lambda row: row.tokens)


SKILL_EVENTS = ("skill_activated",)


def _event_members(*, names: tuple[str, ...], field: str, as_of: date, group: Group | None) -> Breakdown | None:
    if not code_shown(as_of=as_of, group=group):
        return None
    events = _in_group(
        OtelEvent.objects.filter(name__in=names, date__lte=as_of, member__isnull=False).exclude(**{field: ""}), group
    )
    per_name = events.values(field).annotate(people=Count("member", distinct=True)).order_by()
    return _breakdown([BreakdownRow(name=row[field], members=row["people"]) for row in per_name], people=_people(events, field))


@figure_cached
def plugin_adoption_list(*, as_of: date, group: Group | None = None) -> Breakdown | None:
    """Distinct members (of the group) per plugin with a plugin_installed or plugin_loaded event up
    to `as_of`; plugins behind fewer than k members are only counted. None when hidden."""
    return _event_members(names=PLUGIN_EVENTS, field="plugin", as_of=as_of, group=group)


@figure_cached
def skill_usage_list(*, as_of: date, group: Group | None = None) -> Breakdown | None:
    """Distinct members (of the group) per skill with a skill_activated event up to `as_of`; skills
    behind fewer than k members are only counted. None when hidden."""
    return _event_members(names=SKILL_EVENTS, field="skill", as_of=as_of, group=group)


@dataclass(frozen=True)
class CodeCards:
    """The Claude Code tab's cards; every figure None when the group's figures are hidden."""

    active_users_7d: int | None
    active_users_30d: int | None
    sessions_per_active_user_30d: float | None
    lines_added: int | None
    acceptance_rate: float | None
    pull_requests: int | None
    commits: int | None
    cost_usd: float | None
    suppressed: bool = False


CARD_DEFINITIONS = {
    "active_users_7d": "Members code-active on at least one of the 7 UTC dates ending on the as-of day.",
    "active_users_30d": "Members code-active on at least one of the 30 UTC dates ending on the as-of day.",
    "sessions_per_active_user_30d": "Sessions on the 30 UTC dates ending on the as-of day / members code-active on them.",
    "lines_added": "Lines of code added with Claude Code, every UTC date up to the as-of day.",
    "acceptance_rate": DEFINITIONS["acceptance_rate"],
    "pull_requests": "Pull requests created with Claude Code, every UTC date up to the as-of day.",
    "commits": "Commits created with Claude Code, every UTC date up to the as-of day.",
    "cost_usd": DEFINITIONS["cost_usd"] + " Every UTC date up to the as-of day; API keys not included.",
}


@figure_cached
def code_cards_get(*, as_of: date, group: Group | None = None) -> CodeCards:
    totals = code_totals_get(as_of=as_of, group=group)
    if totals.suppressed:
        return CodeCards(*([None] * 8), suppressed=True)
    since_30 = as_of - timedelta(days=29)
    active_30 = code_active_users_count(as_of=as_of, group=group, since=since_30)
    sessions_30 = _days(as_of=as_of, group=group).filter(date__gte=since_30).aggregate(n=Coalesce(Sum("sessions"), 0))["n"]
    return CodeCards(
        active_users_7d=code_active_users_count(as_of=as_of, group=group, since=as_of - timedelta(days=6)),
        active_users_30d=active_30,
        sessions_per_active_user_30d=round(sessions_30 / active_30, 1) if active_30 else None,
        lines_added=totals.lines_added,
        acceptance_rate=totals.acceptance_rate,
        pull_requests=totals.pull_requests,
        commits=totals.commits,
        cost_usd=totals.cost_usd,
    )


@figure_cached
def ticket_daily_list(*, as_of: date, timezone: str, group: Group | None = None) -> DailySeries:
    """Tagged support tickets created per day (in the reporting timezone), from the first ticket's day
    to `as_of`, zero-filled; the group's members' tickets only when a group is chosen. Values None when
    the group's Claude Code figures are hidden."""
    zone = ZoneInfo(timezone)
    first = Ticket.objects.aggregate(first=Min("created_at"))["first"]  # everyone's: a group's chart spans the same days
    if first is None or first.astimezone(zone).date() > as_of:
        return DailySeries(points=[])
    per_day: dict[date, int] = {}
    for created in _in_group(Ticket.objects.all(), group).values_list("created_at", flat=True).order_by():
        day = created.astimezone(zone).date()
        if day <= as_of:
            per_day[day] = per_day.get(day, 0) + 1
    start = first.astimezone(zone).date()
    days = [start + timedelta(days=n) for n in range((as_of - start).days + 1)]
    if not code_shown(as_of=as_of, group=group):
        return DailySeries(points=[(day, None) for day in days], suppressed=True)
    return DailySeries(points=[(day, per_day.get(day, 0)) for day in days])


@figure_cached
def code_data_present(*, as_of: date) -> bool:
    """Whether any Claude Code record (of members, API keys or OpenTelemetry events) is dated up to `as_of`."""
    return (
        CodeDay.objects.filter(date__lte=as_of).exists()
        or CodeUsage.objects.filter(date__lte=as_of).exists()
        or OtelEvent.objects.filter(date__lte=as_of).exists()
    )


@figure_cached
def code_card_trends_get(*, as_of: date, group: Group | None = None) -> dict:
    """The Claude Code cards' change against the window before theirs (totals: since 7 days
    before), with the code-active users of the last 30 UTC dates as the active-user cards'
    sparkline (usage.selectors.activity.Trend)."""
    from usage.selectors.activity import trend_of

    now = code_cards_get(as_of=as_of, group=group)
    week, month = (code_cards_get(as_of=as_of - timedelta(days=n), group=group) for n in (7, 30))
    days = {day.date: day.active_users for day in code_daily_list(as_of=as_of, group=group)}
    hidden = now.suppressed
    series = DailySeries(
        points=[(day, None if hidden else days.get(day, 0)) for day in (as_of - timedelta(days=n) for n in range(29, -1, -1))]
    )
    return {
        "active_users_7d": trend_of(now.active_users_7d, week.active_users_7d, period="vs the 7 days before", series=series),
        "active_users_30d": trend_of(now.active_users_30d, month.active_users_30d, period="vs the 30 days before", series=series),
        "sessions_per_active_user_30d": trend_of(
            now.sessions_per_active_user_30d, month.sessions_per_active_user_30d, period="vs the 30 days before"
        ),
        "acceptance_rate": trend_of(now.acceptance_rate, week.acceptance_rate, period="since 7 days before", places=2),
        **{
            key: trend_of(getattr(now, key), getattr(week, key), period="since 7 days before")
            for key in ("lines_added", "pull_requests", "commits", "cost_usd")
        },
    }
