"""The transparency page ("What we keep"), for every logged-in person."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from retention.selectors import transparency_get


@login_required
def transparency(request):
    """What the portal keeps, for how long and who may see it; for everyone who can log in."""
    return render(request, "retention/transparency.html", {"facts": transparency_get()})
