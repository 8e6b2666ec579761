"""Writes of committees (standing, special, working) and of their members."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError

from ..models import Committee, CommitteeMembership, Congress, Person
from ..selectors import person_list_visible_to
from .guards import apply_changes, clean_fields, require_manage, require_ordered, require_text


def _check_committee(*, congress: Congress, kind: str, name: str, exclude=None) -> str:
    name = require_text(name, "name", _("Name"))
    if kind not in Committee.Kind.values:
        raise ServiceError("bad_kind", _("Choose a kind from the list."), field="kind")
    if kind == Committee.Kind.STANDING:
        if not congress.has_standing_committee:
            raise ServiceError(
                "no_standing_committee", _("This congress has no standing committee."), field="kind"
            )
        if congress.committees.filter(kind=Committee.Kind.STANDING).exclude(pk=exclude).exists():
            raise ServiceError(
                "standing_exists", _("This congress already has its standing committee."), field="kind"
            )
    if congress.committees.filter(name=name).exclude(pk=exclude).exists():
        raise ServiceError(
            "duplicate_name", _("This congress already has a committee of that name."), field="name"
        )
    return name


@transaction.atomic
def committee_create(
    *,
    actor,
    congress: Congress,
    kind: str,
    name: str,
    short_name: str = "",
    fields: list[str] | tuple = (),
) -> Committee:
    require_manage(actor, congress.pk)
    name = _check_committee(congress=congress, kind=kind, name=name)
    committee = Committee.objects.create(
        congress=congress, kind=kind, name=name, short_name=short_name.strip(), fields=clean_fields(fields)
    )
    record_event(
        actor=actor,
        kind="committee.created",
        target=committee,
        payload={"kind": kind, "fields": committee.fields},
    )
    return committee


@transaction.atomic
def committee_update(
    *,
    actor,
    committee: Committee,
    kind: str,
    name: str,
    short_name: str = "",
    fields: list[str] | tuple = (),
) -> Committee:
    committee = Committee.objects.select_for_update().select_related("congress").get(pk=committee.pk)
    require_manage(actor, committee.congress_id)
    name = _check_committee(congress=committee.congress, kind=kind, name=name, exclude=committee.pk)
    changes = apply_changes(
        committee,
        {"kind": kind, "name": name, "short_name": short_name.strip(), "fields": clean_fields(fields)},
    )
    if changes:
        committee.save(update_fields=list(changes))
        record_event(actor=actor, kind="committee.updated", target=committee, payload={"changes": changes})
    return committee


@transaction.atomic
def committee_member_add(
    *, actor, committee: Committee, person: Person, position: str, start_date: dt.date
) -> CommitteeMembership:
    require_manage(actor, committee.congress_id)
    # SECURITY: the person must be one the actor can see, or ids could be probed through this form.
    if not person_list_visible_to(user=actor).filter(pk=person.pk).exists():
        raise ServiceError("not_found", _("That person was not found."), field="person")
    if position not in CommitteeMembership.Position.values:
        raise ServiceError("bad_position", _("Choose a position from the list."), field="position")
    if committee.memberships.filter(person=person, end_date__isnull=True).exists():
        raise ServiceError("already_member", _("This person already sits on this committee."), field="person")
    membership = CommitteeMembership.objects.create(
        committee=committee, person=person, position=position, start_date=start_date
    )
    record_event(
        actor=actor,
        kind="committee.member_added",
        target=committee,
        payload={"person": person.pk, "membership": membership.pk, "position": position},
    )
    return membership


@transaction.atomic
def committee_member_end(*, actor, membership: CommitteeMembership, end_date: dt.date) -> CommitteeMembership:
    membership = (
        CommitteeMembership.objects.select_for_update().select_related("committee").get(pk=membership.pk)
    )
    require_manage(actor, membership.committee.congress_id)
    if membership.end_date is not None:
        raise ServiceError("already_ended", _("This membership has already ended."))
    require_ordered(membership.start_date, end_date, code="dates_out_of_order")
    membership.end_date = end_date
    membership.save(update_fields=["end_date"])
    record_event(
        actor=actor,
        kind="committee.member_ended",
        target=membership.committee,
        payload={
            "person": membership.person_id,
            "membership": membership.pk,
            "end": end_date.isoformat(),
        },
    )
    return membership
