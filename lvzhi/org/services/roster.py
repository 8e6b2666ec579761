"""Roster imports: deputies with their mandates, units with their handlers, and a new term (换届).

Each import is all or nothing: the file is read and every row checked (org.roster); if any row is rejected
nothing is saved and the report names each rejected row and why. A dry run checks and reports only. A real
run re-checks under a lock on the congress row (so two imports into one congress queue) and writes people,
mandates, station places, units, accounts and roles in bulk, with their events, in one transaction.

New accounts get a random initial password that must be changed at first sign-in. It is returned once in
the report, for the staff to hand over, and never stored in clear.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import EventBatch
from lvzhi.core.errors import ServiceError
from lvzhi.portal import cache as portal_cache
from lvzhi.stations.models import StationDeputy

from .. import roster
from ..models import Congress, Mandate, Person, RoleAssignment, Term, Unit, User
from ..roles import Role
from ..roster import Credential, DeputyRow, ImportReport, UnitRow
from ..scope import SCOPES
from ..security_events import (
    ACCOUNT_ACTIVATED,
    ACCOUNT_CREATED,
    ACCOUNT_DEACTIVATED,
    ACCOUNT_LINKED,
    ROLE_GRANTED,
)
from ..selectors import congresses_managed_by
from .accounts import generate_initial_password
from .guards import require_manage

# --- shared -------------------------------------------------------------------------------------


def _conflict() -> ServiceError:
    return ServiceError(
        "conflict",
        _("Someone changed the same records while this file was imported; nothing was saved. Try again."),
        status=409,
    )


class _InitialPasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with fewer rounds, for random one-time passwords only.

    A slow hash protects guessable passwords; an initial password is random (about 70 bits, beyond any
    search even unstretched) and must be changed at first sign-in, when Django re-hashes the account with
    the site's preferred hasher (Argon2). Argon2 takes ~0.2 s per account: a 600-deputy roster would hold
    one request for two minutes; at 2,000 rounds it takes about a second.
    """

    iterations = 2_000


_HASHER = _InitialPasswordHasher()


def _bulk_create(model, objs: list) -> None:
    """Insert in bulk; the ids come back on PostgreSQL and on SQLite 3.35+, else rows are saved one by one."""
    if not objs:
        return
    model.objects.bulk_create(objs, batch_size=500)
    SCOPES.bump()  # accounts, mandates and roles decide scopes; bulk_create sends no post_save
    for obj in objs:
        if obj.pk is None:  # an old SQLite that cannot return ids
            obj.save(force_insert=True)


def _lock(congress: Congress) -> None:
    # One import per congress at a time: the second waits here and then sees the first one's rows.
    Congress.objects.select_for_update().filter(pk=congress.pk).first()


def _new_account(*, username: str, mobile: str, congress: Congress, person=None, full_name: str = ""):
    password = generate_initial_password()
    user = User(
        username=username,
        mobile=mobile,
        full_name=full_name,
        person=person,
        congress=congress,
        must_change_password=True,
        password=make_password(password, hasher=_HASHER),
    )
    return user, password


# --- deputies -----------------------------------------------------------------------------------


def _deputy_counts(rows: list[DeputyRow], *, term_change: bool = False) -> dict[str, int]:
    ok = [r for r in rows if r.ok]
    counts = {
        "rows": len(rows),
        "accepted": len(ok),
        "rejected": len(rows) - len(ok),
        "people_new": sum(1 for r in ok if r.person is None),
        "people_existing": sum(1 for r in ok if r.person is not None),
        "accounts_new": sum(1 for r in ok if r.account is None),
        "stations": sum(1 for r in ok if r.station is not None),
    }
    if term_change:
        counts["re_elected"] = sum(1 for r in ok if r.re_elected)
    return counts


def _update_person(person: Person, r: DeputyRow, congress: Congress, log: EventBatch) -> None:
    """Details from the file: the registering congress keeps its people current; another congress only
    fills what is blank (the person's own congress maintains the rest)."""
    own = person.congress_id == congress.pk
    data = {
        "gender": r.gender,
        "birth_date": r.birth_date,
        "ethnicity": r.ethnicity,
        "party": r.party,
        "occupation": r.occupation,
    }
    changed = []
    for field, value in data.items():
        current = getattr(person, field)
        if value in (None, "") or current == value or (not own and current not in (None, "")):
            continue
        setattr(person, field, value)
        changed.append(field)
    if changed:
        person.save(update_fields=changed)
        log.add(person, "person.updated", payload={"fields": changed, "source": "roster_import"})


