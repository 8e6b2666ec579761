"""Shared pieces of the opinion services: locking, the workflow check, the step event."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError

from .. import events
from ..models import Opinion
from ..workflow import State, Step, target_state


def lock(opinion: Opinion) -> Opinion:
    """The opinion re-read under a row lock: the state checked is the state changed."""
    return Opinion.objects.select_for_update().get(pk=opinion.pk)


def require_step(opinion: Opinion, step: str, role: str) -> str:
    to = target_state(opinion.state, step, role)
    if to is None:
        raise ServiceError(
            "step_not_allowed",
            _("“%(step)s” is not possible while the opinion is “%(state)s”.")
            % {"step": Step(step).label, "state": State(opinion.state).label},
            status=409,
        )
    return to


def refuse() -> ServiceError:
    return ServiceError("not_permitted", _("You may not do this with this opinion."), status=403)


def move(
    opinion: Opinion,
    *,
    actor,
    step: str,
    role: str,
    note: str = "",
    payload: dict | None = None,
    fields: tuple[str, ...] = (),
) -> Opinion:
    """Apply one step: check the table, set the state, save the named fields, record the event."""
    to = require_step(opinion, step, role)
    before = opinion.state
    opinion.state = to
    if step == Step.SOLVE:
        # The solved figure reads the column (stats._solved), kept with the state in one transaction.
        opinion.solved_at = timezone.now()
        fields = (*fields, "solved_at")
    opinion.save(update_fields=["state", "updated_at", *fields])
    record_event(
        actor=actor,
        kind=events.STEP.format(step=step),
        target=opinion,
        from_state=before,
        to_state=to,
        note=note,
        payload=payload or {},
    )
    return opinion
