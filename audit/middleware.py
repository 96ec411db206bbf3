"""Writes the access log: every audited request, every refusal (403), every failed login.

A request is audited when its URL name is in AUDITED_URL_NAMES or it is an admin page of an
audited model; views add what they showed through audit.services.access_note.
If the record cannot be written the response is withheld: nothing is shown unlogged.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse

from audit.models import AccessRecord
from audit.services import access_record_create

logger = logging.getLogger(__name__)

AUDITED_URL_NAMES = {
    "dashboard-overview",
    "dashboard-conversations",
    "dashboard-rollout",
    "chart-weekly",
    "chart-daily-active-users",
    "chart-daily-conversations",
    "chart-conversation-distribution",
    "names-reveal",
    "names-hide",
    "upload-rejected-report",
    "access-log",
    "access-log-csv",
    "data-health",
    "export-download",
}
# Admin pages about these models (lists, change pages, history) are audited too.
AUDITED_ADMIN_MODELS = ("people.member", "ingest.event", "ingest.upload", "audit.accessrecord", "people.rosterentry")


def is_audited(match) -> bool:
    """Whether a request resolved to `match` (a ResolverMatch, or None) goes into the access log."""
    if match is None:
        return False
    if match.namespace == "admin":
        prefixes = tuple(f"{model.replace('.', '_')}_" for model in AUDITED_ADMIN_MODELS)
        return (match.url_name or "").startswith(prefixes)
    return match.url_name in AUDITED_URL_NAMES


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        denied = response.status_code == 403
        audited = is_audited(request.resolver_match)
        if not (denied or audited):
            return response
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
