"""Reads of the two contacts, always scoped to the reader. A record outside the scope is not found (404).

# SECURITY: every list and detail page of assignments, contacts and raised opinions fetches through these.

Who reads what:
- deputy-affairs staff and chairs: everything of their congress and the congresses below it;
- a standing-committee member: their own assignments and the contacts they logged (or that were logged for
  them), never another member's;
- a special committee's staff: their committee's;
- a deputy: the assignments that name them (who their contact members are) and the contacts they took part
  in, read-only.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from lvzhi.org.congress_settings import setting_for
from lvzhi.org.models import Committee, Congress, Mandate, Person
from lvzhi.org.scope import scope_for

from .contactors import Contactor, own_committees, own_member_seats, sc_seats
from .models import Assignment, Contact, ContactDeputy, RaisedOpinion, Side

MINIMUM_KEY = "contacts_per_year"


def _contactor_q(s, prefix: str = "") -> Q:
    """Rows whose contactor the scope reads (the tree, the member themselves, their committees)."""
    q = s.in_tree(f"{prefix}congress")
    if s.person_id:
        q |= Q(**{f"{prefix}member_id": s.person_id})
    if s.committee_ids:
        q |= Q(**{f"{prefix}committee_id__in": list(s.committee_ids)})
    return q


# --- assignments ---------------------------------------------------------------------------------------
def assignments_visible_to(*, user) -> QuerySet[Assignment]:
    s = scope_for(user)
    qs = Assignment.objects.select_related(
        "congress", "member", "committee", "mandate__person", "mandate__congress"
    )
    if s.is_admin:
        return qs
    q = _contactor_q(s)
    if s.mandate_ids:
        q |= Q(mandate_id__in=list(s.mandate_ids))
    return qs.filter(q)


def assignments_of_contactors(*, user) -> QuerySet[Assignment]:
    """Assignments the user reads as a contactor or their office (not as the deputy named in them)."""
    s = scope_for(user)
    qs = Assignment.objects.select_related(
        "congress", "member", "committee", "mandate__person", "mandate__congress"
    )
    return qs if s.is_admin else qs.filter(_contactor_q(s))


def active_on(qs: QuerySet[Assignment], start: dt.date, end: dt.date | None = None) -> QuerySet[Assignment]:
    """Assignments running at some time between start and end (on `start` when no end is given)."""
    end = end or start
    return qs.filter(start_date__lte=end).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))


# --- contacts -------------------------------------------------------------------------------------------
def contacts_visible_to(*, user) -> QuerySet[Contact]:
    s = scope_for(user)
    qs = Contact.objects.select_related("congress", "member", "committee", "logged_by__person")
    if s.is_admin:
        return qs
    q = _contactor_q(s)
    if s.mandate_ids:
        q |= Q(pk__in=ContactDeputy.objects.filter(mandate_id__in=list(s.mandate_ids)).values("contact_id"))
    return qs.filter(q)


def contacts_of_contactors(*, user) -> QuerySet[Contact]:
    s = scope_for(user)
    qs = Contact.objects.select_related("congress", "member", "committee", "logged_by__person")
    return qs if s.is_admin else qs.filter(_contactor_q(s))


def raised_visible_to(*, user) -> QuerySet[RaisedOpinion]:
    return RaisedOpinion.objects.select_related(
        "contact__congress",
        "contact__member",
        "contact__committee",
        "mandate__person",
        "opinion",
        "suggestion",
    ).filter(contact__in=contacts_visible_to(user=user))


# --- the contactors' own pages -----------------------------------------------------------------------------
def members_visible_to(*, user) -> QuerySet[Person]:
    """The members whose page (their deputies, their contacts) the user may open."""
    s = scope_for(user)
    seated = sc_seats().values("person_id")
    qs = Person.objects.all()
    if s.is_admin:
        return qs.filter(Q(pk__in=seated) | Q(pk__in=Assignment.objects.values("member_id")))
    tree_seats = sc_seats().filter(s.in_tree("committee__congress")).values("person_id")
    q = Q(pk__in=tree_seats) | Q(pk__in=Assignment.objects.filter(s.in_tree()).values("member_id"))
    if s.person_id:
        q |= Q(pk=s.person_id, pk__in=seated) | Q(
            pk=s.person_id, pk__in=Assignment.objects.filter(member_id=s.person_id).values("member_id")
        )
    return qs.filter(q)


def committees_visible_to(*, user) -> QuerySet[Committee]:
    """The special committees whose page the user may open."""
    s = scope_for(user)
    qs = Committee.objects.filter(kind=Committee.Kind.SPECIAL).select_related("congress")
    if s.is_admin:
        return qs
    return qs.filter(s.in_tree() | Q(pk__in=list(s.committee_ids)))


def member_congresses(person: Person, user) -> list[Congress]:
    """The congresses where `person` is (or was) a member the user reads: their seats and assignments."""
    s = scope_for(user)
    ids = set(sc_seats().filter(person=person).values_list("committee__congress_id", flat=True))
    ids |= set(Assignment.objects.filter(member=person).values_list("congress_id", flat=True))
    congresses = Congress.objects.filter(pk__in=ids).order_by("path")
    if s.is_admin or s.person_id == person.pk:
        return list(congresses)
    return [c for c in congresses if any(c.path.startswith(p) for p in s.read_paths)]


# --- the board: a contactor's deputies with their last contact and this year's count --------------------------
@dataclass
class BoardRow:
    assignment: Assignment
    last_contact: dt.date | None
    year_count: int
    quarter_count: int
    minimum: int
    required: int
    since: dt.date | None = None  # the day the contact began, when it began during the year

    @property
    def prorated(self) -> bool:
        """The target is less than the yearly minimum: the contact ran for part of the year only."""
        return self.required != self.minimum

    @property
    def short_by(self) -> int:
        return max(0, self.required - self.year_count)

    @property
    def met(self) -> bool:
        return self.year_count >= self.required


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end = dt.date(
        day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1
    ) - dt.timedelta(days=1)
    return start, end


def year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def required_in(minimum: int, assignment: Assignment, year: int) -> int:
    """The year's minimum, pro-rated for an assignment that ran part of the year: ceil(min × days ÷ days)."""
    start, end = year_span(year)
    days_in_year = (end - start).days + 1
    first = max(start, assignment.start_date)
    last = min(end, assignment.end_date or end)
    served = max(0, (last - first).days + 1)
    if served >= days_in_year:
        return minimum
    return math.ceil(minimum * served / days_in_year)


