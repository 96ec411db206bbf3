"""The dashboards' inputs: the as-of day (?as_of=YYYY-MM-DD) and the group (?group=kind:name)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Max

from ingest.models import OtelEvent, Ticket
from people.groups import Group
from portal.forms import EARLIEST_AS_OF, LATEST_AS_OF
from portal.selectors import reporting_today
from usage.models import CodeDay
from usage.selectors import activity


class AsOfForm(forms.Form):
    data_ends: date | None = None  # set when a chosen day was after the last day with data

    as_of = forms.DateField(
        label="As of",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": "Enter the as-of date as YYYY-MM-DD, for example 2025-09-05."},
        help_text="Figures count every day up to and including this one.",
    )

    def clean_as_of(self) -> date | None:
        value = self.cleaned_data["as_of"]
        if value is not None and not (EARLIEST_AS_OF <= value <= LATEST_AS_OF):
            raise forms.ValidationError(
                f"Choose an as-of date between {EARLIEST_AS_OF.isoformat()} and {LATEST_AS_OF.isoformat()}."
            )
        return value


def data_last_day(*, timezone: str) -> date | None:
    """The last day with any stored data: the audit rollups in `timezone`, Claude Code's records and
    OpenTelemetry events (UTC dates), support tickets (their day in `timezone`); None before any."""
    last_ticket = Ticket.objects.aggregate(last=Max("created_at"))["last"]
    days = [
        activity.data_last_day_get(timezone=timezone),
        CodeDay.objects.aggregate(last=Max("date"))["last"],
        OtelEvent.objects.aggregate(last=Max("date"))["last"],
        last_ticket.astimezone(ZoneInfo(timezone)).date() if last_ticket else None,
    ]
    return max((day for day in days if day is not None), default=None)


def as_of_from_query(query, *, timezone: str) -> tuple[AsOfForm, date, bool]:
    """The as-of form bound to a query string, the day to report, and whether that day was chosen.

    No or an invalid ?as_of means today in the reporting timezone (the form then carries the error).
    A chosen day after the last day with any stored data becomes that last day, and the returned
    form's `data_ends` says so (usage/templates/usage/base.html shows it): no request, however far
    ahead it asks, draws years of empty days or weeks. With no data at all, a chosen day stays.
    """
    today = reporting_today(timezone=timezone)
    if "as_of" not in query:
        return AsOfForm(initial={"as_of": today}), today, False
    form = AsOfForm(query)
    if not form.is_valid():
        return form, today, False
    if form.cleaned_data["as_of"] is None:  # ?as_of= left empty
        return AsOfForm(initial={"as_of": today}), today, False
    chosen = form.cleaned_data["as_of"]
    audit_last = activity.data_last_day_get(timezone=timezone)
    if audit_last is not None and chosen <= audit_last:  # the common case: one query
        return form, chosen, True
    last = data_last_day(timezone=timezone)
    if last is not None and chosen > last:
        clamped = AsOfForm(initial={"as_of": last})
        clamped.data_ends = last
        return clamped, last, True
    return form, chosen, True


def group_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The teams, departments and cohorts of the roster, as grouped <select> choices "kind:name"."""
    from people.models import Cohort, Department, Team

    return [
        (label, [(f"{kind}:{name}", name) for name in model.objects.filter(members__on_roster=True).distinct().values_list("name", flat=True)])
        for kind, label, model in (("team", "Teams", Team), ("department", "Departments", Department), ("cohort", "Cohorts", Cohort))
    ]


class GroupForm(forms.Form):
    """?group=team:NAME (or department:, cohort:); empty for the whole organisation."""

    group = forms.ChoiceField(label="Group", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "Whole organisation"), *group_choices()]


def group_from_query(query):
    """The group form bound to a query string, and the chosen Group (None: the organisation)."""
    form = GroupForm(query)
    if not form.is_valid() or not form.cleaned_data["group"]:
        return GroupForm(), None
    return form, Group.parse(form.cleaned_data["group"])
