"""The admin of people: HR's roster (imported and edited by importers) and the read-only member list."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.http import HttpResponseRedirect
from django.urls import reverse
from diff_match_patch import diff_match_patch
from django.utils.encoding import force_str
from django.utils.html import format_html, format_html_join
from import_export.admin import ImportMixin
from import_export.forms import ImportForm
from import_export.resources import Diff
from import_export.results import RowResult

from audit.admin_mixins import AccessNotedAdmin, ReadOnlyAdmin
from audit.services import access_note
from people.formats import RosterCSV, RosterFileRefused, RosterXLSX, roster_size_check
from people.models import Member, RosterEntry
from people.resources import RosterResource
from portal import privacy
from portal.models import Scope


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    """Members for superusers: under pseudonyms, like everywhere else, unless the superuser has an
    active name reveal (then logged as named). Searching by name or email needs the reveal too,
    or the search box would answer "is Mara Okafor a member?"."""

    NAMED_FIELDS = ("email", "name", "anthropic_uuid")

    def _named(self, request) -> bool:
        return privacy.viewer_for_request(request).sees_names

    def access_scope_for(self, request) -> Scope:
        return Scope.NAMED if self._named(request) else Scope.PSEUDONYMOUS

    def access_members(self, member: Member) -> list[int]:
        return [member.pk]

    def get_list_display(self, request):
        return ["email", "name", "first_seen", "last_seen"] if self._named(request) else ["pseudonym", "first_seen", "last_seen"]

    def get_list_display_links(self, request, list_display):
        return list_display[:1]

    def get_search_fields(self, request):
        return ["email", "name"] if self._named(request) else ["pseudonym"]

    def get_exclude(self, request, obj=None):
        return ["first_upload"] if self._named(request) else ["first_upload", *self.NAMED_FIELDS]

    def get_ordering(self, request):
        return ["email"] if self._named(request) else ["pseudonym"]


# --- HR's roster ---------------------------------------------------------------------------------


class OnRosterFilter(admin.SimpleListFilter):
    title = "on roster"
    parameter_name = "on_roster"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "Not on roster (seen in logs)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(on_roster=True)
        if self.value() == "no":
            return queryset.filter(on_roster=False).seen_in_logs()
        return queryset


class RosterEntryForm(forms.ModelForm):
    class Meta:
        model = RosterEntry
        fields = ["on_roster", "team", "department", "cohorts", "seat_start", "seat_end"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("seat_start"), cleaned.get("seat_end")
        if start and end and end < start:
            self.add_error("seat_end", f"The seat ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d}).")
        if cleaned.get("on_roster"):
            for field, label in [("team", "a team"), ("seat_start", "a seat start")]:
                if not cleaned.get(field) and field not in self.errors:
                    self.add_error(field, f"A member on the roster needs {label}.")
        return cleaned


ROSTER_FORMATS = [RosterCSV, RosterXLSX]  # bounded reading (people.formats)
FORMAT_NAMES = {RosterCSV: "CSV", RosterXLSX: "Excel (XLSX)"}
XLSX_SIGNATURE = b"PK\x03\x04"  # a workbook is a ZIP
OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0"  # .xls (and other OLE files)


def roster_format_detect(*, head: bytes) -> type:
    """CSV or XLSX, from the file's first bytes (never its name, never a choice to make)."""
    if head.startswith(OLD_EXCEL_SIGNATURE):
        raise RosterFileRefused("This is an old Excel (.xls) workbook; save it as Excel (XLSX) or CSV and import that.")
    return RosterXLSX if head.startswith(XLSX_SIGNATURE) else RosterCSV


