"""Storing an evaluation: the results of one year for the deputies of a congress, written in bulk.

The pages evaluate live; stored results are for the archive, figures and exports that want a fixed
snapshot ("as evaluated on …"). Storing again replaces that congress's rows for the same periods.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lvzhi.core.audit import record_event
from lvzhi.org.models import Congress, Mandate

from .. import events
from ..evaluation import DeputyResult, evaluate
from ..models import EvaluationResult, RuleSet
from ..permissions import can_manage_rules
from .common import refuse


@transaction.atomic
def evaluation_store(*, actor, congress: Congress, year: int) -> int:
    """Evaluate the congress's deputies for `year` and store one row per (deputy, item); returns the rows."""
    if actor is not None and not can_manage_rules(actor, congress.pk):
        raise refuse("not_permitted")
    results = evaluate(mandates=Mandate.objects.filter(congress=congress), year=year, stars=False)
    versions = dict(
        RuleSet.objects.filter(pk__in={r.rule_set_id for r in results}).values_list("pk", "version")
    )
    written, short = results_write(results, versions, congress_ids=[congress.pk])
    record_event(
        actor=actor,
        kind=events.EVALUATION_STORED,
        target=congress,
        payload={"year": year, "rows": written, "short": short},
    )
    return written


COLUMNS = (
    "mandate_id",
    "congress_id",
    "item_id",
    "rule_set_version",
    "period_start",
    "period_end",
    "count",
    "minimum",
    "required",
    "days_served",
    "days_in_period",
    "met",
    "short_by",
    "evaluated_at",
)


def results_write(
    results: list[DeputyResult], versions: dict[int, int], *, congress_ids: list[int]
) -> tuple[int, int]:
    """Replace the stored rows of `congress_ids` for the periods in `results` with `results`; returns
    (rows written, rows short). Call inside a transaction.

    On PostgreSQL the rows go in through COPY as plain tuples: a province's evaluation is 60,000 deputies ×
    6 items, and building that many model instances for bulk_create takes longer than the evaluation.
    """
    from django.db import connection

    now = timezone.now()
    rows = [
        (
            r.mandate_id,
            r.congress_id,
            i.item_id,
            versions.get(r.rule_set_id, 1),
            i.period_start,
            i.period_end,
            i.count,
            i.minimum,
            i.required,
            i.days_served,
            i.days_in_period,
            i.met,
            i.short_by,
            now,
        )
        for r in results
        for i in r.items
    ]
    starts = {row[4] for row in rows}
    EvaluationResult.objects.filter(congress_id__in=congress_ids, period_start__in=starts).delete()
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        table = EvaluationResult._meta.db_table
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        EvaluationResult.objects.bulk_create(
            [EvaluationResult(**dict(zip(COLUMNS, row, strict=True))) for row in rows], batch_size=2000
        )
    return len(rows), sum(1 for row in rows if not row[11])
