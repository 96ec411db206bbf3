"""The dashboards' inputs: the as-of day (?as_of=YYYY-MM-DD), the group (?group=kind:name) and the
date range of the daily charts and exports (?range=, ?start=, ?compare=)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms

from people.groups import Group
from people.selectors import group_choices_list
from portal.forms import EARLIEST_AS_OF, LATEST_AS_OF
from portal.selectors import reporting_today
from usage.selectors import activity
from usage.selectors.data_health import stored_data_last_day_get


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
    last = stored_data_last_day_get(timezone=timezone)
    if last is not None and chosen > last:
        clamped = AsOfForm(initial={"as_of": last})
        clamped.data_ends = last
        return clamped, last, True
    return form, chosen, True


class GroupForm(forms.Form):
    """?group=team:NAME (or department:, cohort:); empty for the whole organisation."""

    group = forms.ChoiceField(label="Group", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "Whole organisation"), *group_choices_list()]


def group_from_query(query):
    """The group form bound to a query string, and the chosen Group (None: the organisation)."""
    form = GroupForm(query)
    if not form.is_valid() or not form.cleaned_data["group"]:
        return GroupForm(), None
    return form, Group.parse(form.cleaned_data["group"])


RANGE_PRESETS = {"7d": ("Last 7 days", 7), "30d": ("Last 30 days", 30), "90d": ("Last 90 days", 90)}
RANGE_CHOICES = [
    ("all", "All time"),
    *((key, label) for key, (label, _) in RANGE_PRESETS.items()),
    ("quarter", "This quarter"),
    ("custom", "Custom"),
]


@dataclass(frozen=True)
class DateRange:
    """The days a page's daily charts and an export's daily tables cover: `start` (None: from the
    first day with data, "All time") to `end`, the as-of day; `compare` adds the previous period."""

    start: date | None
    end: date
    label: str
    key: str = "all"
    compare: bool = False

    @property
    def days(self) -> int | None:
        return None if self.start is None else (self.end - self.start).days + 1

    @property
    def previous(self) -> DateRange | None:
        """The period of the same length just before this one, when a comparison was asked for."""
        if not self.compare or self.start is None:
            return None
        return DateRange(start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1), label="Previous period")

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and day <= self.end

    @property
    def description(self) -> str:
        """What the page and an export's provenance say: "Last 30 days: 2026-11-04 to 2026-12-03"."""
        if self.start is None:
            return f"All time: every day up to and including {self.end.isoformat()}"
        return f"{self.label}: {self.start.isoformat()} to {self.end.isoformat()}"

    def query(self) -> dict[str, str]:
        """The query parameters that choose this range (none for the default, All time)."""
        if self.key == "all":
            return {}
        params = {"range": self.key}
        if self.key == "custom":
            params["start"] = self.start.isoformat()
        if self.previous is not None:
            params["compare"] = "on"
        return params


class DateRangeForm(forms.Form):
    range = forms.ChoiceField(label="Range", choices=RANGE_CHOICES, required=False)
    start = forms.DateField(
        label="From",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": "Enter the custom range's first day as YYYY-MM-DD, for example 2025-09-01."},
        help_text="The first day of a custom range; the range ends on the as-of day.",
    )
    compare = forms.BooleanField(label="Compare with the previous period", required=False)

    def __init__(self, *args, as_of: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_of = as_of

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("range") == "custom" and "start" not in self.errors:
            start = cleaned.get("start")
            if start is None:
                self.add_error("start", "Choose the first day of the custom range.")
            elif start > self.as_of:
                self.add_error("start", f"The custom range must start on or before the as-of day, {self.as_of.isoformat()}.")
            elif start < EARLIEST_AS_OF:
                self.add_error("start", f"Choose a first day on or after {EARLIEST_AS_OF.isoformat()}.")
        return cleaned


def range_from_query(query, *, as_of: date) -> tuple[DateRangeForm, DateRange]:
    """The range form bound to a query string (?range=7d|30d|90d|quarter|all|custom, ?start= for
    custom, ?compare=on) and the range it chooses, ending on the (clamped) as-of day. No or an
    invalid choice is All time; the form then carries the error and is shown unchanged."""
    everything = DateRange(start=None, end=as_of, label="All time")
    if not query.get("range"):
        return DateRangeForm(as_of=as_of, initial={"range": "all"}), everything
    form = DateRangeForm(query, as_of=as_of)
    if not form.is_valid():
        return form, everything
    key, compare = form.cleaned_data["range"], form.cleaned_data["compare"]
    if key == "all":
        return form, everything
    if key == "quarter":
        start, label = date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1), "This quarter"
    elif key == "custom":
        start, label = form.cleaned_data["start"], "Custom range"
    else:
        label, days = RANGE_PRESETS[key]
        start = as_of - timedelta(days=days - 1)
    return form, DateRange(start=start, end=as_of, label=label, key=key, compare=compare)
