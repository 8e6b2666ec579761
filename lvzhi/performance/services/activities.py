"""Registering activities: a deputy's own (with evidence), staff's confirmation or rejection, and an
activity staff register for all its participants at once (a group activity, a meeting).

Only confirmed participations count. A deputy's own registration waits for staff of its congress; staff's
registrations are confirmed as they are made. No one confirms their own activity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.core.notifications import notify
from lvzhi.org.models import DeputyGroup, Mandate, User
from lvzhi.org.permissions import can_manage_congress
from lvzhi.org.scope import scope_for
from lvzhi.suggestions.attachments import ALLOWED_TYPES, check_file, check_files, clean_name, store_files

from .. import events, kinds
from ..models import Activity, ActivityKind, Evidence, Participation
from ..permissions import can_decide
from .common import check_date, clean_text, kind_usable, refuse

MAX_FILES = 5
# Kinds the platform records itself from their source; typing them in would count them twice.
SOURCE_ONLY = {
    kinds.SUGGESTION: gettext_lazy(
        "Motions and suggestions are counted when you submit them; there is no need to register them."
    ),
    kinds.REPORT: gettext_lazy(
        "A report to the electors counts when the office records its meeting; there is no need to register it."
    ),
}
Status = Participation.Status


def _kind(kind, congress) -> ActivityKind:
    if isinstance(kind, ActivityKind):
        found = kind
    else:
        found = ActivityKind.objects.filter(pk=kind).first() if str(kind or "").isdigit() else None
    if found is None or not kind_usable(found, congress):
        raise ServiceError("kind_required", _("Choose the kind of activity."), field="kind")
    return found


def _files(files: Sequence | None) -> list:
    return check_files(
        files, max_files=MAX_FILES, too_many=_("At most %(n)s files per activity.") % {"n": MAX_FILES}
    )


def _store_evidence(activity: Activity, files: Iterable, actor) -> list[Evidence]:
    return store_files(
        files,
        lambda f, ext: Evidence(
            activity=activity,
            name=clean_name(f.name),
            size=f.size,
            content_type=ALLOWED_TYPES[ext],
            uploaded_by=actor,
        ),
    )


def _serving(mandate: Mandate, day: dt.date) -> bool:
    return mandate.start_date <= day and (mandate.end_date is None or day <= mandate.end_date)


@transaction.atomic
def activity_register(
    *,
    actor,
    mandate: Mandate,
    kind,
    date: dt.date,
    title: str,
    place: str = "",
    description: str = "",
    files: Sequence | None = None,
) -> Participation:
    """A deputy registers an activity of its own; it counts once staff of its congress confirm it."""
    if mandate is None or mandate.pk not in scope_for(actor).mandate_ids:
        raise refuse("not_your_mandate", _("You can only register activities as a deputy yourself."))
    mandate = Mandate.objects.select_related("congress").get(pk=mandate.pk)
    kind = _kind(kind, mandate.congress)
    if kind.code in SOURCE_ONLY and kind.is_builtin:
        raise ServiceError("kind_recorded_by_platform", str(SOURCE_ONLY[kind.code]), field="kind")
    date = check_date(date)
    if not _serving(mandate, date):
        raise ServiceError(
            "outside_mandate", _("On that date you did not hold this deputy mandate."), field="date"
        )
    title = clean_text(title, field="title", max_length=120, required=True)
    place = clean_text(place, field="place", max_length=120)
    description = clean_text(description, field="description", max_length=5000)
    files = _files(files)
    activity = Activity.objects.create(
        congress_id=mandate.congress_id,
        kind=kind,
        date=date,
        place=place,
        title=title,
        description=description,
        origin=Activity.Origin.DEPUTY,
        registered_by=actor,
    )
    participation = Participation.objects.create(
        activity=activity,
        mandate=mandate,
        congress_id=mandate.congress_id,
        kind=kind,
        date=date,
        status=Status.REGISTERED,
    )
    _store_evidence(activity, files, actor)
    record_event(
        actor=actor,
        kind=events.ACTIVITY_REGISTERED,
        target=activity,
        to_state=Status.REGISTERED,
        payload={"mandate": mandate.pk, "kind": kind.code, "files": len(files)},
    )
    return participation


def _lock(participation: Participation) -> Participation:
    return (
        Participation.objects.select_for_update()
        .select_related("activity", "mandate")
        .get(pk=participation.pk)
    )


def _check_decider(actor, participation: Participation) -> None:
    if participation.mandate_id in scope_for(actor).mandate_ids:
        raise refuse("self_confirm", _("No one confirms or rejects their own activity."))
    if not can_decide(actor, participation):
        raise refuse("not_permitted", _("Only the deputy-affairs office of the deputy's congress decides."))
    if participation.status != Status.REGISTERED:
        raise ServiceError(
            "already_decided", _("This activity has already been confirmed or rejected."), status=409
        )


@transaction.atomic
def participation_confirm(*, actor, participation: Participation) -> Participation:
    participation = _lock(participation)
    _check_decider(actor, participation)
    participation.status = Status.CONFIRMED
    participation.decided_by = actor
    participation.decided_at = timezone.now()
    participation.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        actor=actor,
        kind=events.PARTICIPATION_CONFIRMED,
        target=participation.activity,
        congress_id=participation.congress_id,
        from_state=Status.REGISTERED,
        to_state=Status.CONFIRMED,
        payload={"participation": participation.pk, "mandate": participation.mandate_id},
    )
    return participation


@transaction.atomic
def participation_reject(*, actor, participation: Participation, reason: str) -> Participation:
    participation = _lock(participation)
    _check_decider(actor, participation)
    reason = clean_text(reason, field="reason", max_length=500, required=True)
    participation.status = Status.REJECTED
    participation.reject_reason = reason
    participation.decided_by = actor
    participation.decided_at = timezone.now()
    participation.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
    record_event(
        actor=actor,
        kind=events.PARTICIPATION_REJECTED,
        target=participation.activity,
        congress_id=participation.congress_id,
        from_state=Status.REGISTERED,
        to_state=Status.REJECTED,
        note=reason,
        payload={"participation": participation.pk, "mandate": participation.mandate_id},
    )
    from django.urls import reverse

    for user in User.objects.filter(person_id=participation.mandate.person_id, is_active=True):
        notify(
            recipient=user,
            cause=f"performance:rejected:{participation.pk}",
            subject=_("Activity not confirmed: %(title)s") % {"title": participation.activity.title},
            body=reason,
            url=reverse("performance:activity", args=[participation.activity_id]),
        )
    return participation


@transaction.atomic
def activity_register_for_participants(
    *,
    actor,
    congress,
    kind,
    date: dt.date,
    title: str,
    mandates: Iterable[Mandate] = (),
    group: DeputyGroup | None = None,
    place: str = "",
    description: str = "",
    files: Sequence | None = None,
) -> Activity:
    """Staff register a group activity or a meeting once for all its participants, confirmed at once.

    With a group and no participants named, every member of the group serving on the date takes part.
    """
    if congress is None or not can_manage_congress(actor, congress.pk):
        raise refuse(
            "not_permitted", _("Only the deputy-affairs office of this congress registers activities.")
        )
    kind = _kind(kind, congress)
    date = check_date(date)
    title = clean_text(title, field="title", max_length=120, required=True)
    place = clean_text(place, field="place", max_length=120)
    description = clean_text(description, field="description", max_length=5000)
    if group is not None and group.congress_id != congress.pk:
        raise ServiceError("group_outside", _("Choose a group of this congress."), field="group")
    chosen = {m.pk: m for m in mandates}
    if not chosen and group is not None:
        chosen = {m.pk: m for m in group.members.all()}
    if not chosen:
        raise ServiceError("participants_required", _("Choose who took part."), field="mandates")
    rows = list(Mandate.objects.filter(pk__in=list(chosen)))
    outside = [m for m in rows if m.congress_id != congress.pk]
    if outside or len(rows) != len(chosen):
        raise ServiceError(
            "participants_outside", _("Participants must be deputies of this congress."), field="mandates"
        )
    rows = [m for m in rows if _serving(m, date)]
    if not rows:
        raise ServiceError(
            "participants_not_serving",
            _("None of the chosen deputies held a mandate on that date."),
            field="mandates",
        )
    files = _files(files)
    activity = Activity.objects.create(
        congress=congress,
        kind=kind,
        date=date,
        place=place,
        title=title,
        description=description,
        origin=Activity.Origin.STAFF,
        group=group,
        registered_by=actor,
    )
    now = timezone.now()
    Participation.objects.bulk_create(
        [
            Participation(
                activity=activity,
                mandate=m,
                congress_id=m.congress_id,
                kind=kind,
                date=date,
                status=Status.CONFIRMED,
                decided_by=actor,
                decided_at=now,
            )
            for m in rows
        ]
    )
    _store_evidence(activity, files, actor)
    record_event(
        actor=actor,
        kind=events.GROUP_ACTIVITY_REGISTERED,
        target=activity,
        to_state=Status.CONFIRMED,
        payload={
            "kind": kind.code,
            "group": group.pk if group else None,
            "mandates": [m.pk for m in rows],
            "files": len(files),
        },
    )
    return activity


@transaction.atomic
def evidence_add(*, actor, activity: Activity, file) -> Evidence:
    """Add a file to an activity: a participant while its registration waits, or the office."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    s = scope_for(actor)
    own = activity.participations.filter(mandate_id__in=s.mandate_ids, status=Status.REGISTERED).exists()
    if not (own or can_manage_congress(actor, activity.congress_id)):
        raise refuse("not_permitted", _("Only the deputy while it waits, or the office, adds evidence."))
    if activity.evidence.count() >= MAX_FILES:
        raise ServiceError(
            "too_many_files", _("At most %(n)s files per activity.") % {"n": MAX_FILES}, field="file"
        )
    check_file(file)
    (row,) = _store_evidence(activity, [file], actor)
    record_event(
        actor=actor,
        kind=events.EVIDENCE_ADDED,
        target=activity,
        payload={"evidence": row.pk, "size": row.size, "type": row.content_type},
    )
    return row
