"""The figures of the suggestions loop, computed from the records (never typed in by hand).

Every figure is a pair of filters over the suggestions in scope: its denominator, and its numerator (a subset
of the denominator). The page, the list behind each number, the Excel export and the API all use the same
pair, so a number always equals the length of its list, and figures of several congresses add up: the
numerators and denominators are summed, never the rates.

Everything is aggregated in a few queries (conditional counts), without a loop over the suggestions. The
figures the dashboards show read the suggestion's own figure columns (figure_columns.py: derived from its
assignments, replies, consultations and evaluations by the services), so a province's counts and lists are
plain filters on one table; the others read their records through Exists subqueries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lvzhi.core.figures import Value
from lvzhi.org.models import Congress, Unit

from .models import Assignment, Evaluation, Reply, Suggestion, SurveyAnswer
from .selectors import HANDLING_STATES, reply_overdue
from .workflow import State

OK_RATINGS = (Evaluation.Rating.SATISFIED, Evaluation.Rating.BASIC)
BAD = Evaluation.Rating.DISSATISFIED


# --- the scope ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FigureScope:
    """Which suggestions the figures count: a congress (and those below, on request) and filters."""

    congress: Congress
    include_lower: bool = False
    session_id: int | None = None
    recess: bool = False  # recess suggestions only (no session)
    year: int | None = None  # the year the suggestion was received
    unit_id: int | None = None  # the active lead unit (主办)
    committee_id: int | None = None
    field: str = ""
    since: dt.date | None = None  # received on or after
    until: dt.date | None = None  # received on or before

    def params(self) -> dict:
        """The scope as query parameters (for links to the lists and the export)."""
        out: dict = {"congress": self.congress.pk}
        if self.include_lower:
            out["lower"] = "1"
        if self.session_id:
            out["session"] = self.session_id
        if self.recess:
            out["recess"] = "1"
        if self.year:
            out["year"] = self.year
        if self.unit_id:
            out["unit"] = self.unit_id
        if self.committee_id:
            out["committee"] = self.committee_id
        if self.field:
            out["field"] = self.field
        if self.since:
            out["since"] = self.since.isoformat()
        if self.until:
            out["until"] = self.until.isoformat()
        return out


def scoped(qs: QuerySet[Suggestion], scope: FigureScope) -> QuerySet[Suggestion]:
    """Narrow an already visible list (suggestion_list_visible_to) to the scope; drafts never count."""
    qs = qs.exclude(state=State.DRAFT).filter(submitted_at__isnull=False)
    if scope.include_lower:
        qs = qs.filter(congress__path__startswith=scope.congress.path)
    else:
        qs = qs.filter(congress=scope.congress)
    if scope.session_id:
        qs = qs.filter(session_id=scope.session_id)
    if scope.recess:
        qs = qs.filter(session__isnull=True)
    if scope.year:
        qs = qs.filter(received_on__year=scope.year)
    if scope.unit_id:
        qs = qs.filter(lead_unit_id=scope.unit_id)
    if scope.committee_id:
        qs = qs.filter(committee_id=scope.committee_id)
    if scope.field:
        qs = qs.filter(field=scope.field)
    if scope.since:
        qs = qs.filter(received_on__gte=scope.since)
    if scope.until:
        qs = qs.filter(received_on__lte=scope.until)
    return qs


# --- the pieces the figures are made of ------------------------------------------------------------
def _no_later_reply() -> Exists:
    return ~Exists(Reply.objects.filter(suggestion=OuterRef("suggestion"), round__gt=OuterRef("round")))


def _latest_reply(**kw) -> Exists:
    """The suggestion's latest reply (its last round) matches kw."""
    return Exists(Reply.objects.filter(suggestion=OuterRef("pk"), **kw).filter(_no_later_reply()))


def _evals(*, first: bool, **kw) -> Exists:
    qs = Evaluation.objects.filter(reply__suggestion=OuterRef("pk"), **kw)
    if first:
        qs = qs.filter(reply__round=1, stage=Evaluation.Stage.REPLY)
    else:
        latest = ~Exists(
            Reply.objects.filter(suggestion=OuterRef("reply__suggestion"), round__gt=OuterRef("reply__round"))
        )
        qs = qs.filter(latest)
    return Exists(qs)


