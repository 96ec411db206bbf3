"""Chart data as JSON for Chart.js, built on django-chartjs's BaseLineChartView.

Each view answers {"labels", "datasets": [{"label", "data"}], "timezone", "as_of", "suppressed",
"marker", "notes", "milestones", "x_title", "y_title", "granularity", "detail_url", "detail_days",
"range", "compare_labels"};
the series come from usage.selectors, the champion notes and milestones dated within the chart's
days from notes.selectors (drawn as numbered markers and listed under the chart). "x_title" and
"y_title" name the axes with their units; "granularity" is "day" or "week" (a daily chart offers a
7-day average) or null. A daily chart draws the days of the chosen range (usage.forms.DateRange,
?range=); with ?compare=on a second dataset "Previous period" holds the period of the same length
just before, aligned day by day, its own days in "compare_labels" (same index), its values hidden by
the same rule as the page's when its as-of day was the previous period's last. A click on a point opens "detail_url" with ?as_of= the point's
"detail_days" entry (the day itself, or the last day of the week up to the as-of day).
When the group is smaller than the minimum group size every value is null (a gap, never a zero)
and "suppressed" is true. Colours are left to static/usage/js/charts.js, which follows
the admin's light/dark theme.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cached_property

from chartjs.views.lines import BaseLineChartView
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.urls import reverse
from django.utils.http import urlencode
from django.http import Http404
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from audit.services import access_note
from notes.selectors import milestone_marker_list, note_marker_list
from people.groups import Group
from portal import privacy
from portal.models import Scope
from portal.roles import DASHBOARD_PERMISSION
from usage.forms import DateRange, as_of_from_query, group_from_query, range_from_query
from usage.selectors import activity, claude_code, data_health, rollout


@method_decorator(never_cache, name="dispatch")
class UsageChartView(LoginRequiredMixin, PermissionRequiredMixin, BaseLineChartView):
    permission_required = DASHBOARD_PERMISSION
    # AccessMixin already answers 403 to a logged-in user without the permission; leaving
    # raise_exception off keeps the redirect to the login page for anonymous requests.
    raise_exception = False
    label = ""
    definition = ""
    y_title = ""
    granularity: str | None = "day"
    detail_view = ""  # the URL name of the dashboard tab that a click on a point opens
    daily = True  # a series of days (series_at), drawn over the chosen range; others override labels and data

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
    def date_range(self) -> DateRange:
        return range_from_query(self.request.GET, as_of=self.as_of)[1]

    def series_at(self, as_of: date) -> activity.DailySeries:
        """The chart's figure per day up to `as_of`, hidden as the page hides it on that as-of day."""
        raise NotImplementedError

    @cached_property
    def series(self) -> activity.DailySeries:
        return self.series_at(self.as_of)

    @cached_property
    def points(self) -> list[tuple[date, int | None]]:
        return [(day, value) for day, value in self.series.points if self.date_range.covers(day)]

    @cached_property
    def previous(self) -> tuple[list[str], list[int | None]] | None:
        """The previous period's days and values, one per drawn day (None: no comparison asked)."""
        period = self.date_range.previous
        if period is None or not self.daily:
            return None
        shift = timedelta(days=self.date_range.days)
        before = self.series_at(period.end)
        hidden = self.suppressed or before.suppressed
        values = dict(before.points)
        days = [day - shift for day, _ in self.points]
        return [day.isoformat() for day in days], [None if hidden else values.get(day) for day in days]

    @property
    def suppressed(self) -> bool:
        return self.series.suppressed

    def get_labels(self) -> list[str]:
        return [day.isoformat() for day, _ in self.points]

    def get_providers(self) -> list[str]:
        return [self.label, "Previous period"] if self.previous else [self.label]

    def get_data(self) -> list[list[int | None]]:
        current = [count for _, count in self.points]
        return [current, self.previous[1]] if self.previous else [current]

    def get_dataset_options(self, index, color) -> dict:
        return {}

    def x_title(self) -> str:
        return f"Day ({self.timezone})"

    def detail_days(self, labels: list[str]) -> list[str]:
        """The as-of day a click on each point opens: on a daily chart, that day."""
        return labels

    def detail_url(self) -> str:
        if not self.detail_view:
            return ""
        url = reverse(self.detail_view)
        return f"{url}?{urlencode({'group': self.request.GET['group']})}" if self.group else url

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
            x_title=self.x_title(),
            y_title=self.y_title,
            granularity=self.granularity,
            detail_url=self.detail_url(),
            detail_days=self.detail_days(context["labels"]) if self.detail_view else [],
            range=self.date_range.description if self.daily else "",
            compare_labels=self.previous[0] if self.previous else [],
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
    y_title = "Active users (people)"
    detail_view = "dashboard-overview"
    definition = activity.DEFINITIONS["daily_active_users"]

    def series_at(self, as_of: date) -> activity.DailySeries:
        return activity.daily_active_users_list(as_of=as_of, timezone=self.timezone, group=self.group)