def _save_deputies(
    *, congress: Congress, term: Term, rows: list[DeputyRow], log: EventBatch
) -> tuple[dict[str, int], list[Credential]]:
    today = timezone.localdate()
    new_people = []
    for r in rows:
        if r.person is None:
            r.person = Person(
                name=r.name,
                gender=r.gender,
                birth_date=r.birth_date,
                ethnicity=r.ethnicity,
                party=r.party,
                occupation=r.occupation,
                mobile=r.mobile,
                congress=congress,
            )
            new_people.append(r.person)
        else:
            _update_person(r.person, r, congress, log)
    _bulk_create(Person, new_people)
    for p in new_people:
        log.add(p, "person.created", payload={"source": "roster_import"})

    mandates = []
    for r in rows:
        mandate = Mandate(
            person=r.person,
            congress=congress,
            term=term,
            electoral_unit=r.electoral_unit,
            start_date=r.elected_on or term.start_date,
            is_grassroots=r.is_grassroots,
            fields=r.fields,
        )
        r.mandate = mandate
        mandates.append(mandate)
    _bulk_create(Mandate, mandates)
    for m in mandates:
        log.add(
            m,
            "mandate.created",
            to_state="current",
            payload={
                "person": m.person_id,
                "term": term.pk,
                "electoral_unit": m.electoral_unit_id,
                "start": m.start_date.isoformat(),
                "source": "roster_import",
            },
        )

    places = [
        StationDeputy(station=r.station, mandate=r.mandate, assigned_on=today) for r in rows if r.station
    ]
    _bulk_create(StationDeputy, places)
    for place in places:
        log.add(
            place.station,
            "station.deputy_assigned",
            congress_id=place.station.congress_id,
            payload={"mandate": place.mandate_id, "source": "roster_import"},
        )

    credentials, new_users = [], []
    for r in rows:
        account = r.account
        if account is None:
            user, password = _new_account(
                username=r.mobile, mobile=r.mobile, congress=congress, person=r.person
            )
            new_users.append(user)
            credentials.append(Credential(r.mobile, r.name, password, str(Role.DEPUTY.label)))
            continue
        changed = []
        if account.person_id is None:
            account.person = r.person
            changed.append("person")
            log.add(account, ACCOUNT_LINKED, payload={"person": r.person.pk}, is_security=True)
        if not account.is_active:
            account.is_active = True
            changed.append("is_active")
            log.add(account, ACCOUNT_ACTIVATED, from_state="inactive", to_state="active", is_security=True)
        if changed:
            account.save(update_fields=changed)
    _bulk_create(User, new_users)
    for u in new_users:
        log.add(
            u, ACCOUNT_CREATED, payload={"person": u.person_id, "source": "roster_import"}, is_security=True
        )

    portal_cache.bump()  # the public pages show these rows; bulk_create sends no post_save
    counts = {
        "people_created": len(new_people),
        "mandates_created": len(mandates),
        "stations_assigned": len(places),
        "accounts_created": len(new_users),
    }
    return counts, credentials


def roster_import_deputies(
    *, actor, congress: Congress, term: Term, file, dry_run: bool = False
) -> ImportReport:
    """Import a roster of deputies into `term` of `congress`: one mandate per row, all rows or none."""
    require_manage(actor, congress.pk)
    if term.congress_id != congress.pk:
        raise ServiceError("term_not_in_congress", _("This term belongs to another congress."))
    if term.end_date < timezone.localdate():
        raise ServiceError("term_ended", _("This term has ended; import deputies into the current term."))
    rows = roster.parse_deputies(file)
    report = ImportReport(kind="deputies", rows=rows, dry_run=dry_run)
    check = {
        "actor": actor,
        "congress": congress,
        "term": term,
        "start": term.start_date,
        "end": term.end_date,
    }
    if dry_run:
        roster.check_deputies(rows, **check)
        report.counts = _deputy_counts(rows)
        return report
    try:
        with transaction.atomic():
            _lock(congress)
            roster.check_deputies(rows, **check)
            report.counts = _deputy_counts(rows)
            if report.rejected:
                return report
            log = EventBatch(actor)
            saved, report.credentials = _save_deputies(congress=congress, term=term, rows=rows, log=log)
            report.counts.update(saved)
            log.add(
                congress,
                "roster.imported",
                payload={"roster": "deputies", "term": term.pk, "rows": len(rows), **saved},
            )
            log.flush()
    except IntegrityError:
        raise _conflict() from None
    report.saved = True
    return report


# --- a new term (换届) -------------------------------------------------------------------------


