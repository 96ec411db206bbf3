"""Data health: is the imported data complete and current? For importers and superusers.
Counts of rows and days only, nothing about members (Scope.NONE)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from analytics.models import Scope
from analytics.selectors import usage
from analytics.selectors.data_health import data_health_get
from analytics.services.access_log import access_note


@login_required
@permission_required("analytics.view_upload", raise_exception=True)
def data_health(request):
    access_note(request, scope=Scope.NONE)
    health = data_health_get(timezone=usage.reporting_timezone())
    return render(request, "analytics/data_health.html", {"health": health})
