"""Pages of the shell: home, health check, the message inbox, and the error pages."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST

from . import notifications
from .home import tiles_for
from .params import parse_id


def home(request):
    if not request.user.is_authenticated:
        return redirect("signin")
    return render(request, "core/home.html", {"sections": tiles_for(request.user)})


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = {"state": "ok", "vendor": connection.vendor}
        status = 200
    except Exception as exc:  # the point of a health check is to report, not raise
        database = {"state": "error", "vendor": connection.vendor, "detail": exc.__class__.__name__}
        status = 503
    return JsonResponse({"status": "ok" if status == 200 else "error", "database": database}, status=status)


@login_required
def inbox(request):
    page = Paginator(notifications.inbox_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_mark_read(request):
    raw = request.POST.get("id")
    notification_id = parse_id(raw)
    # No id marks every message read; an id that is not one marks nothing.
    if notification_id is not None or not raw:
        notifications.mark_read(user=request.user, notification_id=notification_id)
    return redirect("core:inbox")


# --- error pages -------------------------------------------------------------------------------
# The site's pages answer with templates in the user's language; the API (/api/…) answers JSON of the
# API's one shape, {"code", "detail"}, also for addresses no API route matches.


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _api_problem(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"code": code, "detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def bad_request(request, exception):
    if _is_api(request):
        return _api_problem(400, "bad_request", _("The request could not be understood."))
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return _api_problem(403, "permission_denied", _("You may not do this."))
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return _api_problem(404, "not_found", _("Not found, or not in your scope."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    # No database, no user: whatever broke may be exactly that.
    if _is_api(request):
        return _api_problem(500, "server_error", _("Something went wrong on our side; it has been logged."))
    return defaults.server_error(request)
