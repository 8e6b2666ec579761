"""The suggestions loop's JSON API: list and read suggestions in scope, read the figures (numerators and
denominators, so anyone can recompute them from the records), and take a few steps through the same services
as the pages. A suggestion outside the caller's scope answers 404; a refused step answers the ServiceError's
status with its code.
"""

import datetime as dt
import json

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination, paginate

from lvzhi.core.errors import ServiceError
from lvzhi.core.params import parse_id, parse_year
from lvzhi.org.apis import MAX_LIMIT
from lvzhi.org.models import Committee, Mandate, Unit
from lvzhi.org.scope import scope_for

from . import exports, stats
from .models import Assignment, Suggestion
from .selectors import suggestion_list_visible_to
from .services import handling, replies, review
from .views_figures import scope_from
from .workflow import State

router = Router(tags=["suggestions"])


class UnitOut(Schema):
    id: int
    name: str
    role: str
    assigned_on: dt.date


class EvaluationOut(Schema):
    round: int
    stage: str
    rating: str
    mandate_id: int


class ReplyOut(Schema):
    round: int
    replied_on: dt.date
    on_time: bool
    result_class: str
    solved: bool
    promise: bool
    reference: bool


class ConsultationOut(Schema):
    unit_id: int
    held_on: dt.date
    method: str
    face_to_face: bool


class SurveyAnswerOut(Schema):
    mandate_id: int
    rating: str
    surveyed_on: dt.date


class SuggestionOut(Schema):
    id: int
    congress_id: int
    session_id: int | None
    kind: str
    series: str
    number: int | None
    title: str
    field: str
    state: str
    authors: list[str]
    submitted_at: dt.datetime | None
    received_on: dt.date | None
    assign_due: dt.date | None
    accepted_at: dt.datetime | None
    closed_at: dt.datetime | None
    committee_id: int | None
    merged_into_id: int | None
    units: list[UnitOut]
    first_assigned_on: dt.date | None
    reply_due: dt.date | None
    replied_on: dt.date | None
    result_class: str
    replies: list[ReplyOut]
    evaluations: list[EvaluationOut]
    consultations: list[ConsultationOut]
    survey_answers: list[SurveyAnswerOut]


class SuggestionDetail(SuggestionOut):
    body: str


def _out(s: Suggestion) -> dict:
    row = exports.row_of(s)
    row.update(
        {
            "congress_id": s.congress_id,
            "session_id": s.session_id,
            "kind": s.kind,
            "received_on": s.received_on,
            "assign_due": s.assign_due,
            "committee_id": s.committee_id,
            "merged_into_id": s.merged_into_id,
            "body": s.body,
        }
    )
    return row


def _visible(request):
    return suggestion_list_visible_to(user=request.auth)


def _get(request, pk: int) -> Suggestion:
    # SECURITY: through the scoped list: a suggestion outside the caller's scope is a 404.
    return get_object_or_404(_visible(request), pk=pk)


@router.get("/suggestions", response=list[SuggestionOut], url_name="suggestion_list")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def suggestion_list(
    request,
    congress: int | None = None,
    session: int | None = None,
    state: State | None = None,
    year: int | None = None,
    unit: int | None = None,
    committee: int | None = None,
):
    """Suggestions in your scope (drafts only your own), by number: filter by congress, session, state, and
    as the figures slice them: the year received, the active lead unit (主办), the supervising committee.

    Each row holds what the figures count (dates, every reply with its class and flags, evaluations,
    consultations, survey answers), so the figures of /suggestions/figures can be recomputed from the list."""
    qs = _visible(request)
    if congress:
        qs = qs.filter(congress_id=congress)
    if session:
        qs = qs.filter(session_id=session)
    if state:
        qs = qs.filter(state=state)
    # As the figures read them: a year outside a sane span is dropped; ids go through parse_id.
    year, unit, committee = parse_year(year), parse_id(unit), parse_id(committee)
    if year:
        qs = qs.filter(received_on__year=year)
    if unit:
        qs = qs.filter(
            Exists(
                Assignment.objects.filter(
                    suggestion=OuterRef("pk"), role=Assignment.Role.LEAD, is_active=True, unit_id=unit
                )
            )
        )
    if committee:
        qs = qs.filter(committee_id=committee)
    return _LazyRows(exports.with_details(qs.order_by("congress__path", "series", "number", "pk")))


