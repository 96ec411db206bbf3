"""Signal receivers, connected in AuditConfig.ready(): every failed login (Django's
user_login_failed) and every lockout (django-axes' user_locked_out) goes into the access log,
with the username as typed when an account has it (else NO_SUCH_ACCOUNT: it may be a
password typed into the wrong field); nothing about them goes into the application log.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

from audit.models import AccessRecord
from audit.services import access_record_create

# What a failed-login record says instead of a typed username that matches no account: that text
# may be a password typed into the wrong field, which auditors must not read. (Django usernames
# cannot contain spaces or brackets, so no account has this name.)
NO_SUCH_ACCOUNT = "(no such account)"


def username_recorded(typed) -> str:
    """The username as typed when an account has it, else NO_SUCH_ACCOUNT."""
    typed = str(typed or "")
    User = get_user_model()
    return typed if typed and User._default_manager.filter(**{User.USERNAME_FIELD: typed}).exists() else NO_SUCH_ACCOUNT


def record_login_failed(sender, credentials, request=None, **kwargs) -> None:
    if request is None:  # authenticate() called outside a request (a script or a test): nothing to record
        return
    access_record_create(
        request=request,
        outcome=AccessRecord.Outcome.DENIED,
        action=AccessRecord.Action.LOGIN_FAILED,
        username=username_recorded(credentials.get(get_user_model().USERNAME_FIELD)),
    )


def record_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    if request is None:
        return
    access_record_create(
        request=request,
        outcome=AccessRecord.Outcome.DENIED,
        action=AccessRecord.Action.LOCKED_OUT,
        status_code=settings.AXES_HTTP_RESPONSE_CODE,
        username=username_recorded(username),
    )


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_login_failed

    # The attempt that triggers a lockout leaves both records, in the order the receivers run
    # (django-axes' own user_login_failed receiver sends user_locked_out).
    user_login_failed.connect(record_login_failed, dispatch_uid="audit.record_login_failed")
    user_locked_out.connect(record_locked_out, dispatch_uid="audit.record_locked_out")
