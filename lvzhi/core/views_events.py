"""The audit log page: events of the user's congress tree (all of them for the site administrator).

Read only: there is no page, endpoint or admin action that edits or deletes an event.
The security log is the same page filtered to security events (sign-in, failed sign-in, lockout, export,
viewing unmasked personal data, role and password changes).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .events import label_for
from .forms import EventFilterForm
from .params import clean_query
from .permissions import can_read_audit_log
from .selectors import EventFilters, event_list_visible_to

PER_PAGE = 50


@login_required
@require_safe
def event_list(request):
    if not can_read_audit_log(request.user):
        raise PermissionDenied(_("The audit log is for deputy-affairs staff and chairs."))
    data = None
    if request.GET:
        # NUL bytes and overlong text are dropped before the form sees them (PostgreSQL refuses NUL).
        data = request.GET.copy()
        for key, length in (("kind", 64), ("actor", 150)):
            if key in data:
                data[key] = clean_query(data[key], length)
    form = EventFilterForm(data)
    filters = EventFilters()
    if form.is_bound:
        form.is_valid()
        # A bad field shows its message; the fields that are fine still filter.
        data = form.cleaned_data
        filters = EventFilters(
            kind=data.get("kind") or "",
            actor=data.get("actor") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            security_only=bool(data.get("security")),
        )
    events = event_list_visible_to(user=request.user, filters=filters)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for event in page.object_list:
        event.label = label_for(event.kind)
    return render(
        request,
        "core/event_list.html",
        {"form": form, "page": page, "security_only": filters.security_only},
    )
