"""Logging a contact with deputies (and the opinions they raised in it), and correcting a logged contact."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import changed_fields, record_event
from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Mandate, User

from .. import events
from ..contactors import Contactor, can_log_for
from ..models import Assignment, Contact, ContactDeputy
from ..selectors import active_on
from .common import clean_text, refuse
from .raised import NEXT_STEPS, RaisedInput, _add_raised

TOPIC_MAX = 100
PLACE_MAX = 100
DISCUSSED_MIN, DISCUSSED_MAX = 5, 5000
DEPUTIES_MAX = 200
OPINIONS_MAX = 20
# A contact logged longer ago than this is a typing mistake (or belongs on paper), not this year's log.
LONGEST_AGO = dt.timedelta(days=366)
# The same contact saved twice within this window (a double tap) is stored once.
DUPLICATE_WINDOW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class ContactInput:
    date: dt.date | None
    mode: str
    topic: str
    place: str
    discussed: str
    mandates: tuple[Mandate, ...]


def _clean(contactor: Contactor, data: ContactInput) -> dict:
    today = timezone.localdate()
    if data.date is None:
        raise ServiceError("date_required", _("Enter the day of the contact."), field="date")
    if data.date > today:
        raise ServiceError(
            "date_in_future",
            _("A contact is logged once it has taken place: the day cannot be in the future."),
            field="date",
        )
    if data.date < today - LONGEST_AGO:
        raise ServiceError("date_too_old", _("Log contacts of the last twelve months only."), field="date")
    if data.mode not in Contact.Mode.values:
        raise ServiceError("mode_invalid", _("Choose how the contact was made."), field="mode")
    topic = clean_text(data.topic, field="topic", label=_("Topic"), max_length=TOPIC_MAX, required=True)
    place = clean_text(data.place, field="place", label=_("Place"), max_length=PLACE_MAX)
    discussed = clean_text(
        data.discussed,
        field="discussed",
        label=_("What was discussed"),
        max_length=DISCUSSED_MAX,
        min_length=DISCUSSED_MIN,
        required=True,
    )
    mandates = list({m.pk: m for m in data.mandates}.values())
    if not mandates:
        raise ServiceError("deputies_required", _("Tick the deputies you contacted."), field="deputies")
    if len(mandates) > DEPUTIES_MAX:
        raise ServiceError(
            "too_many_deputies",
            _("At most %(max)s deputies in one contact.") % {"max": DEPUTIES_MAX},
            field="deputies",
        )
    assigned = set(
        active_on(Assignment.objects.filter(**contactor.lookup()), data.date).values_list(
            "mandate_id", flat=True
        )
    )
    strangers = [m for m in mandates if m.pk not in assigned]
    if strangers:
        raise ServiceError(
            "deputy_not_assigned",
            _(
                "Not assigned to %(contactor)s on %(day)s: %(names)s. Only deputies assigned for fixed contact on that day can be logged."
            )
            % {
                "contactor": contactor.name,
                "day": data.date.isoformat(),
                "names": "、".join(m.person.name for m in strangers[:10]),
            },
            field="deputies",
        )
    return {
        "date": data.date,
        "mode": data.mode,
        "topic": topic,
        "place": place,
        "discussed": discussed,
    }, mandates


@transaction.atomic
def contact_log(
    *, actor, contactor: Contactor, data: ContactInput, opinions: list[RaisedInput] | tuple = ()
) -> Contact:
    """Log a contact a member or a committee made with some of its deputies, with the opinions raised."""
    if not can_log_for(actor, contactor):
        raise refuse(
            _("Only the member, the committee's staff or the deputy-affairs staff may log this contact.")
        )
    # SECURITY: the actor's row is locked, so a double tap on "save" stores one contact (found below).
    User.objects.select_for_update().filter(pk=actor.pk).first()
    fields, mandates = _clean(contactor, data)
    if len(opinions) > OPINIONS_MAX:
        raise ServiceError(
            "too_many_opinions", _("At most %(max)s opinions at a time.") % {"max": OPINIONS_MAX}
        )
    for item in opinions:
        if item.next_step not in NEXT_STEPS:
            raise ServiceError(
                "next_invalid", _("Choose what should happen to the opinion."), field="opinions"
            )
    earlier = (
        Contact.objects.filter(
            logged_by=actor, created_at__gte=timezone.now() - DUPLICATE_WINDOW, **contactor.lookup(), **fields
        )
        .order_by("-pk")
        .first()
    )
    if earlier is not None:
        return earlier
    contact = Contact.objects.create(
        congress=contactor.congress,
        side=contactor.side,
        member=contactor.member,
        committee=contactor.committee,
        logged_by=actor,
        **fields,
    )
    ContactDeputy.objects.bulk_create([ContactDeputy(contact=contact, mandate=m) for m in mandates])
    record_event(
        actor=actor,
        kind=events.CONTACT_LOGGED,
        target=contact,
        payload={
            "mode": contact.mode,
            "date": contact.date.isoformat(),
            "deputies": [m.pk for m in mandates],
            "member": contactor.member.pk if contactor.member else None,
            "committee": contactor.committee.pk if contactor.committee else None,
        },
    )
    for item in opinions:
        _add_raised(actor=actor, contact=contact, item=item, deputies=mandates)
    return contact


@transaction.atomic
def contact_update(*, actor, contact: Contact, data: ContactInput) -> Contact:
    """Correct a logged contact (its day, how, topic, place, what was discussed, the deputies)."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    contact = Contact.objects.select_related("congress", "member", "committee").get(pk=contact.pk)
    contactor = Contactor.of(contact)
    if not can_log_for(actor, contactor):
        raise refuse(
            _("Only the member, the committee's staff or the deputy-affairs staff may correct this contact.")
        )
    fields, mandates = _clean(contactor, data)
    raised_by = set(contact.opinions.exclude(mandate=None).values_list("mandate_id", flat=True))
    dropped = raised_by - {m.pk for m in mandates}
    if dropped:
        raise ServiceError(
            "deputy_raised_opinion",
            _("A deputy who raised an opinion in this contact stays on it."),
            field="deputies",
        )
    changes = changed_fields(contact, fields)
    before = set(contact.attendance.values_list("mandate_id", flat=True))
    after = {m.pk for m in mandates}
    if after != before:
        changes["deputies"] = [sorted(before), sorted(after)]
        contact.attendance.filter(mandate_id__in=before - after).delete()
        ContactDeputy.objects.bulk_create(
            [ContactDeputy(contact=contact, mandate=m) for m in mandates if m.pk not in before]
        )
    if not changes:
        return contact
    contact.save(update_fields=[*(f for f in fields if f in changes), "updated_at"])
    record_event(actor=actor, kind=events.CONTACT_CHANGED, target=contact, payload={"changes": changes})
    return contact
