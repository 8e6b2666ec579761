"""A deputy's invitation, step by step: the office puts deputies on the list (from the proposal, or others
of the congress), sends the invitations, may withdraw one; the deputy accepts or declines (with a reason) in
its account; after the meeting the office records attendance — attending counts as a performance activity of
the meeting's kind, once — and what the deputy said.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.core.notifications import Channel, notify
from lvzhi.org.models import Mandate, User
from lvzhi.org.scope import scope_for
from lvzhi.performance.services.sources import activity_record_from_source

from .. import events
from ..models import AgendaItem, Invitation, Meeting, Speech
from ..proposal import eligible_mandates, reasons_for
from ..workflow import DEPUTY, NEW, OFFICE, MeetingState, State, Step
from .common import clean_text, in_site_language, require_planned, require_runner, step_to, today


def _accounts_of(mandate: Mandate):
    return User.objects.filter(person_id=mandate.person_id, is_active=True)


def _lock(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("meeting__congress", "meeting__term", "mandate__person")
        .get(pk=invitation.pk)
    )


def _before_meeting(meeting: Meeting, message: str) -> None:
    if meeting.starts_on < today():
        raise ServiceError("meeting_started", message, status=409)


def _event(actor, invitation: Invitation, kind: str, before: str, note: str = "", **payload) -> None:
    record_event(
        actor=actor,
        kind=kind,
        target=invitation,
        congress_id=invitation.meeting.congress_id,
        from_state=before,
        to_state=invitation.state,
        note=note,
        payload={"meeting": invitation.meeting_id, "mandate": invitation.mandate_id, **payload},
    )


# --- the office -----------------------------------------------------------------------------------------
@transaction.atomic
def invitations_propose(*, actor, meeting: Meeting, mandates: Iterable[Mandate]) -> list[Invitation]:
    """Put deputies on the meeting's list (not sent yet), each with the proposal's reasons; a deputy already
    on the list is left as it is. Returns the invitations put on the list now."""
    meeting = Meeting.objects.select_for_update().select_related("term").get(pk=meeting.pk)
    require_runner(actor, meeting)
    require_planned(meeting)
    _before_meeting(meeting, _("The activity has begun; no more deputies can be invited."))
    wanted = list({m.pk: m for m in mandates}.values())
    if not wanted:
        raise ServiceError("none_chosen", _("Choose at least one deputy."), field="mandates")
    eligible = set(
        eligible_mandates(meeting).filter(pk__in=[m.pk for m in wanted]).values_list("pk", flat=True)
    )
    refused = [m for m in wanted if m.pk not in eligible]
    if refused:
        names = "、".join(
            Mandate.objects.filter(pk__in=[m.pk for m in refused]).values_list("person__name", flat=True)
        )
        raise ServiceError(
            "not_eligible",
            _("Not deputies of this congress and term serving on the day (or on leave then): %(names)s.")
            % {"names": names},
            field="mandates",
        )
    existing = {inv.mandate_id: inv for inv in meeting.invitations.select_for_update()}
    with in_site_language():  # stored words: in the platform's language, whoever reads them later
        reasons = reasons_for(meeting=meeting, mandate_ids=[m.pk for m in wanted])
    done: list[Invitation] = []
    now = timezone.now()
    for m in wanted:
        inv = existing.get(m.pk)
        before = inv.state if inv else NEW
        if inv is not None and inv.state != State.WITHDRAWN:
            continue
        to = step_to(before, Step.PROPOSE, OFFICE)
        if inv is None:
            inv = Invitation(meeting=meeting, mandate=m)
        inv.state = to
        inv.reasons = reasons.get(m.pk, [])
        inv.proposed_by = actor
        inv.proposed_at = now
        inv.invited_at = None
        inv.answered_at = None
        inv.decline_reason = ""
        inv.withdrawn_reason = ""
        inv.save()
        _event(actor, inv, events.INVITATION_PROPOSED, before, note="；".join(inv.reasons))
        done.append(inv)
    return done


def _tell_invited(inv: Invitation) -> None:
    meeting = inv.meeting
    with in_site_language():
        subject = _(
            "Invitation: %(title)s, %(dates)s %(time)s at %(place)s. Please answer in your account."
        ) % {
            "title": meeting.title,
            "dates": meeting.dates_text,
            "time": meeting.time_text,
            "place": meeting.place,
        }
        for user in _accounts_of(inv.mandate):
            notify(
                recipient=user,
                cause=f"meetings.invited:{inv.pk}:{inv.invited_at:%Y%m%d%H%M%S}",
                subject=subject,
                url=reverse("meetings:invitation_detail", args=[inv.pk]),
                channels=(Channel.INBOX, Channel.SMS),
            )


def _send(actor, inv: Invitation) -> None:
    before = inv.state
    inv.state = step_to(
        before, Step.SEND, OFFICE, _("Only a deputy on the list, not yet invited, can be invited.")
    )
    inv.invited_at = timezone.now()
    inv.save(update_fields=["state", "invited_at"])
    _event(actor, inv, events.INVITATION_SENT, before)
    _tell_invited(inv)


@transaction.atomic
def invitation_send(*, actor, invitation: Invitation) -> Invitation:
    inv = _lock(invitation)
    require_runner(actor, inv.meeting)
    require_planned(inv.meeting)
    _before_meeting(inv.meeting, _("The activity has begun; invitations can no longer be sent."))
    _send(actor, inv)
    return inv


@transaction.atomic
def invitations_send_all(*, actor, meeting: Meeting) -> int:
    """Send every invitation still on the list only; returns how many were sent."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require_runner(actor, meeting)
    require_planned(meeting)
    _before_meeting(meeting, _("The activity has begun; invitations can no longer be sent."))
    pending = list(
        meeting.invitations.select_for_update(of=("self",))
        .filter(state=State.PROPOSED)
        .select_related("meeting", "mandate__person")
    )
    if not pending:
        raise ServiceError("nothing_to_send", _("No one on the list is waiting to be invited."), status=409)
    for inv in pending:
        _send(actor, inv)
    return len(pending)


