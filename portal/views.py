"""The portal's front door, and the admin's for people who have no business there."""

from django.contrib import admin, messages
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
    if request.user.has_perm("ingest.view_upload"):
        return redirect("uploads")
    return redirect("dashboard-overview")  # answers 403, explaining why


NOT_ADMIN_MESSAGE = "Administration is for administrators; what your role lets you do is here in the portal."


def admin_login(request, extra_context=None):
    """The admin's login page (where the admin sends anyone who is not staff). A logged-in person
    without admin rights is sent to their place in the portal with a word, not to Django's bare
    "not authorized" login form."""
    if request.user.is_authenticated and not request.user.is_staff:
        messages.info(request, NOT_ADMIN_MESSAGE)
        return redirect("home")
    return admin.AdminSite.login(admin.site, request, extra_context)