def _satisfied_final() -> Q:
    """On the latest reply: the promise stage when it was rated, else the reply stage; none dissatisfied."""
    promise, reply = Evaluation.Stage.PROMISE, Evaluation.Stage.REPLY
    rated_promise = _evals(first=False, stage=promise)
    return (rated_promise & ~_evals(first=False, stage=promise, rating=BAD)) | (
        ~rated_promise & _evals(first=False, stage=reply) & ~_evals(first=False, stage=reply, rating=BAD)
    )


def _survey(**kw) -> Exists:
    """Survey answers about the suggestion's latest reply (given on or after its day; an older answer is an
    earlier round's). Kept apart from the deputies' evaluations: a survey-only congress has none of those."""
    latest_by_then = (
        Reply.objects.filter(suggestion=OuterRef("suggestion"))
        .filter(_no_later_reply())
        .annotate(day=TruncDate("replied_at", tzinfo=timezone.get_current_timezone()))
        .filter(day__lte=OuterRef("surveyed_on"))
    )
    return Exists(SurveyAnswer.objects.filter(suggestion=OuterRef("pk"), **kw).filter(Exists(latest_by_then)))


def _ever_assigned() -> Exists:
    return Exists(Assignment.objects.filter(suggestion=OuterRef("pk"), role=Assignment.Role.LEAD))


def _assigned_by_due() -> Exists:
    return Exists(
        Assignment.objects.filter(
            suggestion=OuterRef("pk"), role=Assignment.Role.LEAD, assigned_on__lte=OuterRef("assign_due")
        )
    )


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str
    denominator: Callable[[dt.date], Q]
    numerator: Callable[[dt.date], Q]  # within the denominator
    is_count: bool = False  # shown as a count (its denominator is all submitted)
    # The denominator's suggestions outside the numerator, where "not numerator" is itself a plain condition:
    # PostgreSQL joins a positive EXISTS, while NOT (NOT EXISTS …) stays a subplan run per suggestion.
    miss: Callable[[dt.date], Q] | None = None

    def num_q(self, day: dt.date) -> Q:
        return self.denominator(day) & self.numerator(day)


def _all(day) -> Q:
    return Q(submitted_at__isnull=False)


def _accepted(day) -> Q:
    return Q(accepted_at__isnull=False)


# The figures' columns (figure_columns.py) stand for the assignments, replies, consultations and
# evaluations they are derived from.
def _replied(day) -> Q:
    return Q(first_reply_on_time__isnull=False)


def _assigned(day) -> Q:
    return Q(lead_unit__isnull=False)


FIRST = Suggestion.FirstRating


