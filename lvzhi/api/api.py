"""The NinjaAPI instance; each app contributes a router from its apis.py.

Every answer other than success is JSON of one shape: {"code": <stable code>, "detail": <message for people>},
so a program can branch on `code` while a person reads `detail` (in the request's language).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from lvzhi.core.errors import ServiceError
from lvzhi.core.params import clean_query

from .auth import API_AUTH, ApiProblem

logger = logging.getLogger("lvzhi.api")


class Utf8JSONRenderer(JSONRenderer):
    """Chinese as Chinese in the answers, not \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_nul(v) for k, v in value.items()}
    return value


class CleanParser(Parser):
    """Query parameters go through clean_query (trimmed, shortened, no NUL bytes: PostgreSQL refuses NUL in
    text and answers a search for one with an error); JSON bodies lose their NUL bytes for the same reason."""

    def parse_body(self, request):
        return _without_nul(super().parse_body(request))

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        if data is not request.GET:
            return _without_nul(result)  # form fields; files are left alone
        return {
            key: [clean_query(v) for v in value] if isinstance(value, list) else clean_query(value)
            for key, value in result.items()
        }


api = NinjaAPI(
    title="lvzhi API",
    version="1",
    description=(
        "履职 platform API. Authenticate with a session cookie (send the CSRF token on writes) or an "
        "`Authorization: Bearer <token>` header; create tokens on the “API tokens” page. Every answer other "
        'than success is `{"code": …, "detail": …}`. Lists take `limit` and `offset` and answer '
        '`{"items": […], "count": N}`. Records outside your scope answer 404.'
    ),
    auth=API_AUTH,
    urls_namespace="api",
    renderer=Utf8JSONRenderer(),
    parser=CleanParser(),
)


class Problem(Schema):
    code: str
    detail: str


def problem(request, status: int, code: str, detail: str, **extra):
    response = api.create_response(request, {"code": code, "detail": str(detail), **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="lvzhi"'
    return response


@api.exception_handler(ApiProblem)
def _api_problem(request, exc: ApiProblem):
    return problem(request, exc.status, exc.code, exc.detail, **exc.extra)


@api.exception_handler(ServiceError)
def _service_error(request, exc: ServiceError):
    extra = {"field": exc.field} if exc.field else {}
    return problem(request, exc.status, exc.code, exc.message, **extra)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(request, 404, "not_found", _("Not found, or not in your scope."))


@api.exception_handler(PermissionDenied)
def _permission_denied(request, exc):
    return problem(request, 403, "permission_denied", _("You may not do this."))


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc.errors
    ]
    return problem(request, 422, "validation_error", _("Some input is not valid."), errors=errors)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc, AuthenticationError):
        return problem(
            request,
            401,
            "not_authenticated",
            _("Sign in, or send an API token: Authorization: Bearer <token>."),
        )
    if isinstance(exc, AuthorizationError):
        return problem(request, 403, "permission_denied", _("You may not do this."))
    if exc.status_code == 403 and "csrf" in str(exc).lower():
        return problem(request, 403, "csrf_failed", _("The CSRF check failed: send the X-CSRFToken header."))
    codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 429: "throttled"}
    return problem(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


@api.exception_handler(Exception)
def _unexpected(request, exc: Exception):
    logger.exception("API error on %s", request.path)
    return problem(request, 500, "server_error", _("Something went wrong on our side; it has been logged."))


@api.get("/me", tags=["accounts"], url_name="me", response={200: dict, 401: Problem})
def me(request):
    """Who you are, and the roles you hold."""
    from lvzhi.org.scope import scope_for

    user = request.auth
    s = scope_for(user)
    return {"id": user.pk, "username": user.username, "name": user.display_name, "roles": sorted(s.roles)}


def _mount_routers() -> None:
    from lvzhi.org.apis import router as org_router
    from lvzhi.stations.apis import router as stations_router
    from lvzhi.suggestions.apis import router as suggestions_router

    api.add_router("/", org_router)
    api.add_router("/", stations_router)
    api.add_router("/", suggestions_router)


_mount_routers()
