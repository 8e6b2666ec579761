"""Checks every org write makes before it changes anything (shared by the services in this package)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from lvzhi.core.errors import ServiceError

from ..fields import SubjectField
from ..permissions import can_manage_congress


def require_manage(actor, congress_id: int | None) -> None:
    """Staff act on their own congress's records only; a site administrator anywhere.

    The one check of every org and station write (the pages call it too, through org.refusals)."""
    if not can_manage_congress(actor, congress_id):
        raise ServiceError(
            "not_allowed",
            _("Only the deputy-affairs staff of this congress may change its records."),
            status=403,
        )


def require_text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError("required", _("%(label)s is required.") % {"label": label}, field=field)
    return value


def clean_fields(values) -> list[str]:
    """Subject fields, checked against the fixed list and kept in its order."""
    chosen = set(values or [])
    known = [c for c in SubjectField.values if c in chosen]
    if len(known) != len(chosen):
        raise ServiceError("bad_field", _("Choose fields from the list."), field="fields")
    return known


def require_ordered(start: dt.date, end: dt.date, *, code: str, field: str = "end_date") -> None:
    if end < start:
        raise ServiceError(code, _("The end date is before the start date."), field=field)


def apply_changes(instance: models.Model, data: dict[str, Any]) -> dict[str, list]:
    """Apply `data`; return {field: [old, new]} for what changed, for records holding no personal data.

    core.audit.changed_fields masks fields such as `name`, `address` and `phone` because on a person they are
    personal data; on a unit, station or committee they are public facts, so a rename keeps both values.
    """
    changes: dict[str, list] = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_plain(old), _plain(new)]
            setattr(instance, field, new)
    return changes


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
