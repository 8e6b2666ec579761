"""Assigning deputies to standing-committee members and special committees, one at a time or from a list,
and ending an assignment. Each write checks the actor's right, runs in one transaction and is recorded."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import EARLIEST_DATE, LATEST_DATE
from lvzhi.org.models import Mandate, User

from .. import events
from ..contactors import Contactor, can_assign_for, sc_seats
from ..models import Assignment
from .common import refuse

BULK_MAX = 500
NOTE_MAX = 200
FUTURE_START = dt.timedelta(days=180)
_SEPARATORS = re.compile(r"[\n\r、，,;；]+")
_ENTRY = re.compile(r"^(?P<name>[^\d\s()（）]{1,40})\s*[（(]?\s*(?P<tail>\d{4})?\s*[)）]?$")


def _check_start(mandate: Mandate, start: dt.date | None) -> dt.date:
    today = timezone.localdate()
    if start is None:
        raise ServiceError("start_required", _("Enter the day the contact starts."), field="start_date")
    if not EARLIEST_DATE <= start <= LATEST_DATE or start > today + FUTURE_START:
        raise ServiceError(
            "start_invalid",
            _("The start day can be at most 180 days ahead."),
            field="start_date",
        )
    if start < mandate.start_date:
        raise ServiceError(
            "start_before_mandate",
            _("%(name)s became a deputy on %(day)s: start the contact on or after that day.")
            % {"name": mandate.person.name, "day": mandate.start_date.isoformat()},
            field="start_date",
        )
    return start


def _check_deputy(contactor: Contactor, mandate: Mandate) -> None:
    if mandate.congress_id != contactor.congress.pk:
        raise ServiceError(
            "deputy_other_congress",
            _("Choose a deputy of %(congress)s.") % {"congress": contactor.congress.name},
            field="mandate",
        )
    if not mandate.is_current():
        raise ServiceError(
            "deputy_not_serving",
            _("%(name)s no longer serves as a deputy.") % {"name": mandate.person.name},
            field="mandate",
        )
    if contactor.member is not None and mandate.person_id == contactor.member.pk:
        raise ServiceError(
            "deputy_is_member",
            _("A member cannot be assigned to keep contact with themselves."),
            field="mandate",
        )


def _check_contactor(actor, contactor: Contactor) -> None:
    if not can_assign_for(actor, contactor):
        raise refuse(
            _("Only the deputy-affairs staff of the congress (or a committee's own staff) assign deputies.")
        )
    if (
        contactor.member is not None
        and not sc_seats().filter(person=contactor.member, committee__congress=contactor.congress).exists()
    ):
        raise ServiceError(
            "not_a_member",
            _("%(name)s holds no seat on the standing committee.") % {"name": contactor.member.name},
            field="contactor",
        )


def _open_exists(contactor: Contactor, mandate: Mandate) -> bool:
    return Assignment.objects.filter(mandate=mandate, end_date__isnull=True, **contactor.lookup()).exists()


def _create(actor, contactor: Contactor, mandate: Mandate, start: dt.date, *, bulk: bool) -> Assignment:
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                congress=contactor.congress,
                side=contactor.side,
                member=contactor.member,
                committee=contactor.committee,
                mandate=mandate,
                start_date=start,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise _already(contactor, mandate) from None
    record_event(
        actor=actor,
        kind=events.ASSIGNED,
        target=assignment,
        payload={
            "mandate": mandate.pk,
            "member": contactor.member.pk if contactor.member else None,
            "committee": contactor.committee.pk if contactor.committee else None,
            "start_date": start.isoformat(),
            "bulk": bulk,
        },
    )
    return assignment


def _already(contactor: Contactor, mandate: Mandate) -> ServiceError:
    return ServiceError(
        "already_assigned",
        _("%(deputy)s is already assigned to %(contactor)s.")
        % {"deputy": mandate.person.name, "contactor": contactor.name},
        field="mandate",
        status=409,
    )


@transaction.atomic
def assignment_create(
    *, actor, contactor: Contactor, mandate: Mandate, start_date: dt.date | None
) -> Assignment:
    """Assign one deputy to a member or a committee from `start_date`."""
    _check_contactor(actor, contactor)
    # SECURITY: the actor's row is locked, so a double tap on "assign" cannot slip past the check below.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    _check_deputy(contactor, mandate)
    start = _check_start(mandate, start_date)
    if _open_exists(contactor, mandate):
        raise _already(contactor, mandate)
    return _create(actor, contactor, mandate, start, bulk=False)


@dataclass
class BulkResult:
    created: list[Assignment] = field(default_factory=list)
    already: list[Mandate] = field(default_factory=list)


def parse_names(text: str) -> list[tuple[str, str]]:
    """(name, last four digits of the mobile or "") for each entry of a pasted list; raises on unreadable ones."""
    entries = [e.strip() for e in _SEPARATORS.split(str(text or "").replace("\x00", "")) if e.strip()]
    if not entries:
        raise ServiceError(
            "names_required", _("Paste at least one deputy's name, one per line."), field="names"
        )
    if len(entries) > BULK_MAX:
        raise ServiceError(
            "too_many", _("At most %(max)s deputies at a time.") % {"max": BULK_MAX}, field="names"
        )
    parsed, bad = [], []
    for entry in entries:
        m = _ENTRY.match(re.sub(r"\s+", " ", entry))
        if m is None:
            bad.append(entry[:40])
        else:
            parsed.append((m.group("name").strip(), m.group("tail") or ""))
    if bad:
        raise ServiceError(
            "names_unreadable",
            _("These lines are not a name (optionally followed by the mobile's last four digits): %(lines)s")
            % {"lines": "、".join(bad[:10])},
            field="names",
        )
    return parsed


def match_names(contactor: Contactor, parsed: list[tuple[str, str]]) -> list[Mandate]:
    """The serving deputies of the contactor's congress the list names; raises naming every unknown or
    ambiguous entry, so a list is taken whole or not at all."""
    names = {name for name, _tail in parsed}
    candidates: dict[str, list[Mandate]] = {}
    for m in (
        Mandate.objects.current()
        .filter(congress=contactor.congress, person__name__in=names)
        .select_related("person")
        .order_by("pk")
    ):
        candidates.setdefault(m.person.name, []).append(m)
    unknown, ambiguous, found = [], [], []
    for name, tail in parsed:
        rows = candidates.get(name, [])
        if tail:
            rows = [m for m in rows if (m.person.mobile or "").endswith(tail)]
        if not rows:
            unknown.append(f"{name} {tail}".strip())
        elif len(rows) > 1:
            ambiguous.append(name)
        else:
            found.append(rows[0])
    problems = []
    if unknown:
        problems.append(
            _("No serving deputy of %(congress)s is called: %(names)s.")
            % {"congress": contactor.congress.name, "names": "、".join(unknown[:20])}
        )
    if ambiguous:
        problems.append(
            _(
                "Several deputies share the name %(names)s: add the last four digits of the mobile, e.g. “%(example)s 1234”."
            )
            % {"names": "、".join(sorted(set(ambiguous))[:20]), "example": ambiguous[0]}
        )
    if problems:
        raise ServiceError("names_unmatched", " ".join(problems), field="names")
    unique, seen = [], set()
    for m in found:
        if m.pk not in seen:
            seen.add(m.pk)
            unique.append(m)
    return unique


@transaction.atomic
def assignment_bulk(*, actor, contactor: Contactor, names: str, start_date: dt.date | None) -> BulkResult:
    """Assign every deputy a pasted list names (one per line; a name, or a name and the mobile's last four
    digits when two deputies share it). The whole list is checked first: nothing is saved while any entry is
    unknown, ambiguous or refused; deputies already assigned are reported and left as they are."""
    _check_contactor(actor, contactor)
    User.objects.select_for_update().filter(pk=actor.pk).first()
    mandates = match_names(contactor, parse_names(names))
    result = BulkResult()
    todo = []
    for mandate in mandates:
        _check_deputy(contactor, mandate)
        start = _check_start(mandate, start_date)
        if _open_exists(contactor, mandate):
            result.already.append(mandate)
        else:
            todo.append((mandate, start))
    for mandate, start in todo:
        result.created.append(_create(actor, contactor, mandate, start, bulk=True))
    if result.created:
        record_event(
            actor=actor,
            kind=events.ASSIGNED_BULK,
            target=contactor.member or contactor.committee,
            congress_id=contactor.congress.pk,
            payload={"created": len(result.created), "already": len(result.already)},
        )
    return result


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, end_date: dt.date | None, note: str = "") -> Assignment:
    """End a fixed contact on `end_date` (today or earlier; not before it started)."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    assignment = Assignment.objects.select_related("congress", "member", "committee", "mandate__person").get(
        pk=assignment.pk
    )
    contactor = Contactor.of(assignment)
    if not can_assign_for(actor, contactor):
        raise refuse(
            _("Only the deputy-affairs staff of the congress (or a committee's own staff) end a contact.")
        )
    if assignment.end_date is not None:
        raise ServiceError("already_ended", _("This contact has already ended."), status=409)
    today = timezone.localdate()
    if end_date is None:
        raise ServiceError("end_required", _("Enter the day the contact ends."), field="end_date")
    if end_date > today:
        raise ServiceError("end_in_future", _("The end day cannot be in the future."), field="end_date")
    if end_date < assignment.start_date:
        raise ServiceError(
            "end_before_start",
            _("The contact started on %(day)s: it cannot end before that.")
            % {"day": assignment.start_date.isoformat()},
            field="end_date",
        )
    note = " ".join(str(note or "").replace("\x00", "").split())
    if len(note) > NOTE_MAX:
        raise ServiceError(
            "note_too_long", _("At most %(max)s characters.") % {"max": NOTE_MAX}, field="note"
        )
    assignment.end_date, assignment.end_note = end_date, note
    assignment.save(update_fields=["end_date", "end_note"])
    record_event(
        actor=actor,
        kind=events.ASSIGNMENT_ENDED,
        target=assignment,
        note=note,
        payload={"mandate": assignment.mandate_id, "end_date": end_date.isoformat()},
    )
    return assignment
