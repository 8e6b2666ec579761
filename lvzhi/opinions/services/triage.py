"""The office's triage of citizens' opinions, and the unit's answer.

The deputy-affairs staff of the opinion's congress, and the staff of the station it came through, take in
opinions given on paper or in person (`opinion_enter`), tag them for analysis, mark them urgent, assign them
to a unit with a due date, supervise the unit, and see the citizen's name and number unmasked (recorded).
The unit's handlers answer what was assigned to their unit, or mark it solved. Acknowledging, answering the
citizen, solving and closing are the steps of services/handling.py, used as they are.

Each write is one transaction: the row re-read under a lock, the step checked against workflow.py for the
actor's role, the change saved with update_fields, an event recorded; notifications are queued inside the
transaction (sent after it commits).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event, record_security_event
from lvzhi.core.errors import ServiceError
from lvzhi.core.events import PERSONAL_DATA_VIEWED
from lvzhi.org.models import Congress, Mandate, Unit, User
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for
from lvzhi.stations.models import Station

from .. import deadlines, events
from ..checks import clean_citizen_fields, clean_text
from ..models import Opinion, OpinionReply, OpinionTag
from ..permissions import handling_role
from ..tokens import follow_key, key_hash, new_salt, next_number
from ..workflow import OPEN_STATES, State, Step
from .common import lock, move, refuse

NOTE_MAX = 500
ANSWER_MAX = 2000
TAG_MAX = 20
TAGS_PER_OPINION = 10
# A due date further off than this is a typing error, not a plan.
LONGEST_UNIT_DAYS = 366
ENTRY_SOURCES = (Opinion.Source.STATION, Opinion.Source.RECEPTION, Opinion.Source.STAFF)


# --- who acts ----------------------------------------------------------------------------------------
def office_role(actor, opinion: Opinion) -> str | None:
    """The role in which the actor triages this opinion: the staff of the station it came through, or the
    deputy-affairs staff of its congress; None for anyone else (a deputy answers in its inbox)."""
    s = scope_for(actor)
    if opinion.station_id and opinion.station_id in s.station_ids:
        return Role.STATION_STAFF
    if s.can_act_in(opinion.congress_id):
        return Role.STAFF
    return None


def is_unit_handler(actor, opinion: Opinion) -> bool:
    return bool(opinion.unit_id) and opinion.unit_id in scope_for(actor).unit_ids


def _office(actor, opinion: Opinion) -> str:
    role = office_role(actor, opinion)
    if role is None:
        raise refuse()
    return role


def _fresh(opinion: Opinion) -> Opinion:
    """The row under a lock, with the related rows the steps read."""
    locked = lock(opinion)
    return Opinion.objects.select_related("congress", "unit", "station").get(pk=locked.pk)


# --- staff entry ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entered:
    opinion: Opinion
    key: str  # the follow-up link's secret: shown once, for the citizen; never stored
    duplicate: bool


def entry_congresses(actor) -> list[Congress]:
    """Where the actor may enter opinions as the office: the congresses it acts in."""
    s = scope_for(actor)
    if s.is_admin:
        return []
    return list(Congress.objects.filter(pk__in=s.act_congress_ids).order_by("path"))


def entry_stations(actor) -> list[Station]:
    """Stations the actor may enter opinions for: its own stations, and the active stations of its office's
    congresses."""
    from django.db.models import Q

    s = scope_for(actor)
    return list(
        Station.objects.filter(is_active=True)
        .filter(Q(pk__in=s.station_ids) | Q(congress_id__in=s.act_congress_ids))
        .select_related("congress")
        .order_by("congress__path", "name")
    )


def _entry_target(actor, *, congress: Congress | None, station: Station | None, mandate: Mandate | None):
    """The congress the item belongs to, checking the actor may enter it there."""
    s = scope_for(actor)
    if station is not None:
        if not station.is_active:
            raise ServiceError("invalid", _("This station is closed."), field="station")
        if station.pk not in s.station_ids and not s.can_act_in(station.congress_id):
            raise refuse()
    if mandate is not None:
        if not mandate.is_current(timezone.localdate()):
            raise ServiceError("invalid", _("This deputy no longer serves."), field="mandate")
        at_station = (
            station is not None
            and station.pk in s.station_ids
            and station.assignments.filter(mandate=mandate).exists()
        )
        if not (s.can_act_in(mandate.congress_id) or at_station):
            raise ServiceError(
                "invalid", _("Choose a deputy of your congress or of your station."), field="mandate"
            )
        return mandate.congress
    if station is not None:
        return station.congress
    if congress is None or not s.can_act_in(congress.pk):
        raise refuse()
    return congress


@transaction.atomic
def opinion_enter(
    *,
    actor,
    source: str,
    kind: str,
    category: str,
    content: str,
    consent: bool,
    congress: Congress | None = None,
    station: Station | None = None,
    mandate: Mandate | None = None,
    place: str = "",
    citizen_name: str = "",
    phone: str = "",
    wants_callback: bool = False,
    preferred_times: str = "",
    urgent: bool = False,
    received_on: dt.date | None = None,
) -> Entered:
    """Staff type in an opinion a citizen gave at a station, on a reception day or on paper. It enters the
    same loop as one left through a QR code, with a tracking number and a follow-up link for the citizen,
    and its acknowledgement clock runs from the day it was received."""
    # SECURITY: the actor's row is locked, so a double tap on "save" stores one item (found below).
    User.objects.select_for_update().filter(pk=actor.pk).first()
    now = timezone.now()
    today = timezone.localdate(now)
    target = _entry_target(actor, congress=congress, station=station, mandate=mandate)
    if source not in ENTRY_SOURCES:
        raise ServiceError("invalid", _("Choose where the opinion was given."), field="source")
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
        kind_message=_("Choose what the citizen wants."),
        consent_message=_("Confirm that the citizen agreed to the processing of the personal data given."),
    )
    content, place, citizen_name = cleaned["content"], cleaned["place"], cleaned["citizen_name"]
    preferred_times, phone = cleaned["preferred_times"], cleaned["phone"]
    received_on = received_on or today
    if received_on > today or received_on < today - dt.timedelta(days=90):
        raise ServiceError(
            "invalid",
            _("Enter the day it was received: today or within the last 90 days."),
            field="received_on",
        )

    raw = "\x1f".join(["staff", str(actor.pk), source, kind, category, " ".join(content.split()), phone])
    dedupe = hashlib.sha256(raw.encode()).hexdigest()
    window = dt.timedelta(minutes=settings.LVZHI_OPINION_DEDUPE_MINUTES)
    earlier = Opinion.objects.filter(dedupe_hash=dedupe, consent_at__gte=now - window).first()
    if earlier is not None:
        return Entered(opinion=earlier, key=follow_key(earlier.follow_salt), duplicate=True)

    salt = new_salt()
    key = follow_key(salt)
    received_at = now if received_on == today else _noon(received_on)
    opinion = Opinion.objects.create(
        number=next_number(received_at),
        follow_salt=salt,
        follow_hash=key_hash(key),
        source=source,
        kind=kind,
        category=category,
        place=place,
        content=content,
        citizen_name=citizen_name,
        phone=phone,
        wants_callback=bool(wants_callback),
        preferred_times=preferred_times,
        consent_at=now,
        mandate=mandate,
        person_id=mandate.person_id if mandate else None,
        station=station,
        congress=target,
        state=State.NEW,
        urgent=bool(urgent),
        created_at=received_at,
        ack_due_on=deadlines.ack_due_for(target, received_on),
        dedupe_hash=dedupe,
    )
    record_event(
        actor=actor,
        kind=events.ENTERED,
        target=opinion,
        to_state=State.NEW,
        payload={
            "opinion_id": opinion.pk,
            "source": source,
            "kind": kind,
            "category": category,
            "station": station.pk if station else None,
            "mandate": mandate.pk if mandate else None,
            "urgent": bool(urgent),
            "received_on": received_on.isoformat(),
        },
    )
    if opinion.person_id:
        deadlines.tell(
            User.objects.filter(person_id=opinion.person_id, is_active=True),
            opinion=opinion,
            cause="new",
            subject=_("New citizen's %(kind)s %(number)s (%(category)s): please see it on the platform")
            % {
                "kind": opinion.get_kind_display(),
                "number": opinion.number,
                "category": opinion.get_category_display(),
            },
            sms=True,
        )
    return Entered(opinion=opinion, key=key, duplicate=False)


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


# --- tags and urgency ----------------------------------------------------------------------------------
_TAG_SPLIT = re.compile(r"[,，、;；\s]+")


def parse_tags(text: str) -> list[str]:
    """ "老旧小区，停车难 供暖" → ["老旧小区", "停车难", "供暖"] (once each, in order)."""
    seen: list[str] = []
    for part in _TAG_SPLIT.split(str(text or "")):
        part = clean_text(part, field="tags", max_length=TAG_MAX)
        if part and part not in seen:
            seen.append(part)
    return seen


@transaction.atomic
def opinion_set_tags(*, actor, opinion: Opinion, names: list[str]) -> list[OpinionTag]:
    """Give the opinion exactly these tags (staff of its congress or station), creating the congress's new
    tags on the way. The change is recorded with the tags added and removed."""
    opinion = _fresh(opinion)
    _office(actor, opinion)
    cleaned: list[str] = []
    for name in names:
        name = clean_text(name, field="tags", max_length=TAG_MAX)
        if name and name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > TAGS_PER_OPINION:
        raise ServiceError("too_many_tags", _("At most %(n)s tags.") % {"n": TAGS_PER_OPINION}, field="tags")
    before = {t.name: t for t in opinion.tags.all()}
    tags = []
    for name in cleaned:
        tag = before.get(name)
        if tag is None:
            tag, _created = OpinionTag.objects.get_or_create(congress_id=opinion.congress_id, name=name)
        tags.append(tag)
    added = [n for n in cleaned if n not in before]
    removed = [n for n in before if n not in cleaned]
    if added or removed:
        opinion.tags.set(tags)
        Opinion.objects.filter(pk=opinion.pk).update(updated_at=timezone.now())
        record_event(
            actor=actor,
            kind=events.TAGGED,
            target=opinion,
            note="、".join(cleaned),
            payload={"opinion_id": opinion.pk, "added": added, "removed": removed},
        )
    return tags


@transaction.atomic
def opinion_set_urgent(*, actor, opinion: Opinion, urgent: bool) -> Opinion:
    """Mark an open item urgent (急事难事: first in every list), or not; the deputy may too."""
    opinion = _fresh(opinion)
    if office_role(actor, opinion) is None and handling_role(actor, opinion) is None:
        raise refuse()
    if opinion.state not in OPEN_STATES:
        raise ServiceError(
            "step_not_allowed", _("A finished opinion's urgency no longer changes."), status=409
        )
    urgent = bool(urgent)
    if opinion.urgent == urgent:
        return opinion
    opinion.urgent = urgent
    opinion.save(update_fields=["urgent", "updated_at"])
    record_event(
        actor=actor,
        kind=events.URGENCY_CHANGED,
        target=opinion,
        payload={"opinion_id": opinion.pk, "urgent": urgent},
    )
    return opinion


# --- the unit ------------------------------------------------------------------------------------------
@transaction.atomic
def opinion_assign_unit(
    *, actor, opinion: Opinion, unit: Unit, due_on: dt.date | None = None, note: str = ""
) -> Opinion:
    """交办: assign the item to a unit of its congress (or one below) with a due date, by default
    opinion_unit_days working days from today; the unit's handlers are told."""
    opinion = _fresh(opinion)
    role = _office(actor, opinion)
    unit = Unit.objects.select_related("congress").get(pk=unit.pk)
    if not unit.is_active or not unit.congress.path.startswith(opinion.congress.path):
        raise ServiceError(
            "invalid", _("Choose an active unit of this congress or of one below it."), field="unit"
        )
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    now = timezone.now()
    today = timezone.localdate(now)
    if due_on is None:
        due_on = deadlines.unit_due_for(opinion.congress, today)
    elif not today < due_on <= today + dt.timedelta(days=LONGEST_UNIT_DAYS):
        raise ServiceError(
            "invalid", _("The due date must be after today and within a year."), field="due_on"
        )
    opinion.unit = unit
    opinion.unit_due_on = due_on
    opinion.assigned_at = now
    fields = ["unit", "unit_due_on", "assigned_at"]
    if opinion.acknowledged_at is None:
        opinion.acknowledged_at = now
        fields.append("acknowledged_at")
    move(
        opinion,
        actor=actor,
        step=Step.ASSIGN_UNIT,
        role=role,
        note=note,
        payload={"opinion_id": opinion.pk, "unit": unit.pk, "due": due_on.isoformat()},
        fields=tuple(fields),
    )
    deadlines.tell(
        deadlines.handlers_of(unit.pk),
        opinion=opinion,
        cause=f"assigned:{unit.pk}:{int(now.timestamp())}",
        subject=_("A citizen's opinion %(number)s (%(category)s) is assigned to %(unit)s: answer by %(due)s")
        % {
            "number": opinion.number,
            "category": opinion.get_category_display(),
            "unit": unit,
            "due": due_on.isoformat(),
        },
        sms=True,
    )
    return opinion


