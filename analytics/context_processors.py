from analytics.selectors import privacy, usage


def portal(request):
    viewer = privacy.viewer_for_request(request) if hasattr(request, "user") and hasattr(request, "session") else None
    return {
        "reporting_timezone": usage.reporting_timezone(),
        "rollup_rebuild": usage.rollup_rebuild_get(),
        "names_visible_until": viewer.names_visible_until if viewer else None,
    }
