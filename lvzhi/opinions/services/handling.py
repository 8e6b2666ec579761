"""The first steps of handling an opinion, for the deputy it reached, the station's staff or the office:
acknowledge it (受理), answer the citizen, mark it solved with what was done, or close it.

Each is one transaction: the row re-read under a lock, the step checked against workflow.py for the actor's
role, the state saved with update_fields, the step recorded as an event. Passing an item to station staff,
assigning a unit, turning it into a suggestion and arranging a meeting are further steps of the same table.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.errors import ServiceError

from ..checks import clean_text
from ..models import Opinion, OpinionReply
from ..permissions import handling_role
from ..workflow import Step
from .common import lock, move, refuse

ANSWER_MAX = 2000


def _role(actor, opinion: Opinion) -> str:
    role = handling_role(actor, opinion)
    if role is None:
        raise refuse()
    return role


def default_signature(actor, opinion: Opinion, role: str) -> str:
    """How the citizen sees who answered: the deputy by name, otherwise the station or the office."""
    from lvzhi.org.roles import Role

    if role == Role.DEPUTY and actor.person_id:
        return _("Deputy %(name)s") % {"name": actor.person.name}
    if role == Role.STATION_STAFF and opinion.station_id:
        return opinion.station.name
    return _("Deputy-affairs office of %(congress)s") % {"congress": opinion.congress.short_name}


@transaction.atomic
def opinion_acknowledge(*, actor, opinion: Opinion) -> Opinion:
    opinion = lock(opinion)
    role = _role(actor, opinion)
    opinion.acknowledged_at = timezone.now()
    return move(opinion, actor=actor, step=Step.ACKNOWLEDGE, role=role, fields=("acknowledged_at",))


@transaction.atomic
def opinion_reply(*, actor, opinion: Opinion, body: str, signed_as: str = "") -> OpinionReply:
    """Answer the citizen: the text shows on the citizen's status page, signed as the deputy, the station or
    the office (never the account's name)."""
    opinion = lock(opinion)
    role = _role(actor, opinion)
    body = clean_text(body, field="body", max_length=ANSWER_MAX, required=True)
    signed_as = clean_text(signed_as, field="signed_as", max_length=100) or default_signature(
        actor, opinion, role
    )
    now = timezone.now()
    fields = []
    if opinion.acknowledged_at is None:
        opinion.acknowledged_at = now
        fields.append("acknowledged_at")
    if opinion.answered_at is None:
        opinion.answered_at = now
        fields.append("answered_at")
    move(opinion, actor=actor, step=Step.REPLY, role=role, fields=tuple(fields))
    reply = OpinionReply.objects.create(
        opinion=opinion, author=actor, signed_as=signed_as, body=body, created_at=now
    )
    from lvzhi.performance.services.sources import opinion_answered  # the deputy's 履职: receiving citizens

    opinion_answered(opinion=opinion, role=role, actor=actor)
    return reply


def _finish(*, actor, opinion: Opinion, step: str, answer: str) -> Opinion:
    opinion = lock(opinion)
    role = _role(actor, opinion)
    answer = clean_text(answer, field="body", max_length=ANSWER_MAX, required=True)
    now = timezone.now()
    opinion.finished_at = now
    fields = ["finished_at"]
    if opinion.acknowledged_at is None:
        opinion.acknowledged_at = now
        fields.append("acknowledged_at")
    if opinion.answered_at is None:
        opinion.answered_at = now
        fields.append("answered_at")
    move(opinion, actor=actor, step=step, role=role, fields=tuple(fields))
    OpinionReply.objects.create(
        opinion=opinion,
        author=actor,
        signed_as=default_signature(actor, opinion, role),
        body=answer,
        created_at=now,
    )
    return opinion


@transaction.atomic
def opinion_solve(*, actor, opinion: Opinion, what_was_done: str) -> Opinion:
    """Mark it solved (急事难事解决); what was done is the citizen's answer."""
    return _finish(actor=actor, opinion=opinion, step=Step.SOLVE, answer=what_was_done)


@transaction.atomic
def opinion_close(*, actor, opinion: Opinion, reason: str) -> Opinion:
    """Close it without a solution (a duplicate, outside the deputy's remit …); the reason is the answer."""
    if not (reason or "").strip():
        raise ServiceError("required", _("Say why it is closed: the citizen reads it."), field="body")
    return _finish(actor=actor, opinion=opinion, step=Step.CLOSE, answer=reason)
