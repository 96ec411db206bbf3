"""Named exports end with the reveal they were made under (connected in ExportsConfig.ready())."""

from __future__ import annotations


def named_exports_expire_on_hide(sender, *, user, **kwargs) -> None:
    from exports.services import named_exports_expire

    named_exports_expire(user=user)


def connect() -> None:
    from audit.signals import names_hidden

    names_hidden.connect(named_exports_expire_on_hide, dispatch_uid="exports.named_exports_expire_on_hide")
