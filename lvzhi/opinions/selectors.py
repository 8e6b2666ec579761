"""Reads of the public pages: a code by its token, an opinion by its secret key or by number + last four.

The public pages never list anything: each read returns one record for the one secret it was given, or
nothing. Staff and deputies' lists belong to the inbox's selectors (scoped by lvzhi.org.scope).
"""

from __future__ import annotations

from django.utils import timezone

from lvzhi.org.privacy import mask_mobile
from lvzhi.stations.models import Station

from .models import CitizenRating, ContactCode, Opinion
from .tokens import clean_number, is_key, key_hash

MAX_HOPS = 10  # a chain of reissued codes is short; this guards against a loop in bad data


def code_by_token(token: str) -> ContactCode | None:
    if not token or len(token) > 43:
        return None
    return (
        ContactCode.objects.select_related(
            "mandate__person", "mandate__congress", "station__congress", "congress"
        )
        .filter(token=token)
        .first()
    )


def current_code_of(code: ContactCode) -> ContactCode | None:
    """The live code that replaced a revoked one (following reissues), or None."""
    seen = 0
    while code is not None and code.revoked_at is not None and seen < MAX_HOPS:
        code = code.replaced_by
        seen += 1
    return code if code is not None and code.revoked_at is None else None


def whom_you_reach(code: ContactCode) -> dict:
    """What the phone page says about whom the code reaches: name, level, stations and their hours."""
    if code.mandate_id:
        mandate = code.mandate
        stations = list(
            Station.objects.filter(assignments__mandate=mandate, is_active=True)
            .select_related("congress")
            .order_by("name")
        )
        return {
            "is_deputy": True,
            "name": mandate.person.name,
            "congress": mandate.congress,
            "level": mandate.congress.get_level_display(),
            "stations": stations,
        }
    station = code.station
    return {
        "is_deputy": False,
        "name": station.name,
        "congress": station.congress,
        "level": station.congress.get_level_display(),
        "stations": [station],
    }


def _public(qs):
    return qs.select_related("mandate__person", "mandate__congress", "station", "congress")


def opinion_by_key(key: str) -> Opinion | None:
    """SECURITY: the one opinion whose follow-up key this is; a malformed key reads nothing."""
    if not is_key(key):
        return None
    return _public(Opinion.objects.filter(follow_hash=key_hash(key))).first()


def opinion_by_number_and_last4(number: str, last4: str) -> Opinion | None:
    """SECURITY: the opinion with this tracking number whose mobile ends in these four digits. An opinion
    left without a mobile (or whose personal data was purged) is not found this way."""
    number = clean_number(number)
    last4 = (last4 or "").strip()
    if not number or len(last4) != 4 or not last4.isascii() or not last4.isdigit():
        return None
    opinion = (
        Opinion.objects.filter(number=number, personal_data_purged_at__isnull=True).exclude(phone="").first()
    )
    if opinion is None or opinion.phone[-4:] != last4:
        return None
    return opinion


def status_of(opinion: Opinion) -> dict:
    """What the citizen's status page shows: this item's progress and answers, and nothing about anyone else
    (no account names, no staff notes, no other item)."""
    steps = [(opinion.created_at, "received")]
    if opinion.acknowledged_at:
        steps.append((opinion.acknowledged_at, "acknowledged"))
    if opinion.answered_at:
        steps.append((opinion.answered_at, "answered"))
    if opinion.finished_at:
        steps.append((opinion.finished_at, "finished"))
    return {
        "opinion": opinion,
        "masked_phone": mask_mobile(opinion.phone) if opinion.phone else "",
        "replies": list(opinion.replies.order_by("created_at", "id").only("signed_as", "body", "created_at")),
        "rating": CitizenRating.objects.filter(opinion=opinion).first(),
        "steps": steps,
        "photo_indexes": list(range(1, opinion.photos.count() + 1)),
        "now": timezone.now(),
    }


def photo_of(opinion: Opinion, index: int):
    """The index-th photo (1-based) of an opinion the caller has already fetched for the reader."""
    if not 1 <= index <= 3:
        return None
    photos = list(opinion.photos.order_by("id")[:3])
    return photos[index - 1] if index <= len(photos) else None
