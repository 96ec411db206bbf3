"""Writes the access log: every audited request, every refusal (403), every failed login.

Every resolved request is audited unless its route is in NOT_AUDITED; views add what they
showed through audit.services.access_note. Audited responses are never cached (no-store): they
can hold member data.
If the record cannot be written the response is withheld: nothing is shown unlogged.

Page views: every request gets a fresh id (request.page_view, a UUID4), recorded with it. A
portal page carries its id in its head (portal/templates/portal/frame.html: <meta
name="page-view" content="…">), and usage/static/usage/js/charts.js sends it back as the X-Page-View header of the page's chart
requests; each of those is still recorded on its own (one record per request), with the claimed
id in `part_of`. The access log folds them into their page for display (audit.selectors,
page_views_fold), checking the claim there: the header is client input, so a made-up or borrowed
id never hides a request.
"""

from __future__ import annotations

import logging
import uuid

from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from audit.models import AccessRecord
from audit.services import access_record_create

logger = logging.getLogger(__name__)

# Every request is audited except these, which show nothing about members (each with why). A new
# view is therefore logged unless someone decides otherwise here; audit/tests/test_every_view_audited.py
# walks the URLconf to keep it so.
NOT_AUDITED = {
    "login": "the sign-in form",
    "logout": "signing out",
    "home": "a redirect to the start page of the person's role",
    "admin:login": "the admin's sign-in form",
    "admin:logout": "signing out of the admin",
    "admin:password_change": "a person's own password form",
    "admin:password_change_done": "the confirmation of a password change",
    "admin:jsi18n": "the admin's JavaScript translations",
    "favicon": "the portal's icon",
    "health": "the load balancer's probe: whether the databases answer",
}


def route_name(match) -> str:
    """"admin:login", "dashboard-overview": how NOT_AUDITED names a resolved route."""
    return f"{match.namespace}:{match.url_name}" if match.namespace else (match.url_name or "")


def is_audited(match) -> bool:
    """Whether a request resolved to `match` (a ResolverMatch, or None) goes into the access log."""
    return match is not None and route_name(match) not in NOT_AUDITED


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.page_view = uuid.uuid4()
        response = self.get_response(request)
        denied = response.status_code == 403
        audited = is_audited(request.resolver_match)
        if not (denied or audited):
            return response
        patch_cache_control(response, no_store=True, private=True)
        signed_in = request.user.is_authenticated
        allowed = not denied and signed_in and response.status_code < 400
        try:
            access_record_create(
                request=request,
                outcome=AccessRecord.Outcome.ALLOWED if allowed else AccessRecord.Outcome.DENIED,
                status_code=response.status_code,
                note=getattr(request, "access_note", None) if allowed else None,
            )
        except Exception:
            logger.exception("Could not write the access log; the response to %s was withheld", request.path)
            return HttpResponse(
                "This page could not be shown because the access log could not be written. Please try again.",
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        return response