def _pair_contacts(side_field: str) -> QuerySet[ContactDeputy]:
    """Contact rows of the same contactor (member or committee) with the same deputy as the outer assignment."""
    base = ContactDeputy.objects.filter(mandate_id=OuterRef("mandate_id"))
    if side_field == "member":
        return base.filter(
            contact__member_id=OuterRef("member_id"), contact__congress_id=OuterRef("congress_id")
        )
    return base.filter(contact__committee_id=OuterRef("committee_id"))


def annotate_counts(qs: QuerySet[Assignment], start: dt.date, end: dt.date, *, quarter=None) -> QuerySet:
    """Each assignment with its contacts between start and end, its last contact ever (and in the quarter)."""

    def count(side: str, lo: dt.date, hi: dt.date):
        rows = (
            _pair_contacts(side)
            .filter(contact__date__gte=lo, contact__date__lte=hi)
            .values("mandate_id")
            .annotate(n=Count("contact_id", distinct=True))
            .values("n")
        )
        return Coalesce(Subquery(rows[:1]), 0)

    def last(side: str):
        rows = _pair_contacts(side).values("mandate_id").annotate(d=Max("contact__date")).values("d")
        return Subquery(rows[:1])

    members = qs.filter(side=Side.MEMBER).annotate(n_year=count("member", start, end), last=last("member"))
    committees = qs.filter(side=Side.COMMITTEE).annotate(
        n_year=count("committee", start, end), last=last("committee")
    )
    if quarter is not None:
        members = members.annotate(n_quarter=count("member", *quarter))
        committees = committees.annotate(n_quarter=count("committee", *quarter))
    return members, committees


def _minimums(congress_ids) -> dict[int, int]:
    return {c.pk: int(setting_for(c, MINIMUM_KEY)) for c in Congress.objects.filter(pk__in=set(congress_ids))}


