from datetime import UTC

from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.template.defaultfilters import filesizeformat
from django.contrib.auth import get_permission_codename
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import RowResult

from analytics.models import (
    AccessRecord,
    ChampionNote,
    ChampionNoteRevision,
    Event,
    Member,
    Milestone,
    PortalSettings,
    PurgeReceipt,
    RetentionSettings,
    RetentionSettingsChange,
    RosterEntry,
    Scope,
    Upload,
)
from analytics.roster import RosterResource
from analytics.selectors.retention import purge_warning_get, retention_settings_get
from analytics.selectors.roster import seen_in_logs_q
from analytics.services.portal_settings import portal_settings_get, reporting_timezone_change
from analytics.services.retention_settings import retention_settings_update
from analytics.services.access_log import access_note
from analytics.services.uploads import upload_enqueue


class AccessNotedAdmin(admin.ModelAdmin):
    """Says what a list, change page or history showed, for the access log (analytics.middleware).

    `access_scope` is what the pages show about people; `access_members` the member ids one
    object shows (and a row with none is not about a person).
    """

    access_scope = Scope.NONE

    def access_members(self, obj) -> list[int]:
        return []

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        # list() fills the page's queryset cache, which the template then reads: no second query.
        self._access_note(request, list(changelist.result_list) if changelist else [])
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = (getattr(response, "context_data", None) or {}).get("original")
        self._access_note(request, [obj] if obj is not None else [])
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        obj = (getattr(response, "context_data", None) or {}).get("object")
        self._access_note(request, [obj] if obj is not None else [])
        return response

    def _access_note(self, request, objects: list) -> None:
        if self.access_scope == Scope.NONE:
            access_note(request, scope=Scope.NONE)
            return
        shown = [members for members in map(self.access_members, objects) if members]
        access_note(
            request,
            scope=self.access_scope,
            person_rows=len(shown),
            members=[member for members in shown for member in members],
        )


class UploadForm(forms.ModelForm):
    class Meta:
        model = Upload
        fields = ["file"]
        help_texts = {
            "file": "The audit-log export as downloaded (ZIP), the CSV inside it, or the same events as JSON "
            "or JSON lines. Overlapping exports are fine: events already stored are skipped."
        }

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(file.size)}; the limit is {filesizeformat(settings.UPLOAD_MAX_BYTES)}."
            )
        return file


