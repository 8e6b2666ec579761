"""Key supervision (重点督办).

The chair of the suggestion's congress chooses an accepted, still open suggestion for key supervision and
names the government leader in charge and the supervising leader; staff (or the chair) record the meetings
(assignment, progress, the final report); after the report each standing-committee member of that congress
scores it once, 0–100.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.org.models import RoleAssignment
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for

from .. import events
from ..models import KeyMeeting, KeyScore, KeySupervision, Suggestion
from ..permissions import can_run_office
from ..workflow import OPEN_STATES
from .common import today

KEY_CHOSEN = events.KEY_CHOSEN
KEY_MEETING_ADDED = events.KEY_MEETING_ADDED
KEY_SCORED = events.KEY_SCORED


def is_chair_of(user, congress_id: int) -> bool:
    """The user holds an active chair role of exactly this congress (or is a site administrator)."""
    s = scope_for(user)
    if s.is_admin:
        return True
    if Role.CHAIR not in s.roles:
        return False
    return RoleAssignment.objects.filter(
        user_id=user.pk, role=Role.CHAIR, congress_id=congress_id, is_active=True
    ).exists()


def can_choose_key(user, suggestion: Suggestion) -> bool:
    return is_chair_of(user, suggestion.congress_id)


def can_record_meeting(user, suggestion: Suggestion) -> bool:
    return can_run_office(user, suggestion) or is_chair_of(user, suggestion.congress_id)


def is_member_of(user, congress_id: int) -> bool:
    return congress_id in scope_for(user).member_congress_ids


def has_report(key: KeySupervision) -> bool:
    return key.meetings.filter(kind=KeyMeeting.Kind.REPORT).exists()


def score_summary(key: KeySupervision) -> dict:
    agg = key.scores.aggregate(avg=Avg("score"), n=Count("pk"))
    return {"average": round(agg["avg"], 1) if agg["avg"] is not None else None, "count": agg["n"]}


def _text(value: str, field: str, max_length: int | None = None, *, required: bool = True) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError("required", _("This field is required."), field=field)
    if max_length and len(value) > max_length:
        raise ServiceError("too_long", _("At most %(n)s characters.") % {"n": max_length}, field=field)
    return value


@transaction.atomic
def key_choose(
    *, actor, suggestion: Suggestion, leader_in_charge: str, supervising_leader: str
) -> KeySupervision:
    suggestion = Suggestion.objects.select_for_update().select_related("congress").get(pk=suggestion.pk)
    if not can_choose_key(actor, suggestion):
        raise ServiceError(
            "not_permitted", _("Only the chair of this congress may choose key suggestions."), status=403
        )
    if suggestion.state not in OPEN_STATES:
        raise ServiceError(
            "not_open", _("Only an accepted suggestion still being handled can be chosen."), status=409
        )
    if suggestion.is_key or KeySupervision.objects.filter(suggestion=suggestion).exists():
        raise ServiceError("already_key", _("This suggestion is already under key supervision."), status=409)
    leader_in_charge = _text(leader_in_charge, "leader_in_charge", 60)
    supervising_leader = _text(supervising_leader, "supervising_leader", 60)
    key = KeySupervision.objects.create(
        suggestion=suggestion,
        year=today().year,
        leader_in_charge=leader_in_charge,
        supervising_leader=supervising_leader,
        chosen_by=actor,
    )
    suggestion.is_key = True
    suggestion.save(update_fields=["is_key", "updated_at"])
    record_event(actor=actor, kind=KEY_CHOSEN, target=suggestion, payload={"key": key.pk})
    return key


def _lock_key(key: KeySupervision) -> KeySupervision:
    return KeySupervision.objects.select_for_update().select_related("suggestion__congress").get(pk=key.pk)


@transaction.atomic
def key_meeting_add(*, actor, key: KeySupervision, kind: str, held_on: dt.date, notes: str) -> KeyMeeting:
    key = _lock_key(key)
    if not can_record_meeting(actor, key.suggestion):
        raise ServiceError(
            "not_permitted",
            _("Only the deputy-affairs office or the chair of this congress may record meetings."),
            status=403,
        )
    if kind not in KeyMeeting.Kind.values:
        raise ServiceError("bad_kind", _("Choose the kind of meeting."), field="kind")
    if not isinstance(held_on, dt.date):
        raise ServiceError("bad_date", _("Enter a valid date."), field="held_on")
    if held_on > today():
        raise ServiceError("future_date", _("The meeting cannot be in the future."), field="held_on")
    notes = _text(notes, "notes", 5000)
    meeting = KeyMeeting.objects.create(key=key, kind=kind, held_on=held_on, notes=notes)
    record_event(
        actor=actor,
        kind=KEY_MEETING_ADDED,
        target=key.suggestion,
        payload={"key": key.pk, "meeting": meeting.pk, "kind": kind},
    )
    return meeting


@transaction.atomic
def key_score(*, actor, key: KeySupervision, score: int, comment: str = "") -> KeyScore:
    key = _lock_key(key)
    if not is_member_of(actor, key.suggestion.congress_id):
        raise ServiceError(
            "not_permitted",
            _("Only standing-committee members of this congress may score."),
            status=403,
        )
    if not has_report(key):
        raise ServiceError("no_report", _("Scoring opens after the final report meeting."), status=409)
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise ServiceError("bad_score", _("Enter a whole number from 0 to 100."), field="score")
    if key.scores.filter(member=actor).exists():
        raise ServiceError("already_scored", _("You have already scored this report."), status=409)
    comment = _text(comment, "comment", 2000, required=False)
    row = KeyScore.objects.create(key=key, member=actor, score=score, comment=comment)
    record_event(
        actor=actor,
        kind=KEY_SCORED,
        target=key.suggestion,
        payload={"key": key.pk, "score": score},
    )
    return row
