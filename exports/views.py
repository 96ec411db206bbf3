"""Dashboard exports: request one from a dashboard view (POST), follow its progress, download it.

One click: a small export is built in the request, which then redirects to its download (the
browser stays on the dashboard and saves the file); a large one goes to its page, which follows
the background build. A failed small build also lands on the page, which says so.

An export is seen only by its creator (or a superuser); anyone else gets 404. Downloads are
audited (audit.middleware) with what the file shows. An expired export answers 410 Gone, and
its file is deleted from storage then.
"""

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit.models import AccessRecord
from audit.services import access_note
from exports.models import Export
from exports.selectors import SORTED_VIEWS, VIEWS, export_get_for_user, export_is_small, export_scope_get
from exports.services import (
    TITLES,
    export_create,
    export_file_delete,
    export_file_name,
    export_is_expired,
    export_reveal_check,
)
from portal import privacy
from portal.models import Scope
from portal.roles import DASHBOARD_PERMISSION, MEMBER_DETAIL_PERMISSION
from usage.forms import as_of_from_query, group_from_query, range_from_query

CONTENT_TYPES = {
    Export.Format.CSV: "application/zip",  # one CSV per table, and the provenance
    Export.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ExportRequestForm(forms.Form):
    """The dashboard header's export buttons; the as-of day, group and range are read like the dashboard's own."""

    view = forms.ChoiceField(choices=[(view, view) for view in VIEWS])
    format = forms.ChoiceField(choices=Export.Format.choices)
    sort = forms.CharField(required=False, max_length=50)


@require_POST
@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def export_create_view(request):
    form = ExportRequestForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose a dashboard view and a format (CSV or XLSX) to export.")
    view = form.cleaned_data["view"]
    viewer = privacy.viewer_for_request(request)
    scope = export_scope_get(view=view, viewer=viewer)
    group = group_from_query(request.POST)[1]
    as_of = as_of_from_query(request.POST, timezone=request.reporting_timezone)[1]
    export = export_create(
        user=request.user,
        view=view,
        format=form.cleaned_data["format"],
        as_of=as_of,
        date_range=range_from_query(request.POST, as_of=as_of)[1],
        sort=form.cleaned_data["sort"] if view in SORTED_VIEWS else "",
        scope=scope,
        group=request.POST.get("group", "") if group else "",
        names_until=viewer.names_visible_until,
        build_now=export_is_small(view=view, scope=scope, group=group),
    )
    if export.status == Export.Status.DONE:
        return redirect("export-download", export_id=export.pk)
    return redirect("export-detail", export_id=export.pk)


def _export_for(request, export_id: int) -> Export:
    """The requester's export; a named one whose reveal has ended comes back expired."""
    export = export_get_for_user(export_id=export_id, user=request.user)
    if export is None:
        raise Http404("No such export.")
    if export.scope in (Scope.PSEUDONYMOUS, Scope.NAMED) and not request.user.has_perm(MEMBER_DETAIL_PERMISSION):
        raise PermissionDenied("This export holds per-member rows, which are for individual-detail viewers.")
    export_reveal_check(export=export, viewer=privacy.viewer_for_request(request))
    return export


DASHBOARD_URLS = {
    "overview": "dashboard-overview",
    "conversations": "dashboard-conversations",
    "rollout": "dashboard-rollout",
    "claude-code": "dashboard-claude-code",
}


def _page_context(export: Export) -> dict:
    return {
        "export": export,
        "view_title": TITLES.get(export.view, export.view),
        "dashboard_url": DASHBOARD_URLS.get(export.view, "dashboard-overview"),
        "file_name": export_file_name(export=export),
    }


def _gone(request, export: Export):
    export_file_delete(export=export)
    return render(request, "exports/export_gone.html", _page_context(export), status=410)


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def export_detail(request, export_id: int):
    export = _export_for(request, export_id)
    if export_is_expired(export=export):
        return _gone(request, export)
    return render(request, "exports/export.html", _page_context(export))


@never_cache
@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def export_status(request, export_id: int):
    """Progress of one export, polled by its page."""
    export = _export_for(request, export_id)
    if export_is_expired(export=export):
        return JsonResponse({"status": "expired", "status_label": "Expired"}, status=410)
    return JsonResponse(
        {
            "status": export.status,
            "status_label": export.get_status_display(),
            "progress": export.progress,
            "rows": export.rows,
            "error": export.error,
        }
    )


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def export_download(request, export_id: int):
    export = _export_for(request, export_id)
    if export_is_expired(export=export):
        return _gone(request, export)
    if export.status != Export.Status.DONE or not export.file:
        raise Http404("This export has no file yet.")
    named = export.scope == Scope.NAMED
    access_note(
        request,
        scope=export.scope,
        person_rows=export.rows,
        members=export.parameters.get("members", []) if named else [],
        action=AccessRecord.Action.EXPORT,
    )
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export_file_name(export=export),
        content_type=CONTENT_TYPES[export.format],
    )
