"""Shared pieces of the step services: locking, the workflow check, the step event, deadlines."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.org.congress_settings import settings_for

from .. import events, figure_columns
from ..models import Suggestion
from ..workflow import State, Step, target_state


def lock(suggestion: Suggestion) -> Suggestion:
    """The suggestion re-read under a row lock: the state checked is the state changed."""
    return Suggestion.objects.select_for_update().select_related("congress").get(pk=suggestion.pk)


def require_step(suggestion: Suggestion, step: str, role: str) -> str:
    to = target_state(suggestion.state, step, role)
    if to is None:
        raise ServiceError(
            "step_not_allowed",
            _("“%(step)s” is not possible while the suggestion is “%(state)s”.")
            % {"step": Step(step).label, "state": State(suggestion.state).label},
            status=409,
        )
    return to


def refuse(code: str = "not_permitted", message: str | None = None) -> ServiceError:
    return ServiceError(code, message or _("You may not do this with this suggestion."), status=403)


def move(
    suggestion: Suggestion,
    *,
    actor,
    step: str,
    role: str,
    note: str = "",
    payload: dict | None = None,
    fields: tuple[str, ...] = (),
) -> Suggestion:
    """Apply one step: check the table, set the state, save the named fields, derive the figures' columns,
    record the event."""
    to = require_step(suggestion, step, role)
    before = suggestion.state
    suggestion.state = to
    suggestion.save(update_fields=["state", "updated_at", *fields])
    figure_columns.keep(suggestion)  # a step may have changed its lead unit or replies
    record_event(
        actor=actor,
        kind=events.STEP.format(step=step),
        target=suggestion,
        from_state=before,
        to_state=to,
        note=note,
        payload=payload or {},
    )
    return suggestion


def rules(suggestion: Suggestion) -> dict:
    """The congress's rules in force for this suggestion (deadline lengths, result classes …)."""
    return settings_for(suggestion.congress)


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
