"""Enrolment (a deputy for itself, or the office for a deputy), withdrawal, and the office's record of who
attended (in person) or completed (online) a class, which counts as a training activity once.

State checks: no enrolment in a cancelled class, nor after enrolment closes (for the deputy itself; the office
may still add a deputy until the class is cancelled), nor beyond the capacity; no record of attendance before
the class's first day.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Mandate
from lvzhi.org.scope import scope_for

from .. import events
from ..models import Enrolment, TrainingClass
from .classes import place_of
from .common import require_manage

Status = Enrolment.Status


def _lock(training_class: TrainingClass) -> TrainingClass:
    # The class row is the lock that keeps two enrolments from taking the last place together.
    return TrainingClass.objects.select_for_update().get(pk=training_class.pk)


def _check_open_for(training_class: TrainingClass, *, by_self: bool) -> None:
    if training_class.status == TrainingClass.Status.CANCELLED:
        raise ServiceError("cancelled", _("This class was cancelled."), status=409)
    if by_self and not training_class.enrolment_open():
        raise ServiceError(
            "enrolment_closed",
            _("Enrolment closed on %(day)s.") % {"day": training_class.enrol_closes_on.isoformat()},
            status=409,
        )


def _enrol(*, actor, training_class: TrainingClass, mandate: Mandate, by_self: bool) -> Enrolment:
    _check_open_for(training_class, by_self=by_self)
    if mandate.congress_id != training_class.congress_id or not mandate.is_current():
        raise ServiceError(
            "not_eligible",
            _("Only serving deputies of the class's congress can enrol."),
            field="mandate",
        )
    existing = (
        Enrolment.objects.select_for_update().filter(training_class=training_class, mandate=mandate).first()
    )
    if existing is not None and existing.status != Status.WITHDRAWN:
        raise ServiceError("already_enrolled", _("Already enrolled in this class."), status=409)
    held = training_class.enrolments.filter(status__in=Enrolment.HOLDS_PLACE).count()
    if training_class.capacity is not None and held >= training_class.capacity:
        raise ServiceError(
            "full", _("The class is full (%(n)s places).") % {"n": training_class.capacity}, status=409
        )
    now = timezone.now()
    values = {"status": Status.ENROLLED, "by_self": by_self, "enrolled_by": actor, "enrolled_at": now}
    if existing is None:
        enrolment = Enrolment.objects.create(training_class=training_class, mandate=mandate, **values)
        from_state = ""
    else:
        enrolment, from_state = existing, existing.status
        for k, v in values.items():
            setattr(enrolment, k, v)
        enrolment.save(update_fields=list(values))
    record_event(
        actor=actor,
        kind=events.ENROLLED,
        target=training_class,
        from_state=from_state,
        to_state=Status.ENROLLED,
        payload={
            "enrolment": enrolment.pk,
            "mandate": mandate.pk,
            "by_self": by_self,
            "late": not training_class.enrolment_open(),
        },
    )
    return enrolment


def own_mandate_for(user, training_class: TrainingClass) -> Mandate | None:
    """The user's serving mandate in the class's congress, if any."""
    s = scope_for(user)
    if not s.mandate_ids:
        return None
    return (
        Mandate.objects.current()
        .filter(pk__in=s.mandate_ids, congress_id=training_class.congress_id)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def enrol_self(*, actor, training_class: TrainingClass) -> Enrolment:
    """A deputy enrols itself, before enrolment closes and while places are left."""
    training_class = _lock(training_class)
    mandate = own_mandate_for(actor, training_class)
    if mandate is None:
        raise ServiceError(
            "not_eligible", _("Only serving deputies of the class's congress can enrol."), status=403
        )
    return _enrol(actor=actor, training_class=training_class, mandate=mandate, by_self=True)


@transaction.atomic
def enrol_by_staff(*, actor, training_class: TrainingClass, mandate: Mandate) -> Enrolment:
    """The office enrols a deputy of its congress (also after enrolment closed), within the capacity."""
    training_class = _lock(training_class)
    require_manage(actor, training_class)
    return _enrol(actor=actor, training_class=training_class, mandate=mandate, by_self=False)


@transaction.atomic
def withdraw(*, actor, enrolment: Enrolment) -> Enrolment:
    """The deputy withdraws before enrolment closes; the office, until the class begins."""
    training_class = _lock(enrolment.training_class)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    own = enrolment.mandate_id in scope_for(actor).mandate_ids
    staff = _is_staff(actor, training_class)
    if not (own or staff):
        raise ServiceError("not_allowed", _("You can only withdraw your own enrolment."), status=403)
    if enrolment.status != Status.ENROLLED:
        raise ServiceError(
            "not_enrolled", _("Only an enrolment not yet marked can be withdrawn."), status=409
        )
    if staff:
        if training_class.has_begun():
            raise ServiceError(
                "class_begun", _("The class has begun; record it as not attended instead."), status=409
            )
    elif not training_class.enrolment_open():
        raise ServiceError(
            "enrolment_closed",
            _("Enrolment closed on %(day)s; ask the office to withdraw you.")
            % {"day": training_class.enrol_closes_on.isoformat()},
            status=409,
        )
    enrolment.status = Status.WITHDRAWN
    enrolment.save(update_fields=["status"])
    record_event(
        actor=actor,
        kind=events.WITHDRAWN,
        target=training_class,
        from_state=Status.ENROLLED,
        to_state=Status.WITHDRAWN,
        payload={"enrolment": enrolment.pk, "mandate": enrolment.mandate_id, "by_self": own and not staff},
    )
    return enrolment


def _is_staff(actor, training_class) -> bool:
    from ..permissions import can_manage_class

    return can_manage_class(actor, training_class)


def allowed_marks(training_class: TrainingClass) -> list[str]:
    """What the office may record: attended (in person) or completed (online), not attended, or not yet."""
    done = Status.COMPLETED if training_class.is_online else Status.ATTENDED
    return [done, Status.ABSENT, Status.ENROLLED]


@transaction.atomic
def attendance_mark(*, actor, training_class: TrainingClass, marks: Mapping[int, str]) -> int:
    """Record attendance or completion: {enrolment id: status}. An attended or completed enrolment counts
    once as a training activity; one marked back stops counting. Returns how many changed."""
    from lvzhi.performance.kinds import TRAINING
    from lvzhi.performance.services.sources import activity_record_from_source, activity_unrecord_from_source

    training_class = _lock(training_class)
    require_manage(actor, training_class)
    if training_class.status == TrainingClass.Status.CANCELLED:
        raise ServiceError("cancelled", _("This class was cancelled."), status=409)
    if not training_class.has_begun():
        raise ServiceError(
            "not_begun",
            _("The class begins on %(day)s; attendance is recorded from then on.")
            % {"day": training_class.starts_on.isoformat()},
            status=409,
        )
    allowed = allowed_marks(training_class)
    rows = {
        e.pk: e
        for e in Enrolment.objects.select_for_update()
        .filter(training_class=training_class, pk__in=list(marks))
        .select_related("mandate")
    }
    if len(rows) != len(marks):
        raise ServiceError("not_in_class", _("Mark only the deputies enrolled in this class."))
    changed = 0
    now = timezone.now()
    for pk, status in marks.items():
        enrolment = rows[pk]
        if status not in allowed:
            raise ServiceError("bad_mark", _("Choose one of the listed results."))
        if enrolment.status == Status.WITHDRAWN:
            raise ServiceError("withdrawn", _("A withdrawn enrolment cannot be marked."))
        old = enrolment.status
        if old == status:
            continue
        if status in Enrolment.COUNTS:
            activity_record_from_source(
                source=training_class,
                mandate=enrolment.mandate,
                kind=TRAINING,
                date=training_class.starts_on,
                title=training_class.title,
                place=place_of(training_class),
                actor=actor,
            )
        elif old in Enrolment.COUNTS:
            activity_unrecord_from_source(
                source=training_class,
                mandate=enrolment.mandate,
                actor=actor,
                note=_("Training attendance corrected."),
            )
        enrolment.status, enrolment.marked_by, enrolment.marked_at = status, actor, now
        enrolment.save(update_fields=["status", "marked_by", "marked_at"])
        record_event(
            actor=actor,
            kind=events.MARKED,
            target=training_class,
            from_state=old,
            to_state=status,
            payload={"enrolment": enrolment.pk, "mandate": enrolment.mandate_id},
        )
        changed += 1
    return changed
