"""The deputy's inbox: the steps beyond acknowledging, answering, solving and closing (handling.py).

Propose a meeting (约见) at one of the deputy's stations or a free place, and confirm it (the citizen agreed,
or it was held, with the outcome the citizen reads); pass the item to station staff; turn it into a formal
suggestion (a draft the deputy finishes on the suggestion's page, linked both ways); and record that the
handler saw the citizen's name and phone unmasked.

Each step is one transaction: the row re-read under a lock, the actor's role found (handling_role), the step
checked against workflow.TRANSITIONS, the input checked, the change saved and recorded as an event. A refused
step changes nothing. Texts the citizen reads are written in the platform's language (the citizen's status
page is Chinese first), never in the language of the deputy's browser.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event, record_security_event
from lvzhi.core.errors import ServiceError
from lvzhi.core.events import PERSONAL_DATA_VIEWED
from lvzhi.core.notifications import Channel, notify
from lvzhi.org.fields import SubjectField
from lvzhi.org.models import Mandate, User
from lvzhi.org.roles import Role
from lvzhi.stations.models import Station

from .. import events
from ..checks import clean_text
from ..models import Opinion, OpinionReply
from ..permissions import handling_role
from ..selectors_inbox import meeting_stations_for
from ..workflow import State, Step
from .common import lock, move, refuse, require_step
from .handling import ANSWER_MAX, default_signature

NOTE_MAX = 500
PLACE_MAX = 100
MEETING_HORIZON = dt.timedelta(days=366)  # a meeting further ahead is a typing mistake

# The field of a suggestion that grows out of an opinion of each category (the deputy can change it).
FIELD_OF_CATEGORY = {
    Opinion.Category.CITY: SubjectField.URBAN,
    Opinion.Category.TRAFFIC: SubjectField.TRANSPORT,
    Opinion.Category.ENVIRONMENT: SubjectField.ENVIRONMENT,
    Opinion.Category.HOUSING: SubjectField.URBAN,
    Opinion.Category.EDUCATION: SubjectField.EDUCATION,
    Opinion.Category.HEALTH: SubjectField.HEALTH,
    Opinion.Category.ELDERLY: SubjectField.SOCIAL,
    Opinion.Category.JOBS: SubjectField.SOCIAL,
    Opinion.Category.MARKET: SubjectField.ECONOMY,
    Opinion.Category.SAFETY: SubjectField.LAW,
    Opinion.Category.RURAL: SubjectField.AGRICULTURE,
    Opinion.Category.OTHER: SubjectField.OTHER,
}
_CLAUSE_END = re.compile(r"[，。！？；,.!?;\n]")
TITLE_SUBJECT_MAX = 40


def item_url(opinion: Opinion) -> str:
    """The item's page in the inbox (what notifications link to)."""
    return reverse("opinion_inbox:item", args=[opinion.pk])


def _role(actor, opinion: Opinion) -> str:
    role = handling_role(actor, opinion)
    if role is None:
        raise refuse()
    return role


def _first_answer(opinion: Opinion, now) -> list[str]:
    """Set the acknowledgement and first-answer times if not yet set; the fields changed."""
    fields = []
    if opinion.acknowledged_at is None:
        opinion.acknowledged_at = now
        fields.append("acknowledged_at")
    if opinion.answered_at is None:
        opinion.answered_at = now
        fields.append("answered_at")
    return fields


def stations_for(actor, opinion: Opinion, role: str):
    """The stations a handler may name for a meeting or pass the item to: the deputy's own stations, a
    station staff's own, the open stations of the congress for its office."""
    if role == Role.STAFF:
        return Station.objects.filter(is_active=True, congress_id=opinion.congress_id).order_by("name")
    return meeting_stations_for(user=actor, opinion=opinion)


# --- seeing the citizen's name and phone -----------------------------------------------------------
def may_see_personal_data(user, opinion: Opinion) -> bool:
    """Those who handle the item (the deputy it reached, its station's staff) read name and phone in full."""
    return opinion.personal_data_purged_at is None and handling_role(user, opinion) in (
        Role.DEPUTY,
        Role.STATION_STAFF,
    )


def personal_data_shown(*, actor, opinion: Opinion, request=None) -> list[str]:
    """Record that the handler is shown the citizen's name and phone unmasked (a security event, one per
    view); the fields shown. The payload names the fields, never their values."""
    fields = [f for f in ("citizen_name", "phone") if getattr(opinion, f)]
    if fields:
        record_security_event(
            actor=actor,
            kind=PERSONAL_DATA_VIEWED,
            request=request,
            target=opinion,
            payload={"opinion_id": opinion.pk, "fields": fields},
        )
    return fields


