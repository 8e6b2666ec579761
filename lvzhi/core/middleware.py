"""Request middleware of the shell."""

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
