"""Writes of the congress structure: congresses, terms, sessions and electoral units."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError

from ..models import Congress, ElectoralUnit, Session, Term
from .guards import apply_changes, require_manage, require_ordered, require_text

# The levels from the top down: a congress sits exactly one level below its parent.
LEVELS = [
    Congress.Level.NATIONAL,
    Congress.Level.PROVINCE,
    Congress.Level.CITY,
    Congress.Level.COUNTY,
    Congress.Level.TOWNSHIP,
]


def _check_congress(*, actor, level: str, parent: Congress | None, system: bool) -> None:
    if system and actor is not None:
        raise ValueError("system=True builds congresses with no actor; a person's request checks the actor")
    if level not in LEVELS:
        raise ServiceError("bad_level", _("Choose a level from the list."), field="level")
    if not system:
        # Staff of the parent add below it; with no parent (a new tree) only a site administrator passes.
        require_manage(actor, parent.pk if parent is not None else None)
    check_congress_level(level=level, parent=parent)


def check_congress_level(*, level: str, parent: Congress | None) -> None:
    """A congress sits exactly one level below its parent (the admin's form checks this too)."""
    if parent is None:
        return
    below = LEVELS.index(parent.level) + 1
    if below == len(LEVELS):
        raise ServiceError("bad_level", _("No congress sits below a township congress."), field="parent")
    if level != LEVELS[below]:
        raise ServiceError(
            "bad_level",
            _("A congress below %(parent)s must be at the level %(level)s.")
            % {"parent": parent.name, "level": Congress.Level(LEVELS[below]).label},
            field="level",
        )


@transaction.atomic
def congress_create(
    *,
    actor,
    name: str,
    short_name: str,
    level: str,
    region_name: str,
    parent: Congress | None = None,
    region_code: str = "",
    has_standing_committee: bool = True,
    system: bool = False,
) -> Congress:
    """Add a congress below `parent` (exactly one level down), or a top-level one.

    The actor is a site administrator or the staff of the parent congress; only an administrator adds a
    top-level congress. `system=True` is for the demo generator alone, which builds a whole tree with no
    actor: it skips the actor's check, never the level's.
    """
    _check_congress(actor=actor, level=level, parent=parent, system=system)
    name = require_text(name, "name", _("Name"))
    short_name = require_text(short_name, "short_name", _("Short name"))
    region_name = require_text(region_name, "region_name", _("Region"))
    congress = Congress.objects.create(
        name=name,
        short_name=short_name,
        level=level,
        region_name=region_name,
        region_code=region_code,
        parent=parent,
        has_standing_committee=has_standing_committee,
    )
    # The path needs the new id, so it is set in a second write inside the same transaction.
    congress.path = (parent.path if parent else "/") + f"{congress.pk}/"
    congress.save(update_fields=["path"])
    record_event(
        actor=actor, kind="congress.created", target=congress, payload={"parent": parent and parent.pk}
    )
    return congress


# --- terms ------------------------------------------------------------------------------------


def _check_term(*, congress_id: int, number: int, start_date: dt.date, end_date: dt.date, exclude=None):
    if number < 1:
        raise ServiceError("bad_number", _("The term number must be 1 or more."), field="number")
    if end_date <= start_date:
        raise ServiceError("dates_out_of_order", _("A term ends after it starts."), field="end_date")
    others = Term.objects.filter(congress_id=congress_id).exclude(pk=exclude)
    if others.filter(number=number).exists():
        raise ServiceError(
            "duplicate_number", _("This congress already has a term with that number."), field="number"
        )
    if others.filter(start_date__lte=end_date, end_date__gte=start_date).exists():
        raise ServiceError(
            "term_overlap", _("The dates overlap another term of this congress."), field="start_date"
        )


@transaction.atomic
def term_create(*, actor, congress: Congress, number: int, start_date: dt.date, end_date: dt.date) -> Term:
    require_manage(actor, congress.pk)
    _check_term(congress_id=congress.pk, number=number, start_date=start_date, end_date=end_date)
    term = Term.objects.create(congress=congress, number=number, start_date=start_date, end_date=end_date)
    record_event(
        actor=actor,
        kind="term.created",
        target=term,
        payload={"number": number, "start": start_date.isoformat(), "end": end_date.isoformat()},
        congress_id=congress.pk,
    )
    return term


@transaction.atomic
def term_update(*, actor, term: Term, number: int, start_date: dt.date, end_date: dt.date) -> Term:
    term = Term.objects.select_for_update().get(pk=term.pk)
    require_manage(actor, term.congress_id)
    _check_term(
        congress_id=term.congress_id, number=number, start_date=start_date, end_date=end_date, exclude=term.pk
    )
    outside = term.sessions.exclude(start_date__gte=start_date, end_date__lte=end_date)
    if outside.exists():
        raise ServiceError(
            "sessions_outside_term",
            _("Some sessions of this term would fall outside the new dates; change them first."),
            field="start_date",
        )
    changes = apply_changes(term, {"number": number, "start_date": start_date, "end_date": end_date})
    if changes:
        term.save(update_fields=list(changes))
        record_event(
            actor=actor,
            kind="term.updated",
            target=term,
            payload={"changes": changes},
            congress_id=term.congress_id,
        )
    return term


# --- sessions ---------------------------------------------------------------------------------


def _check_session(*, term: Term, number: int, start_date: dt.date, end_date: dt.date, exclude=None):
    if number < 1:
        raise ServiceError("bad_number", _("The session number must be 1 or more."), field="number")
    require_ordered(start_date, end_date, code="dates_out_of_order")
    if start_date < term.start_date or end_date > term.end_date:
        raise ServiceError(
            "session_outside_term",
            _("A session must fall inside its term (%(start)s to %(end)s).")
            % {"start": term.start_date.isoformat(), "end": term.end_date.isoformat()},
            field="start_date",
        )
    others = Session.objects.filter(term__congress_id=term.congress_id).exclude(pk=exclude)
    if others.filter(term=term, number=number).exists():
        raise ServiceError(
            "duplicate_number", _("This term already has a session with that number."), field="number"
        )
    if others.filter(start_date__lte=end_date, end_date__gte=start_date).exists():
        raise ServiceError(
            "session_overlap", _("The dates overlap another session of this congress."), field="start_date"
        )


@transaction.atomic
def session_create(*, actor, term: Term, number: int, start_date: dt.date, end_date: dt.date) -> Session:
    term = Term.objects.select_for_update().get(pk=term.pk)
    require_manage(actor, term.congress_id)
    _check_session(term=term, number=number, start_date=start_date, end_date=end_date)
    session = Session.objects.create(term=term, number=number, start_date=start_date, end_date=end_date)
    record_event(
        actor=actor,
        kind="session.created",
        target=session,
        payload={
            "term": term.pk,
            "number": number,
            "start": start_date.isoformat(),
            "end": end_date.isoformat(),
        },
        congress_id=term.congress_id,
    )
    return session


@transaction.atomic
def session_update(
    *, actor, session: Session, number: int, start_date: dt.date, end_date: dt.date
) -> Session:
    session = Session.objects.select_for_update().select_related("term").get(pk=session.pk)
    require_manage(actor, session.term.congress_id)
    _check_session(
        term=session.term, number=number, start_date=start_date, end_date=end_date, exclude=session.pk
    )
    changes = apply_changes(session, {"number": number, "start_date": start_date, "end_date": end_date})
    if changes:
        session.save(update_fields=list(changes))
        record_event(
            actor=actor,
            kind="session.updated",
            target=session,
            payload={"changes": changes},
            congress_id=session.term.congress_id,
        )
    return session


# --- electoral units --------------------------------------------------------------------------


def _check_electoral_unit(
    *, congress: Congress, kind: str, name: str, lower_congress: Congress | None, exclude=None
) -> str:
    name = require_text(name, "name", _("Name"))
    if kind not in ElectoralUnit.Kind.values:
        raise ServiceError("bad_kind", _("Choose a kind from the list."), field="kind")
    if lower_congress is not None and lower_congress.parent_id != congress.pk:
        raise ServiceError(
            "bad_lower_congress",
            _("The electing congress must be one level below this congress."),
            field="lower_congress",
        )
    if ElectoralUnit.objects.filter(congress=congress, name=name).exclude(pk=exclude).exists():
        raise ServiceError(
            "duplicate_name", _("This congress already has an electoral unit of that name."), field="name"
        )
    return name


@transaction.atomic
def electoral_unit_create(
    *, actor, congress: Congress, kind: str, name: str, lower_congress: Congress | None = None
) -> ElectoralUnit:
    require_manage(actor, congress.pk)
    name = _check_electoral_unit(congress=congress, kind=kind, name=name, lower_congress=lower_congress)
    unit = ElectoralUnit.objects.create(
        congress=congress, kind=kind, name=name, lower_congress=lower_congress
    )
    record_event(
        actor=actor,
        kind="electoral_unit.created",
        target=unit,
        payload={"kind": kind, "lower_congress": lower_congress and lower_congress.pk},
    )
    return unit


@transaction.atomic
def electoral_unit_update(
    *, actor, electoral_unit: ElectoralUnit, kind: str, name: str, lower_congress: Congress | None = None
) -> ElectoralUnit:
    unit = ElectoralUnit.objects.select_for_update().select_related("congress").get(pk=electoral_unit.pk)
    require_manage(actor, unit.congress_id)
    name = _check_electoral_unit(
        congress=unit.congress, kind=kind, name=name, lower_congress=lower_congress, exclude=unit.pk
    )
    changes = apply_changes(unit, {"kind": kind, "name": name, "lower_congress": lower_congress})
    if changes:
        unit.save(update_fields=list(changes))
        record_event(actor=actor, kind="electoral_unit.updated", target=unit, payload={"changes": changes})
    return unit
