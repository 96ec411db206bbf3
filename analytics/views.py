"""Views stay thin: read the as-of day, ask analytics.selectors for every figure (privacy rules
included), render, and say what was shown (access_note) for the access log."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from analytics.forms import RevealForm, as_of_from_query, group_from_query
from analytics.models import AccessRecord, Scope, Upload
from analytics.roles import ACCESS_LOG_PERMISSION, DASHBOARD_PERMISSION, MEMBER_DETAIL_PERMISSION
from analytics.selectors import privacy, rollout, usage
from analytics.selectors.roster import roster_counts_get
from analytics.selectors.transparency import transparency_get
from analytics.services.access_log import access_note
from analytics.services.reveal import names_hide, names_reveal
from analytics.tables import MemberActivityTable, NamedMemberActivityTable

LEADERBOARD_SIZE = 10


@login_required
def home(request):
    """Send each person where their role lets them work."""
    if request.user.has_perm(DASHBOARD_PERMISSION):
        return redirect("dashboard-overview")
    if request.user.has_perm(ACCESS_LOG_PERMISSION):
        return redirect("access-log")
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
    access_note(request, scope=Scope.NONE)
    if not upload.rejected_report:
        raise Http404("This upload has no rejected rows.")
    return FileResponse(
        upload.rejected_report.open("rb"), as_attachment=True, filename=f"upload-{upload.pk}-rejected-rows.csv"
    )


def _dashboard_context(request, *, tab: str) -> dict:
    """What every dashboard tab shows: the as-of form, the timezone and the summary cards."""
    form, as_of, chosen = as_of_from_query(request.GET)
    group_form, group = group_from_query(request.GET)
    timezone = usage.reporting_timezone()
    access_note(request, scope=Scope.AGGREGATE)
    # Links between tabs keep a chosen day and group; without them they follow "today" and everyone.
    keep = {key: value for key, value in (("as_of", as_of.isoformat() if chosen else ""), ("group", request.GET.get("group", "") if group else "")) if value}
    return {
        "group_form": group_form,
        "group": group,
        "group_param": keep.get("group", ""),
        "tab_query": f"?{urlencode(keep)}" if keep else "",
        "tab": tab,
        "as_of_form": form,
        "as_of": as_of,
        "timezone": timezone,
        "definitions": usage.DEFINITIONS,
        "totals": usage.usage_totals_get(as_of=as_of, timezone=timezone, group=group),
        "suppression_marker": privacy.suppression_marker(),
    }


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def dashboard_overview(request):
    context = _dashboard_context(request, tab="overview")
    return render(request, "analytics/overview.html", context)


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def dashboard_conversations(request):
    """Conversation counts for everyone; per-member rows only for individual-detail viewers."""
    context = _dashboard_context(request, tab="conversations")
    as_of, timezone = context["as_of"], context["timezone"]
    group = context["group"]
    viewer = privacy.viewer_for_request(request)
    context.update(
        windows=usage.conversation_windows_get(as_of=as_of, timezone=timezone, group=group),
        distribution=usage.conversation_distribution_get(as_of=as_of, timezone=timezone, group=group),
        viewer=viewer,
    )
    if viewer.sees_people:
        people = usage.member_activity_list(viewer=viewer, as_of=as_of, timezone=timezone, group=group)
        leaderboard = usage.member_leaderboard_list(
            viewer=viewer, as_of=as_of, timezone=timezone, limit=LEADERBOARD_SIZE, group=group
        )
        table_class = NamedMemberActivityTable if viewer.sees_names else MemberActivityTable
        table = table_class(people.rows)
        RequestConfig(request, paginate=True).configure(table)  # ?sort= and ?page=, applied in SQL
        shown = list(table.page.object_list.data) if table.page else []
        access_note(
            request,
            scope=viewer.scope,
            person_rows=len(shown) + len(leaderboard.rows),
            members=[row["id"] for row in [*shown, *leaderboard.rows] if "id" in row],
        )
        context.update(
            table=table,
            people_suppressed=people.suppressed,
            leaderboard=leaderboard.rows,
            sort=request.GET.get(table.prefixed_order_by_field, ""),
        )
    return render(request, "analytics/conversations.html", context)


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def dashboard_rollout(request):
    """The rollout week by week, for the organisation or one group: KPIs against last week and the
    baseline, adoption and lifecycle, the teams, and where enablement lags."""
    context = _dashboard_context(request, tab="rollout")
    as_of, timezone, group = context["as_of"], context["timezone"], context["group"]
    team_sort = request.GET.get("team_sort", "team")
    # This week and last week; the chart's JSON view reads every week.
    weeks = rollout.weekly_figures_list(
        as_of=as_of, timezone=timezone, group=group, first_week=rollout.week_start(as_of) - timedelta(days=7)
    )
    baseline = rollout.baseline_get(as_of=as_of, timezone=timezone, group=group)
    this_week, last_week, comparisons = rollout.kpi_comparisons_list(weeks=weeks, baseline=baseline)
    viewer = privacy.viewer_for_request(request)
    context.update(
        rollout_definitions=rollout.DEFINITIONS,
        rolling=rollout.rolling_activity_get(as_of=as_of, timezone=timezone, group=group),
        this_week=this_week,
        last_week=last_week,
        baseline=baseline,
        comparisons=comparisons,
        details=rollout.week_details_list(as_of=as_of, timezone=timezone, group=group),
        teams=rollout.team_rows_sort(rollout.team_rows_list(as_of=as_of, timezone=timezone), sort=team_sort),
        team_sort=team_sort,
        gaps=rollout.enablement_gaps_list(as_of=as_of, timezone=timezone, drop_percent=settings.ROLLOUT_DROP_ALERT_PERCENT),
        gap_hints=rollout.GAP_HINTS,
        roster_counts=roster_counts_get(),
        viewer=viewer,
    )
    if viewer.sees_people:
        never_active = rollout.seat_holders_never_active_list(viewer=viewer, as_of=as_of, timezone=timezone)
        access_note(
            request,
            scope=viewer.scope,
            person_rows=len(never_active),
            members=[row["id"] for row in never_active if "id" in row],
        )
        context["never_active"] = never_active
    return render(request, "analytics/rollout.html", context)


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
        "analytics/reveal.html",
        {"form": form, "minutes": privacy.reveal_minutes(), "next": _next_url(request)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
@permission_required(MEMBER_DETAIL_PERMISSION, raise_exception=True)
def names_hide_view(request):
    names_hide(session=request.session)
    access_note(request, scope=Scope.NONE, action=AccessRecord.Action.HIDE)
    messages.info(request, "Names are hidden again.")
    return redirect(_next_url(request))


@login_required
def transparency(request):
    """What the portal keeps, for how long and who may see it; for everyone who can log in."""
    return render(request, "analytics/transparency.html", {"facts": transparency_get()})
