"""Shared pieces of the meetings services: refusals, the runner's check, text and state checks."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lvzhi.core.errors import ServiceError
from lvzhi.opinions.checks import clean_text  # noqa: F401 - the house check for typed text, re-exported

from ..models import Meeting
from ..permissions import can_run
from ..workflow import MeetingState, target_state


def today() -> dt.date:
    return timezone.localdate()


def require_runner(actor, meeting: Meeting) -> None:
    if not can_run(actor, meeting):
        raise ServiceError(
            "not_permitted",
            _("Only the office running this activity may do this."),
            status=403,
        )


def require_planned(meeting: Meeting) -> None:
    if meeting.state == MeetingState.CANCELLED:
        raise ServiceError("meeting_cancelled", _("This activity was cancelled."), status=409)
    if meeting.state != MeetingState.PLANNED:
        raise ServiceError("meeting_concluded", _("This activity is already concluded."), status=409)


def step_to(from_state: str, step: str, role: str, message: str | None = None) -> str:
    to = target_state(from_state, step, role)
    if to is None:
        raise ServiceError(
            "wrong_state", message or _("This step is not possible in the invitation's state."), status=409
        )
    return to


def check_date(value, field: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ServiceError("bad_date", _("Enter a valid date."), field=field)
    return value


def in_site_language():
    """Messages to deputies are written in the platform's language, whatever the sender's page language."""
    return translation.override(settings.LANGUAGE_CODE)
