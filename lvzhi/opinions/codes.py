"""Contact codes in print and on screen: the public address a code points at, its QR code as SVG and PNG,
which codes a user may download or print (scoped), who may replace one, and the replace step itself.

A QR code encodes the code's public address, `LVZHI_PUBLIC_URL` + /c/<token>/ (or the requesting host when
that setting is empty), never a sequential id. Issuing a missing code lives in services/codes.py; replacing
one here takes a reason and is open to the deputy-affairs staff of the code's congress and to the staff of
the station whose code it is, because a station's own poster is theirs to keep up.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Congress, Mandate
from lvzhi.org.scope import scope_for
from lvzhi.stations.models import Station, StationDeputy

from . import events
from .models import ContactCode

# Where a code points when neither LVZHI_PUBLIC_URL nor a request says (a management command): the demo's.
FALLBACK_BASE_URL = "http://127.0.0.1:8000"
# Error correction level Q restores up to a quarter of the symbol: posters outdoors get torn and dirty.
QR_ERROR = "q"
REASON_MAX = 200


# --- the address and the images -------------------------------------------------------------------
def public_base_url(request=None) -> str:
    """The site's public address without a trailing slash: the setting, else the request's host."""
    if settings.LVZHI_PUBLIC_URL:
        return settings.LVZHI_PUBLIC_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return FALLBACK_BASE_URL


def code_url(code: ContactCode, request=None) -> str:
    """The absolute address a citizen's phone opens when it scans this code."""
    return public_base_url(request) + reverse("opinions:reach", kwargs={"token": code.token})


def code_qr(code: ContactCode, request=None) -> segno.QRCode:
    return segno.make_qr(code_url(code, request), error=QR_ERROR)


def code_svg(code: ContactCode, request=None) -> bytes:
    """A vector QR code (for designers and large prints), 10 units a module, with the 4-module quiet zone."""
    buf = io.BytesIO()
    code_qr(code, request).save(buf, kind="svg", scale=10, border=4, title=code_url(code, request))
    return buf.getvalue()


def code_png(code: ContactCode, request=None, *, scale: int = 12) -> bytes:
    """A QR code image (for a phone screen, a chat group, a slide): about 500 pixels square."""
    buf = io.BytesIO()
    code_qr(code, request).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def code_filename(code: ContactCode, ext: str) -> str:
    """A download's name: the deputy's or station's name (the browser receives it RFC 6266-encoded)."""
    return f"{code_target_name(code)}-{code.pk}.{ext}"


def code_target_name(code: ContactCode) -> str:
    return code.mandate.person.name if code.mandate_id else code.station.name


# --- reads, scoped ----------------------------------------------------------------------------------
def code_list_visible_to(*, user) -> QuerySet[ContactCode]:
    """Codes the user may see, download and print, live or not.

    # SECURITY: deputy-affairs staff and chairs read their congress's tree; a station's staff read the
    # station's code and those of the deputies entered into it (as they read those deputies); a deputy
    # reads the codes of their own mandates. Nobody else reads any.
    """
    s = scope_for(user)
    qs = ContactCode.objects.select_related(
        "mandate__person", "mandate__congress", "station__congress", "congress"
    )
    if s.is_admin:
        return qs
    q = s.in_tree()
    if s.station_ids:
        in_stations = StationDeputy.objects.filter(station_id__in=s.station_ids).values("mandate_id")
        q |= Q(station_id__in=s.station_ids) | Q(mandate_id__in=in_stations)
    if s.mandate_ids:
        q |= Q(mandate_id__in=s.mandate_ids)
    return qs.filter(q)


def live_codes_visible_to(*, user) -> QuerySet[ContactCode]:
    """The codes that may still be downloaded and printed: not revoked."""
    return code_list_visible_to(user=user).filter(revoked_at__isnull=True)


def can_replace(user, code: ContactCode) -> bool:
    """Staff who act in the code's congress, and the staff of the station whose own code it is."""
    s = scope_for(user)
    return s.can_act_in(code.congress_id) or (
        code.station_id is not None and code.station_id in s.station_ids
    )


