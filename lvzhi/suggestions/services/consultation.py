"""The recess consultation list (会商清单).

The deputy-affairs office of a congress opens a list for a year, puts the strongest issues on it (an accepted
suggestion of its own congress, at most once per list, or an opinion gathered in contact activities, as free
text with its source), each with the units concerned; records the consultation meetings held with the heads
of those units and the items each discussed; records the outcome of each item discussed; and closes the list
once every item has an outcome. A closed list changes no more.

Every write is one transaction under a row lock on the list, allowed to the office of the list's own
congress only (the chair, and offices above, read), and recorded as an event on the list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Congress, Unit
from lvzhi.org.permissions import can_manage_congress

from .. import events
from ..models import ConsultationItem, ConsultationList, ConsultationMeeting, Suggestion
from ..workflow import OPEN_STATES, State
from .common import today

# A suggestion may go on a list once accepted: while it is handled and after it is closed.
ELIGIBLE_STATES = frozenset(OPEN_STATES | {State.CLOSED})
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def can_run_list(user, congress_id: int | None) -> bool:
    """The deputy-affairs office of the list's own congress (a site administrator too)."""
    return can_manage_congress(user, congress_id)


def _refuse_office() -> ServiceError:
    return ServiceError(
        "not_permitted",
        _("Only the deputy-affairs office of this congress may change its consultation lists."),
        status=403,
    )


