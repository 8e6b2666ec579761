"""The public pages of citizens observing (公民旁听), no sign-in: the meetings open to observers, one meeting
with the application form, and the applicant's receipt (its status, by the secret link it was given).

No public page shows an applicant's ID card number or mobile; the receipt shows the name masked. Pages with the
form or the receipt are never cached and tell search engines to keep out. All of it works without JavaScript.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lvzhi.core.errors import ServiceError
from lvzhi.opinions import abuse
from lvzhi.org.privacy import mask_name

from .forms import ObserverForm
from .selectors import public_meetings
from .services.observers import (
    application_by_receipt,
    approved_count,
    closed_reason,
    observer_apply,
    with_approved_count,
)
from .workflow import ApplicationState


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def public_list(request):
    page = Paginator(with_approved_count(public_meetings()), 20).get_page(request.GET.get("page"))
    for m in page:
        m.places_left = max(0, m.observer_capacity - m.approved)
        m.closed = closed_reason(m, approved=m.approved)
    return render(request, "meetings/public_list.html", {"page": page})


@never_cache
@require_http_methods(["GET", "POST"])
def public_detail(request, pk: int):
    meeting = get_object_or_404(public_meetings(), pk=pk)
    closed = closed_reason(meeting)
    status = 200
    if request.method == "POST":
        form = ObserverForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = observer_apply(
                    meeting=meeting,
                    name=data["name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    employer=data["employer"],
                    reason=data["reason"],
                    consent=data["consent"],
                    client=abuse.client_of(request),
                    honeypot=data.get("website", ""),
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status if exc.status in (409, 429) else 200
            else:
                response = redirect("meetings_public:receipt", key=done.receipt)
                abuse.ensure_cookie(request, response)
                return _private(response)
    else:
        form = ObserverForm()
    response = render(
        request,
        "meetings/public_detail.html",
        {
            "meeting": meeting,
            "form": form,
            "closed": closed,
            "places_left": max(0, meeting.observer_capacity - approved_count(meeting)),
            "agenda": list(meeting.agenda.all()),
        },
        status=status,
    )
    abuse.ensure_cookie(request, response)
    return _private(response)


@never_cache
def receipt(request, key: str):
    application = application_by_receipt(key)
    if application is None:
        raise Http404
    return _private(
        render(
            request,
            "meetings/public_receipt.html",
            {
                "a": application,
                "meeting": application.meeting,
                "masked_name": mask_name(application.name),
                "approved": application.state == ApplicationState.APPROVED,
                "rejected": application.state == ApplicationState.REJECTED,
                "receipt_url": request.build_absolute_uri(),
            },
        )
    )