@transaction.atomic
def invitation_withdraw(*, actor, invitation: Invitation, reason: str = "") -> Invitation:
    inv = _lock(invitation)
    require_runner(actor, inv.meeting)
    require_planned(inv.meeting)
    reason = clean_text(reason, field="reason", max_length=200)
    before = inv.state
    inv.state = step_to(before, Step.WITHDRAW, OFFICE, _("This invitation can no longer be withdrawn."))
    inv.withdrawn_reason = reason
    inv.save(update_fields=["state", "withdrawn_reason"])
    _event(actor, inv, events.INVITATION_WITHDRAWN, before, note=reason)
    if before != State.PROPOSED:
        with in_site_language():
            subject = _("Invitation withdrawn: %(title)s (%(dates)s)") % {
                "title": inv.meeting.title,
                "dates": inv.meeting.dates_text,
            }
            for user in _accounts_of(inv.mandate):
                notify(
                    recipient=user,
                    cause=f"meetings.withdrawn:{inv.pk}:{timezone.now():%Y%m%d%H%M%S}",
                    subject=subject,
                    url=reverse("meetings:invitation_detail", args=[inv.pk]),
                    channels=(Channel.INBOX,),
                )
    return inv


# --- the deputy ----------------------------------------------------------------------------------------------
def _require_invitee(actor, inv: Invitation) -> None:
    if inv.mandate_id not in scope_for(actor).mandate_ids:
        raise ServiceError("not_your_invitation", _("Only the invited deputy may answer."), status=403)


def _tell_office(inv: Invitation, subject: str) -> None:
    creator = inv.meeting.created_by
    if creator is not None and creator.is_active:
        notify(
            recipient=creator,
            cause=f"meetings.answered:{inv.pk}:{inv.answered_at:%Y%m%d%H%M%S}",
            subject=subject,
            url=reverse("meetings:detail", args=[inv.meeting_id]),
        )


