"""Warming the figure cache (portal.cache) after an import, a purge or a roster import: the figures
the first viewers ask for, computed by the worker before they do. The common keys: today in the
reporting timezone, the whole organisation and each team whose figures may be shown, for a Usage
viewer and an Individual-detail viewer (pseudonymous; named views are never cached)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache

from people.groups import Group
from people.models import Team
from people.selectors import groups_hidden_get
from portal import privacy
from portal.cache import data_version_get
from portal.models import Scope
from portal.queue import task_send
from portal.selectors import reporting_timezone_get, reporting_today
from usage.selectors import activity, claude_code, data_health, rollout

logger = logging.getLogger(__name__)

# As usage.views shows them (the leaderboard's length is part of its key).
LEADERBOARD_SIZE = 10
VIEWERS = (privacy.Viewer(scope=Scope.AGGREGATE), privacy.Viewer(scope=Scope.PSEUDONYMOUS))


def figures_warm_enqueue() -> bool:
    """Queue the warm (after the change commits); FIGURE_CACHE_WARM=false leaves it to the viewers."""
    if not (settings.FIGURE_CACHE and settings.FIGURE_CACHE_WARM):
        return False
    from usage.tasks import figures_warm_task

    return task_send(figures_warm_task)


def _group_figures(*, as_of, timezone: str, group: Group | None) -> None:
    """What the Overview, Conversations, Rollout and Claude Code pages and their charts show of one group."""
    for selector in (
        activity.usage_totals_get,
        activity.card_trends_get,
        activity.conversation_windows_get,
        activity.conversation_distribution_get,
        activity.daily_active_users_list,
        activity.daily_conversations_list,
        rollout.week_comparison_get,
        rollout.rolling_activity_get,
        rollout.rolling_trends_get,
        rollout.week_details_list,
        rollout.weekly_figures_list,
        rollout.baseline_get,
        claude_code.ticket_daily_list,
    ):
        selector(as_of=as_of, timezone=timezone, group=group)
    for selector in (
        claude_code.code_cards_get,
        claude_code.code_card_trends_get,
        claude_code.code_terminal_list,
        claude_code.code_model_list,
        claude_code.plugin_adoption_list,
        claude_code.skill_usage_list,
        claude_code.code_daily_list,
        claude_code.code_shown,
    ):
        selector(as_of=as_of, group=group)
    viewer = VIEWERS[1]
    activity.member_leaderboard_list(viewer=viewer, as_of=as_of, timezone=timezone, limit=LEADERBOARD_SIZE, group=group)
    claude_code.code_member_list(viewer=viewer, as_of=as_of, group=group)


def figures_warm() -> int:
    """Compute the common figures of the current data version once (a second warm of the same
    version returns at once). Returns how many groups were warmed (0 when already warm)."""
    version = data_version_get()
    if not settings.FIGURE_CACHE or not cache.add(f"figure-warm:{version}", True, timeout=settings.FIGURE_CACHE_SECONDS):
        return 0
    timezone = reporting_timezone_get()
    as_of = reporting_today(timezone=timezone)
    hidden = groups_hidden_get()
    teams = [Group("team", name) for name in Team.objects.order_by("name").values_list("name", flat=True)]
    groups = [None, *(group for group in teams if group not in hidden)]
    for group in groups:
        _group_figures(as_of=as_of, timezone=timezone, group=group)
    activity.data_last_day_get(timezone=timezone)
    claude_code.code_data_present(as_of=as_of)
    claude_code.api_key_totals_get(as_of=as_of)
    rollout.team_rows_list(as_of=as_of, timezone=timezone)
    rollout.enablement_gaps_list(as_of=as_of, timezone=timezone, drop_percent=settings.ROLLOUT_DROP_ALERT_PERCENT)
    rollout.seat_holders_never_active_list(viewer=VIEWERS[1], as_of=as_of, timezone=timezone)
    data_health.data_health_get(timezone=timezone)
    for source in range(len(data_health.DATED_SOURCES) + 1):
        data_health.source_records_per_day_list(source=source, timezone=timezone)
    logger.info("figure cache warmed: %d groups, data version %s", len(groups), version[:8])
    return len(groups)
