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
from usage.selectors import activity

VIEWS = ("overview", "conversations")
LEADERBOARD_SIZE = 10  # as on the conversations page
DEFAULT_SORT = "-conversations_all_time"  # the member table's default order
SORTABLE = ("pseudonym", "conversations_7d", "conversations_30d", "conversations_all_time", "latest_event_at")
SORTABLE_NAMED = (*SORTABLE, "name", "email")


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
    """What an export of `view` shows about people: only the conversations view has per-member rows."""
    return viewer.scope if view == "conversations" else min(viewer.scope, Scope.AGGREGATE, key=SCOPE_ORDER.index)




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
