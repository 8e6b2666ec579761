"""The organisation's JSON API: congresses, deputies (mandates), undertaking units, groups, committees.

Every route reads through org.selectors, so a record outside the caller's scope answers 404.
People are shown by their basics only: never a mobile number.
"""

import datetime as dt

from django.db.models import Count
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from lvzhi.core.params import clean_query

from . import selectors
from .models import Committee, Congress, DeputyGroup, Unit
from .tokens import token_create, token_list_of, token_revoke

router = Router(tags=["organisation"])
MAX_LIMIT = 500


class Ref(Schema):
    id: int
    name: str


class CongressRef(Schema):
    id: int
    name: str
    short_name: str
    level: str


class CongressOut(CongressRef):
    region_name: str
    region_code: str
    parent_id: int | None
    has_standing_committee: bool


class SessionOut(Schema):
    id: int
    number: int
    start_date: dt.date
    end_date: dt.date


class TermOut(Schema):
    id: int
    number: int
    start_date: dt.date
    end_date: dt.date
    sessions: list[SessionOut]

    @staticmethod
    def resolve_sessions(obj):
        return list(obj.sessions.all())


class CongressDetail(CongressOut):
    terms: list[TermOut]

    @staticmethod
    def resolve_terms(obj):
        return list(obj.terms.prefetch_related("sessions"))


class PersonBasics(Schema):
    """What any reader in scope may know of a person. No mobile number, no birth date."""

    id: int
    name: str
    gender: str
    ethnicity: str
    party: str
    occupation: str


class TermRef(Schema):
    id: int
    number: int


class DeputyOut(Schema):
    id: int
    person: PersonBasics
    congress: CongressRef
    term: TermRef
    electoral_unit: Ref | None
    start_date: dt.date
    end_date: dt.date | None
    end_reason: str
    is_grassroots: bool
    is_current: bool
    fields: list[str]

    @staticmethod
    def resolve_is_current(obj):
        return obj.is_current()


class LeaveOut(Schema):
    start_date: dt.date
    end_date: dt.date


class DeputyDetail(DeputyOut):
    groups: list[Ref]
    stations: list[Ref]
    leaves: list[LeaveOut]
    other_mandates: list[DeputyOut]

    # Related records are listed only as far as the caller may read them.
    @staticmethod
    def resolve_groups(obj, context):
        user = context["request"].auth
        return list(
            selectors.group_list_visible_to(user=user).filter(memberships__mandate=obj).order_by("name")
        )

    @staticmethod
    def resolve_stations(obj, context):
        from lvzhi.stations.selectors import station_list_visible_to

        user = context["request"].auth
        return list(station_list_visible_to(user=user).filter(assignments__mandate=obj).order_by("name"))

    @staticmethod
    def resolve_leaves(obj):
        return list(obj.leaves.all())

    @staticmethod
    def resolve_other_mandates(obj, context):
        user = context["request"].auth
        return list(
            selectors.mandate_list_visible_to(user=user)
            .filter(person_id=obj.person_id)
            .exclude(pk=obj.pk)
            .order_by("congress__path")
        )


class UnitOut(Schema):
    id: int
    congress: CongressRef
    kind: str
    name: str
    short_name: str
    is_active: bool


class GroupLeader(Schema):
    mandate_id: int
    name: str


class GroupOut(Schema):
    id: int
    congress: CongressRef
    kind: str
    name: str
    leader: GroupLeader | None
    member_count: int

    @staticmethod
    def resolve_leader(obj):
        if obj.leader_id is None:
            return None
        return {"mandate_id": obj.leader_id, "name": obj.leader.person.name}


class MemberOut(Schema):
    mandate_id: int
    name: str
    congress: CongressRef


class GroupDetail(GroupOut):
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj, context):
        # Members the caller may read: a leader reads them all; a member reads the group and themself.
        rows = (
            selectors.mandate_list_visible_to(user=context["request"].auth)
            .filter(group_memberships__group=obj)
            .order_by("person__name", "pk")
        )
        return [{"mandate_id": m.pk, "name": m.person.name, "congress": m.congress} for m in rows]


class CommitteeOut(Schema):
    id: int
    congress: CongressRef
    kind: str
    name: str
    short_name: str
    fields: list[str]


class CommitteeMember(Schema):
    person: PersonBasics
    position: str
    start_date: dt.date
    end_date: dt.date | None


class CommitteeDetail(CommitteeOut):
    members: list[CommitteeMember]

    @staticmethod
    def resolve_members(obj):
        return list(
            obj.memberships.select_related("person").filter(end_date__isnull=True).order_by("position", "pk")
        )


