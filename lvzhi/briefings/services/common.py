"""Shared pieces of the briefing services: refusals, text checks, locking, the office's right."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lvzhi.core.errors import ServiceError

from ..models import Briefing
from ..permissions import can_manage
from ..workflow import State, allowed


def refuse(code: str = "not_permitted", message: str | None = None) -> ServiceError:
    return ServiceError(code, message or _("You may not do this."), status=403)


def clean_text(value, *, field: str, max_length: int, required: bool = False, label: str = "") -> str:
    value = str(value or "").replace("\x00", "").strip()
    if required and not value:
        message = _("Enter the %(label)s.") % {"label": label} if label else _("This field is required.")
        raise ServiceError("required", message, field=field)
    if len(value) > max_length:
        raise ServiceError("too_long", _("At most %(n)s characters.") % {"n": max_length}, field=field)
    return value


def lock(briefing: Briefing) -> Briefing:
    return Briefing.objects.select_for_update().select_related("congress").get(pk=briefing.pk)


def require_office(actor, briefing: Briefing) -> None:
    if not can_manage(actor, briefing):
        raise refuse(message=_("Only the deputy-affairs staff of this congress manage its briefings."))


def require_step(briefing: Briefing, step: str) -> None:
    if allowed(briefing.state, step):
        return
    messages = {
        State.DRAFT: _("This briefing is still a draft."),
        State.PUBLISHED: _("This briefing has been published; it can no longer be changed."),
        State.WITHDRAWN: _("This briefing has been withdrawn."),
    }
    raise ServiceError("wrong_state", messages.get(briefing.state, _("Not possible now.")), status=409)