FIGURES: list[Figure] = [
    Figure(
        "submitted",
        _("Submitted"),
        _("Suggestions submitted to the office (drafts not counted)."),
        _all,
        _all,
        is_count=True,
    ),
    Figure(
        "accepted",
        _("Accepted"),
        _("Accepted and numbered (第Z号), over those submitted."),
        _all,
        _accepted,
    ),
    Figure(
        "assigned_on_time",
        _("Assigned on time"),
        _(
            "Recess suggestions whose lead unit was assigned by the assignment deadline (from receipt), over "
            "recess suggestions accepted and not merged that were assigned or whose deadline has passed."
        ),
        lambda day: (
            Q(assign_due__isnull=False, accepted_at__isnull=False, merged_into__isnull=True)
            & (Q(_ever_assigned()) | Q(assign_due__lt=day))
        ),
        lambda day: Q(_assigned_by_due()),
    ),
    Figure(
        "replied_on_time",
        _("Replied on time"),
        _(
            "First replies given by the reply deadline in force (an approved extension counts), over "
            "suggestions with a first reply."
        ),
        _replied,
        lambda day: Q(first_reply_on_time=True),
    ),
    Figure(
        "closed",
        _("Closed (办结率)"),
        _("Closed suggestions, over those accepted and not merged into another."),
        lambda day: Q(accepted_at__isnull=False, merged_into__isnull=True),
        lambda day: Q(state=State.CLOSED),
    ),
    Figure(
        "overdue",
        _("Overdue now"),
        _(
            "Being handled and the lead unit's reply deadline in force has passed without a reply, over "
            "suggestions being handled."
        ),
        lambda day: Q(state__in=HANDLING_STATES),
        reply_overdue,
    ),
    Figure(
        "solved",
        _("Solution rate"),
        _("Suggestions whose latest reply is of a class counted as solved, over those replied."),
        _replied,
        lambda day: Q(latest_reply_solved=True),
    ),
    Figure(
        "face_to_face",
        _("Face-to-face rate (面商率)"),
        _(
            "Suggestions with at least one consultation with the deputy not held by phone, over those "
            "assigned to a lead unit."
        ),
        _assigned,
        lambda day: Q(met_face_to_face=True),
    ),
    Figure(
        "satisfied_first",
        _("Satisfaction, first time (满意率)"),
        _(
            "Suggestions whose first reply no deputy rated dissatisfied (every rating satisfied or basically "
            "satisfied), over suggestions whose first reply was rated. Not evaluated is not satisfied."
        ),
        lambda day: ~Q(first_rating=FIRST.NOT_RATED),
        lambda day: Q(first_rating=FIRST.NOT_DISSATISFIED),
        miss=lambda day: Q(first_rating=FIRST.DISSATISFIED),
    ),
    Figure(
        "satisfied_final",
        _("Satisfaction, final"),
        _(
            "The same on the latest reply (on the promise carried out, where that was rated): no deputy "
            "dissatisfied, over suggestions whose latest reply was rated."
        ),
        lambda day: Q(_evals(first=False)),
        lambda day: _satisfied_final(),
    ),
    Figure(
        "survey",
        _("Survey satisfaction"),
        _(
            "Suggestions no deputy called dissatisfied in the third-party survey about the latest reply, over "
            "suggestions with survey answers about their latest reply. Counted apart from the deputies' own "
            "evaluations."
        ),
        lambda day: Q(_survey()),
        lambda day: ~Q(_survey(rating=BAD)),
        miss=lambda day: Q(_survey(rating=BAD)),
    ),
]
BY_KEY = {f.key: f for f in FIGURES}
UNIT_FIGURES = ("face_to_face", "replied_on_time", "satisfied_first")  # the units' ranking columns
CLASS_PREFIX = "class:"  # list key of a result class: "class:A"


# --- the computed figures -----------------------------------------------------------------------
@dataclass
class UnitRow:
    unit_id: int
    name: str
    values: dict[str, Value] = field(default_factory=dict)

    @property
    def assigned(self) -> int:
        return self.values["face_to_face"].denominator


def rank_units(rows: list) -> list:
    """Lead units' rows (here and on the dashboards) the best first: satisfaction, then replies on time,
    then the most suggestions assigned; by name and id among equals."""
    return sorted(
        rows,
        key=lambda u: (
            -(u.values["satisfied_first"].rate or 0),
            -(u.values["replied_on_time"].rate or 0),
            -u.assigned,
            u.name,
            u.unit_id,
        ),
    )


@dataclass
class Figures:
    figures: list[Value]
    classes: list[Value]
    units: list[UnitRow]

    def get(self, key: str) -> Value:
        return next(v for v in self.figures + self.classes if v.key == key)


def _counts(day: dt.date, keys=None) -> dict:
    out = {}
    for f in FIGURES:
        if keys is None or f.key in keys:
            out[f"{f.key}__d"] = Count("pk", filter=f.denominator(day))
            out[f"{f.key}__n"] = Count("pk", filter=f.num_q(day))
    return out


def _value(f: Figure, row: dict) -> Value:
    return Value(f.key, f.label, f.definition, row[f"{f.key}__n"], row[f"{f.key}__d"], f.is_count)


def result_classes(congress: Congress) -> list[dict]:
    from lvzhi.org.congress_settings import settings_for

    return list(settings_for(congress)["result_classes"])


