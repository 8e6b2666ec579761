"""A citizen leaves an opinion or asks to meet, through a deputy's or a station's contact code.

`opinion_submit` is the one way the phone page stores an item: in one transaction it checks the input again,
stores one record for a double-tap or a resubmission of the same text within minutes (returning the same
tracking number and link), enforces the hourly limits per address and per browser, takes the next tracking
number, keeps up to three photos, records the event (the citizen is the opinion's id, never a name or phone)
and tells the deputy, or the station's staff, by inbox and SMS once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.core.notifications import Channel, notify
from lvzhi.org.models import User
from lvzhi.org.roles import Role

from .. import abuse, events
from ..checks import clean_citizen_fields
from ..deadlines import ack_due_for
from ..models import ContactCode, Opinion, OpinionPhoto
from ..photos import EXT_OF, MAX_PHOTOS, check_photo
from ..tokens import follow_key, key_hash, new_salt, next_number
from ..workflow import State


@dataclass(frozen=True)
class Submitted:
    opinion: Opinion
    key: str  # the secret of the follow-up link: show it to the citizen, never store or log it
    duplicate: bool  # the same item was already stored a moment ago; this is that record


def code_is_open(code: ContactCode, today: dt.date | None = None) -> bool:
    """A live code whose deputy still serves, or whose station is still open."""
    if code.revoked_at is not None:
        return False
    if code.mandate_id:
        return code.mandate.is_current(today)
    return code.station.is_active


def _dedupe_hash(*, code: ContactCode, kind: str, category: str, content: str, phone: str, name: str) -> str:
    text = " ".join(content.split())
    raw = "\x1f".join([str(code.pk), kind, category, text, phone, name])
    return hashlib.sha256(raw.encode()).hexdigest()


def recipients_of(opinion: Opinion) -> list[User]:
    """Who is told of a new item: the deputy's account; for a station's code, the station's staff."""
    if opinion.person_id:
        return list(User.objects.filter(person_id=opinion.person_id, is_active=True))
    if opinion.station_id:
        return list(
            User.objects.filter(
                is_active=True,
                roles__role=Role.STATION_STAFF,
                roles__station_id=opinion.station_id,
                roles__is_active=True,
            ).distinct()
        )
    return []


def _tell(opinion: Opinion) -> None:
    # The deputy reads the platform's language, not the citizen's browser's; no personal data in the text.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New citizen's %(kind)s %(number)s (%(category)s): please see it on the platform") % {
            "kind": opinion.get_kind_display(),
            "number": opinion.number,
            "category": opinion.get_category_display(),
        }
        url = reverse("opinion_inbox:item", args=[opinion.pk])  # the item in the deputy's inbox
        for user in recipients_of(opinion):
            notify(
                recipient=user,
                cause=f"opinions.new:{opinion.pk}",
                subject=subject,
                url=url,
                channels=(Channel.INBOX, Channel.SMS),
            )


@transaction.atomic
def opinion_submit(
    *,
    code: ContactCode,
    kind: str,
    category: str,
    content: str,
    consent: bool,
    place: str = "",
    citizen_name: str = "",
    phone: str = "",
    wants_callback: bool = False,
    preferred_times: str = "",
    photos: Sequence = (),
    client: abuse.Client | None = None,
    honeypot: str = "",
    now: dt.datetime | None = None,
) -> Submitted:
    now = now or timezone.now()
    client = client or abuse.Client()
    if honeypot:
        # Only a program fills the field people cannot see.
        raise ServiceError("honeypot", _("The form was not accepted. Please reload the page and try again."))
    # SECURITY: the code row is locked, so two taps on "send" are stored one after the other and the
    # second finds the first below (rather than both inserting).
    code = (
        ContactCode.objects.select_for_update(of=("self",))
        .select_related("mandate", "station")
        .get(pk=code.pk)
    )
    if not code_is_open(code, timezone.localdate(now)):
        raise ServiceError("code_closed", _("This code no longer takes opinions."), status=409)

    cleaned = clean_citizen_fields(
        kind=kind,
        category=category,
        content=content,
        place=place,
        citizen_name=citizen_name,
        preferred_times=preferred_times,
        phone=phone,
        wants_callback=wants_callback,
        consent=consent,
        kind_message=_("Choose what you want to do."),
        consent_message=_("Please tick the consent box: without it the deputy cannot handle your message."),
    )
    content, place, citizen_name = cleaned["content"], cleaned["place"], cleaned["citizen_name"]
    preferred_times, phone = cleaned["preferred_times"], cleaned["phone"]
    photos = [p for p in photos if p]
    if len(photos) > MAX_PHOTOS:
        raise ServiceError("too_many_photos", _("At most %(n)s photos.") % {"n": MAX_PHOTOS}, field="photo1")
    types = [check_photo(p, f"photo{i}") for i, p in enumerate(photos, start=1)]

    dedupe = _dedupe_hash(
        code=code, kind=kind, category=category, content=content, phone=phone, name=citizen_name
    )
    same_client = Q(pk__in=[])
    if client.ip_hash:
        same_client |= Q(client_ip_hash=client.ip_hash)
    if client.cookie_hash:
        same_client |= Q(client_cookie_hash=client.cookie_hash)
    window = dt.timedelta(minutes=settings.LVZHI_OPINION_DEDUPE_MINUTES)
    earlier = (
        Opinion.objects.filter(dedupe_hash=dedupe, created_at__gte=now - window)
        .filter(same_client)
        .order_by("created_at")
        .first()
    )
    if earlier is not None:
        return Submitted(opinion=earlier, key=follow_key(earlier.follow_salt), duplicate=True)

    if abuse.submissions_exhausted(client):
        raise ServiceError(
            "rate_limited",
            _("Too many messages from this phone or network in the last hour. Please try again later."),
            status=429,
        )

    salt = new_salt()
    key = follow_key(salt)
    wants_callback = bool(wants_callback)
    opinion = Opinion.objects.create(
        number=next_number(now),
        follow_salt=salt,
        follow_hash=key_hash(key),
        source=Opinion.Source.QR,
        code=code,
        kind=kind,
        category=category,
        place=place,
        content=content,
        citizen_name=citizen_name,
        phone=phone,
        wants_callback=wants_callback,
        preferred_times=preferred_times,
        consent_at=now,
        mandate=code.mandate,
        person_id=code.mandate.person_id if code.mandate_id else None,
        station=code.station,
        congress_id=code.congress_id,
        state=State.NEW,
        created_at=now,
        ack_due_on=ack_due_for(code.congress, timezone.localdate(now)),
        client_ip_hash=client.ip_hash,
        client_cookie_hash=client.cookie_hash,
        dedupe_hash=dedupe,
    )
    stored: list[str] = []
    try:
        for file, content_type in zip(photos, types, strict=True):
            photo = OpinionPhoto(opinion=opinion, size=file.size, content_type=content_type, created_at=now)
            photo.file.save(f"{uuid.uuid4().hex}.{EXT_OF[content_type]}", file, save=False)
            stored.append(photo.file.name)
            photo.save()
    except Exception:
        for name in stored:  # no row, no file
            OpinionPhoto.file.field.storage.delete(name)
        raise
    record_event(
        actor=None,
        kind=events.SUBMITTED,
        target=opinion,
        to_state=State.NEW,
        payload={
            "opinion_id": opinion.pk,
            "code_id": code.pk,
            "source": opinion.source,
            "kind": kind,
            "category": category,
            "photos": len(stored),
            "wants_callback": wants_callback,
        },
    )
    abuse.count_submission(client)
    _tell(opinion)
    return Submitted(opinion=opinion, key=key, duplicate=False)
