"""The rules for what a citizen types, shared by the phone page's form and the services (which re-check).

Each check returns the cleaned value or raises a ServiceError naming the field, with a message in plain words.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext as _

from lvzhi.core.errors import ServiceError
from lvzhi.org.privacy import MOBILE_RE, normalise_mobile

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    value = _CONTROL.sub("", str(value or "")).strip()
    if required and not value:
        raise ServiceError("required", _("This field is required."), field=field)
    if len(value) > max_length:
        raise ServiceError(
            "too_long",
            _("At most %(max)s characters (you typed %(n)s).") % {"max": max_length, "n": len(value)},
            field=field,
        )
    return value


def clean_content(value: str | None) -> str:
    low, high = settings.LVZHI_OPINION_CONTENT_MIN, settings.LVZHI_OPINION_CONTENT_MAX
    value = _CONTROL.sub("", str(value or "")).strip()
    if not value:
        raise ServiceError("required", _("Please write what you want to tell the deputy."), field="content")
    if len(value) < low:
        raise ServiceError(
            "too_short",
            _("Please write at least %(min)s characters, so the deputy understands the matter.")
            % {"min": low},
            field="content",
        )
    if len(value) > high:
        raise ServiceError(
            "too_long",
            _("At most %(max)s characters (you typed %(n)s).") % {"max": high, "n": len(value)},
            field="content",
        )
    return value


def clean_phone(value: str | None, *, required: bool) -> str:
    phone = normalise_mobile(str(value or "").replace("＋", "+")) or ""
    if not phone:
        if required:
            raise ServiceError(
                "phone_required",
                _("To be called back or to meet the deputy, leave your mobile number."),
                field="phone",
            )
        return ""
    if not MOBILE_RE.match(phone):
        raise ServiceError(
            "phone_invalid",
            _("Enter a mainland China mobile number: 11 digits starting with 1, e.g. 13812345678."),
            field="phone",
        )
    return phone


def phone_required(*, kind: str, wants_callback: bool) -> bool:
    from .models import Opinion

    return bool(wants_callback) or kind == Opinion.Kind.MEETING


def clean_citizen_fields(
    *,
    kind: str,
    category: str,
    content: str,
    place: str,
    citizen_name: str,
    preferred_times: str,
    phone: str,
    wants_callback: bool,
    consent: bool,
    kind_message: str,
    consent_message: str,
) -> dict:
    """What a citizen gives, however it reaches us (the phone page or staff typing it in), checked in the order
    the form shows it; the two messages differ by who is filling in the form."""
    from .models import Opinion

    if kind not in Opinion.Kind.values:
        raise ServiceError("invalid", kind_message, field="kind")
    if category not in Opinion.Category.values:
        raise ServiceError("invalid", _("Choose what the matter is about."), field="category")
    cleaned = {
        "content": clean_content(content),
        "place": clean_text(place, field="place", max_length=100),
        "citizen_name": clean_text(citizen_name, field="citizen_name", max_length=40),
        "preferred_times": clean_text(preferred_times, field="preferred_times", max_length=200),
        "phone": clean_phone(phone, required=phone_required(kind=kind, wants_callback=wants_callback)),
    }
    if not consent:
        raise ServiceError("consent_required", consent_message, field="consent")
    return cleaned