class _LazyRows:
    """Lets the paginator count and slice the queryset; only the slice is turned into rows."""

    def __init__(self, qs):
        self.qs = qs

    def count(self):
        return self.qs.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        return [_out(s) for s in self.qs[item]]


class ValueOut(Schema):
    key: str
    label: str
    definition: str
    numerator: int
    denominator: int
    rate: float | None


class UnitFiguresOut(Schema):
    unit_id: int
    name: str
    figures: list[ValueOut]


class FiguresOut(Schema):
    congress_id: int
    include_lower: bool
    session_id: int | None
    day: dt.date
    figures: list[ValueOut]
    result_classes: list[ValueOut]
    units: list[UnitFiguresOut]


@router.get("/suggestions/figures", response=FiguresOut, url_name="suggestion_figures")
def suggestion_figures(
    request,
    congress: int | None = None,
    session: int | None = None,
    lower: bool = False,
    recess: bool = False,
    year: int | None = None,
    unit: int | None = None,
    committee: int | None = None,
    field: str = "",
):
    """The figures page's numbers: each as numerator and denominator (rates are their quotient in %)."""
    request.user = request.auth
    params = {
        "congress": congress,
        "session": session,
        "lower": "1" if lower else "",
        "recess": "1" if recess else "",
        "year": year,
        "unit": unit,
        "committee": committee,
        "field": field,
    }
    scope, _congresses = scope_from(request, params)
    day = timezone.localdate()
    result = stats.compute(stats.scoped(_visible(request), scope), day=day, congress=scope.congress)
    return {
        "congress_id": scope.congress.pk,
        "include_lower": scope.include_lower,
        "session_id": scope.session_id,
        "day": day,
        "figures": [v.as_dict() for v in result.figures],
        "result_classes": [v.as_dict() for v in result.classes],
        "units": [
            {"unit_id": u.unit_id, "name": u.name, "figures": [v.as_dict() for v in u.values.values()]}
            for u in result.units
        ],
    }


@router.get("/suggestions/{int:pk}", response=SuggestionDetail, url_name="suggestion_detail")
def suggestion_detail(request, pk: int):
    return _out(exports.with_details(_visible(request)).get(pk=_get(request, pk).pk))


# --- steps, through the same services as the pages ------------------------------------------------
class AcceptIn(Schema):
    committee_id: int | None = None


class ReasonIn(Schema):
    reason: str


class AssignIn(Schema):
    lead_unit_id: int | None = None
    co_unit_ids: list[int] = []
    batch: str = ""


class ReplyIn(Schema):
    text: str
    result_code: str
    signed_by: str = ""
    promised_work: str = ""
    promised_by: dt.date | None = None
    reference_reason: str = ""


class EvaluateIn(Schema):
    rating: str
    comment: str = ""
    mandate_id: int | None = None


def _body(request, schema):
    """The JSON body, read after the suggestion was found in scope (so an outsider gets 404, not 422)."""
    from django.utils.translation import gettext as _
    from pydantic import ValidationError as PydanticError

    from lvzhi.api.api import _without_nul
    from lvzhi.api.auth import ApiProblem

    try:
        raw = json.loads(request.body or b"{}")
    except ValueError:
        raw = None
    if not isinstance(raw, dict):
        raise ApiProblem(400, "bad_request", _("Send a JSON object as the body."))
    try:
        return schema.model_validate(_without_nul(raw))
    except PydanticError as exc:
        raise ValidationError(
            [{**e, "loc": ("body", *e.get("loc", ()))} for e in exc.errors(include_url=False)]
        ) from None


def _takes(schema) -> dict:
    return {"requestBody": {"content": {"application/json": {"schema": schema.model_json_schema()}}}}


def _detail(request, s: Suggestion) -> dict:
    return suggestion_detail(request, s.pk)


def _invalid(field: str, message: str) -> ServiceError:
    return ServiceError(f"{field}_invalid", message, field=field)


