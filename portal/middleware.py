"""Resolves the reporting timezone and the data version once per request."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import timezone

from portal.cache import request_memo
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


class DataVersionMiddleware:
    """Reads the data version at most once per request, so a page's figures come from one version
    (one query however many figures it shows); a bump during the request is seen at once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            request_memo.reset(token)
