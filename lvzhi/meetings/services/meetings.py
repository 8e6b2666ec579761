"""Planning an invited activity: create and change it, its agenda, cancel or conclude it.

Each step checks the actor's right and the meeting's state, saves, records an event; deputies already invited
are told of a change or a cancellation in their account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.core.notifications import Channel, notify
from lvzhi.org.models import Committee, Congress, Term, Unit, User
from lvzhi.org.permissions import can_manage_congress
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for
from lvzhi.org.services.guards import clean_fields
from lvzhi.performance.services.sources import activity_describe_from_source

from .. import events
from ..models import AgendaItem, Meeting
from ..workflow import OPEN_STATES, ApplicationState, MeetingState, State
from .common import check_date, clean_text, in_site_language, require_planned, require_runner, today

MAX_DAYS = 31  # a longer span is a typing mistake (an inspection tour is a few days)
MAX_PLACES = 500
MAX_OBSERVERS = 1000
OBSERVABLE = (Meeting.Kind.SC_MEETING, Meeting.Kind.HEARING, Meeting.Kind.OPEN_COURT)
NOTIFY_ON_CHANGE = ("starts_on", "ends_on", "time_text", "place")
RECORDED_STATES = (State.ATTENDED, State.ABSENT)  # attendance recorded for the invitation


@dataclass
class MeetingData:
    """What the office types for a meeting (the form's cleaned values)."""

    kind: str
    host: str
    host_committee: Committee | None
    host_unit: Unit | None
    title: str
    starts_on: dt.date
    ends_on: dt.date
    place: str
    time_text: str = ""
    description: str = ""
    deputy_places: int | None = None
    observers_open: bool = False
    observer_capacity: int = 0
    observer_closes_on: dt.date | None = None
    observer_notes: str = ""


def _require_planner(actor, congress: Congress, data: MeetingData) -> None:
    """The congress's office plans anything; a committee's staff only what their committee invites to."""
    if can_manage_congress(actor, congress.pk):
        return
    s = scope_for(actor)
    if (
        Role.COMMITTEE_STAFF in s.roles
        and data.host == Meeting.Host.COMMITTEE
        and data.host_committee is not None
        and data.host_committee.pk in s.committee_ids
    ):
        return
    raise ServiceError(
        "not_permitted",
        _(
            "Only the deputy-affairs office of this congress, or the inviting committee's staff, may plan this."
        ),
        status=403,
    )


def _clean(congress: Congress, data: MeetingData, *, meeting: Meeting | None = None) -> dict:
    if data.kind not in Meeting.Kind.values:
        raise ServiceError("kind_required", _("Choose what the deputies are invited to."), field="kind")
    if data.host not in Meeting.Host.values:
        raise ServiceError("host_required", _("Choose who invites."), field="host")
    committee = unit = None
    if data.host == Meeting.Host.COMMITTEE:
        committee = data.host_committee
        if (
            committee is None
            or committee.congress_id != congress.pk
            or committee.kind == Committee.Kind.STANDING
        ):
            raise ServiceError("host_committee", _("Choose one of this congress's committees."), field="host")
    elif data.host == Meeting.Host.UNIT:
        unit = data.host_unit
        if unit is None or unit.congress_id != congress.pk or not unit.is_active:
            raise ServiceError(
                "host_unit",
                _("Choose the government department, supervisory commission, court or procuratorate."),
                field="host",
            )
    if (data.kind == Meeting.Kind.SC_MEETING or data.host == Meeting.Host.STANDING) and (
        not congress.has_standing_committee
    ):
        raise ServiceError(
            "no_standing_committee", _("This congress has no standing committee."), field="kind"
        )
    if data.kind == Meeting.Kind.SC_MEETING and data.host != Meeting.Host.STANDING:
        raise ServiceError(
            "sc_meeting_host",
            _("A standing-committee meeting is called by the standing committee."),
            field="host",
        )
    starts_on = check_date(data.starts_on, "starts_on")
    ends_on = check_date(data.ends_on or data.starts_on, "ends_on")
    if ends_on < starts_on:
        raise ServiceError("dates_order", _("The last day is before the first day."), field="ends_on")
    if (ends_on - starts_on).days > MAX_DAYS:
        raise ServiceError(
            "too_long_span",
            _("At most %(n)s days from the first to the last day.") % {"n": MAX_DAYS},
            field="ends_on",
        )
    if starts_on < today() and (meeting is None or starts_on != meeting.starts_on):
        raise ServiceError(
            "past_date",
            _("Invitations are planned ahead: the first day is already past."),
            field="starts_on",
        )
    term = Term.objects.filter(congress=congress, start_date__lte=starts_on, end_date__gte=starts_on).first()
    if term is None:
        raise ServiceError("no_term", _("No term of this congress covers that day."), field="starts_on")
    places = data.deputy_places
    if places is not None and not 1 <= places <= MAX_PLACES:
        raise ServiceError(
            "places", _("Between 1 and %(n)s deputies.") % {"n": MAX_PLACES}, field="deputy_places"
        )
    cleaned = {
        "kind": data.kind,
        "host": data.host,
        "host_committee": committee,
        "host_unit": unit,
        "term": term,
        "title": clean_text(data.title, field="title", max_length=120, required=True),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "time_text": clean_text(data.time_text, field="time_text", max_length=60),
        "place": clean_text(data.place, field="place", max_length=120, required=True),
        "description": clean_text(data.description, field="description", max_length=2000),
        "deputy_places": places,
        "observers_open": bool(data.observers_open),
        "observer_capacity": 0,
        "observer_closes_on": None,
        "observer_notes": clean_text(data.observer_notes, field="observer_notes", max_length=1000),
    }
    if data.observers_open:
        if data.kind not in OBSERVABLE:
            raise ServiceError(
                "not_observable",
                _("Citizens observe standing-committee meetings, hearings and open court sessions only."),
                field="observers_open",
            )
        capacity = data.observer_capacity or 0
        if not 1 <= capacity <= MAX_OBSERVERS:
            raise ServiceError(
                "capacity",
                _("Give the number of observer places (1 to %(n)s).") % {"n": MAX_OBSERVERS},
                field="observer_capacity",
            )
        closes = data.observer_closes_on
        if closes is None:
            raise ServiceError(
                "closes_required", _("Give the last day to apply."), field="observer_closes_on"
            )
        closes = check_date(closes, "observer_closes_on")
        if closes > starts_on:
            raise ServiceError(
                "closes_after_start",
                _("Applications close on or before the first day of the meeting."),
                field="observer_closes_on",
            )
        if closes < today() and (meeting is None or closes != meeting.observer_closes_on):
            raise ServiceError(
                "closes_past", _("The last day to apply is already past."), field="observer_closes_on"
            )
        if meeting is not None:
            approved = meeting.observer_applications.filter(state=ApplicationState.APPROVED).count()
            if capacity < approved:
                raise ServiceError(
                    "capacity_below_approved",
                    _("%(n)s observers are approved already; the places cannot be fewer.") % {"n": approved},
                    field="observer_capacity",
                )
        cleaned["observer_capacity"] = capacity
        cleaned["observer_closes_on"] = closes
    return cleaned


@transaction.atomic
def meeting_create(*, actor, congress: Congress, data: MeetingData) -> Meeting:
    _require_planner(actor, congress, data)
    cleaned = _clean(congress, data)
    meeting = Meeting.objects.create(congress=congress, created_by=actor, **cleaned)
    record_event(
        actor=actor,
        kind=events.MEETING_CREATED,
        target=meeting,
        to_state=meeting.state,
        payload={"kind": meeting.kind, "host": meeting.host, "starts_on": meeting.starts_on.isoformat()},
    )
    return meeting


def _invitees(meeting: Meeting):
    return User.objects.filter(
        is_active=True,
        person__mandates__meeting_invitations__meeting=meeting,
        person__mandates__meeting_invitations__state__in=[State.INVITED, State.ACCEPTED],
    ).distinct()


def _invitation_of(meeting: Meeting, user: User):
    return meeting.invitations.filter(mandate__person_id=user.person_id).first()


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, data: MeetingData) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("congress").get(pk=meeting.pk)
    require_runner(actor, meeting)
    require_planned(meeting)
    cleaned = _clean(meeting.congress, data, meeting=meeting)
    if (
        not can_manage_congress(actor, meeting.congress_id)
        and cleaned["host_committee"] != meeting.host_committee
    ):
        raise ServiceError(
            "host_committee",
            _("A committee's staff cannot give the activity to another inviter."),
            field="host",
        )
    if meeting.invitations.filter(state__in=RECORDED_STATES).exists():
        # Attendance counts as an activity of the meeting's kind on its first day: those stay as recorded.
        for field in ("kind", "starts_on"):
            if cleaned[field] != getattr(meeting, field):
                raise ServiceError(
                    "attendance_recorded",
                    _(
                        "Attendance has been recorded: the kind of activity and the first day can no longer "
                        "change."
                    ),
                    field=field,
                    status=409,
                )
    if cleaned["term"].pk != meeting.term_id and meeting.invitations.exists():
        raise ServiceError(
            "term_changed",
            _("The new dates fall in another term, and deputies of this term are on the list."),
            field="starts_on",
        )
    changes = {}
    for field, value in cleaned.items():
        old = getattr(meeting, field)
        if old != value:
            changes[field] = [_plain(old), _plain(value)]
            setattr(meeting, field, value)
    if not changes:
        return meeting
    meeting.save(update_fields=list(changes) + (["term"] if "term" in changes else []))
    if {"title", "place"} & set(changes):
        activity_describe_from_source(source=meeting, title=meeting.title, place=meeting.place)
    record_event(actor=actor, kind=events.MEETING_CHANGED, target=meeting, payload={"changes": changes})
    if set(changes) & set(NOTIFY_ON_CHANGE):
        with in_site_language():
            subject = _("Changed: %(title)s, now %(dates)s %(time)s at %(place)s") % {
                "title": meeting.title,
                "dates": meeting.dates_text,
                "time": meeting.time_text,
                "place": meeting.place,
            }
            stamp = timezone.now().strftime("%Y%m%d%H%M%S")
            for user in _invitees(meeting):
                inv = _invitation_of(meeting, user)
                notify(
                    recipient=user,
                    cause=f"meetings.changed:{meeting.pk}:{stamp}",
                    subject=subject,
                    url=reverse("meetings:invitation_detail", args=[inv.pk]) if inv else "",
                    channels=(Channel.INBOX, Channel.SMS),
                )
    return meeting


