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


def results_rows(results: list[DeputyResult], versions: dict[int, int]) -> list[EvaluationResult]:
    now = timezone.now()
    return [
        EvaluationResult(
            mandate_id=r.mandate_id,
            congress_id=r.congress_id,
            item_id=i.item_id,
            rule_set_version=versions.get(r.rule_set_id, 1),
            period_start=i.period_start,
            period_end=i.period_end,
            count=i.count,
            minimum=i.minimum,
            required=i.required,
            days_served=i.days_served,
            days_in_period=i.days_in_period,
            met=i.met,
            short_by=i.short_by,
            evaluated_at=now,
        )
        for r in results
        for i in r.items
    ]


@transaction.atomic
def evaluation_store(*, actor, congress: Congress, year: int) -> int:
    """Evaluate the congress's deputies for `year` and store one row per (deputy, item); returns the rows."""
    if actor is not None and not can_manage_rules(actor, congress.pk):
        raise refuse("not_permitted")
    results = evaluate(mandates=Mandate.objects.filter(congress=congress), year=year, stars=False)
    versions = dict(
        RuleSet.objects.filter(pk__in={r.rule_set_id for r in results}).values_list("pk", "version")
    )
    rows = results_rows(results, versions)
    starts = {row.period_start for row in rows}
    EvaluationResult.objects.filter(congress=congress, period_start__in=starts).delete()
    EvaluationResult.objects.bulk_create(rows, batch_size=2000)
    record_event(
        actor=actor,
        kind=events.EVALUATION_STORED,
        target=congress,
        payload={"year": year, "rows": len(rows), "short": sum(1 for r in rows if not r.met)},
    )
    return len(rows)
