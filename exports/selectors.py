"""What a dashboard export holds: the tables of one dashboard view (overview, conversations,
rollout, Claude Code), each a tidy table (a header, then one row per observation).

Every figure comes from usage.selectors (activity, rollout, claude_code), asked with the export's
stored scope (Viewer(scope=...)), so the privacy rules (minimum group size, pseudonyms, names) are
the dashboard's own. A suppressed figure is the marker text, never 0 or blank; a figure that does
not apply (a utilisation without seats) is an empty cell. Counts are numbers, shares
portal.spreadsheets.Share, days dates and moments naive datetimes in the reporting timezone, so a
workbook gets real cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F

from exports.models import Export
from people.groups import Group
from people.models import Member
from people.selectors import roster_counts_get
from portal import privacy
from portal.models import SCOPE_ORDER, Scope
from portal.spreadsheets import Share
from usage.selectors import activity, claude_code, rollout

VIEWS = ("overview", "conversations", "rollout", "claude-code")
PEOPLE_VIEWS = ("conversations", "rollout", "claude-code")  # the views with per-member rows
SORTED_VIEWS = PEOPLE_VIEWS  # the views whose export follows a table's ?sort= (the Rollout page's team_sort)
# An export is "small", built in the request and downloaded at once, when the people it could
# hold rows about (everyone known, or the chosen group's members) are at most this many: such a
# file builds in about a second. A file without per-member rows is always small (one row per
# day or week at most). Larger ones are built by the Celery task, with a page to follow them.
SMALL_EXPORT_PEOPLE = 2000
LEADERBOARD_SIZE = 10  # as on the conversations page
DEFAULT_SORT = "-conversations_all_time"  # the member table's default order
SORTABLE = ("pseudonym", "conversations_7d", "conversations_30d", "conversations_all_time", "latest_event_at")
SORTABLE_NAMED = (*SORTABLE, "name", "email")
CODE_DEFAULT_SORT = "-sessions_all_time"  # the Claude Code member table's default order
CODE_SORTABLE = ("pseudonym", "sessions_7d", "sessions_30d", "sessions_all_time", "lines_added_all_time", "last_active")


@dataclass(frozen=True)
class ExportSection:
    title: str
    header: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class ExportContent:
    sections: list[ExportSection]
    person_rows: int = 0  # rows about one person (member table and leaderboard)
    members: list[int] = field(default_factory=list)  # ids of the members shown by name


def export_scope_get(*, view: str, viewer: privacy.Viewer) -> Scope:
    """What an export of `view` shows about people: only views with per-member rows show more than aggregates."""
    return viewer.scope if view in PEOPLE_VIEWS else min(viewer.scope, Scope.AGGREGATE, key=SCOPE_ORDER.index)




def export_is_small(*, view: str, scope: Scope, group: Group | None) -> bool:
    """Whether the export can be built in the request (see SMALL_EXPORT_PEOPLE)."""
    if scope not in (Scope.PSEUDONYMOUS, Scope.NAMED) or view not in PEOPLE_VIEWS:
        return True
    people = Member.objects.in_group(group) if group is not None else Member.objects.all()
    return people.count() <= SMALL_EXPORT_PEOPLE


def export_get_for_user(*, export_id: int, user) -> Export | None:
    """The export if `user` may see it (its creator, or a superuser), else None."""
    export = Export.objects.filter(pk=export_id).first()
    if export is None or not (user.is_superuser or (export.created_by_id is not None and export.created_by_id == user.pk)):
        return None
    return export


def export_content_get(
    *, view: str, scope: Scope, as_of: date, timezone: str, sort: str = "", group: Group | None = None, start: date | None = None
) -> ExportContent:
    """The tables of `view` as of `as_of`; the daily tables hold the days from `start` (the chosen
    range's first day; None: every day) to as-of, the other tables keep their own windows."""
    if view not in VIEWS:
        raise ValueError(f"No dashboard view {view!r} to export.")
    viewer = privacy.Viewer(scope=Scope(scope))
    marker = privacy.suppression_marker()

    def shown(value):
        return marker if value is None else value

    if view == "claude-code":
        return _claude_code(viewer=viewer, as_of=as_of, timezone=timezone, sort=sort, group=group, shown=shown, start=start)
    if view == "rollout":
        return _rollout(viewer=viewer, as_of=as_of, timezone=timezone, sort=sort, group=group, shown=shown)

    totals = activity.usage_totals_get(as_of=as_of, timezone=timezone, group=group)
    sections = [
        ExportSection(
            "Totals",
            ["Figure", "Value", "Definition"],
            [
                [label, shown(getattr(totals, key)), activity.DEFINITIONS[key]]
                for key, label in (("users", "Users"), ("conversations", "Conversations"), ("projects", "Projects"), ("files", "Files"))
            ],
        )
    ]
    if view == "overview":
        series = activity.daily_active_users_list(as_of=as_of, timezone=timezone, group=group)
        sections.append(_series_section("Daily active users", "Active users", series, shown, start=start))
        return ExportContent(sections=sections)

    windows = activity.conversation_windows_get(as_of=as_of, timezone=timezone, group=group)
    sections.append(
        ExportSection(
            "Conversations by period",
            ["Period", "Conversations", "Definition"],
            [
                [label, shown(getattr(windows, key)), activity.DEFINITIONS[key]]
                for key, label in (("last_7_days", "Last 7 days"), ("last_30_days", "Last 30 days"), ("all_time", "All time"))
            ],
        )
    )
    series = activity.daily_conversations_list(as_of=as_of, timezone=timezone, group=group)
    sections.append(_series_section("Conversations per day", "Conversations", series, shown, start=start))
    distribution = activity.conversation_distribution_get(as_of=as_of, timezone=timezone, group=group)
    sections.append(
        ExportSection(
            "Users by conversations created",
            ["Conversations", "Users, last 7 days", "Users, last 30 days", "Users, all time"],
            [
                [bucket.label, shown(bucket.last_7_days), shown(bucket.last_30_days), shown(bucket.all_time)]
                for bucket in distribution.buckets
            ],
        )
    )
    if not viewer.sees_people:
        return ExportContent(sections=sections)
    return _with_people(sections, viewer=viewer, as_of=as_of, timezone=timezone, sort=sort, marker=marker, group=group)


def _series_section(title: str, label: str, series: activity.DailySeries, shown, *, start: date | None) -> ExportSection:
    return ExportSection(title, ["Day", label], [[day, shown(value)] for day, value in series.points if start is None or day >= start])


def _with_people(
    sections, *, viewer: privacy.Viewer, as_of: date, timezone: str, sort: str, marker: str, group: Group | None
) -> ExportContent:
    zone = ZoneInfo(timezone)
    identity = ["Member", "Name", "Email"] if viewer.sees_names else ["Member"]

    def who(row: dict) -> list[str]:
        return [row["pseudonym"], row["name"], row["email"]] if viewer.sees_names else [row["pseudonym"]]

    def seen(row: dict) -> datetime | None:
        return row["latest_event_at"].astimezone(zone).replace(tzinfo=None) if row["latest_event_at"] else None

    leaderboard = activity.member_leaderboard_list(
        viewer=viewer, as_of=as_of, timezone=timezone, limit=LEADERBOARD_SIZE, group=group
    )
    people = activity.member_activity_list(viewer=viewer, as_of=as_of, timezone=timezone, group=group)
    leaders = list(leaderboard.rows)
    members = list(_ordered(people.rows, sort=sort, named=viewer.sees_names))
    who_is_hidden = f"the {group}" if group else "the organisation"
    hidden = [[f"Hidden: {who_is_hidden} has {marker} up to this day (minimum group size)."]]
    sections.append(
        ExportSection(
            "Top members",
            ["Rank", *identity, "Conversations, all time", f"Last seen ({timezone})"],
            hidden
            if leaderboard.suppressed
            else [[rank, *who(row), row["conversations_all_time"], seen(row)] for rank, row in enumerate(leaders, 1)],
        )
    )
    sections.append(
        ExportSection(
            "Conversations per member",
            [*identity, "Last 7 days", "Last 30 days", "All time", f"Last seen ({timezone})"],
            hidden
            if people.suppressed
            else [
                [*who(row), row["conversations_7d"], row["conversations_30d"], row["conversations_all_time"], seen(row)]
                for row in members
            ],
        )
    )
    named = sorted({row["id"] for row in [*leaders, *members]}) if viewer.sees_names else []
    return ExportContent(sections=sections, person_rows=len(leaders) + len(members), members=named)


def _ordered(rows, *, sort: str, named: bool):
    """The member rows in the table's order (?sort=, as on the page), every row, not one page."""
    allowed = SORTABLE_NAMED if named else SORTABLE
    column = sort.removeprefix("-")
    if column not in allowed:
        sort, column = DEFAULT_SORT, DEFAULT_SORT.removeprefix("-")
    key = F(column).desc() if sort.startswith("-") else F(column).asc()
    return rows.order_by(key, "email" if named else "pseudonym")


def _claude_code(
    *, viewer: privacy.Viewer, as_of: date, timezone: str, sort: str, group: Group | None, shown, start: date | None
) -> ExportContent:
    """The Claude Code tab: cards, per UTC date and per ISO week, the breakdowns, tickets, API keys
    (the organisation's view only, as on the tab) and, for individual-detail viewers, per member."""
    definitions = {**claude_code.DEFINITIONS, **claude_code.CARD_DEFINITIONS}
    cards = claude_code.code_cards_get(as_of=as_of, group=group)
    card_labels = (
        ("active_users_7d", "Code-active users, last 7 days"),
        ("active_users_30d", "Code-active users, last 30 days"),
        ("sessions_per_active_user_30d", "Sessions per active user, 30 days"),
        ("lines_added", "Lines added"),
        ("acceptance_rate", "Acceptance rate"),
        ("pull_requests", "Pull requests"),
        ("commits", "Commits"),
        ("cost_usd", "Estimated cost (USD)"),
    )
    sections = [
        ExportSection(
            "Claude Code totals",
            ["Figure", "Value", "Definition"],
            [[label, shown(getattr(cards, key)), definitions[key]] for key, label in card_labels],
        )
    ]
    days = claude_code.code_daily_list(as_of=as_of, group=group)
    sections.append(
        ExportSection(
            "Claude Code per UTC date",
            ["UTC date", "Code-active users", "Sessions", "Lines added", "Estimated cost (USD)"],
            [
                [d.date, shown(d.active_users), shown(d.sessions), shown(d.lines_added), shown(d.cost_usd)]
                for d in days
                if start is None or d.date >= start
            ],
        )
    )
    hidden_weeks = not claude_code.code_shown(as_of=as_of, group=group)
    weeks = rollout.weekly_figures_list(as_of=as_of, timezone=timezone, group=group)
    sections.append(
        ExportSection(
            "Claude Code per ISO week",
            ["Week", "Monday", "Code-active users", "Sessions", "Plugin users", "Support tickets"],
            [
                [w.week, w.start, *(shown(None if hidden_weeks else getattr(w, key)) for key in ("code_active_users", "sessions", "plugin_users", "support_tickets"))]
                for w in weeks
            ],
        )
    )
    breakdowns = (
        ("By terminal", "Terminal", claude_code.code_terminal_list, (("Sessions", "sessions"), ("Lines added", "lines_added"))),
        ("By model", "Model", claude_code.code_model_list, (("Tokens", "tokens"), ("Estimated cost (USD)", "cost_usd"))),
        ("Plugin adoption", "Plugin", claude_code.plugin_adoption_list, ()),
        ("Skills used", "Skill", claude_code.skill_usage_list, ()),
    )
    for title, heading, breakdown_get, columns in breakdowns:
        breakdown = breakdown_get(as_of=as_of, group=group)
        header = [heading, "Members", *(label for label, _ in columns)]
        if breakdown is None:
            rows = [[shown(None)]]
        else:
            rows = [[row.name or "(not given)", row.members, *(getattr(row, key) for _, key in columns)] for row in breakdown.rows]
            if breakdown.hidden:
                rows.append([f"{breakdown.hidden} more, each behind fewer than {privacy.min_group_size()} members (not shown)"])
        sections.append(ExportSection(title, header, rows))
    tickets = claude_code.ticket_daily_list(as_of=as_of, timezone=timezone, group=group)
    sections.append(_series_section("Support tickets per day", "Support tickets", tickets, shown, start=start))
    if group is None:
        keys = claude_code.api_key_totals_get(as_of=as_of)
        sections.append(
            ExportSection("API keys", ["Sessions", "Lines added", "Estimated cost (USD)"], [[keys.sessions, keys.lines_added, keys.cost_usd]])
        )
    if not viewer.sees_people:
        return ExportContent(sections=sections)
    members = claude_code.code_member_list(viewer=viewer, as_of=as_of, group=group)
    identity = ["Member", "Name", "Email"] if viewer.sees_names else ["Member"]
    if members is None:
        rows = [[f"Hidden: {f'the {group}' if group else 'the organisation'} has {privacy.suppression_marker()} up to this day (minimum group size)."]]
        members = []
    else:
        members = _code_ordered(members, sort=sort, named=viewer.sees_names)
        rows = [
            [
                *([m["pseudonym"], m["name"], m["email"]] if viewer.sees_names else [m["pseudonym"]]),
                m["sessions_7d"], m["sessions_30d"], m["sessions_all_time"], m["lines_added_all_time"], m["last_active"],
            ]
            for m in members
        ]
    sections.append(
        ExportSection(
            "Claude Code per member",
            [*identity, "Sessions, 7 days", "Sessions, 30 days", "Sessions, all time", "Lines added", "Last code-active (UTC)"],
            rows,
        )
    )
    named = sorted(m["id"] for m in members) if viewer.sees_names else []
    return ExportContent(sections=sections, person_rows=len(members), members=named)


def _code_ordered(rows: list[dict], *, sort: str, named: bool) -> list[dict]:
    """The Claude Code member rows in the table's order (?sort=), every row."""
    allowed = (*CODE_SORTABLE, "name", "email") if named else CODE_SORTABLE
    column = sort.removeprefix("-")
    if column not in allowed:
        sort, column = CODE_DEFAULT_SORT, CODE_DEFAULT_SORT.removeprefix("-")
    tie = "email" if named else "pseudonym"
    ordered = sorted(rows, key=lambda row: row[tie] or "")
    return sorted(ordered, key=lambda row: row[column], reverse=sort.startswith("-"))


def _rollout(*, viewer: privacy.Viewer, as_of: date, timezone: str, sort: str, group: Group | None, shown) -> ExportContent:
    """The Rollout tab as its page (usage.views.dashboard_rollout) shows it to this viewer: the
    active-user cards, the KPIs this week against last week and the baseline, every week's
    figures (the weekly chart), adoption and lifecycle per week, the by-team table (in the page's
    order; hidden teams as the marker), the enablement gaps and, for individual-detail viewers,
    the seat holders never active (pseudonyms; names only under a reveal). As on the page, the
    teams, gaps and seat holders are the organisation's whatever group is chosen."""
    definitions = rollout.DEFINITIONS
    marker = privacy.suppression_marker()

    def figure(value, *, hidden: bool, share: bool = False):
        """A figure as the file holds it: the marker when hidden, empty when it does not apply."""
        if hidden:
            return marker
        if value is None:
            return None
        return Share(value) if share else value

    rolling = rollout.rolling_activity_get(as_of=as_of, timezone=timezone, group=group)
    sections = [
        ExportSection(
            "Active users",
            ["Figure", "Value", "Definition"],
            [
                *(
                    [label, figure(getattr(rolling, key), hidden=rolling.suppressed, share=share), definitions[definition]]
                    for key, label, definition, share in (
                        ("daily_active_users", "Daily active users", "daily_active_users", False),
                        ("weekly_active_users", "Weekly active users", "weekly_active_users", False),
                        ("monthly_active_users", "Monthly active users", "monthly_active_users", False),
                        ("seats", "Seats", "seats_today", False),
                        ("utilisation_last_7_days", "Utilisation, last 7 days", "utilisation_last_7_days", True),
                        ("stickiness", "Stickiness", "stickiness", True),
                    )
                ),
            ],
        )
    ]
    weeks = rollout.weekly_figures_list(as_of=as_of, timezone=timezone, group=group)
    comparison = rollout.week_comparison_get(as_of=as_of, timezone=timezone, group=group)  # as the page compares
    this_week, last_week, baseline, comparisons = comparison.this_week, comparison.last_week, comparison.baseline, comparison.comparisons
    shares = {"utilisation", "plugin_adoption"}

    def week_name(week, label: str) -> str:
        if week is None:
            return label
        return f"{label} ({week.week}{', ' + comparison.weekdays if comparison.to_date else ''})"

    def change(difference, key: str, *, hidden: bool):
        return figure(difference, hidden=hidden, share=key in shares)

    kpi_rows = []
    for row in comparisons:
        hidden = bool(this_week and this_week.suppressed)
        (vs_last, vs_last_pct), (vs_base, vs_base_pct) = row.versus_last_week, row.versus_baseline
        kpi_rows.append(
            [
                row.label,
                change(row.this_week, row.key, hidden=hidden),
                change(row.last_week, row.key, hidden=hidden),
                change(vs_last, row.key, hidden=hidden),
                figure(vs_last_pct, hidden=hidden),
                change(row.baseline, row.key, hidden=bool(baseline and baseline.figures.suppressed)),
                change(vs_base, row.key, hidden=hidden or bool(baseline and baseline.figures.suppressed)),
                figure(vs_base_pct, hidden=hidden or bool(baseline and baseline.figures.suppressed)),
                row.definition,
            ]
        )
    sections.append(
        ExportSection(
            "KPIs vs last week and baseline",
            [
                "KPI",
                week_name(this_week, "This week"),
                week_name(last_week, "Last week"),
                "Change against last week",
                "Change against last week (%)",
                f"{week_name(baseline.figures, 'Baseline')}: {baseline.label}" if baseline else "Baseline (none pinned)",
                "Change against baseline",
                "Change against baseline (%)",
                "Definition",
            ],
            kpi_rows,
        )
    )
    week_columns = (
        ("active_users", "Active users", False),
        ("seats", "Seats", False),
        ("utilisation", "Utilisation", True),
        ("conversations", "Conversations", False),
        ("conversations_per_active_user", "Conversations per active user", False),
        ("code_active_users", "Claude Code active users (UTC dates)", False),
        ("sessions", "Claude Code sessions", False),
        ("plugin_adoption", "Plugin adoption", True),
        ("support_tickets", "Support tickets", False),
    )
    # As the weekly charts do: Claude Code series only when Claude Code figures may be shown.
    code_hidden = not claude_code.code_shown(as_of=as_of, group=group)
    code_keys = {"code_active_users", "sessions", "plugin_adoption", "support_tickets"}
    sections.append(
        ExportSection(
            "Figures per ISO week",
            ["Week", "Monday", "Partial", *(label for _, label, _ in week_columns)],
            [
                [
                    w.week, w.start, "yes" if w.partial else "no",
                    *(
                        figure(getattr(w, key), hidden=w.suppressed or (code_hidden and key in code_keys), share=share)
                        for key, _, share in week_columns
                    ),
                ]
                for w in weeks
            ],
        )
    )
    details = rollout.week_details_list(as_of=as_of, timezone=timezone, group=group)
    sections.append(
        ExportSection(
            "Adoption and lifecycle per week",
            ["Week", "Monday", "Partial", "Active users", "Created a project", "Uploaded a file", "New", "Returning", "Resurrected", "Dormant"],
            [
                [
                    d.week, d.start, "yes" if d.partial else "no",
                    *(
                        figure(getattr(d, key), hidden=d.active_users is None, share=key.endswith("_adoption"))
                        for key in ("active_users", "project_adoption", "file_adoption", "new", "returning", "resurrected", "dormant")
                    ),
                ]
                for d in details
            ],
        )
    )
    on_roster, not_on_roster = roster_counts_get()
    sections.append(
        ExportSection(
            "Roster",
            ["Figure", "Value"],
            [["People on the roster", on_roster], ["People seen in the logs, not on the roster", not_on_roster]],
        )
    )
    team_sort = sort or "team"
    teams = rollout.team_rows_sort(rollout.team_rows_list(as_of=as_of, timezone=timezone), sort=team_sort)
    team_columns = (
        ("weekly_active_users", "Active users", False),
        ("utilisation", "Utilisation", True),
        ("conversations_per_active_user", "Conversations per active user", False),
        ("change_vs_last_week", "Active users against last week", False),
        ("change_vs_baseline", "Active users against baseline", False),
        ("code_active_users", "Claude Code users", False),
        ("sessions_per_code_active_user", "Sessions per Claude Code user", False),
        ("plugin_adoption", "Plugin adoption", True),
        ("tickets_per_100_code_active_users", "Support tickets per 100 Claude Code users", False),
    )
    current = rollout.week_label(rollout.week_start(as_of))
    sections.append(
        ExportSection(
            "By team",
            ["Team", "Week", "Members", *(label for _, label, _ in team_columns)],
            [
                [t.team, current, t.members, *(figure(getattr(t, key), hidden=t.suppressed, share=share) for key, _, share in team_columns)]
                for t in teams
            ],
        )
    )
    gaps = rollout.enablement_gaps_list(as_of=as_of, timezone=timezone, drop_percent=settings.ROLLOUT_DROP_ALERT_PERCENT)
    sections.append(
        ExportSection(
            "Enablement gaps",
            ["Team", "Reason", "Active in the 7 days before", "Active in the last 7 days"],
            [[gap.team, gap.reason, gap.active_7_days_before, gap.active_last_7_days] for gap in gaps],
        )
    )
    if not viewer.sees_people:
        return ExportContent(sections=sections)
    holders = rollout.seat_holders_never_active_list(viewer=viewer, as_of=as_of, timezone=timezone)
    identity = ["Member", "Name", "Email"] if viewer.sees_names else ["Member"]
    sections.append(
        ExportSection(
            "Seat holders never active",
            [*identity, "Team"],
            [
                [*([h["pseudonym"], h["name"], h["email"]] if viewer.sees_names else [h["pseudonym"]]), h["team__name"] or ""]
                for h in holders
            ],
        )
    )
    named = sorted(h["id"] for h in holders) if viewer.sees_names else []
    return ExportContent(sections=sections, person_rows=len(holders), members=named)
