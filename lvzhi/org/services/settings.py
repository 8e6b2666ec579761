"""Writes of a congress's own settings (org.congress_settings): set or clear an override."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError

from ..congress_settings import DEFINITIONS, validate_value
from ..models import Congress, CongressSetting
from .guards import require_manage


@transaction.atomic
def congress_setting_set(*, actor, congress: Congress, key: str, value: Any) -> CongressSetting:
    require_manage(actor, congress.pk)
    try:
        value = validate_value(key, value)
    except ValueError as exc:
        raise ServiceError("bad_value" if key in DEFINITIONS else "unknown_setting", str(exc)) from None
    row = CongressSetting.objects.select_for_update().filter(congress=congress, key=key).first()
    old = row.value if row is not None else None
    if row is None:
        row = CongressSetting.objects.create(congress=congress, key=key, value=value)
    elif row.value != value:
        row.value = value
        row.save(update_fields=["value", "updated_at"])
    else:
        return row  # nothing changed, nothing to record
    record_event(
        actor=actor,
        kind="congress.setting_set",
        target=congress,
        payload={"key": key, "old": old, "new": value},
    )
    return row


@transaction.atomic
def congress_setting_clear(*, actor, congress: Congress, key: str) -> None:
    """Drop the override, so the inherited value (or the default) is in force again."""
    require_manage(actor, congress.pk)
    if key not in DEFINITIONS:
        raise ServiceError("unknown_setting", _("Unknown setting."))
    row = CongressSetting.objects.select_for_update().filter(congress=congress, key=key).first()
    if row is None:
        raise ServiceError("not_overridden", _("This congress does not set this rule itself."))
    old = row.value
    row.delete()
    record_event(
        actor=actor,
        kind="congress.setting_cleared",
        target=congress,
        payload={"key": key, "old": old, "new": None},
    )
