"""The access log's filters (django-filter), shared by its page and its CSV download.

Dates are whole calendar days in the reporting timezone, both ends included; the records' times
are UTC instants, and the page and the CSV show them in UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from audit.members import member_ids_with_pseudonym, pseudonym_normalise
from audit.models import AccessRecord
from portal.forms import EARLIEST_AS_OF, LATEST_AS_OF
from portal.models import Scope
from portal.selectors import reporting_timezone_get

_DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
_DATE_ERRORS = {"invalid": "Enter the date as YYYY-MM-DD, for example 2025-09-05."}


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the reporting timezone, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(reporting_timezone_get()))


class AccessRecordFilterForm(forms.Form):
    def clean_member(self) -> str:
        text = self.cleaned_data.get("member") or ""
        if not text:
            return ""
        pseudonym = pseudonym_normalise(text)
        if pseudonym is None:
            raise forms.ValidationError("Enter a pseudonym such as Member 4F2A-9C1B.")
        if not member_ids_with_pseudonym(pseudonym):
            raise forms.ValidationError(
                f"No member has the pseudonym {pseudonym} now. Pseudonyms change each period "
                "(quarter or year): use the one the portal shows today."
            )
        return pseudonym

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day is not None and not (EARLIEST_AS_OF <= day <= LATEST_AS_OF):
                self.add_error(name, f"Choose a date between {EARLIEST_AS_OF.isoformat()} and {LATEST_AS_OF.isoformat()}.")
        if start and end and start > end:
            self.add_error("date_to", "The “to” date is before the “from” date.")
        return cleaned


class AccessRecordFilter(django_filters.FilterSet):
    who = django_filters.CharFilter(field_name="username", lookup_expr="icontains", label="Who (username contains)")
    what = django_filters.CharFilter(method="filter_what", label="What (view or path contains)")
    member = django_filters.CharFilter(method="filter_member", label="Who viewed this member? (pseudonym)")
    action = django_filters.ChoiceFilter(choices=AccessRecord.Action.choices, empty_label="Any action")
    scope = django_filters.ChoiceFilter(choices=Scope.choices, empty_label="Any scope")
    outcome = django_filters.ChoiceFilter(choices=AccessRecord.Outcome.choices, empty_label="Any outcome")
    date_from = django_filters.DateFilter(
        method="filter_date_from", label="From", input_formats=["%Y-%m-%d"], widget=_DATE_WIDGET,
        error_messages=_DATE_ERRORS,
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label="To", input_formats=["%Y-%m-%d"], widget=_DATE_WIDGET,
        error_messages=_DATE_ERRORS,
    )
    # The target of a link from a named view to the reveal that made its names visible.
    record = django_filters.NumberFilter(field_name="id", widget=forms.HiddenInput, label="Record")

    class Meta:
        model = AccessRecord
        fields = ["who", "member", "what", "action", "scope", "outcome", "date_from", "date_to", "record"]
        form = AccessRecordFilterForm

    def filter_what(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(view_name__icontains=value) | Q(path__icontains=value))

    def filter_member(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Records that named the member: `members` is a JSON list of ids, read as text the same
        way on SQLite and PostgreSQL ("[4, 7, 9]"), where JSON containment is PostgreSQL's only."""
        pattern = "|".join(rf"(\[| ){member_id}(,|\])" for member_id in member_ids_with_pseudonym(value))
        return queryset.annotate(members_text=Cast("members", TextField())).filter(members_text__regex=pattern)

    def filter_date_from(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return queryset.filter(occurred_at__gte=day_start(value))

    def filter_date_to(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return queryset.filter(occurred_at__lt=day_start(value + timedelta(days=1)))

    def applied(self) -> list[tuple[str, str]]:
        """(label, value) for each filter in use, values as shown in the form; needs a valid form."""
        applied = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, ""):
                continue
            field = self.form.fields[name]
            shown = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
            if isinstance(shown, date):
                shown = f"{shown.isoformat()} ({reporting_timezone_get()})"
            applied.append((str(field.label), str(shown)))
        return applied
