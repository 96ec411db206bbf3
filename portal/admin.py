"""The portal settings in the admin (superusers): the reporting timezone and its rollup rebuild."""

from zoneinfo import available_timezones

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse

from portal.models import PortalSettings
from portal.selectors import portal_settings_get
from portal.services import reporting_timezone_change, ticket_tag_change


class PortalSettingsForm(forms.ModelForm):
    reporting_timezone = forms.ChoiceField(
        choices=[("", "From the environment (REPORTING_TIMEZONE)")] + [(name, name) for name in sorted(available_timezones())],
        required=False,
        help_text="Calendar days of every figure. Changing it rebuilds the daily rollups in the background; "
        "figures are incomplete until the rebuild is done.",
    )

    class Meta:
        model = PortalSettings
        fields = ["reporting_timezone", "ticket_tag"]

    ticket_tag = forms.CharField(
        max_length=100,
        required=False,
        help_text="Support tickets carrying this tag (any case) are imported; others are not kept. Empty: claude-code.",
    )

    def clean_ticket_tag(self) -> str:
        tag = self.cleaned_data["ticket_tag"].strip() or "claude-code"
        if any(char.isspace() or char in ",;" for char in tag):
            raise forms.ValidationError("One tag, without spaces, commas or semicolons (help desks use these to separate tags).")
        return tag


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    """Superusers only (no group holds its permissions): the reporting timezone and its rebuild."""

    form = PortalSettingsForm
    fields = ["reporting_timezone", "ticket_tag", "rebuild_status", "rebuild_progress", "rebuild_started_at", "rebuild_finished_at", "rebuild_error"]
    readonly_fields = ["rebuild_status", "rebuild_progress", "rebuild_started_at", "rebuild_finished_at", "rebuild_error"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("admin:portal_portalsettings_change", args=[portal_settings_get().pk]))

    def save_model(self, request, obj, form, change):
        reporting_timezone_change(timezone=form.cleaned_data["reporting_timezone"])
        ticket_tag_change(tag=form.cleaned_data["ticket_tag"])
