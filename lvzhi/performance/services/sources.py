"""Activities the platform already knows about, recorded without typing.

A source (a submitted suggestion, an answered citizen opinion, later an attended meeting, a completed
training, a served reception day) calls `activity_record_from_source` inside its own transaction — not a
signal, so the call is visible where the work happens and rolls back with it. The participation is unique
on (source, mandate) in the database: calling twice records once. It is confirmed already: the platform
saw the work done.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from lvzhi.core.audit import record_event
from lvzhi.org.models import Mandate
from lvzhi.portal import cache as portal_cache

from .. import events
from ..activity_lists import LISTS as activity_lists
from ..models import Activity, ActivityKind, Participation
from .common import kind_by_code


def source_key(source: models.Model) -> tuple[str, int]:
    return source._meta.label_lower, int(source.pk)


@transaction.atomic
def activity_record_from_source(
    *,
    source: models.Model,
    mandate: Mandate,
    kind: str | ActivityKind,
    date: dt.date,
    title: str = "",
    actor=None,
    place: str = "",
    description: str = "",
    group=None,
) -> Participation:
    """Count `source` as an activity of `kind` for `mandate` on `date`, once; returns the participation.

    `group`: the deputy group that held it, so the group's log (performance:group_log) lists it."""
    source_type, source_id = source_key(source)
    existing = Participation.objects.filter(
        source_type=source_type, source_id=source_id, mandate_id=mandate.pk
    ).first()
    if existing is not None:
        return existing
    kind = kind if isinstance(kind, ActivityKind) else kind_by_code(kind)
    congress_id = getattr(source, "congress_id", None) or mandate.congress_id
    activity, _created = Activity.objects.get_or_create(
        source_type=source_type,
        source_id=source_id,
        kind=kind,
        defaults={
            "congress_id": congress_id,
            "date": date,
            "title": (title or str(source))[:120],
            "place": place[:120],
            "description": description,
            "origin": Activity.Origin.SOURCE,
            "registered_by": actor if getattr(actor, "pk", None) else None,
            "group": group,
        },
    )
    try:
        with transaction.atomic():
            participation = Participation.objects.create(
                activity=activity,
                mandate=mandate,
                congress_id=mandate.congress_id,
                kind=kind,
                date=activity.date,
                source_type=source_type,
                source_id=source_id,
                status=Participation.Status.CONFIRMED,
                decided_at=timezone.now(),
            )
    except IntegrityError:
        # Recorded meanwhile by a concurrent call: the constraint keeps it to one.
        return Participation.objects.get(source_type=source_type, source_id=source_id, mandate_id=mandate.pk)
    record_event(
        actor=actor,
        kind=events.ACTIVITY_RECORDED,
        target=activity,
        congress_id=activity.congress_id,
        to_state=Participation.Status.CONFIRMED,
        payload={"mandate": mandate.pk, "kind": kind.code, "source": f"{source_type}:{source_id}"},
    )
    return participation


@transaction.atomic
def activity_unrecord_from_source(
    *, source: models.Model, mandate: Mandate, actor=None, note: str = ""
) -> bool:
    """Stop counting `source` for `mandate` (its record was corrected: the deputy did not attend after all).

    Only the platform's own participation from that source is removed; the activity stays for the others.
    Returns whether there was one to remove."""
    source_type, source_id = source_key(source)
    participation = (
        Participation.objects.select_related("activity", "kind")
        .filter(source_type=source_type, source_id=source_id, mandate_id=mandate.pk)
        .first()
    )
    if participation is None:
        return False
    activity = participation.activity
    participation.delete()
    record_event(
        actor=actor,
        kind=events.ACTIVITY_UNRECORDED,
        target=activity,
        congress_id=activity.congress_id,
        from_state=Participation.Status.CONFIRMED,
        note=note,
        payload={
            "mandate": mandate.pk,
            "kind": participation.kind.code,
            "source": f"{source_type}:{source_id}",
        },
    )
    return True


def activity_describe_from_source(*, source: models.Model, title: str, place: str = "") -> int:
    """Keep the title and place of the activities recorded from `source` equal to the source's (edited)."""
    source_type, source_id = source_key(source)
    changed = Activity.objects.filter(source_type=source_type, source_id=source_id).update(
        title=title[:120], place=place[:120]
    )
    if changed:
        portal_cache.bump()  # update() sends no post_save
        activity_lists.bump()
    return changed


# --- the sources wired today: each is called by its own service, inside its transaction --------------------
def suggestion_submitted(*, suggestion, actor=None) -> int:
    """A submitted motion or suggestion counts for its author and each confirmed co-signer (once, even if it
    is returned and submitted again). Returns how many were newly recorded."""
    from lvzhi.suggestions.models import Signer

    from ..kinds import SUGGESTION

    day = suggestion.received_on or timezone.localdate()
    signers = (
        Signer.objects.filter(suggestion=suggestion, declined_at__isnull=True)
        .filter(role__in=[Signer.Role.AUTHOR, Signer.Role.COSIGNER], confirmed_at__isnull=False)
        .select_related("mandate")
    )
    before = Participation.objects.filter(
        source_type="suggestions.suggestion", source_id=suggestion.pk
    ).count()
    for signer in signers:
        activity_record_from_source(
            source=suggestion,
            mandate=signer.mandate,
            kind=SUGGESTION,
            date=day,
            title=suggestion.title,
            actor=actor,
        )
    return (
        Participation.objects.filter(source_type="suggestions.suggestion", source_id=suggestion.pk).count()
        - before
    )


def opinion_answered(*, opinion, role: str, actor=None) -> Participation | None:
    """A citizen's opinion the deputy answered itself counts as receiving citizens (接待群众), once."""
    from lvzhi.org.roles import Role

    from ..kinds import RECEPTION

    if role != Role.DEPUTY or not opinion.mandate_id:
        return None
    return activity_record_from_source(
        source=opinion,
        mandate=opinion.mandate,
        kind=RECEPTION,
        date=timezone.localdate(),
        title=f"答复群众意见 {opinion.number}",
        actor=actor,
    )
