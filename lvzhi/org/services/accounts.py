"""Account writes: password changes and resets, activation, roles. Each records a security event."""

from __future__ import annotations

from django.db import transaction

from lvzhi.core.audit import record_security_event

from ..models import User


@transaction.atomic
def account_change_password(*, user: User, new_password: str, request=None) -> None:
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record_security_event(actor=user, kind="security.password_changed", target=user, request=request)
