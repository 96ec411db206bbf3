"""Chart data as JSON for Chart.js, built on django-chartjs's BaseLineChartView.

Each view answers {"labels", "datasets": [{"label", "data"}], "timezone", "as_of", "suppressed",
"marker", "notes", "milestones"}; the series come from usage.selectors.activity, the champion notes
and milestones dated within the chart's days from notes.selectors (drawn as markers).
When the group is smaller than the minimum group size every value is null (a gap, never a zero)
and "suppressed" is true. Colours are left to static/usage/js/charts.js, which follows
the admin's light/dark theme.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cached_property

from chartjs.views.lines import BaseLineChartView
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from audit.services import access_note
from notes.selectors import milestone_marker_list, note_marker_list
from people.groups import Group
from portal import privacy
from portal.models import Scope
from portal.roles import DASHBOARD_PERMISSION
from usage.forms import as_of_from_query, group_from_query
from usage.selectors import activity, claude_code, rollout


@method_decorator(never_cache, name="dispatch")
class UsageChartView(LoginRequiredMixin, PermissionRequiredMixin, BaseLineChartView):
    permission_required = DASHBOARD_PERMISSION
    # AccessMixin already answers 403 to a logged-in user without the permission; leaving
    # raise_exception off keeps the redirect to the login page for anonymous requests.
    raise_exception = False
    label = ""
    definition = ""

    @cached_property
    def as_of(self) -> date:
        return as_of_from_query(self.request.GET, timezone=self.timezone)[1]

    @cached_property
    def timezone(self) -> str:
        return self.request.reporting_timezone

    @cached_property
    def group(self) -> Group | None:
        return group_from_query(self.request.GET)[1]

    @cached_property
    def series(self) -> activity.DailySeries:
        raise NotImplementedError

    @property
    def suppressed(self) -> bool:
        return self.series.suppressed

    def get_labels(self) -> list[str]:
        return [day.isoformat() for day, _ in self.series.points]

    def get_providers(self) -> list[str]:
        return [self.label]

    def get_data(self) -> list[list[int | None]]:
        return [[count for _, count in self.series.points]]

    def get_dataset_options(self, index, color) -> dict:
        return {}

    def get_context_data(self, **kwargs) -> dict:
        access_note(self.request, scope=Scope.AGGREGATE)
        context = super().get_context_data(**kwargs)
        context.pop("view", None)
        context.update(
            timezone=self.timezone,
            as_of=self.as_of.isoformat(),
            definition=self.definition,
            suppressed=self.suppressed,
            marker=privacy.suppression_marker() if self.suppressed else "",
            **_markers(context["labels"]),
        )
        return context


def _markers(labels: list[str]) -> dict[str, list[dict]]:
    """Champion notes and milestones dated within a chart's days; none for charts of other labels."""
    try:
        start, end = date.fromisoformat(labels[0]), date.fromisoformat(labels[-1])
    except (IndexError, ValueError):
        return {"notes": [], "milestones": []}
    return {"notes": note_marker_list(start=start, end=end), "milestones": milestone_marker_list(start=start, end=end)}


class DailyActiveUsersChart(UsageChartView):
    label = "Daily active users"
    definition = activity.DEFINITIONS["daily_active_users"]

    @cached_property
    def series(self) -> activity.DailySeries:
        return activity.daily_active_users_list(as_of=self.as_of, timezone=self.timezone, group=self.group)


class DailyConversationsChart(UsageChartView):
    label = "Conversations"
    definition = activity.DEFINITIONS["daily_conversations"]

    @cached_property
    def series(self) -> activity.DailySeries:
        return activity.daily_conversations_list(as_of=self.as_of, timezone=self.timezone, group=self.group)


class ConversationDistributionChart(UsageChartView):
    """Users per conversations bucket, one dataset per period; drawn as bars (data-chart-type)."""

    definition = activity.DEFINITIONS["distribution"]
    periods = [("last_7_days", "Last 7 days"), ("last_30_days", "Last 30 days"), ("all_time", "All time")]

    @cached_property
    def distribution(self) -> activity.ConversationDistribution:
        return activity.conversation_distribution_get(as_of=self.as_of, timezone=self.timezone, group=self.group)

    @property
    def suppressed(self) -> bool:
        return self.distribution.suppressed

    def get_labels(self) -> list[str]:
        return [f"{bucket.label} conversations" for bucket in self.distribution.buckets]

    def get_providers(self) -> list[str]:
        return [label for _, label in self.periods]

    def get_data(self) -> list[list[int | None]]:
        return [[getattr(bucket, period) for bucket in self.distribution.buckets] for period, _ in self.periods]