@transaction.atomic
def opinion_supervise(*, actor, opinion: Opinion, note: str):
    """督办: the office reminds the unit handling the item, with a note; recorded, and the unit is told."""
    opinion = _fresh(opinion)
    _office(actor, opinion)
    if opinion.state != State.ASSIGNED_TO_UNIT or opinion.unit_id is None:
        raise ServiceError(
            "step_not_allowed", _("Only an item a unit is handling can be supervised."), status=409
        )
    note = clean_text(note, field="note", max_length=NOTE_MAX, required=True)
    event = record_event(
        actor=actor,
        kind=events.SUPERVISED,
        target=opinion,
        note=note,
        payload={"opinion_id": opinion.pk, "unit": opinion.unit_id},
    )
    Opinion.objects.filter(pk=opinion.pk).update(updated_at=timezone.now())
    deadlines.tell(
        deadlines.handlers_of(opinion.unit_id),
        opinion=opinion,
        cause=f"supervised:{event.pk}",
        subject=_("The office asks about the citizen's opinion %(number)s (due %(due)s): %(note)s")
        % {
            "number": opinion.number,
            "due": opinion.unit_due_on.isoformat() if opinion.unit_due_on else "—",
            "note": note[:80],
        },
    )
    return event


def _unit_answer(*, actor, opinion: Opinion, step: str, body: str) -> OpinionReply:
    opinion = _fresh(opinion)
    if not is_unit_handler(actor, opinion):
        raise refuse()
    body = clean_text(body, field="body", max_length=ANSWER_MAX, required=True)
    now = timezone.now()
    fields = []
    if opinion.answered_at is None:
        opinion.answered_at = now
        fields.append("answered_at")
    if step == Step.SOLVE:
        opinion.finished_at = now
        fields.append("finished_at")
    move(
        opinion,
        actor=actor,
        step=step,
        role=Role.UNIT_HANDLER,
        payload={"opinion_id": opinion.pk, "unit": opinion.unit_id},
        fields=tuple(fields),
    )
    reply = OpinionReply.objects.create(
        opinion=opinion, author=actor, signed_as=opinion.unit.name, body=body, created_at=now
    )
    # Those who passed it on hear of the answer: the office (or the station) and the deputy it reached.
    told = deadlines.office_of(opinion.congress) + deadlines.station_staff_of(opinion.station_id)
    if opinion.person_id:
        told += list(User.objects.filter(person_id=opinion.person_id, is_active=True))
    deadlines.tell(
        told,
        opinion=opinion,
        cause=f"unit_answer:{reply.pk}",
        subject=_("%(unit)s answered the citizen's opinion %(number)s")
        % {
            "unit": opinion.unit,
            "number": opinion.number,
        },
    )
    return reply


