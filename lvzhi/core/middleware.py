"""Request middleware of the shell."""

import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _


class PasswordChangeRequiredMiddleware:
    """An account flagged `must_change_password` (new, or reset by staff) can only change its password."""

    ALLOWED = ("password_change", "signout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and not request.path.startswith(("/static/", "/healthz")):
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse(
                        {"code": "password_change_required", "detail": _("Change your password first.")},
                        status=403,
                        json_dumps_params={"ensure_ascii": False},
                    )
                return redirect(
                    f"{reverse('password_change')}?{urlencode({'next': request.get_full_path()})}"
                )
        return self.get_response(request)


class IdleClockMiddleware:
    """Slide a session's idle clock (SESSION_COOKIE_AGE) with activity, at most once a minute.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) costs a database write per page; marking
    it changed when its last save is a minute old keeps the idle limit to within that minute for one write a
    minute. Only requests that bring a session cookie read the session here: an anonymous visitor's pages
    stay cookie-free and cacheable.
    """

    SLIDE_EVERY_SECONDS = 60
    KEY = "_idle_clock"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            session = request.session
            now = int(time.time())
            if session.keys() and now - session.get(self.KEY, 0) >= self.SLIDE_EVERY_SECONDS:
                session[self.KEY] = now
        return self.get_response(request)