def _check_new_term(
    *, congress: Congress, number: int, start_date: dt.date, end_date: dt.date
) -> Term | None:
    """The refusals of a term change; returns the term it follows (None for a congress's first term)."""
    if number < 1:
        raise ServiceError("bad_number", _("The term number must be 1 or more."))
    if end_date <= start_date:
        raise ServiceError("dates_out_of_order", _("A term ends after it starts."))
    if start_date > timezone.localdate():
        raise ServiceError(
            "term_not_started",
            _("Import the new term on or after its first day, so the old term's deputies serve until then."),
        )
    terms = Term.objects.filter(congress=congress)
    if terms.filter(number=number).exists():
        raise ServiceError("duplicate_number", _("This congress already has a term with that number."))
    if terms.filter(start_date__gte=start_date).exists():
        raise ServiceError("term_overlap", _("A term of this congress already starts on or after that date."))
    old = terms.order_by("-start_date").first()
    if old is not None:
        if number <= old.number:
            raise ServiceError(
                "bad_number",
                _("The new term's number must be above the current one (%(number)s).")
                % {"number": old.number},
            )
        if start_date - dt.timedelta(days=1) <= old.start_date:
            raise ServiceError(
                "term_overlap", _("The new term must start after the current term's first day.")
            )
    return old


