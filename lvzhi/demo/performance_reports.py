"""The demo city's reports to the electors (述职): each confirmed "report to electors" activity of the demo's
history becomes a recorded report meeting with the electors' evaluation, linked to its activity as its
source (as `elector_report_record` links the reports staff record in the pages), so the archive, the
draft report and the report rate have something to show. Most serving deputies' archives are public (their
public page made and shown, as once the office has opened them), so the public portal shows their activities;
the others show none until someone opens their archive. A fixed seed, so every build is the same.
"""

from __future__ import annotations

import random

from django.db import transaction
from django.utils import timezone

from lvzhi.org.models import Mandate
from lvzhi.performance import kinds as K
from lvzhi.performance.models import Activity, ElectorReport, Participation, PublicArchive

SEED = 2027
PUBLIC_SHARE = 0.85  # of the serving deputies whose archive is public
SOURCE = "performance.electorreport"


@transaction.atomic
def build_demo_reports() -> int:
    """Write the reports (once: nothing when the demo already has some); returns how many."""
    if ElectorReport.objects.exists():
        return 0
    rng = random.Random(SEED)
    now = timezone.now()
    parts = list(
        Participation.objects.filter(
            status=Participation.Status.CONFIRMED,
            kind__code=K.REPORT,
            kind__congress__isnull=True,
            source_id__isnull=True,
        )
        .select_related("activity", "mandate")
        .order_by("date", "pk")
    )
    reports, linked, seen = [], [], set()
    for p in parts:
        year = p.date.year
        if (p.mandate_id, year) in seen:
            continue
        seen.add((p.mandate_id, year))
        present = rng.randrange(30, 121)
        satisfied = int(present * rng.uniform(0.7, 0.92))
        basic = int((present - satisfied) * rng.uniform(0.5, 0.9))
        dissatisfied = rng.randrange(0, max(1, present - satisfied - basic) + 1)
        dissatisfied = min(dissatisfied, present - satisfied - basic)
        reports.append(
            ElectorReport(
                mandate_id=p.mandate_id,
                congress_id=p.mandate.congress_id,
                year=year,
                held_on=p.date,
                place=p.activity.place or "选区述职会场",
                electors_present=present,
                satisfied=satisfied,
                basic=basic,
                dissatisfied=dissatisfied,
                recorded_at=now,
                updated_at=now,
            )
        )
        linked.append(p)
    ElectorReport.objects.bulk_create(reports)
    for report, p in zip(reports, linked, strict=True):
        Activity.objects.filter(pk=p.activity_id).update(
            source_type=SOURCE, source_id=report.pk, origin=Activity.Origin.SOURCE
        )
        Participation.objects.filter(pk=p.pk).update(source_type=SOURCE, source_id=report.pk)
    return len(reports)


def publish_demo_archives() -> int:
    """Make the public archive pages of most serving deputies (once); returns how many."""
    if PublicArchive.objects.exists():
        return 0
    rng = random.Random(SEED + 1)
    ids = Mandate.objects.filter(end_date__isnull=True).order_by("pk").values_list("pk", flat=True)
    pages = [PublicArchive(mandate_id=pk) for pk in ids if rng.random() < PUBLIC_SHARE]
    PublicArchive.objects.bulk_create(pages, batch_size=1000)
    return len(pages)
