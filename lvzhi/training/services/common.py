"""Checks shared by the training services."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lvzhi.core.errors import ServiceError

from ..permissions import can_manage_class


def require_manage(actor, training_class) -> None:
    if not can_manage_class(actor, training_class):
        raise ServiceError(
            "not_allowed",
            _("Only the deputy-affairs staff of the class's congress may do this."),
            status=403,
        )


def clean_text(value, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    value = str(value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError("required", _("%(label)s is required.") % {"label": label}, field=field)
    if len(value) > max_length:
        raise ServiceError(
            "too_long",
            _("%(label)s may have at most %(n)s characters.") % {"label": label, "n": max_length},
            field=field,
        )
    return value