def _losing_access(*, actor, old_term: Term | None, keep_person_ids: set[int]) -> list[int]:
    """Accounts to deactivate: people whose old-term mandate closes, who are not in the new roster and hold
    no other ongoing mandate; accounts that still hold a role (staff, handler …) stay active, and so do
    accounts another congress manages (its staff decide about them)."""
    if old_term is None:
        return []
    closing = set(
        Mandate.objects.filter(term=old_term, end_date__isnull=True).values_list("person_id", flat=True)
    )
    today = timezone.localdate()
    ongoing = set(
        Mandate.objects.filter(person_id__in=closing)
        .exclude(term=old_term)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values_list("person_id", flat=True)
    )
    people = closing - keep_person_ids - ongoing
    return list(
        User.objects.filter(person_id__in=people, is_active=True, is_superuser=False, is_staff=False)
        .filter(congress__in=congresses_managed_by(user=actor))
        .exclude(roles__is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def term_change_import(
    *,
    actor,
    congress: Congress,
    new_term_number: int,
    start_date: dt.date,
    end_date: dt.date,
    file,
    dry_run: bool = False,
) -> ImportReport:
    """换届: create the new term, close every open mandate of the old one (the day before the new term starts,
    reason "term ended"), import the new roster into the new term, and deactivate the accounts of people
    left with no mandate. Re-elected people keep their Person row, old mandates and history."""
    require_manage(actor, congress.pk)
    rows = roster.parse_deputies(file)
    report = ImportReport(kind="term_change", rows=rows, dry_run=dry_run)
    try:
        with transaction.atomic():
            if not dry_run:
                _lock(congress)
            old_term = _check_new_term(
                congress=congress, number=new_term_number, start_date=start_date, end_date=end_date
            )
            roster.check_deputies(
                rows,
                actor=actor,
                congress=congress,
                term=None,
                start=start_date,
                end=end_date,
                old_term=old_term,
            )
            report.counts = _deputy_counts(rows, term_change=True)
            closing = (
                Mandate.objects.filter(term=old_term, end_date__isnull=True)
                if old_term
                else Mandate.objects.none()
            )
            keep = {r.person.pk for r in rows if r.person is not None}
            deactivate = _losing_access(actor=actor, old_term=old_term, keep_person_ids=keep)
            report.counts.update(
                {"mandates_to_close": closing.count(), "accounts_to_deactivate": len(deactivate)}
            )
            if dry_run or report.rejected:
                return report

            log = EventBatch(actor)
            term = Term.objects.create(
                congress=congress, number=new_term_number, start_date=start_date, end_date=end_date
            )
            log.add(
                term,
                "term.created",
                congress_id=congress.pk,
                payload={
                    "number": new_term_number,
                    "start": start_date.isoformat(),
                    "end": end_date.isoformat(),
                },
            )
            cut = start_date - dt.timedelta(days=1)
            if old_term is not None and old_term.end_date > cut:
                old_end = old_term.end_date
                old_term.end_date = cut
                old_term.save(update_fields=["end_date"])
                log.add(
                    old_term,
                    "term.ended",
                    congress_id=congress.pk,
                    from_state=old_end.isoformat(),
                    to_state=cut.isoformat(),
                    payload={"next_term": term.pk},
                )
            closed = list(closing)
            for m in closed:
                m.end_date = max(m.start_date, cut)
                m.end_reason = Mandate.EndReason.TERM_ENDED
                log.add(
                    m,
                    "mandate.ended",
                    from_state="current",
                    to_state="ended",
                    payload={"reason": Mandate.EndReason.TERM_ENDED, "end": m.end_date.isoformat()},
                )
            Mandate.objects.bulk_update(closed, ["end_date", "end_reason"], batch_size=500)
            portal_cache.bump()  # the ended deputies leave the public pages (no post_save in bulk)
            SCOPES.bump()  # nor their scopes

            saved, report.credentials = _save_deputies(congress=congress, term=term, rows=rows, log=log)

            User.objects.filter(pk__in=deactivate).update(is_active=False)
            for user_id in deactivate:
                log.add(
                    User(pk=user_id),
                    ACCOUNT_DEACTIVATED,
                    congress_id=congress.pk,
                    from_state="active",
                    to_state="inactive",
                    payload={"reason": "no_current_mandate"},
                    is_security=True,
                )
            saved.update({"mandates_closed": len(closed), "accounts_deactivated": len(deactivate)})
            report.counts.update(saved)
            log.add(
                congress,
                "roster.imported",
                payload={
                    "roster": "term_change",
                    "term": term.pk,
                    "old_term": old_term.pk if old_term else None,
                    "rows": len(rows),
                    **saved,
                },
            )
            log.flush()
    except IntegrityError:
        raise _conflict() from None
    report.saved = True
    return report


# --- units with handlers ------------------------------------------------------------------------


def _unit_counts(rows: list[UnitRow]) -> dict[str, int]:
    ok = [r for r in rows if r.ok]
    return {
        "rows": len(rows),
        "accepted": len(ok),
        "rejected": len(rows) - len(ok),
        "units_new": len({r.unit_name for r in ok if r.unit is None}),
        "units_existing": len({r.unit_name for r in ok if r.unit is not None}),
        "handlers": sum(1 for r in ok if r.handler_mobile),
        "accounts_new": len({r.handler_mobile for r in ok if r.handler_mobile and r.account is None}),
    }


def _save_units(*, congress: Congress, rows: list[UnitRow], log: EventBatch) -> tuple[dict, list[Credential]]:
    new_units: dict[str, Unit] = {}
    for r in rows:
        if r.unit is None:
            r.unit = new_units.setdefault(
                r.unit_name,
                Unit(congress=congress, kind=r.unit_kind, name=r.unit_name, short_name=r.unit_short),
            )
    _bulk_create(Unit, list(new_units.values()))
    for u in new_units.values():
        log.add(u, "unit.created", payload={"kind": u.kind, "source": "roster_import"})

    accounts: dict[str, User] = {}
    new_users, credentials = [], []
    for r in rows:
        if not r.handler_mobile or r.handler_mobile in accounts:
            continue
        account = r.account
        if account is None:
            account, password = _new_account(
                username=r.handler_username or r.handler_mobile,
                mobile=r.handler_mobile,
                congress=congress,
                person=r.person,
                full_name=r.handler_name,
            )
            new_users.append(account)
            credentials.append(
                Credential(account.username, r.handler_name, password, str(Role.UNIT_HANDLER.label))
            )
        elif not account.is_active:
            account.is_active = True
            account.save(update_fields=["is_active"])
            log.add(account, ACCOUNT_ACTIVATED, from_state="inactive", to_state="active", is_security=True)
        accounts[r.handler_mobile] = account
    _bulk_create(User, new_users)
    for u in new_users:
        log.add(
            u, ACCOUNT_CREATED, payload={"person": u.person_id, "source": "roster_import"}, is_security=True
        )

    roles = [
        RoleAssignment(
            user=accounts[r.handler_mobile], role=Role.UNIT_HANDLER, congress=congress, unit=r.unit
        )
        for r in rows
        if r.handler_mobile
    ]
    _bulk_create(RoleAssignment, roles)
    for ra in roles:
        log.add(
            ra.user,
            ROLE_GRANTED,
            congress_id=congress.pk,
            payload={"role": ra.role, "unit": ra.unit_id, "assignment": ra.pk, "source": "roster_import"},
            is_security=True,
        )
    counts = {
        "units_created": len(new_units),
        "accounts_created": len(new_users),
        "roles_granted": len(roles),
    }
    return counts, credentials


def roster_import_units(*, actor, congress: Congress, file, dry_run: bool = False) -> ImportReport:
    """Import undertaking units with their handlers (one handler per row), all rows or none."""
    require_manage(actor, congress.pk)
    rows = roster.parse_units(file)
    report = ImportReport(kind="units", rows=rows, dry_run=dry_run)
    if dry_run:
        roster.check_units(rows, actor=actor, congress=congress)
        report.counts = _unit_counts(rows)
        return report
    try:
        with transaction.atomic():
            _lock(congress)
            roster.check_units(rows, actor=actor, congress=congress)
            report.counts = _unit_counts(rows)
            if report.rejected:
                return report
            log = EventBatch(actor)
            saved, report.credentials = _save_units(congress=congress, rows=rows, log=log)
            report.counts.update(saved)
            log.add(congress, "roster.imported", payload={"roster": "units", "rows": len(rows), **saved})
            log.flush()
    except IntegrityError:
        raise _conflict() from None
    report.saved = True
    return report