# --- a meeting --------------------------------------------------------------------------------------
def _where(station: Station | None, place: str) -> str:
    if station is None:
        return place
    return f"{station.name}（{station.address}）" if station.address else station.name


@transaction.atomic
def opinion_propose_meeting(
    *,
    actor,
    opinion: Opinion,
    at: dt.datetime | None,
    station: Station | None = None,
    place: str = "",
    note: str = "",
) -> Opinion:
    """Propose a meeting with the citizen (约见): a time, and one of the handler's stations or a free place.
    The citizen reads the proposal as an answer on the status page; proposing again replaces it."""
    opinion = lock(opinion)
    role = _role(actor, opinion)
    require_step(opinion, Step.ARRANGE_MEETING, role)
    now = timezone.now()
    if not isinstance(at, dt.datetime) or timezone.is_naive(at):
        raise ServiceError("required", _("Give the day and the time of the meeting."), field="meeting_date")
    if at <= now:
        raise ServiceError("past", _("The meeting must be at a time still to come."), field="meeting_date")
    if at > now + MEETING_HORIZON:
        raise ServiceError("too_far", _("Choose a day within the coming year."), field="meeting_date")
    place = clean_text(place, field="place", max_length=PLACE_MAX)
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    if station is not None and place:
        raise ServiceError(
            "station_or_place", _("Choose a station or write a place, not both."), field="place"
        )
    if station is None and not place:
        raise ServiceError("required", _("Choose a station or write a place."), field="station")
    if station is not None and not stations_for(actor, opinion, role).filter(pk=station.pk).exists():
        raise ServiceError("station_not_yours", _("Choose one of the stations listed."), field="station")

    opinion.meeting_at = at
    opinion.meeting_station = station
    opinion.meeting_place = place
    opinion.meeting_confirmed_at = None
    fields = ["meeting_at", "meeting_station", "meeting_place", "meeting_confirmed_at"]
    fields += _first_answer(opinion, now)
    with translation.override(settings.LANGUAGE_CODE):
        body = _("We would like to meet you on %(when)s at %(where)s.") % {
            "when": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
            "where": _where(station, place),
        }
        if note:
            body += "\n" + note
        if opinion.phone:
            body += "\n" + _("We will call you to confirm the time.")
        signed_as = default_signature(actor, opinion, role)
    move(
        opinion,
        actor=actor,
        step=Step.ARRANGE_MEETING,
        role=role,
        payload={"opinion_id": opinion.pk, "at": at.isoformat(), "station": station.pk if station else None},
        fields=tuple(fields),
    )
    OpinionReply.objects.create(opinion=opinion, author=actor, signed_as=signed_as, body=body, created_at=now)
    return opinion


@transaction.atomic
def opinion_confirm_meeting(*, actor, opinion: Opinion, held: bool, outcome: str = "") -> Opinion:
    """Record that the citizen agreed to the proposed meeting, or that it was held: then the outcome is the
    citizen's answer (the item reads answered, and can still be marked solved)."""
    opinion = lock(opinion)
    role = _role(actor, opinion)
    if opinion.state != State.MEETING or opinion.meeting_at is None:
        raise ServiceError("no_meeting", _("There is no proposed meeting to confirm."), status=409)
    # Confirming is part of arranging the meeting: the table says who may arrange one in this state.
    require_step(opinion, Step.ARRANGE_MEETING, role)
    now = timezone.now()
    if not held:
        if opinion.meeting_confirmed_at is not None:
            raise ServiceError(
                "already_confirmed", _("The citizen's agreement is already recorded."), status=409
            )
        opinion.meeting_confirmed_at = now
        opinion.save(update_fields=["meeting_confirmed_at", "updated_at"])
        record_event(
            actor=actor,
            kind=events.MEETING_CONFIRMED,
            target=opinion,
            payload={"opinion_id": opinion.pk},
        )
        return opinion
    outcome = clean_text(outcome, field="outcome", max_length=ANSWER_MAX, required=True)
    fields = _first_answer(opinion, now)
    if opinion.meeting_confirmed_at is None:
        opinion.meeting_confirmed_at = now
        fields.append("meeting_confirmed_at")
    record_event(actor=actor, kind=events.MEETING_HELD, target=opinion, payload={"opinion_id": opinion.pk})
    move(opinion, actor=actor, step=Step.REPLY, role=role, fields=tuple(fields))
    OpinionReply.objects.create(
        opinion=opinion,
        author=actor,
        signed_as=default_signature(actor, opinion, role),
        body=outcome,
        created_at=now,
    )
    return opinion