@router.post(
    "/suggestions/{int:pk}/accept",
    response=SuggestionDetail,
    url_name="suggestion_accept",
    openapi_extra=_takes(AcceptIn),
)
def suggestion_accept(request, pk: int):
    """The office accepts a submitted suggestion; it gets its number (第Z号)."""
    from django.utils.translation import gettext as _

    s = _get(request, pk)
    data = _body(request, AcceptIn)
    committee = None
    if data.committee_id:
        committee = Committee.objects.filter(pk=data.committee_id, congress_id=s.congress_id).first()
        if committee is None:
            raise _invalid("committee", _("Choose a committee of this congress."))
    review.suggestion_accept(actor=request.auth, suggestion=s, committee=committee)
    return _detail(request, s)


@router.post(
    "/suggestions/{int:pk}/return",
    response=SuggestionDetail,
    url_name="suggestion_return",
    openapi_extra=_takes(ReasonIn),
)
def suggestion_return(request, pk: int):
    """The office returns it to the deputy for revision, with the reason."""
    s = _get(request, pk)
    data = _body(request, ReasonIn)
    review.suggestion_return(actor=request.auth, suggestion=s, reason=data.reason)
    return _detail(request, s)


@router.post(
    "/suggestions/{int:pk}/assign",
    response=SuggestionDetail,
    url_name="suggestion_assign",
    openapi_extra=_takes(AssignIn),
)
def suggestion_assign(request, pk: int):
    """交办: a lead unit and any co-units of the suggestion's congress."""
    from django.utils.translation import gettext as _

    s = _get(request, pk)
    data = _body(request, AssignIn)
    wanted = {u for u in [data.lead_unit_id, *data.co_unit_ids] if u}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=wanted, congress_id=s.congress_id)}
    if wanted - set(units):
        raise _invalid("unit", _("Choose an active undertaking unit of this congress."))
    handling.suggestion_assign(
        actor=request.auth,
        suggestion=s,
        lead_unit=units.get(data.lead_unit_id) if data.lead_unit_id else None,
        co_units=[units[u] for u in data.co_unit_ids],
        batch=data.batch,
    )
    return _detail(request, s)


@router.post(
    "/suggestions/{int:pk}/reply",
    response=SuggestionDetail,
    url_name="suggestion_reply",
    openapi_extra=_takes(ReplyIn),
)
def suggestion_reply(request, pk: int):
    """The lead unit's reply (the signed letter is uploaded on the page)."""
    from django.utils.translation import gettext as _

    s = _get(request, pk)
    data = _body(request, ReplyIn)
    lead = (
        Assignment.objects.filter(
            suggestion=s,
            role=Assignment.Role.LEAD,
            is_active=True,
            unit_id__in=scope_for(request.auth).unit_ids,
        )
        .select_related("suggestion")
        .first()
    )
    if lead is None:
        raise PermissionDenied(_("Only the lead unit's handlers may reply."))
    replies.reply_submit(
        actor=request.auth,
        assignment=lead,
        text=data.text,
        result_code=data.result_code,
        signed_by=data.signed_by,
        promised_work=data.promised_work,
        promised_by=data.promised_by,
        reference_reason=data.reference_reason,
    )
    return _detail(request, s)


@router.post(
    "/suggestions/{int:pk}/evaluate",
    response=SuggestionDetail,
    url_name="suggestion_evaluate",
    openapi_extra=_takes(EvaluateIn),
)
def suggestion_evaluate(request, pk: int):
    """A deputy concerned rates the reply: satisfied, basic (basically satisfied) or dissatisfied."""
    from django.utils.translation import gettext as _

    s = _get(request, pk)
    data = _body(request, EvaluateIn)
    mine = scope_for(request.auth).mandate_ids
    mandates = s.signers.filter(mandate_id__in=mine).values_list("mandate_id", flat=True)
    mandate_id = data.mandate_id or next(iter(mandates), None)
    mandate = Mandate.objects.filter(pk=mandate_id, pk__in=mine).first() if mandate_id else None
    if mandate is None:
        raise PermissionDenied(_("Only the deputies who put forward this suggestion evaluate it."))
    replies.evaluation_submit(
        actor=request.auth, suggestion=s, mandate=mandate, rating=data.rating, comment=data.comment
    )
    return _detail(request, s)