# --- congresses --------------------------------------------------------------------------------
@router.get("/congresses", response=list[CongressOut], url_name="congress_list")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def congress_list(request, level: Congress.Level | None = None, parent: int | None = None):
    """Congresses you can read: your own, and below it for staff and chairs."""
    qs = selectors.congress_list_visible_to(user=request.auth)
    if level:
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    return qs.order_by("path")


@router.get("/congresses/{int:pk}", response=CongressDetail, url_name="congress_detail")
def congress_detail(request, pk: int):
    return get_object_or_404(selectors.congress_list_visible_to(user=request.auth), pk=pk)


# --- deputies ----------------------------------------------------------------------------------
@router.get("/deputies", response=list[DeputyOut], url_name="deputy_list")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def deputy_list(
    request,
    q: str = "",
    congress: int | None = None,
    station: str = "",
    grassroots: bool | None = None,
    current: bool = True,
):
    """Deputy mandates in your scope. `q` searches name and occupation; `station=none` lists deputies in
    no station; `current=false` includes ended mandates."""
    # The deputy list page's search, so the page and the API cannot drift apart.
    filters = selectors.DeputyFilters(
        q=clean_query(q),
        congress_id=congress,
        status="current" if current else "all",
        grassroots="" if grassroots is None else ("yes" if grassroots else "no"),
        station_none=station == "none",
    )
    qs = selectors.deputy_search(user=request.auth, filters=filters)
    return qs.order_by("congress__path", "person__name", "pk")


@router.get("/deputies/{int:pk}", response=DeputyDetail, url_name="deputy_detail")
def deputy_detail(request, pk: int):
    return get_object_or_404(selectors.mandate_list_visible_to(user=request.auth), pk=pk)


# --- units -------------------------------------------------------------------------------------
@router.get("/units", response=list[UnitOut], url_name="unit_list")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def unit_list(
    request, congress: int | None = None, kind: Unit.Kind | None = None, active: bool | None = None
):
    """Undertaking units in your scope."""
    qs = selectors.unit_list_visible_to(user=request.auth)
    if congress is not None:
        qs = qs.filter(congress_id=congress)
    if kind:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("congress__path", "kind", "pk")


@router.get("/units/{int:pk}", response=UnitOut, url_name="unit_detail")
def unit_detail(request, pk: int):
    return get_object_or_404(selectors.unit_list_visible_to(user=request.auth), pk=pk)


# --- groups ------------------------------------------------------------------------------------
def _groups(request):
    return selectors.group_list_visible_to(user=request.auth).annotate(member_count=Count("memberships"))


@router.get("/groups", response=list[GroupOut], url_name="group_list")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def group_list(request, congress: int | None = None, kind: DeputyGroup.Kind | None = None):
    """Deputy groups in your scope."""
    qs = _groups(request)
    if congress is not None:
        qs = qs.filter(congress_id=congress)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("congress__path", "name", "pk")


@router.get("/groups/{int:pk}", response=GroupDetail, url_name="group_detail")
def group_detail(request, pk: int):
    return get_object_or_404(_groups(request), pk=pk)


# --- committees --------------------------------------------------------------------------------
@router.get("/committees", response=list[CommitteeOut], url_name="committee_list")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def committee_list(request, congress: int | None = None, kind: Committee.Kind | None = None):
    """Committees in your scope."""
    qs = selectors.committee_list_visible_to(user=request.auth)
    if congress is not None:
        qs = qs.filter(congress_id=congress)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("congress__path", "kind", "pk")


@router.get("/committees/{int:pk}", response=CommitteeDetail, url_name="committee_detail")
def committee_detail(request, pk: int):
    return get_object_or_404(selectors.committee_list_visible_to(user=request.auth), pk=pk)


# --- the caller's own API tokens ---------------------------------------------------------------
class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenOut):
    token: str


class TokenIn(Schema):
    name: str


@router.get("/tokens", response=list[TokenOut], url_name="token_list", tags=["accounts"])
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def token_list(request):
    """Your own API tokens (never the tokens themselves: those are shown once, at creation)."""
    return token_list_of(user=request.auth)


@router.post("/tokens", response={201: TokenCreated}, url_name="token_create", tags=["accounts"])
def token_create_route(request, data: TokenIn):
    """Create a token; the answer holds it, and it is never shown again."""
    token, plaintext = token_create(user=request.auth, name=data.name, request=request)
    token.token = plaintext
    return Status(201, token)


@router.delete("/tokens/{int:pk}", response=TokenOut, url_name="token_revoke", tags=["accounts"])
def token_revoke_route(request, pk: int):
    """Revoke one of your tokens."""
    token = get_object_or_404(token_list_of(user=request.auth), pk=pk)
    return token_revoke(actor=request.auth, token=token, request=request)