@admin.register(Upload)
class UploadAdmin(AccessNotedAdmin):
    form = UploadForm
    list_display = ["__str__", "status", "progress_percent", "row_counts", "uploaded_by", "created_at"]
    list_filter = ["status", "detected_format"]
    readonly_fields = [
        "original_name", "size_bytes", "detected_format", "status", "progress", "rows_read", "rows_imported",
        "rows_duplicate", "rows_rejected", "rows_too_old", "unknown_events", "error", "uploaded_by", "created_at", "started_at",
        "finished_at", "attempts", "rejected_report_link",
    ]
    change_form_template = "admin/analytics/upload/change_form.html"

    @admin.display(description="progress")
    def progress_percent(self, upload: Upload) -> str:
        return f"{upload.progress}%"

    @admin.display(description="rows")
    def row_counts(self, upload: Upload) -> str:
        too_old = f" · {upload.rows_too_old:,} older than retention" if upload.rows_too_old else ""
        return (
            f"{upload.rows_read:,} read · {upload.rows_imported:,} new · "
            f"{upload.rows_duplicate:,} duplicate · {upload.rows_rejected:,} rejected{too_old}"
        )

    @admin.display(description="Rejected rows report")
    def rejected_report_link(self, upload: Upload) -> str:
        if not upload.rejected_report:
            return "-"
        url = reverse("upload-rejected-report", args=[upload.pk])
        return format_html('<a href="{}">Download all {} rejected rows (CSV)</a>', url, upload.rows_rejected)

    def get_fields(self, request, obj=None):
        return ["file"] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False  # an upload is a record of what was imported; it is never edited

    def has_delete_permission(self, request, obj=None):
        return False  # removing imported data is the retention purge's job

    def save_model(self, request, obj, form, change):
        uploaded = form.cleaned_data["file"]
        obj.original_name = uploaded.name[:255]
        obj.size_bytes = uploaded.size
        obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        upload_enqueue(upload=obj)

    def response_add(self, request, obj, post_url_continue=None):
        # Land on the upload's own page, where its progress shows.
        messages.success(request, f"“{obj}” is queued for import; this page follows its progress.")
        return HttpResponseRedirect(reverse("admin:analytics_upload_change", args=[obj.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["upload"] = obj
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


class ReadOnlyAdmin(AccessNotedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ["email", "name", "first_seen", "last_seen"]
    search_fields = ["email", "name"]
    exclude = ["first_upload"]
    access_scope = Scope.NAMED  # emails

    def access_members(self, member: Member) -> list[int]:
        return [member.pk]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "event", "member", "entity_type", "client_platform", "upload"]
    list_filter = ["event", "client_platform"]
    list_select_related = ["member", "upload"]
    show_full_result_count = False
    date_hierarchy = None
    exclude = ["dedupe_key"]
    access_scope = Scope.NAMED  # each row links to its member

    def access_members(self, event: Event) -> list[int]:
        return [event.member_id] if event.member_id is not None else []


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    """The access log, read-only for everyone, superusers included: it is append-only."""

    list_display = ["when_utc", "username", "action", "view_name", "scope", "person_rows", "outcome", "status_code"]
    list_filter = ["action", "scope", "outcome"]
    search_fields = ["username", "path"]
    show_full_result_count = False
    readonly_fields = ["when_utc"]
    fields = [
        "when_utc", "user_id", "username", "action", "view_name", "path", "query", "scope", "person_rows", "members",
        "outcome", "status_code", "justification", "client_ip", "user_agent",
    ]

    @admin.display(description="when (UTC)", ordering="occurred_at")
    def when_utc(self, record: AccessRecord) -> str:
        # The admin would show the reporting timezone; the log's times are UTC everywhere.
        return record.occurred_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class PurgeWarningMixin:
    """Warns on the page when the purge is scheduled but has not succeeded for 48 hours."""

    def _warn_if_purge_overdue(self, request) -> None:
        warning = purge_warning_get()
        if warning:
            messages.warning(request, warning)


class RetentionSettingsForm(forms.ModelForm):
    class Meta:
        model = RetentionSettings
        fields = RetentionSettings.PERIOD_FIELDS

    def clean(self):
        cleaned = super().clean()
        raw, rollups = cleaned.get("raw_events_days"), cleaned.get("rollups_days")
        if raw and rollups and rollups < raw:
            self.add_error(
                "rollups_days",
                f"Keep daily rollups at least as long as raw events ({raw} days): the dashboards' long-term "
                "trends are read from them once the events are gone.",
            )
        return cleaned


@admin.register(RetentionSettings)
class RetentionSettingsAdmin(PurgeWarningMixin, admin.ModelAdmin):
    """The one settings record: its list opens it; privacy auditors and superusers change it."""

    form = RetentionSettingsForm
    fields = RetentionSettings.PERIOD_FIELDS

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("admin:analytics_retentionsettings_change", args=[retention_settings_get().pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self._warn_if_purge_overdue(request)
        extra_context = {**(extra_context or {}), "receipts": PurgeReceipt.objects.all()[:5]}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        retention_settings_update(user=request.user, periods={field: form.cleaned_data[field] for field in self.fields})

    def response_change(self, request, obj):
        messages.success(request, "The retention settings are saved; the change is recorded. The next purge uses them.")
        return HttpResponseRedirect(reverse("admin:analytics_retentionsettings_change", args=[obj.pk]))


@admin.register(RetentionSettingsChange)
class RetentionSettingsChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "username", "changes_summary"]
    fields = ["changed_at", "username", "changed_by", "changes_summary"]
    readonly_fields = ["changes_summary"]

    @admin.display(description="changes")
    def changes_summary(self, change: RetentionSettingsChange) -> str:
        labels = {field: RetentionSettings._meta.get_field(field).verbose_name for field in RetentionSettings.PERIOD_FIELDS}
        return "; ".join(f"{labels.get(field, field)}: {old} → {new} days" for field, (old, new) in change.changes.items())


@admin.register(PurgeReceipt)
class PurgeReceiptAdmin(PurgeWarningMixin, ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "trigger", "triggered_by", "dry_run", "status", "deleted_summary"]
    list_filter = ["status", "trigger", "dry_run"]
    fields = [
        "started_at", "finished_at", "trigger", "triggered_by", "dry_run", "status", "settings_in_force", "cutoffs",
        "deleted", "errors",
    ]

    @admin.display(description="deleted")
    def deleted_summary(self, receipt: PurgeReceipt) -> str:
        return "; ".join(
            f"{category}: {counts.get('rows', 0):,} rows, {counts.get('files', 0):,} files"
            for category, counts in receipt.deleted.items()
        )

    def changelist_view(self, request, extra_context=None):
        self._warn_if_purge_overdue(request)
        return super().changelist_view(request, extra_context)


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
            return queryset.filter(on_roster=False).filter(seen_in_logs_q())
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


@admin.register(RosterEntry)
class RosterEntryAdmin(ImportMixin, AccessNotedAdmin):
    """HR's roster for Log importers (and superusers): imported from CSV or XLSX with a preview
    (analytics.roster), listed with the people seen in the logs but missing from it.

    People join the roster through the import (which lower-cases emails and sets pseudonyms), so
    there is no add form; nobody deletes here (a member's deletion would take their events along).
    """

    form = RosterEntryForm
    resource_classes = [RosterResource]
    import_formats = [CSV, XLSX]
    import_template_name = "admin/analytics/rosterentry/import.html"
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
        return (
            super()
            .get_queryset(request)
            .filter(Q(on_roster=True) | seen_in_logs_q())
            .prefetch_related("cohorts")
        )

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

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing: a row that fails on confirming (the data changed since the preview)
        # undoes the whole import.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        result = (getattr(response, "context_data", None) or {}).get("result")
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
            return HttpResponseRedirect(reverse("admin:analytics_rosterentry_import"))
        return super().process_result(result, request)


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["label", "date", "is_baseline"]

    def clean_is_baseline(self):
        is_baseline = self.cleaned_data["is_baseline"]
        other = Milestone.objects.filter(is_baseline=True).exclude(pk=self.instance.pk).first()
        if is_baseline and other is not None:
            raise forms.ValidationError(
                f"There is one baseline week, and it is already set: “{other}”. "
                "Untick “baseline week” on that milestone first, or leave it unticked here."
            )
        return is_baseline


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    """Dated points of the rollout, drawn on every trend chart; one may be the baseline week.
    No group holds these permissions: superusers keep them."""

    form = MilestoneForm
    list_display = ["date", "label", "is_baseline"]


@admin.register(ChampionNote)
class ChampionNoteAdmin(ReadOnlyAdmin):
    """Read-only: notes are written on the portal's notes page, which keeps every earlier version."""

    list_display = ["date", "text", "team", "created_by", "updated_at"]
    list_select_related = ["team", "created_by"]
    search_fields = ["text"]


@admin.register(ChampionNoteRevision)
class ChampionNoteRevisionAdmin(ReadOnlyAdmin):
    """Earlier versions of notes, and the last version of deleted ones."""

    list_display = ["replaced_at", "replaced_by", "date", "text", "team_name", "deleted", "note"]
    list_filter = ["deleted"]
    list_select_related = ["replaced_by", "note"]
    search_fields = ["text"]


class PortalSettingsForm(forms.ModelForm):
    reporting_timezone = forms.ChoiceField(
        choices=[("", "From the environment (REPORTING_TIMEZONE)")] + [(name, name) for name in sorted(available_timezones())],
        required=False,
        help_text="Calendar days of every figure. Changing it rebuilds the daily rollups in the background; "
        "figures are incomplete until the rebuild is done.",
    )

    class Meta:
        model = PortalSettings
        fields = ["reporting_timezone"]


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    """Superusers only (no group holds its permissions): the reporting timezone and its rebuild."""

    form = PortalSettingsForm
    fields = ["reporting_timezone", "rebuild_status", "rebuild_progress", "rebuild_started_at", "rebuild_finished_at", "rebuild_error"]
    readonly_fields = ["rebuild_status", "rebuild_progress", "rebuild_started_at", "rebuild_finished_at", "rebuild_error"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("admin:analytics_portalsettings_change", args=[portal_settings_get().pk]))

    def save_model(self, request, obj, form, change):
        chosen = form.cleaned_data["reporting_timezone"] or settings.REPORTING_TIMEZONE
        reporting_timezone_change(timezone=chosen)
        if not form.cleaned_data["reporting_timezone"]:
            PortalSettings.objects.filter(pk=1).update(reporting_timezone="")
