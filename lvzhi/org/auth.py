"""Signing in by username or mobile number, the password rule, and the lockout answer.

The lockout (django-axes) counts failures per account: whatever the person typed, a username or a mobile
number, `axes_username` turns it into the account's username before axes counts or checks it.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import User
from .privacy import normalise_mobile  # lives in org.privacy; still importable from here
from .security_events import LOCKOUT


def find_account(identifier: str | None) -> User | None:
    """The one account a username or mobile number names; a username wins over another's mobile.

    A mobile number may be typed with spaces, dashes, +86 or full-width digits (１３８…)."""
    # NUL bytes never name an account, and PostgreSQL refuses them in a query.
    identifier = (identifier or "").replace("\x00", "").strip()
    if not identifier:
        return None
    user = User.objects.filter(username=identifier).first()
    if user is None:
        mobile = normalise_mobile(identifier)
        user = User.objects.filter(mobile=mobile).first() if mobile else None
    return user


def resolve_login_name(identifier: str | None) -> str:
    """The account's username for a username or mobile number, so lockouts count per account."""
    user = find_account(identifier)
    return user.username if user is not None else (identifier or "").replace("\x00", "").strip()


def axes_username(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: the account a sign-in attempt is about, however it was named."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username")
    return resolve_login_name(typed)


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_account(username)
        if user is None:
            User().set_password(password)  # same work as a real check, against timing probes
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class CharacterClassesValidator:
    """At least three of: lower-case, upper-case, digits, symbols (等保 password complexity)."""

    CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")

    def validate(self, password, user=None):
        if sum(bool(re.search(c, password)) for c in self.CLASSES) < 3:
            raise ValidationError(
                _("Use at least three of: lower-case letters, upper-case letters, digits, symbols."),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("Use at least three of: lower-case letters, upper-case letters, digits, symbols.")


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the locked page, in the user's language.

    Records `security.lockout` once, on the failure that locks the account (axes counted that failure,
    so `axes_failures_since_start` is set); a try while already locked is a `security.signin_failed`
    that the sign-in view records.
    """
    from lvzhi.core.audit import record_security_event

    if getattr(request, "axes_failures_since_start", None) is not None:
        user = find_account(axes_username(request, credentials))
        record_security_event(
            actor=user,
            kind=LOCKOUT,
            target=user,
            request=request,
            payload={"minutes": settings.LVZHI_LOCKOUT_MINUTES},
        )
    return render(
        request,
        "registration/locked.html",
        {"minutes": settings.LVZHI_LOCKOUT_MINUTES},
        status=403,
    )
