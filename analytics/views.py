"""Views stay thin: read the as-of day, ask analytics.selectors.usage for every figure, render."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_tables2 import RequestConfig

from analytics.forms import as_of_from_query
from analytics.models import Upload
from analytics.roles import DASHBOARD_PERMISSION
from analytics.selectors import usage
from analytics.tables import MemberActivityTable

LEADERBOARD_SIZE = 10


@login_required
def home(request):
    """Send each person where their role lets them work."""
    if request.user.has_perm(DASHBOARD_PERMISSION):
        return redirect("dashboard-overview")
    if request.user.is_staff and request.user.has_perm("analytics.view_upload"):  # the admin is their door
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


@permission_required("analytics.view_upload", raise_exception=True)
def upload_rejected_report(request, upload_id: int):
    """The CSV of an upload's rejected rows (line and reason), from private storage."""
    upload = get_object_or_404(Upload, pk=upload_id)
    if not upload.rejected_report:
        raise Http404("This upload has no rejected rows.")
    return FileResponse(
        upload.rejected_report.open("rb"), as_attachment=True, filename=f"upload-{upload.pk}-rejected-rows.csv"
    )


def _dashboard_context(request, *, tab: str) -> dict:
    """What every dashboard tab shows: the as-of form, the timezone and the summary cards."""
    form, as_of, chosen = as_of_from_query(request.GET)
    timezone = usage.reporting_timezone()
    return {
        "tab": tab,
        "as_of_form": form,
        "as_of": as_of,
        # Links between tabs keep a chosen day; without one they follow "today".
        "as_of_param": as_of.isoformat() if chosen else "",
        "timezone": timezone,
        "definitions": usage.DEFINITIONS,
        "totals": usage.usage_totals_get(as_of=as_of, timezone=timezone),
    }


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def dashboard_overview(request):
    context = _dashboard_context(request, tab="overview")
    return render(request, "analytics/overview.html", context)


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def dashboard_conversations(request):
    context = _dashboard_context(request, tab="conversations")
    as_of, timezone = context["as_of"], context["timezone"]
    table = MemberActivityTable(usage.member_activity_list(as_of=as_of, timezone=timezone))
    RequestConfig(request, paginate=True).configure(table)  # ?sort= and ?page=, applied in SQL
    context.update(
        windows=usage.conversation_windows_get(as_of=as_of, timezone=timezone),
        table=table,
        leaderboard=usage.member_leaderboard_list(as_of=as_of, timezone=timezone, limit=LEADERBOARD_SIZE),
        sort=request.GET.get(table.prefixed_order_by_field, ""),
    )
    return render(request, "analytics/conversations.html", context)