@transaction.atomic
def opinion_unit_reply(*, actor, opinion: Opinion, body: str) -> OpinionReply:
    """The unit answers the citizen (signed with the unit's name); the office and the deputy are told."""
    return _unit_answer(actor=actor, opinion=opinion, step=Step.REPLY, body=body)


@transaction.atomic
def opinion_unit_solve(*, actor, opinion: Opinion, what_was_done: str) -> OpinionReply:
    """The unit marks the item solved; what was done is the citizen's answer."""
    return _unit_answer(actor=actor, opinion=opinion, step=Step.SOLVE, body=what_was_done)


# --- personal data ---------------------------------------------------------------------------------------
@transaction.atomic
def opinion_reveal_contact(*, actor, opinion: Opinion, request=None) -> dict[str, str]:
    """The citizen's name and mobile unmasked, for the staff handling the item (to call back, to arrange a
    meeting). Each viewing is recorded as a security event."""
    opinion = Opinion.objects.get(pk=opinion.pk)
    _office(actor, opinion)
    if opinion.personal_data_purged_at is not None:
        raise ServiceError(
            "purged", _("The citizen's personal data was deleted after the retention period."), status=409
        )
    fields = [f for f in ("citizen_name", "phone", "preferred_times") if getattr(opinion, f)]
    record_security_event(
        actor=actor,
        kind=PERSONAL_DATA_VIEWED,
        target=opinion,
        request=request,
        payload={"opinion_id": opinion.pk, "fields": fields},
    )
    return {"citizen_name": opinion.citizen_name, "phone": opinion.phone}


