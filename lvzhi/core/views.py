"""Pages of the shell: home, health check, the message inbox."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import notifications
from .home import tiles_for


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
    notifications.mark_read(user=request.user, notification_id=int(raw) if raw and raw.isdigit() else None)
    return redirect("core:inbox")
