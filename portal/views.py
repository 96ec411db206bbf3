"""The portal's front door."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from portal.roles import ACCESS_LOG_PERMISSION, DASHBOARD_PERMISSION


@login_required
def home(request):
    """Send each person where their role lets them work."""
    if request.user.has_perm(DASHBOARD_PERMISSION):
        return redirect("dashboard-overview")
    if request.user.has_perm(ACCESS_LOG_PERMISSION):
        return redirect("access-log")
    if request.user.is_staff and request.user.has_perm("ingest.view_upload"):  # the admin is their door
        return redirect("admin:ingest_upload_changelist")
    return redirect("dashboard-overview")  # answers 403, explaining why