# --- the acknowledgement clock (called by the daily sweep) ------------------------------------------------
@transaction.atomic
def opinion_escalate(*, opinion: Opinion, today: dt.date) -> bool:
    """Escalate an item nobody acknowledged by its due day: escalated_at is set, the event recorded, the
    office told (and the recipients reminded that it is now overdue). False when there is nothing to do."""
    opinion = _fresh(opinion)
    if (
        opinion.state != State.NEW
        or opinion.acknowledged_at is not None
        or opinion.escalated_at is not None
        or opinion.ack_due_on is None
        or opinion.ack_due_on >= today
    ):
        return False
    opinion.escalated_at = timezone.now()
    opinion.save(update_fields=["escalated_at", "updated_at"])
    record_event(
        actor=None,
        kind=events.ESCALATED,
        target=opinion,
        payload={"opinion_id": opinion.pk, "ack_due_on": opinion.ack_due_on.isoformat()},
    )
    subject = _("Not acknowledged in time: the citizen's opinion %(number)s was due by %(due)s") % {
        "number": opinion.number,
        "due": opinion.ack_due_on.isoformat(),
    }
    office = deadlines.office_of(opinion.congress)
    deadlines.tell(office, opinion=opinion, cause="escalated", subject=subject)
    others = [u for u in deadlines.recipients_of(opinion) if u not in office]
    deadlines.tell(others, opinion=opinion, cause="escalated", subject=subject, sms=True)
    return True
