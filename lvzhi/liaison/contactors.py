"""Who keeps contact (a standing-committee member or a special committee) and who may act for them.

A contactor is named in forms and query strings by a short key: "m<congress id>.<person id>" for a member,
"c<committee id>" for a committee; `contactor_from_key` resolves a key only among the contactors the user
may act for (or read), so a key is never a way to reach someone else's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from lvzhi.org.models import Committee, CommitteeMembership, Congress, Person
from lvzhi.org.permissions import can_manage_congress
from lvzhi.org.scope import scope_for

from .models import Side


@dataclass(frozen=True)
class Contactor:
    side: str
    congress: Congress
    member: Person | None = None
    committee: Committee | None = None

    @property
    def key(self) -> str:
        if self.member is not None:
            return f"m{self.congress.pk}.{self.member.pk}"
        return f"c{self.committee.pk}"

    @property
    def name(self) -> str:
        return self.member.name if self.member is not None else self.committee.name

    @property
    def label(self) -> str:
        return f"{self.name}（{self.congress.short_name or self.congress.name}）"

    def lookup(self, prefix: str = "") -> dict:
        """Filter keywords selecting this contactor's rows (assignments, contacts)."""
        if self.member is not None:
            return {f"{prefix}member": self.member, f"{prefix}congress": self.congress}
        return {f"{prefix}committee": self.committee}

    @classmethod
    def of(cls, row) -> Contactor:
        """The contactor of an assignment or a contact (its member / committee / congress loaded)."""
        if row.member_id:
            return cls(Side.MEMBER, row.congress, member=row.member)
        return cls(Side.COMMITTEE, row.congress, committee=row.committee)


def sc_seats(on=None) -> QuerySet[CommitteeMembership]:
    """Seats on a standing committee held on `on` (today by default)."""
    on = on or timezone.localdate()
    return CommitteeMembership.objects.filter(
        committee__kind=Committee.Kind.STANDING, start_date__lte=on
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


def members_of(congress_ids, on=None) -> list[Contactor]:
    """The standing-committee members of these congresses, as contactors, by congress and name."""
    seats = (
        sc_seats(on)
        .filter(committee__congress_id__in=list(congress_ids))
        .select_related("person", "committee__congress")
        .order_by("committee__congress__path", "person__name", "person_id")
    )
    out, seen = [], set()
    for seat in seats:
        key = (seat.committee.congress_id, seat.person_id)
        if key not in seen:
            seen.add(key)
            out.append(Contactor(Side.MEMBER, seat.committee.congress, member=seat.person))
    return out


def committees_of(congress_ids) -> list[Contactor]:
    rows = (
        Committee.objects.filter(congress_id__in=list(congress_ids), kind=Committee.Kind.SPECIAL)
        .select_related("congress")
        .order_by("congress__path", "id")
    )
    return [Contactor(Side.COMMITTEE, c.congress, committee=c) for c in rows]


def own_member_seats(user) -> list[Contactor]:
    """The user as a standing-committee member (of each congress where they hold a seat today)."""
    s = scope_for(user)
    if not s.person_id:
        return []
    seats = sc_seats().filter(person_id=s.person_id).select_related("person", "committee__congress")
    seen, out = set(), []
    for seat in seats.order_by("committee__congress__path"):
        if seat.committee.congress_id not in seen:
            seen.add(seat.committee.congress_id)
            out.append(Contactor(Side.MEMBER, seat.committee.congress, member=seat.person))
    return out


def own_committees(user) -> list[Contactor]:
    s = scope_for(user)
    return [
        Contactor(Side.COMMITTEE, c.congress, committee=c)
        for c in Committee.objects.filter(pk__in=s.committee_ids, kind=Committee.Kind.SPECIAL)
        .select_related("congress")
        .order_by("congress__path", "id")
    ]


# --- rights -------------------------------------------------------------------------------------------
def can_log_for(user, contactor: Contactor) -> bool:
    """The member themselves, the committee's staff, or the deputy-affairs staff of the congress."""
    s = scope_for(user)
    if can_manage_congress(user, contactor.congress.pk):
        return True
    if contactor.member is not None:
        return s.person_id == contactor.member.pk and any(
            c.congress.pk == contactor.congress.pk for c in own_member_seats(user)
        )
    return contactor.committee.pk in s.committee_ids


def can_assign_for(user, contactor: Contactor) -> bool:
    """The congress's staff assign deputies to members and committees; a committee's staff to their own."""
    if can_manage_congress(user, contactor.congress.pk):
        return True
    return contactor.committee is not None and contactor.committee.pk in scope_for(user).committee_ids


def contactors_for_logging(user) -> list[Contactor]:
    s = scope_for(user)
    out = own_member_seats(user) + own_committees(user)
    acts = _all_congress_ids() if s.is_admin else set(s.act_congress_ids)
    if acts:
        out += members_of(acts) + committees_of(acts)
    return _unique(out)


def contactors_for_assigning(user) -> list[Contactor]:
    s = scope_for(user)
    out = own_committees(user)
    acts = _all_congress_ids() if s.is_admin else set(s.act_congress_ids)
    if acts:
        out += members_of(acts) + committees_of(acts)
    return _unique(out)


def contactors_read_by(user) -> list[Contactor]:
    """Every contactor whose assignments and contacts the user reads (for the filters of the lists)."""
    s = scope_for(user)
    out = own_member_seats(user) + own_committees(user)
    if s.read_paths or s.is_admin:
        ids = (
            _all_congress_ids()
            if s.is_admin
            else set(Congress.objects.filter(_tree_q(s)).values_list("pk", flat=True))
        )
        out += members_of(ids) + committees_of(ids)
    return _unique(out)


def _all_congress_ids() -> set[int]:
    return set(Congress.objects.filter(has_standing_committee=True).values_list("pk", flat=True))


def _tree_q(s) -> Q:
    q = Q(pk__in=[])
    for path in s.read_paths:
        q |= Q(path__startswith=path)
    return q


def _unique(rows: list[Contactor]) -> list[Contactor]:
    seen, out = set(), []
    for c in rows:
        if c.key not in seen:
            seen.add(c.key)
            out.append(c)
    return out


def contactor_from_key(key, choices: list[Contactor]) -> Contactor | None:
    """The contactor a form or query names, only among `choices` (never a lookup by a raw id)."""
    key = str(key or "").strip()
    return next((c for c in choices if c.key == key), None)


def is_office(user) -> bool:
    """Staff of some congress (or a site administrator): the ones who enter raised opinions."""
    s = scope_for(user)
    return s.is_admin or bool(s.act_congress_ids)