def compute(qs: QuerySet[Suggestion], *, day: dt.date, congress: Congress | None = None) -> Figures:
    """Every figure of the (already scoped) suggestions `qs` on `day`."""
    qs = qs.order_by()
    row = qs.aggregate(**_counts(day))
    figures = [_value(f, row) for f in FIGURES]
    replied = row["solved__d"]

    # Result-class shares: by the latest reply's class, over those replied (one grouped query).
    latest_code = Subquery(
        Reply.objects.filter(suggestion=OuterRef("pk"))
        .filter(_no_later_reply())
        .order_by("-round")
        .values("result_code")[:1]
    )
    by_code = dict(
        qs.annotate(code=latest_code)
        .exclude(code=None)
        .values("code")
        .annotate(n=Count("pk"))
        .values_list("code", "n")
    )
    known = result_classes(congress) if congress is not None else []
    labels = {c["code"]: c["label"] for c in known}
    codes = [c["code"] for c in known] + sorted(c for c in by_code if c not in labels)
    classes = [
        Value(
            CLASS_PREFIX + code,
            labels.get(code, code),
            _("Suggestions whose latest reply is of this class, over those replied."),
            by_code.get(code, 0),
            replied,
        )
        for code in codes
    ]

    # The units ranked: the same figures grouped by the active lead unit (one grouped query).
    grouped = qs.exclude(lead_unit=None).values("lead_unit").annotate(**_counts(day, UNIT_FIGURES))
    rows = list(grouped)
    names = dict(Unit.objects.filter(pk__in=[r["lead_unit"] for r in rows]).values_list("pk", "name"))
    units = [
        UnitRow(
            r["lead_unit"], names.get(r["lead_unit"], ""), {k: _value(BY_KEY[k], r) for k in UNIT_FIGURES}
        )
        for r in rows
    ]
    return Figures(figures, classes, rank_units(units))


def figure_list(
    qs: QuerySet[Suggestion], *, key: str, part: str, day: dt.date
) -> QuerySet[Suggestion] | None:
    """The suggestions behind one number: the figure's numerator ("num"), denominator ("den") or the
    denominator's suggestions outside the numerator ("miss", e.g. the dissatisfied). None for an unknown
    figure."""
    if key.startswith(CLASS_PREFIX):
        code = key[len(CLASS_PREFIX) :]
        if not code:
            return None
        den, num, miss = Q(_replied(day)), Q(_latest_reply(result_code=code)), None
    else:
        f = BY_KEY.get(key)
        if f is None:
            return None
        # Within the denominator "not (den and num)" is "not num": one condition less for the planner.
        den, num, miss = f.denominator(day), f.numerator(day), f.miss
    if part == "den":
        return qs.filter(den)
    if part == "miss":
        if miss is not None:
            return qs.filter(den & miss(day))
        return qs.filter(den).exclude(num)
    return qs.filter(den & num)


# --- the dashboards' contribution (lvzhi.dashboards.figures) --------------------------------------------
DASHBOARD_FIGURES = ("submitted", "closed", "replied_on_time", "solved", "face_to_face", "satisfied_first")


def _received(path: str, since: dt.date | None, until: dt.date | None) -> QuerySet[Suggestion]:
    """Every submitted suggestion received in [since, until] of the congresses under `path` (all: empty)."""
    qs = Suggestion.objects.exclude(state=State.DRAFT).filter(
        submitted_at__isnull=False, received_on__isnull=False
    )
    if path:
        qs = qs.filter(congress__path__startswith=path)
    if since:
        qs = qs.filter(received_on__gte=since)
    if until:
        qs = qs.filter(received_on__lte=until)
    return qs.order_by()


def _pairs(row: dict, keys) -> dict[str, tuple[int, int]]:
    return {k: (row[f"{k}__n"], row[f"{k}__d"]) for k in keys}


def monthly(*, path: str = "", since=None, until=None, day: dt.date):
    """(congress id, month received, {figure: (numerator, denominator)}) for the dashboards' figures, one
    grouped query for every congress and month."""
    rows = (
        _received(path, since, until)
        .annotate(month=TruncMonth("received_on"))
        .values("congress_id", "month")
        .annotate(**_counts(day, DASHBOARD_FIGURES))
    )
    for r in rows:
        yield r["congress_id"], r["month"], _pairs(r, DASHBOARD_FIGURES)


def monthly_by_unit(*, path: str = "", since=None, until=None, day: dt.date):
    """(congress id, month received, lead unit id, {figure: (numerator, denominator)}) for the units'
    ranking figures, one grouped query."""
    rows = (
        _received(path, since, until)
        .annotate(month=TruncMonth("received_on"))
        .exclude(lead_unit=None)
        .values("congress_id", "month", "lead_unit")
        .annotate(**_counts(day, UNIT_FIGURES))
    )
    for r in rows:
        yield r["congress_id"], r["month"], r["lead_unit"], _pairs(r, UNIT_FIGURES)
