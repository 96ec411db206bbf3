"""The importers' upload pages in the portal (list, upload form, one upload's progress), the
progress JSON they poll and the rejected-row report. Upload pages show files and counts, never
members: they note Scope.NONE for the access log.

Portal pages rather than an admin theme (django-unfold and the like): the portal already has its
frame and CSS, importers then work in the same place as everyone else, and a theme would restyle
every admin page superusers use for settings. The admin's upload pages stay, for superusers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from audit.services import access_note
from ingest.forms import UploadForm
from ingest.models import Upload
from ingest.selectors import ACTIVE_STATUSES, upload_format_label, upload_list, upload_outcome_get, upload_row_list, upload_status_get
from ingest.services.uploads import upload_create
from portal.models import Scope
from portal.selectors import retention_settings_get

UPLOADS_PER_PAGE = 25


@login_required
@permission_required("ingest.view_upload", raise_exception=True)
def upload_list_view(request):
    access_note(request, scope=Scope.NONE)
    page = Paginator(upload_list(), UPLOADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "ingest/upload_list.html", {"page": page, "rows": upload_row_list(uploads=page.object_list)})


@login_required
@permission_required("ingest.add_upload", raise_exception=True)
def upload_add_view(request):
    access_note(request, scope=Scope.NONE)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        upload = upload_create(file=file, name=file.name, uploaded_by=request.user, covers_date=form.cleaned_data.get("covers_date"))
        # upload_create queues on commit; outside a transaction that has already happened here.
        if getattr(upload, "queue_state", "") == "broker down":
            messages.warning(
                request,
                f"“{upload}” is saved, and will start when the queue is back: the task queue cannot be reached "
                "right now. Nothing needs to be done; this page follows its progress.",
            )
        else:
            messages.success(request, f"“{upload}” is queued for import; this page follows its progress.")
        return redirect("upload-detail", upload_id=upload.pk)
    return render(request, "ingest/upload_form.html", {"form": form})


@login_required
@permission_required("ingest.view_upload", raise_exception=True)
def upload_detail_view(request, upload_id: int):
    upload = get_object_or_404(Upload.objects.select_related("uploaded_by"), pk=upload_id)
    access_note(request, scope=Scope.NONE)
    context = {
        "upload": upload,
        "outcome": upload_outcome_get(upload=upload),
        "format": upload_format_label(upload=upload),
        "active": upload.status in ACTIVE_STATUSES,
        "raw_events_days": retention_settings_get().raw_events_days,
        "status": upload_status_get(upload=upload),
        "rejected_sample": (upload.rejected_sample or [])[:20],
        "unknown_events": sorted((upload.unknown_events or {}).items(), key=lambda item: (-item[1], item[0])),
    }
    return render(request, "ingest/upload_detail.html", context)


@permission_required("ingest.view_upload", raise_exception=True)
def upload_status(request, upload_id: int):
    """Progress of one upload, polled by its pages."""
    upload = get_object_or_404(Upload, pk=upload_id)
    return JsonResponse(upload_status_get(upload=upload))


@permission_required("ingest.view_upload", raise_exception=True)
def upload_rejected_report(request, upload_id: int):
    """The CSV of an upload's rejected rows (line and reason), from private storage."""
    upload = get_object_or_404(Upload, pk=upload_id)
    access_note(request, scope=Scope.NONE)
    if not upload.rejected_report:
        raise Http404("This upload has no rejected rows.")
    return FileResponse(
        upload.rejected_report.open("rb"), as_attachment=True, filename=f"upload-{upload.pk}-rejected-rows.csv"
    )
