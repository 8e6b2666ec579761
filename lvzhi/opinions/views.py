"""The citizen's pages, no sign-in: the phone page behind a QR code, the thank-you page, the status page (by
the secret follow-up link, or by tracking number + the phone's last four digits) with the rating, and the
citizen's own photos.

Every page reads one record for the one secret it was given (selectors.py); an unknown token or key is a
404. Pages that carry the follow-up key are never cached and tell search engines to keep out. All of it works
without JavaScript.
"""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lvzhi.core.errors import ServiceError

from . import abuse
from .forms import LookupForm, OpinionForm, RatingForm
from .selectors import (
    code_by_token,
    current_code_of,
    opinion_by_key,
    opinion_by_number_and_last4,
    photo_of,
    status_of,
    whom_you_reach,
)
from .services.citizen import opinion_rate
from .services.submit import code_is_open, opinion_submit
from .workflow import RATABLE_STATES


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    # same-origin, not no-referrer: the secret address never leaves the site, and the page's own forms (the
    # rating, the look-up) still carry their Origin, which Django's CSRF check needs ("null" is refused).
    response["Referrer-Policy"] = "same-origin"
    return response


def _put_on_form(form, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@never_cache
@require_http_methods(["GET", "POST"])
def reach(request, token: str):
    """The page a QR code opens: whom you reach, and the form."""
    code = code_by_token(token)
    if code is None:
        raise Http404
    if code.revoked_at is not None:
        new = current_code_of(code)
        response = render(request, "opinions/moved.html", {"new": new}, status=200 if new else 410)
        return response
    if not code_is_open(code):
        return render(request, "opinions/moved.html", {"new": None, "closed": True}, status=410)
    reach_info = whom_you_reach(code)
    station_times = _station_times(code, reach_info["stations"])
    status = 200
    if request.method == "POST":
        form = OpinionForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = opinion_submit(
                    code=code,
                    kind=data["kind"],
                    category=data["category"],
                    content=data["content"],
                    consent=data["consent"],
                    place=data["place"],
                    citizen_name=data["citizen_name"],
                    phone=data["phone"],
                    wants_callback=data["wants_callback"],
                    preferred_times=data["preferred_times"],
                    photos=form.photos(),
                    client=abuse.client_of(request),
                    honeypot=data.get("website", ""),
                )
            except ServiceError as exc:
                _put_on_form(form, exc)
                status = exc.status if exc.status == 429 else 200
            else:
                response = redirect("opinions:thanks", key=done.key)
                abuse.ensure_cookie(request, response)
                return _private(response)
    else:
        form = OpinionForm()
    response = render(
        request,
        "opinions/reach.html",
        {
            "code": code,
            "reach": reach_info,
            "station_times": station_times,
            "form": form,
            "rechoose_photos": request.method == "POST" and form.chose_photos() and bool(form.errors),
            "photo_mb": settings.LVZHI_OPINION_PHOTO_MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )
    abuse.ensure_cookie(request, response)
    return response


def _station_times(code, stations) -> list[tuple]:
    """Each station of the page with its next reception days (public facts only); a station with none planned
    shows its opening hours instead."""
    from lvzhi.stations.selectors_reception import next_reception_days

    if code.mandate_id:
        days = next_reception_days(mandate=code.mandate, limit=3 * max(1, len(stations)))
    else:
        days = next_reception_days(station=code.station, limit=3)
    by_station: dict[int, list] = {}
    for d in days:
        by_station.setdefault(d.station_id, []).append(d)
    return [(s, by_station.get(s.pk, [])[:3]) for s in stations]


def _follow_url(request, key: str) -> str:
    return request.build_absolute_uri(reverse("opinions:status", kwargs={"key": key}))


@never_cache
def thanks(request, key: str):
    opinion = opinion_by_key(key)
    if opinion is None:
        raise Http404
    return _private(
        render(
            request,
            "opinions/thanks.html",
            {"opinion": opinion, "follow_url": _follow_url(request, key), "key": key},
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def status(request, key: str):
    """The citizen's status page: progress, the answers, and the rating once it is answered."""
    opinion = opinion_by_key(key)
    if opinion is None:
        raise Http404
    rating_form = None
    rating_error = ""
    may_rate = opinion.state in RATABLE_STATES
    if request.method == "POST":
        rating_form = RatingForm(request.POST)
        if not may_rate:
            rating_error = _("You can rate the outcome once the matter has been answered.")
        elif rating_form.is_valid():
            try:
                opinion_rate(
                    opinion=opinion,
                    score=rating_form.cleaned_data["score"],
                    comment=rating_form.cleaned_data["comment"],
                )
            except ServiceError as exc:
                _put_on_form(rating_form, exc)
            else:
                return _private(redirect(reverse("opinions:status", kwargs={"key": key}) + "?rated=1"))
        opinion = opinion_by_key(key)
    context = status_of(opinion)
    if may_rate and context["rating"] is None:
        context["rating_form"] = rating_form or RatingForm()
    context.update(
        key=key,
        follow_url=_follow_url(request, key),
        just_rated=request.GET.get("rated") == "1",
        rating_error=rating_error,
    )
    return _private(render(request, "opinions/status.html", context))


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request):
    """Find one's item by tracking number + the last four digits of the mobile left with it."""
    form = LookupForm(request.POST or None)
    status_code = 200
    if request.method == "POST":
        client = abuse.client_of(request)
        if abuse.lookups_exhausted(client):
            form.add_error(
                None, _("Too many tries from this network in the last hour. Please try again later.")
            )
            status_code = 429
        elif form.is_valid():
            abuse.count_lookup(client)
            opinion = opinion_by_number_and_last4(form.cleaned_data["number"], form.cleaned_data["last4"])
            if opinion is not None:
                from .tokens import follow_key

                return _private(redirect("opinions:status", key=follow_key(opinion.follow_salt)))
            # The same words whichever part was wrong: the page tells nothing about which numbers exist.
            form.add_error(
                None,
                _("No item matches this tracking number and these four digits. Check both and try again."),
            )
    return _private(render(request, "opinions/lookup.html", {"form": form}, status=status_code))


@never_cache
def photo(request, key: str, index: int):
    """One of the citizen's own photos, for the holder of the follow-up link."""
    opinion = opinion_by_key(key)
    found = photo_of(opinion, index) if opinion else None
    if found is None:
        raise Http404
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    return _private(response)
