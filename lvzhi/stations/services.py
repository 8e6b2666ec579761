"""Writes of stations (家站室): the station itself, and the deputies of any level entered into it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Congress, Mandate
from lvzhi.org.services.guards import apply_changes, require_manage, require_text

from . import events
from .models import Station, StationDeputy
from .selectors import station_deputy_candidates


def _clean(*, congress_id: int, kind: str, name: str, address: str, exclude=None) -> tuple[str, str]:
    name = require_text(name, "name", _("Name"))
    address = require_text(address, "address", _("Address"))
    if kind not in Station.Kind.values:
        raise ServiceError("bad_kind", _("Choose a kind from the list."), field="kind")
    if Station.objects.filter(congress_id=congress_id, name=name).exclude(pk=exclude).exists():
        raise ServiceError(
            "duplicate_name", _("This congress already has a station of that name."), field="name"
        )
    return name, address


@transaction.atomic
def station_create(
    *,
    actor,
    congress: Congress,
    kind: str,
    name: str,
    address: str,
    opening_hours: str = "",
    phone: str = "",
) -> Station:
    require_manage(actor, congress.pk)
    name, address = _clean(congress_id=congress.pk, kind=kind, name=name, address=address)
    station = Station.objects.create(
        congress=congress,
        kind=kind,
        name=name,
        address=address,
        opening_hours=opening_hours.strip(),
        phone=phone.strip(),
    )
    record_event(actor=actor, kind=events.STATION_CREATED, target=station, payload={"kind": kind})
    return station


@transaction.atomic
def station_update(
    *,
    actor,
    station: Station,
    kind: str,
    name: str,
    address: str,
    opening_hours: str = "",
    phone: str = "",
) -> Station:
    station = Station.objects.select_for_update().get(pk=station.pk)
    require_manage(actor, station.congress_id)
    name, address = _clean(
        congress_id=station.congress_id, kind=kind, name=name, address=address, exclude=station.pk
    )
    # A station's address and phone are public facts of the station, not a person's data.
    changes = apply_changes(
        station,
        {
            "kind": kind,
            "name": name,
            "address": address,
            "opening_hours": opening_hours.strip(),
            "phone": phone.strip(),
        },
    )
    if changes:
        station.save(update_fields=list(changes))
        record_event(actor=actor, kind=events.STATION_UPDATED, target=station, payload={"changes": changes})
    return station


@transaction.atomic
def station_set_active(*, actor, station: Station, active: bool) -> Station:
    """Close or reopen a station. A station with deputies is not closed: they would silently lose their
    station while still counting as placed, so staff move them first."""
    station = Station.objects.select_for_update().get(pk=station.pk)
    require_manage(actor, station.congress_id)
    if station.is_active == active:
        raise ServiceError(
            "already_active" if active else "already_inactive",
            _("The station is already open.") if active else _("The station is already closed."),
        )
    if not active and station.assignments.exists():
        raise ServiceError(
            "station_has_deputies",
            _("Move this station's deputies to another station before closing it."),
        )
    station.is_active = active
    station.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        kind=events.STATION_REACTIVATED if active else events.STATION_DEACTIVATED,
        target=station,
        from_state="inactive" if active else "active",
        to_state="active" if active else "inactive",
    )
    return station


@transaction.atomic
def station_assign_deputy(*, actor, station: Station, mandate: Mandate) -> StationDeputy:
    """Enter a serving deputy of any level into a station of the actor's congress (进家入站)."""
    station = Station.objects.select_for_update().get(pk=station.pk)
    require_manage(actor, station.congress_id)
    # SECURITY: a deputy the actor may not enter here is "not found", never assigned.
    if not station_deputy_candidates(user=actor, station=station).filter(pk=mandate.pk).exists():
        raise ServiceError("not_found", _("That deputy was not found."), field="mandate")
    if not station.is_active:
        raise ServiceError("station_inactive", _("This station is closed."))
    if not mandate.is_current():
        raise ServiceError("mandate_ended", _("This deputy's mandate has ended."), field="mandate")
    if station.assignments.filter(mandate=mandate).exists():
        raise ServiceError("already_assigned", _("This deputy is already in this station."), field="mandate")
    assignment = StationDeputy.objects.create(station=station, mandate=mandate)
    record_event(
        actor=actor,
        kind=events.DEPUTY_ASSIGNED,
        target=station,
        payload={"mandate": mandate.pk, "person": mandate.person_id, "mandate_congress": mandate.congress_id},
    )
    return assignment


@transaction.atomic
def station_unassign_deputy(*, actor, station: Station, mandate: Mandate) -> None:
    station = Station.objects.select_for_update().get(pk=station.pk)
    require_manage(actor, station.congress_id)
    deleted, _rows = station.assignments.filter(mandate=mandate).delete()
    if not deleted:
        raise ServiceError("not_assigned", _("This deputy is not in this station."))
    record_event(
        actor=actor,
        kind=events.DEPUTY_UNASSIGNED,
        target=station,
        payload={"mandate": mandate.pk, "person": mandate.person_id},
    )
