"""The upload pages in the admin (importers upload there and follow the progress) and the
read-only event list.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from audit.admin_mixins import AccessNotedAdmin, ReadOnlyAdmin
from ingest.forms import UploadForm
from ingest.models import Event, Upload
from ingest.selectors import upload_status_get
from ingest.services.uploads import upload_create
from portal.models import Scope


@admin.register(Upload)
class UploadAdmin(AccessNotedAdmin):
    form = UploadForm
    list_display = ["__str__", "status", "progress_percent", "row_counts", "uploaded_by", "created_at"]
    list_filter = ["status", "detected_format"]
    readonly_fields = [
        "original_name", "size_bytes", "detected_format", "covers_date", "status", "progress", "rows_read", "rows_imported",
        "rows_duplicate", "rows_rejected", "rows_too_old", "unknown_events", "error", "uploaded_by", "created_at", "started_at",
        "finished_at", "attempts", "rejected_report_link",
    ]
    change_form_template = "admin/ingest/upload/change_form.html"

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

    # Shown, and kept current while the import runs, by the live panel at the top of the page;
    # the field list below it would show them as they were when the page loaded.
    live_fields = ("status", "progress", "rows_read", "rows_imported", "rows_duplicate", "rows_rejected", "rows_too_old")

    def get_fields(self, request, obj=None):
        return ["file", "covers_date"] if obj is None else [name for name in self.readonly_fields if name not in self.live_fields]

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields  # the add form asks for the file and its date

    def has_change_permission(self, request, obj=None):
        return False  # an upload is a record of what was imported; it is never edited

    def has_delete_permission(self, request, obj=None):
        return False  # removing imported data is the retention purge's job

    def save_model(self, request, obj, form, change):
        uploaded = form.cleaned_data["file"]
        created = upload_create(
            file=uploaded, name=uploaded.name, uploaded_by=request.user, covers_date=form.cleaned_data.get("covers_date")
        )
        # The admin goes on with its own object (history, message, redirect): make it the stored upload.
        obj.__dict__.update(created.__dict__)
        request.upload_created = created

    def response_add(self, request, obj, post_url_continue=None):
        # Land on the upload's own page, where its progress shows (the message: add_view).
        return HttpResponseRedirect(reverse("admin:ingest_upload_change", args=[obj.pk]))

    def add_view(self, request, form_url="", extra_context=None):
        response = super().add_view(request, form_url, extra_context)
        # The upload was queued when the admin's transaction committed, inside super().add_view().
        created = getattr(request, "upload_created", None)
        if created is not None and getattr(created, "queue_state", "") == "broker down":
            messages.warning(
                request,
                f"“{created}” is saved, and will start when the queue is back: the task queue cannot be reached "
                "right now. Nothing needs to be done; this page follows its progress.",
            )
        elif created is not None:
            messages.success(request, f"“{created}” is queued for import; this page follows its progress.")
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["upload"] = obj
        if obj is not None:
            context["upload_status"] = upload_status_get(upload=obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


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
