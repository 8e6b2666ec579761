"""Signing in by username or mobile number, the password rule, and the lockout answer."""

from __future__ import annotations

import re

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import User


def resolve_login_name(identifier: str) -> str:
    """The account's username for a username or mobile number, so lockouts count per account."""
    identifier = (identifier or "").strip()
    match = User.objects.filter(Q(username=identifier) | Q(mobile=identifier)).values_list(
        "username", flat=True
    )
    names = list(match[:2])
    return names[0] if len(names) == 1 else identifier


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        try:
            user = User.objects.get(Q(username=username) | Q(mobile=username))
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            User().set_password(password)  # same work as a real check, against timing probes
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class CharacterClassesValidator:
    """At least three of: lower-case, upper-case, digits, symbols (等保 password complexity)."""

    def validate(self, password, user=None):
        classes = [r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]"]
        if sum(bool(re.search(c, password)) for c in classes) < 3:
            raise ValidationError(
                _("Use at least three of: lower-case letters, upper-case letters, digits, symbols."),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("Use at least three of: lower-case letters, upper-case letters, digits, symbols.")


def lockout_response(request, *args, **kwargs):
    from django.conf import settings

    from lvzhi.core.audit import record_security_event

    username = (request.POST.get("username") or "") if request is not None else ""
    user = User.objects.filter(username=resolve_login_name(username)).first()
    record_security_event(actor=user, kind="security.lockout", request=request)
    return render(
        request,
        "registration/locked.html",
        {"minutes": settings.LVZHI_LOCKOUT_MINUTES},
        status=403,
    )