def can_issue_in(user, congress_id: int) -> bool:
    """Issuing a missing code goes through services.codes.code_issue: staff of the congress."""
    return scope_for(user).can_act_in(congress_id)


def poster_congresses_of(*, user) -> QuerySet[Congress]:
    """Congresses whose whole set of posters the user may print: their own and those below (staff, chairs)."""
    s = scope_for(user)
    if s.is_admin:
        return Congress.objects.all()
    q = Q(pk__in=[])
    for path in s.read_paths:
        q |= Q(path__startswith=path)
    return Congress.objects.filter(q)


def poster_stations_of(*, user) -> QuerySet[Station]:
    """Stations whose set of posters the user may print: in the staff's tree, or the station's own staff."""
    s = scope_for(user)
    qs = Station.objects.select_related("congress")
    if s.is_admin:
        return qs
    return qs.filter(s.in_tree() | Q(pk__in=s.station_ids))


def codes_of_station(*, user, station: Station) -> list[ContactCode]:
    """The live codes on a station's wall, among those the user may print: the station's own first, then
    its serving deputies' (of every level, by congress and name)."""
    today = timezone.localdate()
    serving = Mandate.objects.current(today).filter(station_assignments__station=station).values("pk")
    codes = list(
        live_codes_visible_to(user=user).filter(Q(station=station) | Q(mandate_id__in=serving)).distinct()
    )
    codes.sort(key=_print_order)
    return codes


def codes_of_congress(*, user, congress: Congress) -> list[ContactCode]:
    """The live codes of a congress's serving deputies and active stations (stations first)."""
    today = timezone.localdate()
    serving = Mandate.objects.current(today).filter(congress=congress).values("pk")
    codes = list(
        live_codes_visible_to(user=user).filter(
            Q(mandate_id__in=serving) | Q(station__congress=congress, station__is_active=True)
        )
    )
    codes.sort(key=_print_order)
    return codes


def _print_order(code: ContactCode):
    if code.station_id:
        return (0, "", code.station.name, code.pk)
    return (1, code.mandate.congress.path, code.mandate.person.name, code.pk)


# --- the step ---------------------------------------------------------------------------------------
@transaction.atomic
def code_reissue(*, actor, code: ContactCode, reason: str) -> ContactCode:
    """Revoke a code and issue its replacement in one step (a poster was defaced, a code was misused).

    The old address keeps working as a polite "moved" page that points at the new one; both steps are
    recorded with the reason.
    """
    code = ContactCode.objects.select_for_update().get(pk=code.pk)
    if not can_replace(actor, code):
        raise ServiceError("not_permitted", _("You may not replace this code."), status=403)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            "reason_required",
            _("Say why the code is replaced (it is kept in the code's history)."),
            field="reason",
        )
    if len(reason) > REASON_MAX:
        raise ServiceError(
            "reason_too_long",
            _("Keep the reason within %(max)d characters.") % {"max": REASON_MAX},
            field="reason",
        )
    if code.revoked_at is not None:
        raise ServiceError("already_revoked", _("This code has already been replaced."), status=409)
    now = timezone.now()
    code.revoked_at = now
    code.save(update_fields=["revoked_at"])
    new = ContactCode.objects.create(
        mandate_id=code.mandate_id,
        station_id=code.station_id,
        congress_id=code.congress_id,
        created_by=actor,
        created_at=now,
    )
    code.replaced_by = new
    code.save(update_fields=["replaced_by"])
    record_event(
        actor=actor,
        kind=events.CODE_REVOKED,
        target=code,
        note=reason,
        payload={"code_id": code.pk, "replaced_by": new.pk},
    )
    record_event(
        actor=actor,
        kind=events.CODE_ISSUED,
        target=new,
        note=reason,
        payload={"code_id": new.pk, "replaces": code.pk},
    )
    return new
