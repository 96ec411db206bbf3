"""The portal's front door, and the admin's for people who have no business there."""

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from portal.replica import REPLICA
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


@never_cache
def health(request):
    """The load balancer's probe (docs/deploy.md, "Health checks"): 200 when this web process can
    query each of its databases (the primary, and the replica when there is one), else 503.
    It shows nothing about anyone, needs no login and is not in the access log."""
    for alias in [alias for alias in (DEFAULT_DB_ALIAS, REPLICA) if alias in connections]:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            return HttpResponse(f"database {alias} unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
