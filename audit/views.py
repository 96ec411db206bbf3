"""The access log for privacy auditors: a filterable page and the same records as CSV.

Both are audited by audit.middleware like every page; they show no usage data (Scope.NONE).
"""

from itertools import chain

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.timezone import now
from django_tables2 import RequestConfig

from audit import access_log_file
from audit.filters import AccessRecordFilter
from audit.models import AccessRecord
from audit.selectors import access_record_list
from audit.services import access_note
from audit.tables import AccessRecordTable
from portal import spreadsheets
from portal.models import Scope
from portal.roles import ACCESS_LOG_PERMISSION


@login_required
@permission_required(ACCESS_LOG_PERMISSION, raise_exception=True)
def access_log(request):
    filterset = AccessRecordFilter(request.GET)
    table = AccessRecordTable(access_record_list(filters=request.GET))
    RequestConfig(request, paginate=True).configure(table)  # ?sort= and ?page=, in SQL
    access_note(request, scope=Scope.NONE)
    return render(
        request,
        "audit/access_log.html",
        {"filterset": filterset, "table": table, "sort": request.GET.get(table.prefixed_order_by_field, "")},
    )


@login_required
@permission_required(ACCESS_LOG_PERMISSION, raise_exception=True)
def access_log_csv(request):
    """The page's records, all of them, newest first, up to this moment (not this download's own record)."""
    filterset = AccessRecordFilter(request.GET)
    if not filterset.is_valid():
        errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in filterset.form.errors.items())
        return HttpResponse(f"The filters are not valid: {errors}", status=400, content_type="text/plain; charset=utf-8")
    generated_at = now()
    records = access_record_list(filters=request.GET, until=generated_at).iterator()
    provenance = spreadsheets.provenance_rows(
        title="access log",
        username=request.user.get_username(),
        generated_at=generated_at,
        filters=filterset.applied(),
    )
    access_note(request, scope=Scope.NONE, action=AccessRecord.Action.EXPORT)
    response = StreamingHttpResponse(
        spreadsheets.csv_lines(chain(provenance, access_log_file.access_log_rows(records))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="access-log-{generated_at:%Y%m%d-%H%M%S}.csv"'
    return response
