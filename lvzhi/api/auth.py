"""How the API knows who is calling: a per-user token (`Authorization: Bearer <token>`) or the browser session.

The token is tried first. A session is accepted as ninja's `django_auth` accepts it, with the CSRF check on
unsafe methods, so a page on another site cannot make a signed-in browser write through the API.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja.security import HttpBearer, django_auth

from lvzhi.org.tokens import token_authenticate


class ApiProblem(Exception):
    """An API answer other than success: the HTTP status, a stable code and a message for people."""

    def __init__(self, status: int, code: str, detail: str, **extra):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = str(detail)
        self.extra = extra


class BearerToken(HttpBearer):
    def __call__(self, request):
        header = request.headers.get(self.header)
        if not header:
            return None
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None  # another scheme: leave it to the session check
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token: str):
        user = token_authenticate(token)
        if user is None:
            # A presented but unusable token is an answer in itself: never fall back to the session.
            raise ApiProblem(
                401, "invalid_token", _("The API token is unknown, revoked, or its account is deactivated.")
            )
        if user.must_change_password:
            raise ApiProblem(
                403, "password_change_required", _("Sign in on the site and change your password first.")
            )
        # Pages' selectors read request.user; with a token the session's user is anonymous.
        request.user = user
        return user


bearer_token = BearerToken()
API_AUTH = [bearer_token, django_auth]
