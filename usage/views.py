"""The dashboard pages (overview, conversations, rollout) and the data-health page. Views stay
thin: read the as-of day and group, ask usage.selectors for every figure (privacy rules
included), render, and say what was shown (access_note) for the access log.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils.http import urlencode
from django_tables2 import RequestConfig

from audit.services import access_note
from people.selectors import pseudonym_period_get, roster_counts_get
from portal import privacy
from portal.models import Scope
from portal.roles import DASHBOARD_PERMISSION
from usage.forms import as_of_from_query, group_from_query, range_from_query
from usage.selectors import activity, claude_code, rollout
from usage.selectors.data_health import FRESH_WITHIN_DAYS, data_health_get
from usage.tables import CodeMemberTable, MemberActivityTable, NamedCodeMemberTable, NamedMemberActivityTable

LEADERBOARD_SIZE = 10


def pseudonyms_shown() -> str:
    """What pages say beside pseudonyms: whose period they are and how long they last."""
    period, rotation = pseudonym_period_get(), settings.PSEUDONYM_ROTATION
    if rotation == "never" or not period:
        return "Members are shown under stable pseudonyms."
    every = {"quarterly": "every quarter", "yearly": "every year"}[rotation]
    return f"Members are shown under the pseudonyms of {period}; they change {every}, so none links a person for long."


def _dashboard_context(request, *, tab: str) -> dict:
    """What every dashboard tab shows: the as-of form, the timezone and the summary cards."""
    timezone = request.reporting_timezone
    form, as_of, chosen = as_of_from_query(request.GET, timezone=timezone)
    group_form, group = group_from_query(request.GET)
    range_form, date_range = range_from_query(request.GET, as_of=as_of)
    access_note(request, scope=Scope.AGGREGATE)
    # Links between tabs keep a chosen day, group and range; without them they follow "today", everyone and all time.
    keep = {key: value for key, value in (("as_of", as_of.isoformat() if chosen else ""), ("group", request.GET.get("group", "") if group else "")) if value}
    keep.update(date_range.query())
    return {
        "range_form": range_form,
        "date_range": date_range,
        "range_params": date_range.query(),
        # Appended to a chart's JSON URL, after its ?as_of= (usage/templates/usage/chart.html).
        "range_query": f"&{urlencode(date_range.query())}" if date_range.query() else "",
        "group_form": group_form,
        "group": group,
        "group_param": keep.get("group", ""),
        "tab_query": f"?{urlencode(keep)}" if keep else "",
        "tab": tab,
        "as_of_form": form,
        "as_of": as_of,
        "timezone": timezone,
        "definitions": activity.DEFINITIONS,
        "totals": activity.usage_totals_get(as_of=as_of, timezone=timezone, group=group),
        # The Overview and Conversations cards' change and sparkline (other tabs have their own cards).
        "trends": activity.card_trends_get(as_of=as_of, timezone=timezone, group=group) if tab in ("overview", "conversations") else {},
        "suppression_marker": privacy.suppression_marker(),
    }


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def dashboard_overview(request):
    context = _dashboard_context(request, tab="overview")
    return render(request, "usage/overview.html", context)


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def dashboard_conversations(request):
    """Conversation counts for everyone; per-member rows only for individual-detail viewers."""
    context = _dashboard_context(request, tab="conversations")
    as_of, timezone = context["as_of"], context["timezone"]
    group = context["group"]
    viewer = privacy.viewer_for_request(request)
    context.update(
        windows=activity.conversation_windows_get(as_of=as_of, timezone=timezone, group=group),
        distribution=activity.conversation_distribution_get(as_of=as_of, timezone=timezone, group=group),
        viewer=viewer,
        pseudonyms=pseudonyms_shown(),
    )
    if viewer.sees_people:
        people = activity.member_activity_list(viewer=viewer, as_of=as_of, timezone=timezone, group=group)
        leaderboard = activity.member_leaderboard_list(
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
    return render(request, "usage/conversations.html", context)


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def dashboard_rollout(request):
    """The rollout week by week, for the organisation or one group: KPIs against last week and the
    baseline, adoption and lifecycle, the teams, and where enablement lags."""
    context = _dashboard_context(request, tab="rollout")
    as_of, timezone, group = context["as_of"], context["timezone"], context["group"]
    team_sort = request.GET.get("team_sort", "team")
    # This week and last week (the same weekdays while this one is partial); the chart's JSON view reads every week.
    comparison = rollout.week_comparison_get(as_of=as_of, timezone=timezone, group=group)
    viewer = privacy.viewer_for_request(request)
    context.update(
        rollout_definitions=rollout.DEFINITIONS,
        rollout_glossary=rollout.glossary_list(),
        rolling=rollout.rolling_activity_get(as_of=as_of, timezone=timezone, group=group),
        rolling_trends=rollout.rolling_trends_get(as_of=as_of, timezone=timezone, group=group),
        comparison=comparison,
        this_week=comparison.this_week,
        last_week=comparison.last_week,
        baseline=comparison.baseline,
        comparisons=comparison.comparisons,
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
        context["pseudonyms"] = pseudonyms_shown()
    return render(request, "usage/rollout.html", context)

@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def dashboard_claude_code(request):
    """Claude Code for the organisation or one group, per UTC date: cards, daily charts, breakdowns
    by terminal, model, plugin and skill, API keys, and per-member rows for individual-detail viewers."""
    context = _dashboard_context(request, tab="claude-code")
    as_of, group = context["as_of"], context["group"]
    viewer = privacy.viewer_for_request(request)
    context.update(
        code_definitions={**claude_code.DEFINITIONS, **claude_code.CARD_DEFINITIONS},
        code_present=claude_code.code_data_present(as_of=as_of),
        cards=claude_code.code_cards_get(as_of=as_of, group=group),
        code_trends=claude_code.code_card_trends_get(as_of=as_of, group=group),
        terminals=claude_code.code_terminal_list(as_of=as_of, group=group),
        models=claude_code.code_model_list(as_of=as_of, group=group),
        plugins=claude_code.plugin_adoption_list(as_of=as_of, group=group),
        skills=claude_code.skill_usage_list(as_of=as_of, group=group),
        # API keys are not people and belong to no group: the organisation's view only.
        api_keys=claude_code.api_key_totals_get(as_of=as_of) if group is None else None,
        min_group_size=privacy.min_group_size(),
        viewer=viewer,
    )
    if viewer.sees_people:
        rows = claude_code.code_member_list(viewer=viewer, as_of=as_of, group=group)
        if rows is not None:
            table = (NamedCodeMemberTable if viewer.sees_names else CodeMemberTable)(rows)
            RequestConfig(request, paginate=True).configure(table)
            shown = list(table.page.object_list.data) if table.page else []
            access_note(request, scope=viewer.scope, person_rows=len(shown), members=[row["id"] for row in shown if "id" in row])
            context.update(table=table, sort=request.GET.get(table.prefixed_order_by_field, ""))
        context.update(people_suppressed=rows is None, pseudonyms=pseudonyms_shown())
    return render(request, "usage/claude_code.html", context)


@login_required
@permission_required("ingest.view_upload", raise_exception=True)
def data_health(request):
    access_note(request, scope=Scope.NONE)
    health = data_health_get(timezone=request.reporting_timezone)
    return render(request, "usage/data_health.html", {"health": health, "fresh_within_days": FRESH_WITHIN_DAYS})
