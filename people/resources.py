"""HR's roster, imported with django-import-export on the roster admin (CSV or XLSX).

Columns: email, name, team, department (optional), cohorts (optional, several, separated by ";"),
seat_start (YYYY-MM-DD), seat_end (optional, the last day with a seat). Headers are matched
ignoring case and spaces ("Seat start" is seat_start).

Rows are matched to members by email, ignoring case, so members first seen in the logs are
updated rather than duplicated and a second import of the same file changes nothing (its rows
are skipped as unchanged). Teams, departments and cohorts are made when first named (matched
ignoring case). Every imported row puts its member on the roster; new members get their
pseudonym. A column left out of the file leaves that field as it was; a blank cell in an
optional column clears it; a blank name keeps the name seen in the logs.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from import_export import fields, resources, widgets

from people.models import Cohort, Department, Member, RosterEntry, Team
from people.selectors import pseudonym_period_get
from portal.privacy import member_pseudonym

COLUMNS = ["email", "name", "team", "department", "cohorts", "seat_start", "seat_end"]
REQUIRED_COLUMNS = ["email", "team", "seat_start"]
COHORT_SEPARATOR = ";"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _text(value: object) -> str:
    """A cell as trimmed text, runs of spaces made one (spreadsheets give numbers as floats)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _header(value: object) -> str:
    return _text(value).lower().replace(" ", "_").replace("-", "_")


def email_clean(value: object) -> str:
    """The email of a cell, lower-cased; ValueError with a message for the preview if it is not one."""
    email = _text(value).lower()
    if not email:
        raise ValueError("An email address is required.")
    try:
        validate_email(email)
    except ValidationError:
        raise ValueError(f"“{email}” is not a valid email address.") from None
    return email


class EmailWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> str:
        return email_clean(value)


class NameWidget(widgets.Widget):
    """Text; blank gives None, which the field does not save (the name seen in the logs stays)."""

    def clean(self, value, row=None, **kwargs) -> str | None:
        return _text(value) or None


class SeatDateWidget(widgets.Widget):
    """A date written YYYY-MM-DD (or a spreadsheet date cell)."""

    def __init__(self, *, label: str, required: bool):
        super().__init__()
        self.label = label
        self.required = required

    def clean(self, value, row=None, **kwargs) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            if self.required:
                raise ValueError(f"{self.label} is required: a date written YYYY-MM-DD, such as 2025-09-01.")
            return None
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(f"{self.label} “{text}” is not a date written YYYY-MM-DD, such as 2025-09-01.")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{self.label} “{text}” is not a date in the calendar.") from None

    def render(self, value, obj=None, **kwargs) -> str:
        return value.isoformat() if value else ""