@transaction.atomic
def invitation_accept(*, actor, invitation: Invitation) -> Invitation:
    inv = _lock(invitation)
    _require_invitee(actor, inv)
    require_planned(inv.meeting)
    _before_meeting(inv.meeting, _("The activity has begun; the answer can no longer be changed."))
    before = inv.state
    inv.state = step_to(before, Step.ACCEPT, DEPUTY, _("This invitation cannot be accepted now."))
    inv.answered_at = timezone.now()
    inv.decline_reason = ""
    inv.save(update_fields=["state", "answered_at", "decline_reason"])
    _event(actor, inv, events.INVITATION_ACCEPTED, before)
    with in_site_language():
        _tell_office(
            inv,
            _("%(name)s accepts the invitation to %(title)s")
            % {"name": inv.mandate.person.name, "title": inv.meeting.title},
        )
    return inv


@transaction.atomic
def invitation_decline(*, actor, invitation: Invitation, reason: str) -> Invitation:
    inv = _lock(invitation)
    _require_invitee(actor, inv)
    require_planned(inv.meeting)
    _before_meeting(inv.meeting, _("The activity has begun; the answer can no longer be changed."))
    reason = clean_text(reason, field="reason", max_length=500)
    if not reason:
        raise ServiceError(
            "reason_required", _("Please say why you cannot come, so the office can plan."), field="reason"
        )
    before = inv.state
    inv.state = step_to(before, Step.DECLINE, DEPUTY, _("This invitation cannot be declined now."))
    inv.answered_at = timezone.now()
    inv.decline_reason = reason
    inv.save(update_fields=["state", "answered_at", "decline_reason"])
    _event(actor, inv, events.INVITATION_DECLINED, before, note=reason)
    with in_site_language():
        _tell_office(
            inv,
            _("%(name)s declines the invitation to %(title)s")
            % {"name": inv.mandate.person.name, "title": inv.meeting.title},
        )
    return inv


# --- after the meeting ---------------------------------------------------------------------------------------
@transaction.atomic
def invitation_record_attendance(*, actor, invitation: Invitation, attended: bool) -> Invitation:
    """Attended (counts as an activity of the meeting's kind, once) or absent."""
    inv = _lock(invitation)
    meeting = inv.meeting
    require_runner(actor, meeting)
    if meeting.state == MeetingState.CANCELLED:
        raise ServiceError("meeting_cancelled", _("This activity was cancelled."), status=409)
    if meeting.starts_on > today():
        raise ServiceError(
            "not_yet_held", _("Attendance is recorded once the activity has begun."), status=409
        )
    before = inv.state
    if attended:
        inv.state = step_to(before, Step.ATTEND, OFFICE, _("Attendance cannot be recorded in this state."))
    else:
        inv.state = step_to(
            before,
            Step.MARK_ABSENT,
            OFFICE,
            _("Attendance is already recorded: it counts as an activity and stays."),
        )
    inv.attendance_recorded_at = timezone.now()
    inv.save(update_fields=["state", "attendance_recorded_at"])
    _event(actor, inv, events.ATTENDANCE_RECORDED, before)
    if attended:
        activity_record_from_source(
            source=meeting,
            mandate=inv.mandate,
            kind=meeting.activity_kind,
            date=meeting.starts_on,
            title=meeting.title,
            actor=actor,
            place=meeting.place,
        )
    return inv


@transaction.atomic
def speech_record(
    *, actor, invitation: Invitation, topic: str, summary: str, agenda_item: AgendaItem | None = None
) -> Speech:
    inv = _lock(invitation)
    require_runner(actor, inv.meeting)
    if inv.state != State.ATTENDED:
        raise ServiceError(
            "not_attended", _("Record the deputy's attendance before what it said."), status=409
        )
    if agenda_item is not None and agenda_item.meeting_id != inv.meeting_id:
        raise ServiceError("agenda_item", _("Choose an item of this activity's agenda."), field="agenda_item")
    topic = clean_text(topic, field="topic", max_length=120, required=True)
    summary = clean_text(summary, field="summary", max_length=4000, required=True)
    speech = Speech.objects.create(
        invitation=inv, agenda_item=agenda_item, topic=topic, summary=summary, recorded_by=actor
    )
    record_event(
        actor=actor,
        kind=events.SPEECH_RECORDED,
        target=inv,
        congress_id=inv.meeting.congress_id,
        note=topic,
        payload={"speech": speech.pk, "agenda_item": agenda_item.pk if agenda_item else None},
    )
    return speech
