"""The admin of retention: the settings (for privacy auditors and superusers, every change
recorded) and the purge receipts (read-only), with a warning when the scheduled purge is overdue.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from audit.admin_mixins import ReadOnlyAdmin
from portal.models import RetentionSettings, RetentionSettingsChange
from portal.selectors import retention_settings_get
from portal.services import retention_settings_update
from retention.models import PurgeReceipt
from retention.selectors import purge_warning_get


DRY_RUN_PERMISSION = "portal.change_retentionsettings"  # who keeps the settings may see what they would delete


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

    user = None  # the user saving the form (RetentionSettingsAdmin.get_form sets it)

    def clean(self):
        cleaned = super().clean()
        floors = RetentionSettings.floors()
        superuser = bool(self.user is not None and self.user.is_superuser)
        for field in RetentionSettings.PERIOD_FIELDS:
            days = cleaned.get(field)
            if days is None:
                continue
            if days < floors[field]:
                self.add_error(field, f"At least {floors[field]} days: this period's retention floor.")
            elif self.instance.pk and days < getattr(self.instance, field) and not superuser:
                self.add_error(
                    field,
                    f"Only a superuser may lower this period (now {getattr(self.instance, field)} days); "
                    "privacy auditors may raise it.",
                )
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("admin:portal_retentionsettings_change", args=[retention_settings_get().pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self._warn_if_purge_overdue(request)
        extra_context = {**(extra_context or {}), "receipts": PurgeReceipt.objects.all()[:5]}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        retention_settings_update(user=request.user, periods={field: form.cleaned_data[field] for field in self.fields})

    def response_change(self, request, obj):
        messages.success(request, "The retention settings are saved; the change is recorded. The next purge uses them.")
        return HttpResponseRedirect(reverse("admin:portal_retentionsettings_change", args=[obj.pk]))


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
        extra_context = {**(extra_context or {}), "may_dry_run": request.user.has_perm(DRY_RUN_PERMISSION)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        dry_run = self.admin_site.admin_view(require_POST(self.dry_run_view))
        return [path("dry-run/", dry_run, name="retention_purgereceipt_dry_run"), *super().get_urls()]

    def dry_run_view(self, request):
        """Queue a dry run now: what the purge would delete today, written as a receipt, nothing deleted."""
        from portal.queue import task_send
        from retention.tasks import retention_dry_run_task

        if not request.user.has_perm(DRY_RUN_PERMISSION):
            raise PermissionDenied("A dry run is for those who keep the retention settings.")
        if task_send(retention_dry_run_task, request.user.pk):
            messages.success(request, "A dry run is queued: its receipt appears here when it is done; nothing is deleted.")
        else:
            messages.error(request, "The task queue cannot be reached, so the dry run did not start. Try again when the worker is back.")
        return HttpResponseRedirect(reverse("admin:retention_purgereceipt_changelist"))
