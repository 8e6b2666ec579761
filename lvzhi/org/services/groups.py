"""Writes of deputy groups (代表小组 / 联系组 / 专业组): the group, its members and its leader."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError

from ..models import Congress, DeputyGroup, GroupMembership, Mandate
from ..selectors import mandate_list_visible_to
from .guards import apply_changes, require_manage, require_text


def _check_group(*, congress_id: int, kind: str, name: str, exclude=None) -> str:
    name = require_text(name, "name", _("Name"))
    if kind not in DeputyGroup.Kind.values:
        raise ServiceError("bad_kind", _("Choose a kind from the list."), field="kind")
    if DeputyGroup.objects.filter(congress_id=congress_id, name=name).exclude(pk=exclude).exists():
        raise ServiceError(
            "duplicate_name", _("This congress already has a group of that name."), field="name"
        )
    return name


@transaction.atomic
def group_create(*, actor, congress: Congress, kind: str, name: str) -> DeputyGroup:
    require_manage(actor, congress.pk)
    name = _check_group(congress_id=congress.pk, kind=kind, name=name)
    group = DeputyGroup.objects.create(congress=congress, kind=kind, name=name)
    record_event(actor=actor, kind="group.created", target=group, payload={"kind": kind})
    return group


@transaction.atomic
def group_update(*, actor, group: DeputyGroup, kind: str, name: str) -> DeputyGroup:
    group = DeputyGroup.objects.select_for_update().get(pk=group.pk)
    require_manage(actor, group.congress_id)
    name = _check_group(congress_id=group.congress_id, kind=kind, name=name, exclude=group.pk)
    changes = apply_changes(group, {"kind": kind, "name": name})
    if changes:
        group.save(update_fields=list(changes))
        record_event(actor=actor, kind="group.updated", target=group, payload={"changes": changes})
    return group


@transaction.atomic
def group_add_member(*, actor, group: DeputyGroup, mandate: Mandate) -> GroupMembership:
    group = DeputyGroup.objects.select_for_update().get(pk=group.pk)
    require_manage(actor, group.congress_id)
    # SECURITY: only deputies the actor can see may be added, or mandate ids could be probed.
    if not mandate_list_visible_to(user=actor).filter(pk=mandate.pk).exists():
        raise ServiceError("not_found", _("That deputy was not found."), field="mandate")
    if not mandate.is_current():
        raise ServiceError("mandate_ended", _("This deputy's mandate has ended."), field="mandate")
    if group.memberships.filter(mandate=mandate).exists():
        raise ServiceError("already_member", _("This deputy is already in the group."), field="mandate")
    membership = GroupMembership.objects.create(group=group, mandate=mandate)
    record_event(
        actor=actor,
        kind="group.member_added",
        target=group,
        payload={"mandate": mandate.pk, "person": mandate.person_id},
    )
    return membership


@transaction.atomic
def group_remove_member(*, actor, group: DeputyGroup, mandate: Mandate) -> None:
    group = DeputyGroup.objects.select_for_update().get(pk=group.pk)
    require_manage(actor, group.congress_id)
    deleted, _rows = group.memberships.filter(mandate=mandate).delete()
    if not deleted:
        raise ServiceError("not_member", _("This deputy is not in the group."))
    was_leader = group.leader_id == mandate.pk
    if was_leader:
        group.leader = None
        group.save(update_fields=["leader"])
    record_event(
        actor=actor,
        kind="group.member_removed",
        target=group,
        payload={"mandate": mandate.pk, "person": mandate.person_id, "was_leader": was_leader},
    )


@transaction.atomic
def group_set_leader(*, actor, group: DeputyGroup, mandate: Mandate | None) -> DeputyGroup:
    """Make a member the leader, or clear the leader with `mandate=None`."""
    group = DeputyGroup.objects.select_for_update().get(pk=group.pk)
    require_manage(actor, group.congress_id)
    if mandate is not None and not group.memberships.filter(mandate=mandate).exists():
        raise ServiceError("not_member", _("The leader must be a member of the group."), field="mandate")
    old = group.leader_id
    new = mandate.pk if mandate is not None else None
    if old == new:
        return group
    group.leader_id = new
    group.save(update_fields=["leader"])
    record_event(
        actor=actor,
        kind="group.leader_set",
        target=group,
        payload={"old_leader": old, "new_leader": new},
    )
    return group