# --- passing to station staff -------------------------------------------------------------------------
@transaction.atomic
def opinion_pass_to_station(*, actor, opinion: Opinion, station: Station | None, note: str = "") -> Opinion:
    """Pass the item to the staff of one of the deputy's stations, who find a unit for it (交办); they are
    told by inbox and SMS and see the item in their inbox. The note is for them (it shows in the history)."""
    opinion = lock(opinion)
    role = _role(actor, opinion)
    require_step(opinion, Step.PASS_TO_STATION, role)
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    if station is None:
        raise ServiceError("required", _("Choose the station."), field="station")
    if not stations_for(actor, opinion, role).filter(pk=station.pk).exists():
        raise ServiceError("station_not_yours", _("Choose one of the stations listed."), field="station")
    opinion.station = station
    fields = ["station"]
    if opinion.acknowledged_at is None:
        opinion.acknowledged_at = timezone.now()
        fields.append("acknowledged_at")
    move(
        opinion,
        actor=actor,
        step=Step.PASS_TO_STATION,
        role=role,
        note=note,
        payload={"opinion_id": opinion.pk, "station": station.pk},
        fields=tuple(fields),
    )
    _tell_station(opinion, actor)
    return opinion


def _tell_station(opinion: Opinion, actor) -> None:
    person = opinion.person
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Citizen's opinion %(number)s passed to %(station)s by %(who)s: please handle it") % {
            "number": opinion.number,
            "station": opinion.station.name,
            "who": _("Deputy %(name)s") % {"name": person.name} if person else actor.display_name,
        }
    staff = (
        User.objects.filter(
            is_active=True,
            roles__role=Role.STATION_STAFF,
            roles__station_id=opinion.station_id,
            roles__is_active=True,
        )
        .exclude(pk=actor.pk)
        .distinct()
    )
    for user in staff:
        notify(
            recipient=user,
            cause=f"opinions.passed:{opinion.pk}:{opinion.station_id}",
            subject=subject,
            url=item_url(opinion),
            channels=(Channel.INBOX, Channel.SMS),
        )


# --- a formal suggestion ---------------------------------------------------------------------------------
def suggestion_draft_of(opinion: Opinion) -> dict:
    """What the suggestion form starts from: "关于……的建议" from the first clause of the content, the field
    of its category, and the content with its source (the tracking number, the place)."""
    first = _CLAUSE_END.split(opinion.content.strip(), maxsplit=1)[0].strip()
    subject = first[:TITLE_SUBJECT_MAX] or opinion.get_category_display()
    with translation.override(settings.LANGUAGE_CODE):
        source = _("From citizen's opinion %(number)s") % {"number": opinion.number}
        if opinion.place:
            source += _(", place: %(place)s") % {"place": opinion.place}
    return {
        "title": f"关于{subject}的建议",
        "field": FIELD_OF_CATEGORY.get(opinion.category, SubjectField.OTHER),
        "body": f"{opinion.content.strip()}\n\n（{source}）",
    }


@transaction.atomic
def opinion_to_suggestion(
    *, actor, opinion: Opinion, mandate: Mandate, title: str, field: str, body: str, kind: str = "suggestion"
):
    """The deputy turns the item into a formal suggestion: a draft of theirs (the suggestions loop's own
    drafting service, so its rules apply), linked both ways (Opinion.suggestion; the suggestion's page names
    the opinion). The deputy submits the draft from the suggestion's page."""
    from lvzhi.suggestions.services import drafting

    opinion = lock(opinion)
    role = _role(actor, opinion)
    if role != Role.DEPUTY:
        raise ServiceError(
            "not_permitted", _("Only the deputy can turn an opinion into a suggestion."), status=403
        )
    require_step(opinion, Step.TO_SUGGESTION, role)
    suggestion = drafting.suggestion_create(
        actor=actor, mandate=mandate, title=title, field=field, body=body, kind=kind
    )
    opinion.suggestion = suggestion
    fields = ["suggestion"]
    if opinion.acknowledged_at is None:
        opinion.acknowledged_at = timezone.now()
        fields.append("acknowledged_at")
    move(
        opinion,
        actor=actor,
        step=Step.TO_SUGGESTION,
        role=role,
        payload={"opinion_id": opinion.pk, "suggestion": suggestion.pk},
        fields=tuple(fields),
    )
    record_event(
        actor=actor,
        kind=events.BECAME_SUGGESTION,
        target=suggestion,
        payload={"opinion_id": opinion.pk},
    )
    return suggestion