class DailyConversationsChart(UsageChartView):
    label = "Conversations"
    y_title = "Conversations (count)"
    detail_view = "dashboard-conversations"
    definition = activity.DEFINITIONS["daily_conversations"]

    def series_at(self, as_of: date) -> activity.DailySeries:
        return activity.daily_conversations_list(as_of=as_of, timezone=self.timezone, group=self.group)


class ConversationDistributionChart(UsageChartView):
    """Users per conversations bucket, one dataset per period; drawn as bars (data-chart-type)."""

    definition = activity.DEFINITIONS["distribution"]
    y_title = "Users (people)"
    granularity = None
    daily = False
    periods = [("last_7_days", "Last 7 days"), ("last_30_days", "Last 30 days"), ("all_time", "All time")]

    @cached_property
    def distribution(self) -> activity.ConversationDistribution:
        return activity.conversation_distribution_get(as_of=self.as_of, timezone=self.timezone, group=self.group)

    @property
    def suppressed(self) -> bool:
        return self.distribution.suppressed

    def get_labels(self) -> list[str]:
        return [f"{bucket.label} conversations" for bucket in self.distribution.buckets]

    def x_title(self) -> str:
        return "Conversations a user created in the period"

    def get_providers(self) -> list[str]:
        return [label for _, label in self.periods]

    def get_data(self) -> list[list[int | None]]:
        return [[getattr(bucket, period) for bucket in self.distribution.buckets] for period, _ in self.periods]


class WeeklyChart(UsageChartView):
    """Active users and seats per ISO week (labels: each week's Monday) for the organisation or
    ?group=; the baseline week comes as "baseline" for shading, notes and milestones on their week."""

    definition = rollout.DEFINITIONS["week"]
    y_title = "People (active users, seats)"
    granularity = "week"
    detail_view = "dashboard-rollout"
    daily = False

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

    def x_title(self) -> str:
        return f"ISO week in {self.timezone}, by its Monday"

    def detail_days(self, labels: list[str]) -> list[str]:
        """A week opens on its Sunday, or on the as-of day while the week is still running."""
        return [min(date.fromisoformat(label) + timedelta(days=6), self.as_of).isoformat() for label in labels]

    def get_data(self) -> list[list[int | None]]:
        return [[week.active_users for week in self.weeks], [week.seats for week in self.weeks]]

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        if self.weeks:
            first, last = self.weeks[0].start, self.weeks[-1].start + timedelta(days=6)
            # Drawn on their week's Monday; "day" keeps the date for the list under the chart.
            on_week = lambda markers: [{**m, "day": m["date"], "date": rollout.week_start(date.fromisoformat(m["date"])).isoformat()} for m in markers]  # noqa: E731
            context["notes"] = on_week(note_marker_list(start=first, end=last))
            context["milestones"] = on_week(milestone_marker_list(start=first, end=last))
        baseline = rollout.baseline_get(as_of=self.as_of, timezone=self.timezone, group=self.group)
        context["baseline"] = {"start": baseline.figures.start.isoformat(), "label": baseline.label} if baseline else None
        context["partial_week"] = self.weeks[-1].start.isoformat() if self.weeks and self.weeks[-1].partial else None
        return context


