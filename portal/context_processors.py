"""What every portal page shows in its frame: the reporting timezone, a rollup rebuild under way,
and when a name reveal ends."""

from portal import privacy
from portal.selectors import reporting_timezone_get, rollup_rebuild_get


def portal(request):
    viewer = privacy.viewer_for_request(request) if hasattr(request, "user") and hasattr(request, "session") else None
    return {
        "reporting_timezone": getattr(request, "reporting_timezone", None) or reporting_timezone_get(),
        "rollup_rebuild": rollup_rebuild_get(),
        "names_visible_until": viewer.names_visible_until if viewer else None,
    }