def _plain(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@transaction.atomic
def agenda_item_add(*, actor, meeting: Meeting, title: str, presenter: str = "", fields=()) -> AgendaItem:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require_runner(actor, meeting)
    require_planned(meeting)
    title = clean_text(title, field="title", max_length=200, required=True)
    presenter = clean_text(presenter, field="presenter", max_length=60)
    chosen = clean_fields(fields)
    last = meeting.agenda.order_by("-position").values_list("position", flat=True).first() or 0
    item = AgendaItem.objects.create(
        meeting=meeting, position=last + 1, title=title, presenter=presenter, fields=chosen
    )
    record_event(
        actor=actor,
        kind=events.AGENDA_ITEM_ADDED,
        target=meeting,
        note=title,
        payload={"agenda_item": item.pk, "fields": chosen},
    )
    return item


@transaction.atomic
def agenda_item_remove(*, actor, item: AgendaItem) -> None:
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    require_runner(actor, meeting)
    require_planned(meeting)
    if item.speeches.exists():
        raise ServiceError(
            "agenda_item_has_speeches",
            _("Speeches on this item are recorded; it stays on the agenda."),
            status=409,
        )
    title = item.title
    item_id = item.pk
    item.delete()
    record_event(
        actor=actor,
        kind=events.AGENDA_ITEM_REMOVED,
        target=meeting,
        note=title,
        payload={"agenda_item": item_id},
    )


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require_runner(actor, meeting)
    require_planned(meeting)
    if meeting.invitations.filter(state=State.ATTENDED).exists():
        raise ServiceError(
            "attendance_recorded",
            _("Attendance has been recorded for this activity; it cannot be cancelled."),
            status=409,
        )
    reason = clean_text(reason, field="reason", max_length=500, required=True)
    told = list(_invitees(meeting))
    now = timezone.now()
    for inv in meeting.invitations.filter(state__in=OPEN_STATES):
        before = inv.state
        inv.state = State.WITHDRAWN
        with in_site_language():
            inv.withdrawn_reason = _("The activity was cancelled.")[:200]
        inv.save(update_fields=["state", "withdrawn_reason"])
        record_event(
            actor=actor,
            kind=events.INVITATION_WITHDRAWN,
            target=inv,
            congress_id=meeting.congress_id,
            from_state=before,
            to_state=inv.state,
            note=reason,
        )
    open_apps = meeting.observer_applications.filter(
        state__in=[ApplicationState.PENDING, ApplicationState.APPROVED]
    )
    for app in open_apps:
        before = app.state
        app.state = ApplicationState.REJECTED
        with in_site_language():
            app.decision_note = _("The meeting was cancelled.")
        app.decided_by = actor
        app.decided_at = now
        app.save(update_fields=["state", "decision_note", "decided_by", "decided_at"])
        record_event(
            actor=actor,
            kind=events.OBSERVER_REJECTED,
            target=app,
            congress_id=meeting.congress_id,
            from_state=before,
            to_state=app.state,
        )
    before = meeting.state
    meeting.state = MeetingState.CANCELLED
    meeting.cancel_reason = reason
    meeting.cancelled_at = now
    meeting.save(update_fields=["state", "cancel_reason", "cancelled_at"])
    record_event(
        actor=actor,
        kind=events.MEETING_CANCELLED,
        target=meeting,
        from_state=before,
        to_state=meeting.state,
        note=reason,
    )
    with in_site_language():
        subject = _("Cancelled: %(title)s (%(dates)s). Reason: %(reason)s") % {
            "title": meeting.title,
            "dates": meeting.dates_text,
            "reason": reason,
        }
        for user in told:
            notify(
                recipient=user,
                cause=f"meetings.cancelled:{meeting.pk}",
                subject=subject,
                url=reverse("meetings:mine"),
                channels=(Channel.INBOX, Channel.SMS),
            )
    return meeting


@transaction.atomic
def meeting_conclude(*, actor, meeting: Meeting) -> Meeting:
    """The activity was held: invitations without recorded attendance are marked absent, names proposed but
    never sent are taken off; attendance can still be corrected to attended."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require_runner(actor, meeting)
    require_planned(meeting)
    if meeting.starts_on > today():
        raise ServiceError(
            "not_yet_held",
            _("The activity has not taken place yet; conclude it once it is held."),
            status=409,
        )
    for inv in meeting.invitations.filter(state__in=OPEN_STATES):
        before = inv.state
        if before == State.PROPOSED:
            with in_site_language():
                inv.state, inv.withdrawn_reason = State.WITHDRAWN, _("Not sent before the activity.")[:200]
            kind = events.INVITATION_WITHDRAWN
        else:
            inv.state = State.ABSENT
            inv.attendance_recorded_at = timezone.now()
            kind = events.ATTENDANCE_RECORDED
        inv.save(update_fields=["state", "withdrawn_reason", "attendance_recorded_at"])
        record_event(
            actor=actor,
            kind=kind,
            target=inv,
            congress_id=meeting.congress_id,
            from_state=before,
            to_state=inv.state,
        )
    before = meeting.state
    meeting.state = MeetingState.CONCLUDED
    meeting.concluded_at = timezone.now()
    meeting.save(update_fields=["state", "concluded_at"])
    record_event(
        actor=actor, kind=events.MEETING_CONCLUDED, target=meeting, from_state=before, to_state=meeting.state
    )
    return meeting