class RosterImportForm(ImportForm):
    """The file alone: its format is read from its content, so there is nothing to pick (and no
    guessing script, which went by the file's name)."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].required = False
        self.fields["format"].widget = forms.HiddenInput()
        self.fields["import_file"].widget.attrs.pop("class", None)
        self.fields["import_file"].help_text = "CSV or Excel (XLSX): the format is read from the file."

    @property
    def media(self):
        return forms.Media()

    def clean_import_file(self):
        file = self.cleaned_data["import_file"]
        try:
            roster_size_check(size=file.size)
            head = file.read(8)
            file.seek(0)
            self.detected_format = roster_format_detect(head=head)
        except RosterFileRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return file

    def clean(self):
        cleaned = super().clean()
        detected = getattr(self, "detected_format", None)
        if detected is not None:
            cleaned["format"] = str(ROSTER_FORMATS.index(detected))
        return cleaned


class RosterDiff(Diff):
    """The preview's cells with classes instead of diff_match_patch's inline styles (the CSP
    forbids style attributes; portal.css colours .diff-added and .diff-removed)."""

    TAGS = {diff_match_patch.DIFF_INSERT: "ins", diff_match_patch.DIFF_DELETE: "del", diff_match_patch.DIFF_EQUAL: "span"}
    CLASSES = {diff_match_patch.DIFF_INSERT: "diff-added", diff_match_patch.DIFF_DELETE: "diff-removed", diff_match_patch.DIFF_EQUAL: ""}

    def as_html(self):
        cells = []
        matcher = diff_match_patch()
        for before, after in zip(self.left, self.right):
            if before != after and self.new:
                before = ""
            parts = matcher.diff_main(force_str(before), force_str(after))
            matcher.diff_cleanupSemantic(parts)
            cells.append(
                format_html_join(
                    "",
                    "<{}{}>{}</{}>",
                    (
                        (self.TAGS[op], format_html(' class="{}"', self.CLASSES[op]) if self.CLASSES[op] else "", text, self.TAGS[op])
                        for op, text in parts
                        if text
                    ),
                )
            )
        return cells


class RosterPreviewResource(RosterResource):
    def get_diff_class(self):
        return RosterDiff


@admin.register(RosterEntry)
class RosterEntryAdmin(ImportMixin, AccessNotedAdmin):
    """HR's roster for Log importers (and superusers): imported from CSV or XLSX with a preview
    (people.resources), listed with the people seen in the logs but missing from it.

    People join the roster through the import (which lower-cases emails and sets pseudonyms), so
    there is no add form; nobody deletes here (a member's deletion would take their events along).
    """

    form = RosterEntryForm
    resource_classes = [RosterPreviewResource]
    import_formats = ROSTER_FORMATS
    import_form_class = RosterImportForm
    import_template_name = "admin/people/rosterentry/import.html"
    skip_admin_log = False  # every imported change goes into the admin's history
    list_display = ["email", "name", "team", "department", "cohort_names", "seat_start", "seat_end", "on_roster"]
    list_filter = [OnRosterFilter]
    list_select_related = ["team", "department"]
    search_fields = ["email", "name", "team__name"]
    fields = ["email", "name", "on_roster", "team", "department", "cohorts", "seat_start", "seat_end"]
    readonly_fields = ["email", "name"]
    access_scope = Scope.NAMED  # emails and names

    def access_members(self, member: RosterEntry) -> list[int]:
        return [member.pk]

    def get_queryset(self, request):
        members = super().get_queryset(request)
        return (members.on_roster() | members.seen_in_logs()).prefetch_related("cohorts")

    @admin.display(description="cohorts")
    def cohort_names(self, member: RosterEntry) -> str:
        return "; ".join(cohort.name for cohort in member.cohorts.all())

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        opts = self.opts
        return all(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in ("add", "change")
        )

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, RosterFileRefused):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing: a row that fails on confirming (the data changed since the preview)
        # undoes the whole import.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        confirm_form = context.get("confirm_form")
        if confirm_form is not None:  # the preview says how the file was read
            context["detected_format"] = FORMAT_NAMES[ROSTER_FORMATS[int(confirm_form.initial["format"])]]
        result = context.get("result")
        if result is not None:
            # The preview shows the file's rows, and the current values of the members they match.
            existing = {RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP}
            access_note(
                request,
                scope=Scope.NAMED,
                person_rows=result.total_rows,
                members=[row.object_id for row in result.rows if row.import_type in existing and row.object_id],
            )
        return response

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                "Nothing was imported: some rows no longer pass the checks of the preview. Import the file again to see why.",
            )
            return HttpResponseRedirect(reverse("admin:people_rosterentry_import"))
        return super().process_result(result, request)
