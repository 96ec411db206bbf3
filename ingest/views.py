"""An upload's progress (polled by its admin page) and its rejected-row report."""

from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404

from audit.services import access_note
from ingest.models import Upload
from portal.models import Scope


@permission_required("ingest.view_upload", raise_exception=True)
def upload_status(request, upload_id: int):
    """Progress of one upload, polled by its admin page."""
    upload = get_object_or_404(Upload, pk=upload_id)
    return JsonResponse(
        {
            "status": upload.status,
            "status_label": upload.get_status_display(),
            "progress": upload.progress,
            "rows_read": upload.rows_read,
            "rows_imported": upload.rows_imported,
            "rows_rejected": upload.rows_rejected,
        }
    )


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