def board(*, assignments: QuerySet[Assignment], today: dt.date | None = None) -> list[BoardRow]:
    """The rows of a contactor's page (or a deputy's): current assignments, last contact, this year's count."""
    today = today or timezone.localdate()
    start, end = year_span(today.year)
    current = active_on(assignments, today)
    members, committees = annotate_counts(current, start, end, quarter=quarter_of(today))
    rows = list(members) + list(committees)
    minimums = _minimums(a.congress_id for a in rows)
    out = [
        BoardRow(
            assignment=a,
            last_contact=a.last,
            year_count=a.n_year,
            quarter_count=a.n_quarter,
            minimum=minimums[a.congress_id],
            required=required_in(minimums[a.congress_id], a, today.year),
            since=a.start_date if a.start_date > start else None,
        )
        for a in rows
    ]
    out.sort(
        key=lambda r: (
            r.assignment.congress.path,
            r.assignment.contactor_name,
            r.assignment.mandate.person.name,
        )
    )
    return out


# --- coverage -------------------------------------------------------------------------------------------
@dataclass
class CoverageFilters:
    congress: Congress | None = None
    side: str = ""  # "", member, committee
    contactor: Contactor | None = None
    query: str = ""


def _filtered(qs: QuerySet[Assignment], f: CoverageFilters) -> QuerySet[Assignment]:
    if f.congress is not None:
        qs = qs.filter(congress=f.congress)
    if f.side in Side.values:
        qs = qs.filter(side=f.side)
    if f.contactor is not None:
        qs = qs.filter(**f.contactor.lookup())
    if f.query:
        qs = qs.filter(mandate__person__name__contains=f.query)
    return qs


def quiet_this_quarter(*, user, filters: CoverageFilters, quarter: tuple[dt.date, dt.date]) -> list[BoardRow]:
    """Member–deputy (and committee–deputy) pairs with no contact in the quarter, among pairs running then."""
    start, end = quarter
    qs = _filtered(active_on(assignments_of_contactors(user=user), start, end), filters)
    year_start, year_end = year_span(start.year)
    members, committees = annotate_counts(qs, year_start, year_end, quarter=quarter)
    rows = [a for a in list(members) + list(committees) if a.n_quarter == 0]
    minimums = _minimums(a.congress_id for a in rows)
    out = [
        BoardRow(
            a,
            a.last,
            a.n_year,
            0,
            minimums[a.congress_id],
            required_in(minimums[a.congress_id], a, start.year),
        )
        for a in rows
    ]
    out.sort(
        key=lambda r: (
            r.assignment.congress.path,
            r.assignment.contactor_name,
            r.assignment.mandate.person.name,
        )
    )
    return out


def below_minimum(*, user, filters: CoverageFilters, year: int, show_all: bool = False) -> list[BoardRow]:
    """Pairs running in the year whose contacts fall short of the congress's yearly minimum (pro-rated)."""
    start, end = year_span(year)
    qs = _filtered(active_on(assignments_of_contactors(user=user), start, end), filters)
    members, committees = annotate_counts(qs, start, end)
    rows = list(members) + list(committees)
    minimums = _minimums(a.congress_id for a in rows)
    out = []
    for a in rows:
        required = required_in(minimums[a.congress_id], a, year)
        row = BoardRow(a, a.last, a.n_year, 0, minimums[a.congress_id], required)
        if show_all or not row.met:
            out.append(row)
    out.sort(
        key=lambda r: (
            -r.short_by,
            r.assignment.congress.path,
            r.assignment.contactor_name,
            r.assignment.mandate.person.name,
        )
    )
    return out


@dataclass
class UnreachedRow:
    mandate: Mandate
    member_count: int
    committee_count: int


def unreached(*, user, congress: Congress, year: int, side: str = "", assigned: str = "", query: str = ""):
    """Deputies of `congress` that no member (or committee, or either) has reached in the year.

    Staff and chairs read every serving deputy of the congress; a member or a committee's staff read the
    deputies assigned to them. `assigned` narrows to deputies with ("yes") or without ("no") an assignment."""
    s = scope_for(user)
    start, end = year_span(year)
    on = min(end, timezone.localdate())
    readable = active_on(assignments_of_contactors(user=user).filter(congress=congress), start, end)
    if side in Side.values:
        readable = readable.filter(side=side)
    reads_all = s.is_admin or any(congress.path.startswith(p) for p in s.read_paths)
    mandates = Mandate.objects.filter(congress=congress).current(on).select_related("person", "congress")
    if not reads_all:
        mandates = mandates.filter(pk__in=readable.values("mandate_id"))
    contacts = contacts_of_contactors(user=user).filter(congress=congress, date__gte=start, date__lte=end)
    if side in Side.values:
        contacts = contacts.filter(side=side)
    reached = ContactDeputy.objects.filter(contact__in=contacts).values("mandate_id")
    running = active_on(Assignment.objects.filter(congress=congress), on)
    mandates = mandates.exclude(pk__in=reached).annotate(
        n_members=Count(
            "liaison_assignments",
            filter=Q(liaison_assignments__in=running.filter(side=Side.MEMBER)),
            distinct=True,
        ),
        n_committees=Count(
            "liaison_assignments",
            filter=Q(liaison_assignments__in=running.filter(side=Side.COMMITTEE)),
            distinct=True,
        ),
    )
    if query:
        mandates = mandates.filter(person__name__contains=query)
    has_any = Exists(running.filter(mandate_id=OuterRef("pk")).values("pk"))
    if assigned == "yes":
        mandates = mandates.filter(has_any)
    elif assigned == "no":
        mandates = mandates.exclude(has_any)
    return [UnreachedRow(m, m.n_members, m.n_committees) for m in mandates.order_by("person__name", "pk")]