class WeeklyChart(UsageChartView):
    """Active users and seats per ISO week (labels: each week's Monday) for the organisation or
    ?group=; the baseline week comes as "baseline" for shading, notes and milestones on their week."""

    definition = rollout.DEFINITIONS["week"]

    @cached_property
    def weeks(self) -> list[rollout.WeekFigures]:
        return rollout.weekly_figures_list(as_of=self.as_of, timezone=self.timezone, group=self.group)

    @property
    def suppressed(self) -> bool:
        return any(week.suppressed for week in self.weeks)

    def get_labels(self) -> list[str]:
        return [week.start.isoformat() for week in self.weeks]

    def get_providers(self) -> list[str]:
        return ["Active users", "Seats"]

    def get_data(self) -> list[list[int | None]]:
        return [[week.active_users for week in self.weeks], [week.seats for week in self.weeks]]

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        if self.weeks:
            first, last = self.weeks[0].start, self.weeks[-1].start + timedelta(days=6)
            on_week = lambda markers: [{**m, "date": rollout.week_start(date.fromisoformat(m["date"])).isoformat()} for m in markers]  # noqa: E731
            context["notes"] = on_week(note_marker_list(start=first, end=last))
            context["milestones"] = on_week(milestone_marker_list(start=first, end=last))
        baseline = rollout.baseline_get(as_of=self.as_of, timezone=self.timezone, group=self.group)
        context["baseline"] = {"start": baseline.figures.start.isoformat(), "label": baseline.label} if baseline else None
        context["partial_week"] = self.weeks[-1].start.isoformat() if self.weeks and self.weeks[-1].partial else None
        return context


class CodeDailyChart(UsageChartView):
    """One Claude Code figure per UTC date on which some member has a record (usage.selectors.claude_code)."""

    figure = ""

    @cached_property
    def days(self) -> list[claude_code.CodeDayFigures]:
        return claude_code.code_daily_list(as_of=self.as_of, group=self.group)

    @property
    def suppressed(self) -> bool:
        return not claude_code.code_shown(as_of=self.as_of, group=self.group)

    def get_labels(self) -> list[str]:
        return [day.date.isoformat() for day in self.days]

    def get_data(self) -> list[list[int | None]]:
        return [[getattr(day, self.figure) for day in self.days]]

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["timezone"] = "UTC"  # Claude Code figures are per UTC date, whatever the reporting timezone
        return context


class CodeDailyActiveUsersChart(CodeDailyChart):
    label = "Code-active users"
    figure = "active_users"
    definition = f"Members code-active on the date. {claude_code.DEFINITIONS['utc_dates']}"


class CodeDailySessionsChart(CodeDailyChart):
    label = "Sessions"
    figure = "sessions"
    definition = f"{claude_code.DEFINITIONS['sessions']} {claude_code.DEFINITIONS['utc_dates']}"


class CodeWeeklyChart(WeeklyChart):
    """One Claude Code figure per ISO week of UTC dates (usage.selectors.rollout.weekly_figures_list),
    with the Rollout chart's baseline shading and markers; hidden as the Claude Code tab is hidden."""

    figure = ""

    @property
    def suppressed(self) -> bool:
        return super().suppressed or not claude_code.code_shown(as_of=self.as_of, group=self.group)

    def get_providers(self) -> list[str]:
        return [self.label]

    def get_data(self) -> list[list[int | None]]:
        hidden = self.suppressed
        return [[None if hidden else getattr(week, self.figure) for week in self.weeks]]

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["timezone"] = "UTC"  # ISO weeks of UTC dates, as the Claude Code figures are dated
        return context


class CodeWeeklyActiveUsersChart(CodeWeeklyChart):
    label = "Code-active users"
    figure = "code_active_users"
    definition = f"{rollout.DEFINITIONS['code_active_users']} Weeks are ISO weeks of UTC dates."


class CodeWeeklySessionsChart(CodeWeeklyChart):
    label = "Sessions"
    figure = "sessions"
    definition = f"{claude_code.DEFINITIONS['sessions']} Weeks are ISO weeks of UTC dates."


class TicketDailyChart(UsageChartView):
    """Support tickets carrying the portal's ticket tag, per day in the reporting timezone, with
    notes and milestones as markers so a spike lines up with what changed."""

    label = "Support tickets"
    definition = claude_code.DEFINITIONS["tickets"]

    @cached_property
    def series(self) -> activity.DailySeries:
        return claude_code.ticket_daily_list(as_of=self.as_of, timezone=self.timezone, group=self.group)
