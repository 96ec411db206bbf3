"""What a dashboard export holds: the figures of one dashboard view, as sections of rows.

Every figure comes from usage.selectors.activity, asked with the export's stored scope
(Viewer(scope=...)), so the privacy rules (minimum group size, pseudonyms, names) are the
dashboard's own. A suppressed figure is the marker text, never 0 or blank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F

from exports.models import Export
from people.groups import Group
from portal import privacy
from portal.models import SCOPE_ORDER, Scope
from usage.selectors import activity, claude_code, rollout

VIEWS = ("overview", "conversations", "claude-code")
PEOPLE_VIEWS = ("conversations", "claude-code")  # the views with per-member rows
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




def export_get_for_user(*, export_id: int, user) -> Export | None:
    """The export if `user` may see it (its creator, or a superuser), else None."""
    export = Export.objects.filter(pk=export_id).first()
    if export is None or not (user.is_superuser or (export.created_by_id is not None and export.created_by_id == user.pk)):
        return None
    return export


def export_content_get(
    *, view: str, scope: Scope, as_of: date, timezone: str, sort: str = "", group: Group | None = None
) -> ExportContent:
    if view not in VIEWS:
        raise ValueError(f"No dashboard view {view!r} to export.")
    viewer = privacy.Viewer(scope=Scope(scope))
    marker = privacy.suppression_marker()

    def shown(value):
        return marker if value is None else value

    if view == "claude-code":
        return _claude_code(viewer=viewer, as_of=as_of, timezone=timezone, sort=sort, group=group, shown=shown)

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
        sections.append(_series_section("Daily active users", "Active users", series, shown))
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
    sections.append(_series_section("Conversations per day", "Conversations", series, shown))
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


def _series_section(title: str, label: str, series: activity.DailySeries, shown) -> ExportSection:
    return ExportSection(title, ["Day", label], [[day.isoformat(), shown(value)] for day, value in series.points])


def _with_people(
    sections, *, viewer: privacy.Viewer, as_of: date, timezone: str, sort: str, marker: str, group: Group | None
) -> ExportContent:
    zone = ZoneInfo(timezone)
    identity = ["Member", "Name", "Email"] if viewer.sees_names else ["Member"]

    def who(row: dict) -> list[str]:
        return [row["pseudonym"], row["name"], row["email"]] if viewer.sees_names else [row["pseudonym"]]

    def seen(row: dict) -> str:
        return row["latest_event_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M") if row["latest_event_at"] else ""

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
            ["Rank", *identity, "Conversations, all time", "Last seen"],
            hidden
            if leaderboard.suppressed
            else [[rank, *who(row), row["conversations_all_time"], seen(row)] for rank, row in enumerate(leaders, 1)],
        )
    )
    sections.append(
        ExportSection(
            "Conversations per member",
            [*identity, "Last 7 days", "Last 30 days", "All time", "Last seen"],
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


def _claude_code(*, viewer: privacy.Viewer, as_of: date, timezone: str, sort: str, group: Group | None, shown) -> ExportContent:
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
            [[d.date.isoformat(), shown(d.active_users), shown(d.sessions), shown(d.lines_added), shown(d.cost_usd)] for d in days],
        )
    )
    hidden_weeks = not claude_code.code_shown(as_of=as_of, group=group)
    weeks = rollout.weekly_figures_list(as_of=as_of, timezone=timezone, group=group)
    sections.append(
        ExportSection(
            "Claude Code per ISO week",
            ["Week", "Monday", "Code-active users", "Sessions", "Plugin users", "Support tickets"],
            [
                [w.week, w.start.isoformat(), *(shown(None if hidden_weeks else getattr(w, key)) for key in ("code_active_users", "sessions", "plugin_users", "support_tickets"))]
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
    sections.append(_series_section("Support tickets per day", "Support tickets", tickets, shown))
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
                m["sessions_7d"], m["sessions_30d"], m["sessions_all_time"], m["lines_added_all_time"], m["last_active"].isoformat(),
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
