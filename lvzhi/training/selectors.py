"""Reads of training, always scoped to the reader: a class or enrolment outside the scope is not found.

Staff and chairs read the classes of their congress's tree and everyone's enrolments in them; a deputy reads
the classes of the congresses it sits in and its own enrolments only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from lvzhi.core.params import clean_query, parse_id, parse_year
from lvzhi.org.models import Mandate, Term
from lvzhi.org.scope import scope_for
from lvzhi.org.selectors import mandate_list_visible_to

from .models import Enrolment, TrainingClass

PHASES = ("open", "closed", "running", "over", "cancelled")


def classes_visible_to(*, user) -> QuerySet[TrainingClass]:
    s = scope_for(user)
    qs = TrainingClass.objects.select_related("congress")
    if s.is_admin:
        return qs
    q = s.in_tree()
    if s.mandate_ids:
        # SECURITY: a deputy reads the classes of the congresses it holds a mandate in, no others.
        q |= Q(congress_id__in=Mandate.objects.filter(pk__in=s.mandate_ids).values("congress_id"))
    return qs.filter(q)


def enrolments_visible_to(*, user) -> QuerySet[Enrolment]:
    s = scope_for(user)
    qs = Enrolment.objects.select_related("training_class__congress", "mandate__person")
    if s.is_admin:
        return qs
    # SECURITY: the reader's own enrolments, or those of classes of a congress it runs or chairs.
    return qs.filter(Q(mandate_id__in=s.mandate_ids) | s.in_tree("training_class__congress"))


def with_counts(qs: QuerySet[TrainingClass]) -> QuerySet[TrainingClass]:
    return qs.annotate(
        n_enrolled=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.HOLDS_PLACE)),
        n_done=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.COUNTS)),
    )


@dataclass
class ClassFilters:
    q: str = ""
    congress_id: int | None = None
    mode: str = ""
    phase: str = ""
    year: int | None = None

    @classmethod
    def from_query(cls, params) -> ClassFilters:
        mode, phase = params.get("mode", ""), params.get("phase", "")
        return cls(
            q=clean_query(params.get("q"), 60),
            congress_id=parse_id(params.get("congress")),
            mode=mode if mode in TrainingClass.Mode.values else "",
            phase=phase if phase in PHASES else "",
            year=parse_year(params.get("year")),
        )


def class_search(*, user, filters: ClassFilters) -> QuerySet[TrainingClass]:
    today = timezone.localdate()
    qs = with_counts(classes_visible_to(user=user))
    if filters.q:
        qs = qs.filter(
            Q(title__contains=filters.q) | Q(audience__contains=filters.q) | Q(place__contains=filters.q)
        )
    if filters.congress_id:
        qs = qs.filter(congress_id=filters.congress_id)
    if filters.mode:
        qs = qs.filter(mode=filters.mode)
    if filters.year:
        qs = qs.filter(starts_on__year=filters.year)
    scheduled = Q(status=TrainingClass.Status.SCHEDULED)
    phase = {
        "cancelled": Q(status=TrainingClass.Status.CANCELLED),
        "over": scheduled & Q(ends_on__lt=today),
        "running": scheduled & Q(starts_on__lte=today, ends_on__gte=today),
        "open": scheduled & Q(starts_on__gt=today, enrol_closes_on__gte=today),
        "closed": scheduled & Q(starts_on__gt=today, enrol_closes_on__lt=today),
    }.get(filters.phase)
    if phase is not None:
        qs = qs.filter(phase)
    return qs.order_by("-starts_on", "-pk")


# --- each deputy's training count in the term -------------------------------------------------------
@dataclass
class ReportFilters:
    congress_id: int | None = None
    term_id: int | None = None
    q: str = ""
    below: int | None = None  # only deputies with fewer trainings than this
    grassroots: str = ""

    @classmethod
    def from_query(cls, params) -> ReportFilters:
        raw = str(params.get("below") or "").strip()
        grassroots = params.get("grassroots", "")
        return cls(
            congress_id=parse_id(params.get("congress")),
            term_id=parse_id(params.get("term")),
            q=clean_query(params.get("q"), 40),
            below=int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) <= 99 else None,
            grassroots=grassroots if grassroots in {"yes", "no"} else "",
        )


def training_counted(*, start: dt.date, end: dt.date):
    """Per mandate (OuterRef): confirmed training activities in [start, end], from every source (a class
    attended here, or a training the office registered in performance)."""
    from lvzhi.performance.kinds import TRAINING
    from lvzhi.performance.models import Participation

    return (
        Participation.objects.filter(
            mandate=OuterRef("pk"),
            kind__code=TRAINING,
            kind__congress__isnull=True,
            status=Participation.Status.CONFIRMED,
            date__gte=start,
            date__lte=end,
        )
        .order_by()
        .values("mandate")
        .annotate(n=Count("pk"))
        .values("n")
    )


def training_hours(*, start: dt.date, end: dt.date):
    return (
        Enrolment.objects.filter(
            mandate=OuterRef("pk"),
            status__in=Enrolment.COUNTS,
            training_class__starts_on__gte=start,
            training_class__starts_on__lte=end,
        )
        .order_by()
        .values("mandate")
        .annotate(h=Sum("training_class__hours"))
        .values("h")
    )


def training_report(*, user, term: Term, filters: ReportFilters) -> QuerySet[Mandate]:
    """The term's deputies (of `term`) in the reader's scope, each with its training count and hours."""
    end = min(term.end_date, timezone.localdate())
    qs = mandate_list_visible_to(user=user).filter(term=term)
    if filters.q:
        qs = qs.filter(person__name__contains=filters.q)
    if filters.grassroots:
        qs = qs.filter(is_grassroots=filters.grassroots == "yes")
    qs = qs.annotate(
        trainings=Coalesce(
            Subquery(training_counted(start=term.start_date, end=end), output_field=IntegerField()), Value(0)
        ),
        hours=Coalesce(
            Subquery(
                training_hours(start=term.start_date, end=end),
                output_field=DecimalField(max_digits=8, decimal_places=1),
            ),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=8, decimal_places=1),
        ),
    )
    if filters.below:
        qs = qs.filter(trainings__lt=filters.below)
    return qs.order_by("trainings", "person__name", "pk")


# --- the deputy's own ----------------------------------------------------------------------------------
@dataclass
class MyTerm:
    mandate: Mandate
    trainings: int
    hours: Decimal
    enrolments: list[Enrolment] = field(default_factory=list)
    open_classes: list[TrainingClass] = field(default_factory=list)


def my_training(*, user) -> list[MyTerm]:
    """For each serving mandate of the user: its training count and hours this term, its enrolments, and the
    classes of its congress open for enrolment that it has not enrolled in."""
    s = scope_for(user)
    today = timezone.localdate()
    out = []
    mandates = (
        Mandate.objects.current(today)
        .filter(pk__in=s.mandate_ids)
        .select_related("congress", "term")
        .order_by("congress__path", "pk")
    )
    for m in mandates:
        start, end = m.term.start_date, min(m.term.end_date, today)
        row = (
            Mandate.objects.filter(pk=m.pk)
            .annotate(
                trainings=Coalesce(
                    Subquery(training_counted(start=start, end=end), output_field=IntegerField()), Value(0)
                ),
                hours=Subquery(
                    training_hours(start=start, end=end),
                    output_field=DecimalField(max_digits=8, decimal_places=1),
                ),
            )
            .values("trainings", "hours")
            .get()
        )
        enrolments = list(
            Enrolment.objects.filter(mandate=m)
            .select_related("training_class")
            .order_by("-training_class__starts_on", "-pk")
        )
        taken = {e.training_class_id for e in enrolments if e.status != Enrolment.Status.WITHDRAWN}
        open_classes = [
            c
            for c in with_counts(
                TrainingClass.objects.filter(
                    congress_id=m.congress_id,
                    status=TrainingClass.Status.SCHEDULED,
                    enrol_closes_on__gte=today,
                )
            ).order_by("starts_on", "pk")
            if c.pk not in taken
        ]
        out.append(MyTerm(m, row["trainings"], row["hours"] or Decimal("0"), enrolments, open_classes))
    return out
