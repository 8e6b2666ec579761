"""Per-user API tokens: create (the token is shown once), revoke, and authenticate a presented token.

Only the SHA-256 of a token is stored, so a leaked database does not leak working tokens. A token acts as
its user, with the user's scope; an inactive account or a revoked token is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_security_event
from lvzhi.core.errors import ServiceError

from .models import ApiToken, User
from .security_events import API_TOKEN_CREATED, API_TOKEN_REVOKED

TOKEN_MARK = "lvz_"
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often, so a busy integration does not write on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def token_list_of(*, user) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (nobody else's: tokens are never shared or shown to staff)."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


@transaction.atomic
def token_create(*, user: User, name: str, request=None) -> tuple[ApiToken, str]:
    """Create a token for `user`; return the row and the plaintext, which is never available again."""
    name = (name or "").strip()
    if not name:
        raise ServiceError("token_name_required", _("Give the token a name."), field="name")
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ServiceError(
            "token_name_too_long", _("The name is too long (at most 60 characters)."), field="name"
        )
    if not user.is_active:
        raise ServiceError("account_inactive", _("This account is deactivated."))
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if active.filter(name=name).exists():
        raise ServiceError("token_name_taken", _("You already have a token with this name."), field="name")
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ServiceError(
            "too_many_tokens",
            _("You have %(n)s active tokens; revoke one you no longer use first.") % {"n": MAX_ACTIVE_TOKENS},
        )
    plaintext = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=plaintext[len(TOKEN_MARK) : len(TOKEN_MARK) + 8],
        key_hash=_hash(plaintext),
    )
    record_security_event(
        actor=user,
        kind=API_TOKEN_CREATED,
        target=token,
        request=request,
        payload={"user_id": user.pk},
    )
    return token, plaintext


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken, request=None) -> ApiToken:
    """Revoke a token. Its owner may revoke it, and so may a site administrator."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk and not actor.is_superuser:
        raise ServiceError("not_your_token", _("You can only revoke your own tokens."), status=403)
    if token.revoked_at is not None:
        raise ServiceError("token_already_revoked", _("This token was already revoked."), status=409)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_security_event(
        actor=actor,
        kind=API_TOKEN_REVOKED,
        target=token,
        request=request,
        payload={"user_id": token.user_id},
    )
    return token


def token_authenticate(plaintext: str) -> User | None:
    """The active user a presented token belongs to, or None (unknown, revoked, or account inactive)."""
    if not plaintext or not plaintext.startswith(TOKEN_MARK) or len(plaintext) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(plaintext), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A plain UPDATE: no event per use (that would flood the log), and no race on the row.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
