"""What the liaison services share: the refusal, and cleaning typed text."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from lvzhi.core.errors import ServiceError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refuse(message: str | None = None) -> ServiceError:
    return ServiceError("not_permitted", message or _("You may not do this."), status=403)


def clean_text(
    value, *, field: str, label: str, max_length: int, min_length: int = 0, required: bool = False
) -> str:
    value = _CONTROL.sub("", str(value or "")).strip()
    if required and not value:
        raise ServiceError("required", _("%(label)s is required.") % {"label": label}, field=field)
    if value and len(value) < min_length:
        raise ServiceError(
            "too_short",
            _("%(label)s: write at least %(min)s characters.") % {"label": label, "min": min_length},
            field=field,
        )
    if len(value) > max_length:
        raise ServiceError(
            "too_long",
            _("At most %(max)s characters (you typed %(n)s).") % {"max": max_length, "n": len(value)},
            field=field,
        )
    return value
