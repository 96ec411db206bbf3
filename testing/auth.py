"""The test settings' first authentication backend (usage_portal.test_settings names it)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class RequestlessLoginAxesBackend(AxesStandaloneBackend):
    """For usage_portal.test_settings only: lets authenticate() calls without a request (the test
    client's login()) through to the password check; any call with a request is watched by axes."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
