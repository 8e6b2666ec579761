"""Writes of undertaking units (承办单位). Units are deactivated, never deleted: their past work stays."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError

from ..models import Congress, Unit
from .guards import apply_changes, require_manage, require_text


def _check_unit(*, congress_id: int, kind: str, name: str, short_name: str, exclude=None) -> tuple[str, str]:
    name = require_text(name, "name", _("Full name"))
    short_name = require_text(short_name, "short_name", _("Short name"))
    if kind not in Unit.Kind.values:
        raise ServiceError("bad_kind", _("Choose a kind from the list."), field="kind")
    if Unit.objects.filter(congress_id=congress_id, name=name).exclude(pk=exclude).exists():
        raise ServiceError(
            "duplicate_name", _("This congress already has a unit with that full name."), field="name"
        )
    return name, short_name


@transaction.atomic
def unit_create(*, actor, congress: Congress, kind: str, name: str, short_name: str) -> Unit:
    require_manage(actor, congress.pk)
    name, short_name = _check_unit(congress_id=congress.pk, kind=kind, name=name, short_name=short_name)
    unit = Unit.objects.create(congress=congress, kind=kind, name=name, short_name=short_name)
    record_event(actor=actor, kind="unit.created", target=unit, payload={"kind": kind})
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, kind: str, name: str, short_name: str) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require_manage(actor, unit.congress_id)
    name, short_name = _check_unit(
        congress_id=unit.congress_id, kind=kind, name=name, short_name=short_name, exclude=unit.pk
    )
    changes = apply_changes(unit, {"kind": kind, "name": name, "short_name": short_name})
    if changes:
        unit.save(update_fields=list(changes))
        record_event(actor=actor, kind="unit.updated", target=unit, payload={"changes": changes})
    return unit


@transaction.atomic
def unit_set_active(*, actor, unit: Unit, active: bool) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require_manage(actor, unit.congress_id)
    if unit.is_active == active:
        raise ServiceError(
            "already_active" if active else "already_inactive",
            _("The unit is already active.") if active else _("The unit is already deactivated."),
        )
    unit.is_active = active
    unit.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        kind="unit.reactivated" if active else "unit.deactivated",
        target=unit,
        from_state="inactive" if active else "active",
        to_state="active" if active else "inactive",
    )
    return unit
