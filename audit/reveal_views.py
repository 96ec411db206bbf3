"""Revealing names (with a justification, for NAMES_REVEAL_MINUTES) and hiding them again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from audit.models import AccessRecord
from audit.reveal import names_hide, names_reveal
from audit.services import access_note
from portal import privacy
from portal.models import Scope
from portal.roles import MEMBER_DETAIL_PERMISSION
from audit.forms import RevealForm


def _next_url(request, default: str = "dashboard-conversations") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return redirect(default).url


@login_required
@permission_required(MEMBER_DETAIL_PERMISSION, raise_exception=True)
def names_reveal_view(request):
    """Ask why, then show names for NAMES_REVEAL_MINUTES; the justification goes into the access log."""
    form = RevealForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        names_reveal(session=request.session)
        access_note(
            request,
            scope=Scope.NONE,
            action=AccessRecord.Action.REVEAL,
            justification=form.cleaned_data["justification"],
        )
        messages.info(request, "Names are visible now. Every page you open is logged.")
        return redirect(_next_url(request))
    access_note(request, scope=Scope.NONE)
    return render(
        request,
        "audit/reveal.html",
        {"form": form, "minutes": privacy.reveal_minutes(), "next": _next_url(request)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
@permission_required(MEMBER_DETAIL_PERMISSION, raise_exception=True)
def names_hide_view(request):
    names_hide(session=request.session)
    access_note(request, scope=Scope.NONE, action=AccessRecord.Action.HIDE)
    messages.info(request, "Names are hidden again.")
    return redirect(_next_url(request))
