from django.contrib.auth.decorators import login_required, permission_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect

from analytics.models import Upload
from analytics.roles import DASHBOARD_PERMISSION


@login_required
def home(request):
    """Send each person where their role lets them work."""
    if request.user.has_perm(DASHBOARD_PERMISSION):
        return redirect("dashboard-overview")
    if request.user.has_perm("analytics.view_upload"):
        return redirect("admin:analytics_upload_changelist")
    return redirect("dashboard-overview")  # answers 403, explaining why


@permission_required("analytics.view_upload", raise_exception=True)
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
