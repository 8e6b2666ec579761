"""Reads of briefings, always scoped to the reader: a record outside the scope is not found (404).

The office (staff and chairs) reads the briefings of its congress tree, in every state, with their recipients.
A deputy reads the published briefings it is a recipient of (it holds a read receipt), nothing else: a draft
or a withdrawn briefing, or one sent to others, is not found.

# SECURITY: every briefing page, download and export fetches through these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from lvzhi.core.params import clean_query, parse_id
from lvzhi.org.models import Congress, DeputyGroup
from lvzhi.org.scope import scope_for
from lvzhi.stations.models import Station

from .models import Briefing, BriefingFile, Receipt
from .workflow import State


def briefings_visible_to(*, user) -> QuerySet[Briefing]:
    s = scope_for(user)
    qs = Briefing.objects.select_related("congress")
    if s.is_admin:
        return qs
    q = s.in_tree("congress")
    if s.person_id:
        # SECURITY: a deputy reads only published briefings it received (its receipt), never drafts.
        mine = Receipt.objects.filter(person_id=s.person_id).values("briefing_id")
        q |= Q(state=State.PUBLISHED, pk__in=mine)
    return qs.filter(q)


def briefings_of_office(*, user) -> QuerySet[Briefing]:
    """The briefings the reader sees as the office (its tree's, in every state); deputies' own are not here."""
    s = scope_for(user)
    qs = Briefing.objects.select_related("congress")
    if s.is_admin:
        return qs
    return qs.filter(s.in_tree("congress"))


def files_visible_to(*, user) -> QuerySet[BriefingFile]:
    return BriefingFile.objects.filter(briefing__in=briefings_visible_to(user=user).values("pk"))


def with_counts(qs: QuerySet[Briefing]) -> QuerySet[Briefing]:
    """Each briefing with its number of recipients and of those who have read it."""
    return qs.annotate(
        recipient_count=Count("receipts", distinct=True),
        read_count=Count("receipts", filter=Q(receipts__read_at__isnull=False), distinct=True),
    )


def share(read: int, recipients: int) -> int | None:
    """The share read, in whole percent (rounded down, so 100 means everyone); None without recipients."""
    if not recipients:
        return None
    return read * 100 // recipients


@dataclass
class OfficeFilters:
    q: str = ""
    state: str = ""
    issuer: str = ""
    congress_id: int | None = None

    @classmethod
    def from_query(cls, params) -> OfficeFilters:
        state = params.get("state", "")
        issuer = params.get("issuer", "")
        return cls(
            q=clean_query(params.get("q"), 60),
            state=state if state in State.values else "",
            issuer=issuer if issuer in Briefing.IssuerKind.values else "",
            congress_id=parse_id(params.get("congress")),
        )


def office_search(*, user, filters: OfficeFilters) -> QuerySet[Briefing]:
    qs = with_counts(briefings_of_office(user=user))
    if filters.q:
        qs = qs.filter(Q(title__contains=filters.q) | Q(issuer_name__contains=filters.q))
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.issuer:
        qs = qs.filter(issuer_kind=filters.issuer)
    if filters.congress_id is not None:
        qs = qs.filter(congress_id=filters.congress_id)
    # Drafts first (they wait for the office), then the newest published.
    return qs.annotate(
        draft_first=Case(
            When(state=State.DRAFT, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("draft_first", "-published_at", "-created_at", "-pk")


@dataclass
class MineFilters:
    q: str = ""
    show: str = ""  # "", "unread", "read"
    issuer: str = ""

    @classmethod
    def from_query(cls, params) -> MineFilters:
        show = params.get("show", "")
        issuer = params.get("issuer", "")
        return cls(
            q=clean_query(params.get("q"), 60),
            show=show if show in {"unread", "read"} else "",
            issuer=issuer if issuer in Briefing.IssuerKind.values else "",
        )


def my_receipts(*, user, filters: MineFilters | None = None) -> QuerySet[Receipt]:
    """The deputy's published briefings as its receipts: unread first, then the newest."""
    s = scope_for(user)
    if not s.person_id:
        return Receipt.objects.none()
    qs = Receipt.objects.filter(person_id=s.person_id, briefing__state=State.PUBLISHED).select_related(
        "briefing__congress"
    )
    filters = filters or MineFilters()
    if filters.q:
        qs = qs.filter(Q(briefing__title__contains=filters.q) | Q(briefing__issuer_name__contains=filters.q))
    if filters.show == "unread":
        qs = qs.filter(read_at__isnull=True)
    elif filters.show == "read":
        qs = qs.filter(read_at__isnull=False)
    if filters.issuer:
        qs = qs.filter(briefing__issuer_kind=filters.issuer)
    return qs.annotate(
        read_last=Case(
            When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("read_last", "-briefing__published_at", "-pk")


def my_unread_count(*, user) -> int:
    return my_receipts(user=user, filters=MineFilters(show="unread")).count()


def my_receipt(*, user, briefing: Briefing) -> Receipt | None:
    s = scope_for(user)
    if not s.person_id:
        return None
    return Receipt.objects.filter(briefing=briefing, person_id=s.person_id).first()


@dataclass
class ReaderFilters:
    q: str = ""
    read: str = ""  # "", "yes", "no"
    congress_id: int | None = None

    @classmethod
    def from_query(cls, params) -> ReaderFilters:
        read = params.get("read", "")
        return cls(
            q=clean_query(params.get("q"), 40),
            read=read if read in {"yes", "no"} else "",
            congress_id=parse_id(params.get("congress")),
        )


def readers_of(*, briefing: Briefing, filters: ReaderFilters | None = None) -> QuerySet[Receipt]:
    """The recipients of a briefing the caller fetched through briefings_of_office: unread first."""
    filters = filters or ReaderFilters()
    qs = Receipt.objects.filter(briefing=briefing).select_related("person", "mandate__congress")
    if filters.q:
        qs = qs.filter(person__name__contains=filters.q)
    if filters.read == "yes":
        qs = qs.filter(read_at__isnull=False)
    elif filters.read == "no":
        qs = qs.filter(read_at__isnull=True)
    if filters.congress_id is not None:
        qs = qs.filter(mandate__congress_id=filters.congress_id)
    return qs.annotate(
        read_last=Case(
            When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("read_last", "mandate__congress__path", "person__name", "pk")


def reader_congresses(*, briefing: Briefing) -> QuerySet[Congress]:
    """The congresses the recipients of a briefing sit in (for the readers' filter)."""
    ids = Receipt.objects.filter(briefing=briefing).values("mandate__congress_id")
    return Congress.objects.filter(pk__in=ids).order_by("path")


# --- what a draft may be sent to: the briefing's congress and everything below it -------------------------
def target_congresses(congress: Congress) -> QuerySet[Congress]:
    return Congress.objects.filter(path__startswith=congress.path).order_by("path")


def target_groups(congress: Congress) -> QuerySet[DeputyGroup]:
    return (
        DeputyGroup.objects.filter(congress__path__startswith=congress.path)
        .select_related("congress")
        .order_by("congress__path", "name")
    )


def target_stations(congress: Congress) -> QuerySet[Station]:
    return (
        Station.objects.filter(congress__path__startswith=congress.path, is_active=True)
        .select_related("congress")
        .order_by("congress__path", "name")
    )