class CodeDailyChart(UsageChartView):
    """One Claude Code figure per UTC date on which some member has a record (usage.selectors.claude_code)."""

    figure = ""
    detail_view = "dashboard-claude-code"

    def series_at(self, as_of: date) -> activity.DailySeries:
        """Only the dates with a record (not zero-filled, as code_daily_list gives them)."""
        days = claude_code.code_daily_list(as_of=as_of, group=self.group)
        return activity.DailySeries(
            points=[(day.date, getattr(day, self.figure)) for day in days],
            suppressed=not claude_code.code_shown(as_of=as_of, group=self.group),
        )

    def x_title(self) -> str:
        return "UTC date"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["timezone"] = "UTC"  # Claude Code figures are per UTC date, whatever the reporting timezone
        return context


class CodeDailyActiveUsersChart(CodeDailyChart):
    label = "Code-active users"
    figure = "active_users"
    y_title = "Code-active users (people)"
    definition = f"Members code-active on the date. {claude_code.DEFINITIONS['utc_dates']}"


class CodeDailySessionsChart(CodeDailyChart):
    label = "Sessions"
    figure = "sessions"
    y_title = "Sessions (count)"
    definition = f"{claude_code.DEFINITIONS['sessions']} {claude_code.DEFINITIONS['utc_dates']}"


class CodeWeeklyChart(WeeklyChart):
    """One Claude Code figure per ISO week of UTC dates (usage.selectors.rollout.weekly_figures_list),
    with the Rollout chart's baseline shading and markers; hidden as the Claude Code tab is hidden."""

    figure = ""
    detail_view = "dashboard-claude-code"

    @property
    def suppressed(self) -> bool:
        return super().suppressed or not claude_code.code_shown(as_of=self.as_of, group=self.group)

    def get_providers(self) -> list[str]:
        return [self.label]

    def x_title(self) -> str:
        return "ISO week of UTC dates, by its Monday"

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
    y_title = "Code-active users (people)"
    definition = f"{rollout.DEFINITIONS['code_active_users']} Weeks are ISO weeks of UTC dates."


class CodeWeeklySessionsChart(CodeWeeklyChart):
    label = "Sessions"
    figure = "sessions"
    y_title = "Sessions (count)"
    definition = f"{claude_code.DEFINITIONS['sessions']} Weeks are ISO weeks of UTC dates."


class TicketDailyChart(UsageChartView):
    """Support tickets carrying the portal's ticket tag, per day in the reporting timezone, with
    notes and milestones as markers so a spike lines up with what changed."""

    label = "Support tickets"
    y_title = "Tickets (count)"
    detail_view = "dashboard-claude-code"
    definition = claude_code.DEFINITIONS["tickets"]

    def series_at(self, as_of: date) -> activity.DailySeries:
        return claude_code.ticket_daily_list(as_of=as_of, timezone=self.timezone, group=self.group)


class SourceRecordsChart(UsageChartView):
    """Data health: how many records one source holds per day (usage.selectors.data_health), for
    those who import; the source is its number on the page (0: the audit log)."""

    permission_required = "ingest.view_upload"
    label = "Records"
    y_title = "Records (count)"
    definition = "Records stored per day: a dip or a gap is a missing or partial file."

    @cached_property
    def series(self) -> activity.DailySeries:
        series = data_health.source_records_per_day_list(source=self.kwargs["source"], timezone=self.timezone)
        if series is None:
            raise Http404("No such source.")
        return series

    @cached_property
    def points(self) -> list[tuple[date, int | None]]:
        return self.series.points  # its own last days, whatever the dashboards' range

    @cached_property
    def previous(self) -> None:
        return None

    def x_title(self) -> str:
        return f"Day ({self.timezone})" if self.kwargs["source"] == 0 else "UTC date"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(notes=[], milestones=[])  # a volume check: the rollout's markers do not belong
        return context
