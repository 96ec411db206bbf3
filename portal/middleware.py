"""Resolves the reporting timezone once per request."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import timezone

from portal.selectors import reporting_timezone_get


class ReportingTimezoneMiddleware:
    """Reads the reporting timezone (which an admin may change while the portal runs) once per
    request into request.reporting_timezone, and shows every time in it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.reporting_timezone = reporting_timezone_get()
        timezone.activate(ZoneInfo(request.reporting_timezone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
