"""Chart data as JSON for Chart.js, built on django-chartjs's BaseLineChartView.

Each view answers {"labels": [ISO dates], "datasets": [{"label", "data"}], "timezone", "as_of"};
the series come from analytics.selectors.usage. Colours are left to static/analytics/js/charts.js,
which follows the admin's light/dark theme.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property

from chartjs.views.lines import BaseLineChartView
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from analytics.forms import as_of_from_query
from analytics.roles import DASHBOARD_PERMISSION
from analytics.selectors import usage


@method_decorator(never_cache, name="dispatch")
class DailyChartView(LoginRequiredMixin, PermissionRequiredMixin, BaseLineChartView):
    permission_required = DASHBOARD_PERMISSION
    # AccessMixin already answers 403 to a logged-in user without the permission; leaving
    # raise_exception off keeps the redirect to the login page for anonymous requests.
    raise_exception = False
    label = ""
    definition = ""

    @cached_property
    def as_of(self) -> date:
        return as_of_from_query(self.request.GET)[1]

    @cached_property
    def timezone(self) -> str:
        return usage.reporting_timezone()

    @cached_property
    def series(self) -> list[tuple[date, int]]:
        raise NotImplementedError

    def get_labels(self) -> list[str]:
        return [day.isoformat() for day, _ in self.series]

    def get_providers(self) -> list[str]:
        return [self.label]

    def get_data(self) -> list[list[int]]:
        return [[count for _, count in self.series]]

    def get_dataset_options(self, index, color) -> dict:
        return {}

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.pop("view", None)
        context.update(timezone=self.timezone, as_of=self.as_of.isoformat(), definition=self.definition)
        return context


class DailyActiveUsersChart(DailyChartView):
    label = "Daily active users"
    definition = usage.DEFINITIONS["daily_active_users"]

    @cached_property
    def series(self) -> list[tuple[date, int]]:
        return usage.daily_active_users_list(as_of=self.as_of, timezone=self.timezone)


class DailyConversationsChart(DailyChartView):
    label = "Conversations"
    definition = usage.DEFINITIONS["daily_conversations"]

    @cached_property
    def series(self) -> list[tuple[date, int]]:
        return usage.daily_conversations_list(as_of=self.as_of, timezone=self.timezone)
