"""The figures' columns of a suggestion, kept on the suggestion itself.

Five figures read a suggestion's assignments, replies, consultations and evaluations: replied on time,
solution rate, face-to-face rate, first-time satisfaction and the lead unit (for the units' rows). Read
through EXISTS subqueries, a province's list behind one number took 100–230 ms; stored on the suggestion they
are plain filters on one table. The values are always derived from the records by one UPDATE (never set by
hand): every service that writes those records calls keep() inside its transaction (common.move() does for
every workflow step), and bulk loaders call keep_all() for what they wrote.
"""

from __future__ import annotations

from django.db.models import Case, CharField, Exists, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from .models import Assignment, Consultation, Evaluation, Reply, Suggestion

COLUMNS = ("lead_unit", "first_reply_on_time", "latest_reply_solved", "met_face_to_face", "first_rating")


def derived_values() -> dict:
    """Each column as an expression over the suggestion's records (an UPDATE's right-hand sides)."""
    first_ratings = Evaluation.objects.filter(
        reply__suggestion=OuterRef("pk"), reply__round=1, stage=Evaluation.Stage.REPLY
    )
    return {
        # The active lead unit (主办); none while the suggestion waits for one.
        "lead_unit": Subquery(
            Assignment.objects.filter(suggestion=OuterRef("pk"), role=Assignment.Role.LEAD, is_active=True)
            .order_by("pk")
            .values("unit_id")[:1]
        ),
        "first_reply_on_time": Subquery(
            Reply.objects.filter(suggestion=OuterRef("pk"), round=1).values("on_time")[:1]
        ),
        "latest_reply_solved": Coalesce(
            Subquery(
                Reply.objects.filter(suggestion=OuterRef("pk")).order_by("-round").values("is_solved")[:1]
            ),
            Value(False),
        ),
        "met_face_to_face": Exists(
            Consultation.objects.filter(assignment__suggestion=OuterRef("pk")).exclude(
                method=Consultation.Method.PHONE
            )
        ),
        "first_rating": Case(
            When(
                Exists(first_ratings.filter(rating=Evaluation.Rating.DISSATISFIED)),
                then=Value(Suggestion.FirstRating.DISSATISFIED),
            ),
            When(Exists(first_ratings), then=Value(Suggestion.FirstRating.NOT_DISSATISFIED)),
            default=Value(Suggestion.FirstRating.NOT_RATED),
            output_field=CharField(),
        ),
    }


def keep(suggestion: Suggestion) -> None:
    """Derive the suggestion's columns again after a change to its records (inside the change's
    transaction), and refresh the instance so a later save() of it writes the new values, not old ones."""
    Suggestion.objects.filter(pk=suggestion.pk).update(**derived_values())
    suggestion.refresh_from_db(fields=COLUMNS)


def keep_all(suggestions: QuerySet[Suggestion] | None = None) -> int:
    """Derive the columns of many suggestions at once (bulk loaders, the migration that added them)."""
    qs = Suggestion.objects.all() if suggestions is None else suggestions
    return qs.order_by().update(**derived_values())


def out_of_date(suggestions: QuerySet[Suggestion] | None = None) -> list[int]:
    """The ids of suggestions whose stored columns differ from what their records say (none, when every
    writer calls keep()): for the tests and for checking a database by hand."""
    qs = (Suggestion.objects.all() if suggestions is None else suggestions).order_by("pk")
    stored = ["lead_unit_id" if c == "lead_unit" else c for c in COLUMNS]
    derived = {f"derived_{c}": e for c, e in derived_values().items()}
    rows = qs.annotate(**derived).values_list("pk", *stored, *derived)
    n = len(COLUMNS)
    return [row[0] for row in rows if row[1 : 1 + n] != row[1 + n :]]