def coverage_congresses(*, user) -> list[Congress]:
    """Congresses (with a standing committee) whose coverage the user reads."""
    s = scope_for(user)
    qs = Congress.objects.filter(has_standing_committee=True).order_by("path")
    if s.is_admin:
        return list(qs)
    ids = set(assignments_of_contactors(user=user).values_list("congress_id", flat=True))
    for path in s.read_paths:
        ids |= set(qs.filter(path__startswith=path).values_list("pk", flat=True))

    ids |= {c.congress.pk for c in own_member_seats(user) + own_committees(user)}
    return list(qs.filter(pk__in=ids))


# --- summaries for the office's index ------------------------------------------------------------------------
@dataclass
class ContactorSummary:
    contactor: Contactor
    deputies: int
    contacts_this_year: int
    reached_this_year: int
    below_minimum: int
    last_contact: dt.date | None


def summaries(*, contactors: list[Contactor], today: dt.date | None = None) -> list[ContactorSummary]:
    """For each contactor: current deputies, this year's contacts and deputies reached, pairs below minimum."""
    today = today or timezone.localdate()
    start, end = year_span(today.year)
    if not contactors:
        return []
    member_q, committee_q = Q(pk__in=[]), Q(pk__in=[])
    for c in contactors:
        if c.member is not None:
            member_q |= Q(member=c.member, congress=c.congress)
        else:
            committee_q |= Q(committee=c.committee)
    current = active_on(Assignment.objects.filter(member_q | committee_q), today)
    members, committees = annotate_counts(current, start, end)
    pairs: dict[str, list] = {}
    minimums = _minimums(c.congress.pk for c in contactors)
    for a in list(members) + list(committees):
        key = f"m{a.congress_id}.{a.member_id}" if a.member_id else f"c{a.committee_id}"
        pairs.setdefault(key, []).append(a)
    contacts = Contact.objects.filter(member_q | committee_q, date__gte=start, date__lte=end)
    counts: dict[str, int] = {}
    reached: dict[str, set] = {}
    for _cid, mid, com, cong in contacts.values_list("pk", "member_id", "committee_id", "congress_id"):
        key = f"m{cong}.{mid}" if mid else f"c{com}"
        counts[key] = counts.get(key, 0) + 1
    for mid, com, cong, mandate in ContactDeputy.objects.filter(contact__in=contacts).values_list(
        "contact__member_id", "contact__committee_id", "contact__congress_id", "mandate_id"
    ):
        key = f"m{cong}.{mid}" if mid else f"c{com}"
        reached.setdefault(key, set()).add(mandate)
    last_rows = (
        Contact.objects.filter(member_q | committee_q)
        .values("member_id", "committee_id", "congress_id")
        .annotate(d=Max("date"))
    )
    last = {
        (f"m{r['congress_id']}.{r['member_id']}" if r["member_id"] else f"c{r['committee_id']}"): r["d"]
        for r in last_rows
    }
    out = []
    for c in contactors:
        rows = pairs.get(c.key, [])
        minimum = minimums[c.congress.pk]
        short = sum(1 for a in rows if a.n_year < required_in(minimum, a, today.year))
        out.append(
            ContactorSummary(
                contactor=c,
                deputies=len(rows),
                contacts_this_year=counts.get(c.key, 0),
                reached_this_year=len(reached.get(c.key, set())),
                below_minimum=short,
                last_contact=last.get(c.key),
            )
        )
    return out
