"""The access log for privacy auditors (a filterable page of page views, and the same records as
CSV, one row per request), and the
name reveal and hide of individual-detail viewers.

Both are audited by audit.middleware like every page; they show no usage data (Scope.NONE).
"""

from itertools import chain

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import now
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from audit import selectors
from audit.filters import AccessRecordFilter
from audit.forms import RevealForm
from audit.models import AccessRecord
from audit.selectors import access_record_list, page_view_list
from audit.services import access_note, names_hide, names_reveal
from audit.signals import names_hidden
from audit.tables import AccessRecordTable
from portal import privacy, spreadsheets
from portal.models import Scope
from portal.roles import ACCESS_LOG_PERMISSION, MEMBER_DETAIL_PERMISSION


@login_required
@permission_required(ACCESS_LOG_PERMISSION, raise_exception=True)
def access_log(request):
    filterset = AccessRecordFilter(request.GET)
    table = AccessRecordTable(page_view_list(filters=request.GET))
    RequestConfig(request, paginate=True).configure(table)  # ?sort= and ?page=, in SQL
    table.fold_page()
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
    records = access_record_list(filters=request.GET, until=generated_at)
    provenance = spreadsheets.provenance_rows(
        title="access log",
        username=request.user.get_username(),
        generated_at=generated_at,
        filters=filterset.applied(),
    )
    access_note(request, scope=Scope.NONE, action=AccessRecord.Action.EXPORT)
    response = StreamingHttpResponse(
        spreadsheets.csv_lines(chain(provenance, selectors.access_log_rows(records))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="access-log-{generated_at:%Y%m%d-%H%M%S}.csv"'
    return response


# --- Revealing and hiding names ------------------------------------------------------------------

def _next_url(request, default: str = "dashboard-conversations") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return redirect(default).url


@login_required
@permission_required(MEMBER_DETAIL_PERMISSION, raise_exception=True)
def names_reveal_view(request):
    """Ask why, then show names for NAMES_REVEAL_MINUTES; the justification goes into the access log."""
    form = RevealForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        names_reveal(session=request.session)
        access_note(
            request,
            scope=Scope.NONE,
            action=AccessRecord.Action.REVEAL,
            justification=form.cleaned_data["justification"],
        )
        messages.info(request, "Names are visible now. Every page you open is logged.")
        return redirect(_next_url(request))
    access_note(request, scope=Scope.NONE)
    return render(
        request,
        "audit/reveal.html",
        {"form": form, "minutes": privacy.reveal_minutes(), "next": _next_url(request)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
@permission_required(MEMBER_DETAIL_PERMISSION, raise_exception=True)
def names_hide_view(request):
    names_hide(session=request.session)
    names_hidden.send(sender=AccessRecord, user=request.user)
    access_note(request, scope=Scope.NONE, action=AccessRecord.Action.HIDE)
    messages.info(request, "Names are hidden again.")
    return redirect(_next_url(request))
