"""Writes of deputies: a person with a mandate, edits, the end of a mandate, leave periods.

A person and a mandate are different things: one person may hold mandates at several levels at once, so
registering a deputy whose name and mobile match a person already in the actor's scope adds the mandate to
that person instead of creating a twin.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError

from ..models import ElectoralUnit, Mandate, MandateLeave, Person, Term
from ..permissions import can_manage_congress
from ..privacy import MOBILE_RE, normalise_mobile
from ..selectors import person_list_visible_to, person_matches_visible_to
from .guards import apply_changes, clean_fields, require_manage, require_ordered, require_text

# Person fields whose values are personal data: their changes are recorded by name only.
PERSON_FIELDS = ("name", "gender", "birth_date", "ethnicity", "party", "occupation", "mobile")


def _clean_person(data: dict) -> dict:
    data = dict(data)
    data["name"] = require_text(data.get("name", ""), "name", _("Name"))
    data["mobile"] = normalise_mobile(data.get("mobile")) or ""
    if data["mobile"] and not MOBILE_RE.match(data["mobile"]):
        raise ServiceError("bad_mobile", _("Enter an 11-digit mobile number."), field="mobile")
    if data.get("gender", "") not in ("", *Person.Gender.values):
        raise ServiceError("bad_gender", _("Choose a gender from the list."), field="gender")
    for key in ("ethnicity", "party", "occupation"):
        data[key] = (data.get(key) or "").strip()
    data["gender"] = data.get("gender") or ""
    data["birth_date"] = data.get("birth_date")
    return {k: data[k] for k in PERSON_FIELDS}


def _check_mandate(
    *, term: Term, electoral_unit: ElectoralUnit | None, start_date: dt.date, end_date: dt.date | None = None
) -> None:
    if electoral_unit is not None and electoral_unit.congress_id != term.congress_id:
        raise ServiceError(
            "bad_electoral_unit",
            _("Choose an electoral unit of the deputy's congress."),
            field="electoral_unit",
        )
    if not term.start_date <= start_date <= term.end_date:
        raise ServiceError(
            "start_outside_term",
            _("The mandate must start within its term (%(start)s to %(end)s).")
            % {"start": term.start_date.isoformat(), "end": term.end_date.isoformat()},
            field="start_date",
        )
    if end_date is not None and end_date < start_date:
        raise ServiceError(
            "dates_out_of_order", _("The mandate cannot start after it ended."), field="start_date"
        )


@transaction.atomic
def deputy_create(
    *,
    actor,
    term: Term,
    person_data: dict,
    start_date: dt.date,
    electoral_unit: ElectoralUnit | None = None,
    is_grassroots: bool = False,
    fields: list[str] | tuple = (),
    existing_person: Person | None = None,
) -> Mandate:
    """Register a deputy of `term`'s congress.

    `person_data` holds name, gender, birth_date, ethnicity, party, occupation and mobile. With
    `existing_person`, the mandate is added to that person (person_data is then ignored); without it, a
    person in scope with the same name and mobile makes the step refuse with `person_exists`, so the page can
    offer to add the mandate to them.
    """
    require_manage(actor, term.congress_id)
    _check_mandate(term=term, electoral_unit=electoral_unit, start_date=start_date)
    fields = clean_fields(fields)
    if existing_person is None:
        data = _clean_person(person_data)
        if data["mobile"] and person_matches_visible_to(user=actor, name=data["name"], mobile=data["mobile"]):
            raise ServiceError(
                "person_exists",
                _("A person with this name and mobile is already registered."),
            )
        person = Person.objects.create(congress_id=term.congress_id, **data)
        record_event(actor=actor, kind="person.created", target=person, payload={})
    else:
        # SECURITY: only a person the actor can see may receive the mandate.
        if not person_list_visible_to(user=actor).filter(pk=existing_person.pk).exists():
            raise ServiceError("not_found", _("That person was not found."))
        person = existing_person
    if Mandate.objects.filter(person=person, term=term).exists():
        raise ServiceError(
            "already_deputy", _("This person already holds a mandate in this term."), field="term"
        )
    mandate = Mandate.objects.create(
        person=person,
        congress_id=term.congress_id,
        term=term,
        electoral_unit=electoral_unit,
        start_date=start_date,
        is_grassroots=is_grassroots,
        fields=fields,
    )
    record_event(
        actor=actor,
        kind="mandate.created",
        target=mandate,
        payload={
            "person": person.pk,
            "term": term.pk,
            "electoral_unit": electoral_unit and electoral_unit.pk,
            "start": start_date.isoformat(),
            "existing_person": existing_person is not None,
        },
    )
    return mandate


@transaction.atomic
def deputy_update(
    *,
    actor,
    mandate: Mandate,
    person_data: dict,
    start_date: dt.date,
    electoral_unit: ElectoralUnit | None = None,
    is_grassroots: bool = False,
    fields: list[str] | tuple = (),
) -> Mandate:
    """Edit a deputy: this mandate's details, and the person's.

    A person's details belong to the congress that registered them and every mandate of that person shows
    them, so staff of another congress (township staff editing a deputy the city registered) only fill in
    details left blank; the others are kept and named in the event as `person_fields_kept`."""
    mandate = Mandate.objects.select_for_update().select_related("term", "person").get(pk=mandate.pk)
    require_manage(actor, mandate.congress_id)
    _check_mandate(
        term=mandate.term, electoral_unit=electoral_unit, start_date=start_date, end_date=mandate.end_date
    )
    if mandate.leaves.filter(start_date__lt=start_date).exists():
        raise ServiceError(
            "leave_before_start",
            _("A recorded leave begins before this start date."),
            field="start_date",
        )
    data = _clean_person(person_data)
    person = Person.objects.select_for_update().get(pk=mandate.person_id)
    kept: list[str] = []
    if not can_manage_congress(actor, person.congress_id):
        kept = sorted(
            k for k, v in data.items() if not _is_blank(getattr(person, k)) and getattr(person, k) != v
        )
        data = {k: v for k, v in data.items() if _is_blank(getattr(person, k))}
    person_changes = apply_changes(person, data)
    if person_changes:
        person.save(update_fields=list(person_changes))
    changes = apply_changes(
        mandate,
        {
            "electoral_unit": electoral_unit,
            "start_date": start_date,
            "is_grassroots": is_grassroots,
            "fields": clean_fields(fields),
        },
    )
    if changes:
        mandate.save(update_fields=list(changes))
    if changes or person_changes:
        payload = {"person": person.pk, "person_fields": sorted(person_changes), "changes": changes}
        if kept:
            payload["person_fields_kept"] = kept
        record_event(
            actor=actor,
            kind="mandate.updated",
            target=mandate,
            # Personal details are named, never copied: the log outlives a purge of personal data.
            payload=payload,
        )
    return mandate


def _is_blank(value) -> bool:
    return value is None or value == ""


@transaction.atomic
def mandate_end(*, actor, mandate: Mandate, end_date: dt.date, reason: str, note: str = "") -> Mandate:
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    require_manage(actor, mandate.congress_id)
    if mandate.end_date is not None:
        raise ServiceError("already_ended", _("This mandate has already ended."))
    if reason not in Mandate.EndReason.values:
        raise ServiceError("bad_reason", _("Choose a reason from the list."), field="reason")
    if end_date < mandate.start_date:
        raise ServiceError("end_before_start", _("A mandate cannot end before it started."), field="end_date")
    if mandate.leaves.filter(start_date__gt=end_date).exists():
        raise ServiceError(
            "leave_after_end", _("A recorded leave begins after this end date."), field="end_date"
        )
    mandate.end_date, mandate.end_reason = end_date, reason
    mandate.save(update_fields=["end_date", "end_reason"])
    record_event(
        actor=actor,
        kind="mandate.ended",
        target=mandate,
        from_state="current",
        to_state="ended",
        note=note.strip(),
        payload={"person": mandate.person_id, "end": end_date.isoformat(), "reason": reason},
    )
    return mandate


@transaction.atomic
def mandate_leave_record(
    *, actor, mandate: Mandate, start_date: dt.date, end_date: dt.date, reason: str
) -> MandateLeave:
    mandate = Mandate.objects.select_for_update().select_related("term").get(pk=mandate.pk)
    require_manage(actor, mandate.congress_id)
    reason = require_text(reason, "reason", _("Reason"))
    require_ordered(start_date, end_date, code="dates_out_of_order")
    last = mandate.end_date or mandate.term.end_date
    if start_date < mandate.start_date or end_date > last:
        raise ServiceError(
            "leave_outside_mandate",
            _("Leave must fall within the mandate (%(start)s to %(end)s).")
            % {"start": mandate.start_date.isoformat(), "end": last.isoformat()},
            field="start_date",
        )
    if mandate.leaves.filter(start_date__lte=end_date, end_date__gte=start_date).exists():
        raise ServiceError("leave_overlap", _("This overlaps a leave already recorded."), field="start_date")
    leave = MandateLeave.objects.create(
        mandate=mandate, start_date=start_date, end_date=end_date, reason=reason
    )
    # The reason may be personal (an illness), so it stays on the leave row, not in the log.
    record_event(
        actor=actor,
        kind="mandate.leave_recorded",
        target=mandate,
        payload={"leave": leave.pk, "start": start_date.isoformat(), "end": end_date.isoformat()},
    )
    return leave