def _text(value, field: str, max_length: int | None = None, *, required: bool = True) -> str:
    value = str(value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError("required", _("This field is required."), field=field)
    if max_length and len(value) > max_length:
        raise ServiceError("too_long", _("At most %(n)s characters.") % {"n": max_length}, field=field)
    return value


def _lock(consultation_list: ConsultationList) -> ConsultationList:
    return (
        ConsultationList.objects.select_for_update().select_related("congress").get(pk=consultation_list.pk)
    )


def _lock_open(actor, consultation_list: ConsultationList) -> ConsultationList:
    """The list under a row lock, if the actor runs its office and it is still open."""
    lst = _lock(consultation_list)
    if not can_run_list(actor, lst.congress_id):
        raise _refuse_office()
    if not lst.is_open:
        raise ServiceError("list_closed", _("This consultation list is closed."), status=409)
    return lst


def _units(lst: ConsultationList, units: Iterable[Unit] | None, *, required: bool) -> list[Unit]:
    """The units concerned: active units of the list's own congress, at least one when required."""
    chosen = list({u.pk: u for u in (units or [])}.values())
    ids = [u.pk for u in chosen]
    found = set(
        Unit.objects.filter(pk__in=ids, congress_id=lst.congress_id, is_active=True).values_list(
            "pk", flat=True
        )
    )
    if len(found) != len(ids):
        raise ServiceError(
            "bad_unit", _("Choose active units of this congress only."), field="units", status=400
        )
    if required and not chosen:
        raise ServiceError("no_units", _("Choose at least one unit concerned."), field="units")
    return chosen


def _next_position(lst: ConsultationList) -> int:
    return (lst.items.aggregate(n=Max("position"))["n"] or 0) + 1


# --- the list ----------------------------------------------------------------------------------
@transaction.atomic
def consultation_list_create(*, actor, congress: Congress, year, title: str) -> ConsultationList:
    if not can_run_list(actor, congress.pk):
        raise _refuse_office()
    if isinstance(year, bool) or not isinstance(year, int) or not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ServiceError(
            "bad_year",
            _("Enter a year from %(first)s to %(last)s.") % {"first": EARLIEST_YEAR, "last": LATEST_YEAR},
            field="year",
        )
    title = _text(title, "title", 120)
    if ConsultationList.objects.filter(congress=congress, year=year, title=title).exists():
        raise ServiceError(
            "duplicate_title", _("This congress already has a list of that title this year."), field="title"
        )
    try:
        with transaction.atomic():
            lst = ConsultationList.objects.create(congress=congress, year=year, title=title, created_by=actor)
    except IntegrityError:  # the same title created at the same moment
        raise ServiceError(
            "duplicate_title", _("This congress already has a list of that title this year."), field="title"
        ) from None
    record_event(
        actor=actor,
        kind=events.CONSULTATION_LIST_CREATED,
        target=lst,
        to_state=lst.status,
        payload={"year": year},
    )
    return lst


@transaction.atomic
def consultation_list_close(*, actor, consultation_list: ConsultationList) -> ConsultationList:
    lst = _lock_open(actor, consultation_list)
    if not lst.items.exists():
        raise ServiceError(
            "empty_list", _("Put at least one item on the list before closing it."), status=409
        )
    missing = lst.items.filter(outcome="").count()
    if missing:
        raise ServiceError(
            "outcomes_missing",
            _("Record the outcome of every item before closing the list (%(n)s without one).")
            % {"n": missing},
            status=409,
        )
    before = lst.status
    lst.status = ConsultationList.Status.CLOSED
    lst.closed_at = timezone.now()
    lst.closed_by = actor
    lst.save(update_fields=["status", "closed_at", "closed_by"])
    record_event(
        actor=actor,
        kind=events.CONSULTATION_LIST_CLOSED,
        target=lst,
        from_state=before,
        to_state=lst.status,
        payload={"item_count": lst.items.count()},
    )
    return lst


# --- items -------------------------------------------------------------------------------------
def _create_item(lst: ConsultationList, *, actor, units: list[Unit], **fields) -> ConsultationItem:
    item = ConsultationItem.objects.create(
        consultation_list=lst, position=_next_position(lst), created_by=actor, **fields
    )
    item.units.set(units)
    return item


@transaction.atomic
def consultation_item_add_suggestion(
    *,
    actor,
    consultation_list: ConsultationList,
    suggestion: Suggestion,
    summary: str = "",
    units: Iterable[Unit] | None = None,
) -> ConsultationItem:
    """Put a suggestion of the list's congress on the list (once). The summary defaults to its title, the
    units to those handling it."""
    lst = _lock_open(actor, consultation_list)
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.congress_id != lst.congress_id:
        raise ServiceError(
            "out_of_scope",
            _("Only suggestions of this list's own congress can go on it."),
            field="suggestion",
            status=400,
        )
    if suggestion.state not in ELIGIBLE_STATES:
        raise ServiceError(
            "not_accepted",
            _("Only an accepted suggestion (being handled or closed) can go on the list."),
            field="suggestion",
            status=409,
        )
    if lst.items.filter(suggestion=suggestion).exists():
        raise ServiceError(
            "duplicate_suggestion",
            _("This suggestion is already on the list."),
            field="suggestion",
            status=409,
        )
    summary = _text(summary, "summary", 2000, required=False) or suggestion.title
    if units is None:
        units = [a.unit for a in suggestion.assignments.filter(is_active=True).select_related("unit")]
    chosen = _units(lst, units, required=True)
    item = _create_item(lst, actor=actor, units=chosen, suggestion=suggestion, summary=summary)
    payload = {"item": item.pk, "position": item.position, "suggestion": suggestion.pk}
    payload["units"] = [u.pk for u in chosen]
    record_event(actor=actor, kind=events.CONSULTATION_ITEM_ADDED, target=lst, payload=payload)
    record_event(
        actor=actor,
        kind=events.SUGGESTION_ON_CONSULTATION_LIST,
        target=suggestion,
        payload={"list": lst.pk, "item": item.pk},
    )
    return item


@transaction.atomic
def consultation_item_add_text(
    *,
    actor,
    consultation_list: ConsultationList,
    summary: str,
    source: str = "",
    units: Iterable[Unit] | None = None,
) -> ConsultationItem:
    """Put an opinion gathered in contact activities on the list, as text with where it came from."""
    lst = _lock_open(actor, consultation_list)
    summary = _text(summary, "summary", 2000)
    source = _text(source, "source", 200, required=False)
    chosen = _units(lst, units, required=True)
    item = _create_item(lst, actor=actor, units=chosen, summary=summary, source=source)
    record_event(
        actor=actor,
        kind=events.CONSULTATION_ITEM_ADDED,
        target=lst,
        payload={"item": item.pk, "position": item.position, "units": [u.pk for u in chosen]},
    )
    return item


@transaction.atomic
def consultation_item_remove(*, actor, item: ConsultationItem) -> None:
    """Take an item off an open list, as long as no meeting has discussed it (that would rewrite history)."""
    lst = _lock_open(actor, item.consultation_list)
    item = ConsultationItem.objects.select_for_update().get(pk=item.pk, consultation_list=lst)
    if item.meetings.exists():
        raise ServiceError(
            "already_discussed", _("A meeting has discussed this item: it stays on the list."), status=409
        )
    payload = {"item": item.pk, "position": item.position, "suggestion": item.suggestion_id}
    item.units.clear()
    item.delete()
    record_event(actor=actor, kind=events.CONSULTATION_ITEM_REMOVED, target=lst, payload=payload)


# --- meetings and outcomes ---------------------------------------------------------------------
@transaction.atomic
def consultation_meeting_record(
    *,
    actor,
    consultation_list: ConsultationList,
    held_on,
    attendees: str,
    items: Iterable[ConsultationItem],
    units: Iterable[Unit] | None = None,
    notes: str = "",
) -> ConsultationMeeting:
    """A meeting held with the heads of the units concerned; the units default to those of its items."""
    lst = _lock_open(actor, consultation_list)
    if not isinstance(held_on, dt.date) or isinstance(held_on, dt.datetime):
        raise ServiceError("bad_date", _("Enter a valid date."), field="held_on")
    if held_on > today():
        raise ServiceError("future_date", _("The meeting cannot be in the future."), field="held_on")
    if held_on.year < lst.year - 1:
        raise ServiceError("bad_date", _("The meeting is far earlier than the list's year."), field="held_on")
    attendees = _text(attendees, "attendees", 2000)
    notes = _text(notes, "notes", 5000, required=False)
    wanted = {i.pk for i in items or []}
    if not wanted:
        raise ServiceError("no_items", _("Choose the items the meeting discussed."), field="items")
    discussed = list(lst.items.filter(pk__in=wanted))
    if len(discussed) != len(wanted):
        raise ServiceError("bad_item", _("Choose items of this list only."), field="items")
    if units is None:
        units = Unit.objects.filter(pk__in=lst.items.filter(pk__in=wanted).values("units"))
    chosen = _units(lst, units, required=False)
    meeting = ConsultationMeeting.objects.create(
        consultation_list=lst, held_on=held_on, attendees=attendees, notes=notes, recorded_by=actor
    )
    meeting.items.set(discussed)
    meeting.units.set(chosen)
    record_event(
        actor=actor,
        kind=events.CONSULTATION_MEETING_RECORDED,
        target=lst,
        payload={
            "meeting": meeting.pk,
            "held_on": held_on.isoformat(),
            "item_ids": sorted(wanted),
            "units": sorted(u.pk for u in chosen),
        },
    )
    return meeting


@transaction.atomic
def consultation_outcome_record(*, actor, item: ConsultationItem, outcome: str) -> ConsultationItem:
    """The outcome of an item a meeting discussed (recorded again, it replaces the earlier words)."""
    lst = _lock_open(actor, item.consultation_list)
    item = ConsultationItem.objects.select_for_update().get(pk=item.pk, consultation_list=lst)
    if not item.meetings.exists():
        raise ServiceError(
            "not_discussed",
            _("Record a meeting that discussed this item before its outcome."),
            status=409,
        )
    outcome = _text(outcome, "outcome", 5000)
    changed = bool(item.outcome) and item.outcome != outcome
    item.outcome = outcome
    item.outcome_recorded_at = timezone.now()
    item.outcome_recorded_by = actor
    item.save(update_fields=["outcome", "outcome_recorded_at", "outcome_recorded_by"])
    record_event(
        actor=actor,
        kind=events.CONSULTATION_OUTCOME_RECORDED,
        target=lst,
        payload={"item": item.pk, "position": item.position, "replaced": changed},
    )
    return item