class _ByName:
    """Finds a Team, Department or Cohort by name ignoring case, making it when new; one lookup per name."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.known: dict[str, models.Model] = {}

    def get(self, name: str) -> models.Model:
        key = name.casefold()
        longest = self.model._meta.get_field("name").max_length
        if len(name) > longest:
            raise ValueError(f"The {self.model._meta.verbose_name} name “{name[:40]}…” is longer than {longest} characters.")
        if key not in self.known:
            found = self.model.objects.filter(name__iexact=name).order_by("pk").first()
            self.known[key] = found or self.model.objects.get_or_create(name=name)[0]
        return self.known[key]

    def forget(self) -> None:
        self.known.clear()


class NamedObjectWidget(widgets.Widget):
    """A team or department by name, made if new."""

    def __init__(self, model: type[models.Model], *, required: bool):
        super().__init__()
        self.by_name = _ByName(model)
        self.required = required

    def clean(self, value, row=None, **kwargs) -> models.Model | None:
        name = _text(value)
        if not name:
            if self.required:
                raise ValueError(f"A {self.by_name.model._meta.verbose_name} is required.")
            return None
        return self.by_name.get(name)

    def render(self, value, obj=None, **kwargs) -> str:
        return value.name if value is not None else ""


class CohortsWidget(widgets.ManyToManyWidget):
    """Cohorts separated by ";" ("pilot; wave 2"), each made if new; blank means none."""

    def __init__(self):
        super().__init__(Cohort, separator=COHORT_SEPARATOR, field="name")
        self.by_name = _ByName(Cohort)

    def clean(self, value, row=None, **kwargs) -> list[Cohort]:
        cohorts = {}
        for part in _text(value).split(COHORT_SEPARATOR):
            name = _text(part)
            if name:
                cohort = self.by_name.get(name)
                cohorts[cohort.pk] = cohort
        return list(cohorts.values())

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        return f"{COHORT_SEPARATOR} ".join(cohort.name for cohort in value.all())


class RosterResource(resources.ModelResource):
    email = fields.Field(attribute="email", column_name="email", widget=EmailWidget())
    name = fields.Field(attribute="name", column_name="name", widget=NameWidget(), saves_null_values=False)
    team = fields.Field(attribute="team", column_name="team", widget=NamedObjectWidget(Team, required=True))
    department = fields.Field(
        attribute="department", column_name="department", widget=NamedObjectWidget(Department, required=False)
    )
    cohorts = fields.Field(attribute="cohorts", column_name="cohorts", widget=CohortsWidget())
    seat_start = fields.Field(
        attribute="seat_start", column_name="seat_start", widget=SeatDateWidget(label="Seat start", required=True)
    )
    seat_end = fields.Field(
        attribute="seat_end", column_name="seat_end", widget=SeatDateWidget(label="Seat end", required=False)
    )

    class Meta:
        model = RosterEntry
        fields = COLUMNS
        import_order = COLUMNS
        import_id_fields = ["email"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    @classmethod
    def get_display_name(cls) -> str:
        return "Roster"

    def after_import(self, dataset, result, **kwargs) -> None:
        super().after_import(dataset, result, **kwargs)
        if not self._is_dry_run(kwargs):
            # Inside the import's transaction; once it commits, usage warms the figure cache.
            from portal.cache import data_version_bump

            data_version_bump(reason="roster")

    # --- Before the rows ---------------------------------------------------------------------

    def before_import(self, dataset, **kwargs) -> None:
        dataset.headers = [_header(header) for header in dataset.headers or []]
        # Spreadsheets often end with empty rows; they are not people.
        while len(dataset) and all(_text(cell) == "" for cell in dataset[-1]):
            del dataset[-1]
        for field in self.fields.values():
            if hasattr(field.widget, "by_name"):
                field.widget.by_name.forget()
        # Email (lower-cased) → member id, read once: rows are matched ignoring case.
        self.member_ids = {email.lower(): pk for email, pk in Member.objects.values_list("email", "pk")}
        self.rows_by_email: dict[str, int] = {}
        missing = [column for column in REQUIRED_COLUMNS if column not in dataset.headers]
        if missing:
            del dataset[:]  # nothing to import; the error says why
            raise ValueError(
                f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
                f"The roster's columns are: {', '.join(COLUMNS)} (department, cohorts and seat_end are optional)."
            )

    # --- Each row ----------------------------------------------------------------------------

    def before_import_row(self, row, **kwargs) -> None:
        try:
            email = email_clean(row.get("email"))
        except ValueError:
            return  # the email field reports it
        earlier = self.rows_by_email.setdefault(email, kwargs.get("row_number", 0))
        if earlier != kwargs.get("row_number", 0):
            raise ValidationError({"email": f"{email} is on row {earlier} too; list each person once."})

    def get_instance(self, instance_loader, row) -> RosterEntry | None:
        try:
            email = email_clean(row.get("email"))
        except ValueError:
            return None  # reported when the fields are read
        pk = self.member_ids.get(email)
        return RosterEntry.objects.select_related("team", "department").filter(pk=pk).first() if pk is not None else None

    def import_instance(self, instance, row, **kwargs) -> None:
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        start, end = instance.seat_start, instance.seat_end
        if not {"seat_start", "seat_end"} & errors.keys() and start and end and end < start:
            errors["seat_end"] = [
                ValidationError(f"Seat end {end:%Y-%m-%d} is before seat start {start:%Y-%m-%d}.", code="invalid")
            ]
        if errors:
            raise ValidationError(errors)
        instance.on_roster = True
        if not instance.pseudonym:
            instance.pseudonym = member_pseudonym(instance.email, period=pseudonym_period_get())

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        if original is not None and (not original.on_roster or original.pseudonym != instance.pseudonym):
            return False  # joins the roster, or gets its pseudonym: a change even if the columns match
        return super().skip_row(instance, original, row, import_validation_errors)


# --- From the command line (import_roster) ---------------------------------------------------------


def roster_file_import(*, content: bytes, name: str = "", dry_run: bool = False):
    """Import a roster file as the admin does: the same checks (RosterResource), all or nothing.

    Returns the import's Result (import_export); nothing is saved when it has errors or with dry_run.
    Raises people.formats.RosterFileRefused when the file cannot be read (size, rows, not a workbook).
    """
    from people.formats import RosterCSV, roster_xlsx_dataset

    if content[:2] == b"PK" or name.lower().endswith(".xlsx"):
        dataset = roster_xlsx_dataset(content)
    else:
        csv_format = RosterCSV(encoding="utf-8-sig")
        dataset = csv_format.create_dataset(content)
    resource = RosterResource()
    result = resource.import_data(dataset, dry_run=True, raise_errors=False, rollback_on_validation_errors=True)
    if dry_run or result.has_errors() or result.has_validation_errors():
        return result
    return resource.import_data(dataset, dry_run=False, raise_errors=False, rollback_on_validation_errors=True)
