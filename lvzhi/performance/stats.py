"""The figures performance contributes to the dashboards (lvzhi.dashboards.figures): confirmed
participations (deputy-times, 人次) per congress and month, and compliance with the rules per congress for a
year — the same counts as the performance figures page (figures.py) and its lists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import TruncMonth

from lvzhi.org.models import Mandate

from .evaluation import evaluate
from .models import Participation


def monthly_activities(*, path: str = "", since: dt.date | None = None, until: dt.date | None = None):
    """(congress id, month, confirmed participations) by the activity's date, one grouped query."""
    qs = Participation.objects.filter(status=Participation.Status.CONFIRMED).order_by()
    if path:
        qs = qs.filter(congress__path__startswith=path)
    if since:
        qs = qs.filter(date__gte=since)
    if until:
        qs = qs.filter(date__lte=until)
    rows = qs.annotate(month=TruncMonth("date")).values("congress_id", "month").annotate(n=Count("pk"))
    for r in rows:
        yield r["congress_id"], r["month"], r["n"]


def compliance(*, path: str = "", year: int):
    """(congress id, mandates meeting every item that applies, mandates some item applies to) for `year`:
    the overall compliance of the figures page, per congress (one evaluation for the whole tree)."""
    mandates = Mandate.objects.all()
    if path:
        mandates = mandates.filter(congress__path__startswith=path)
    met: dict[int, int] = defaultdict(int)
    ruled: dict[int, int] = defaultdict(int)
    for r in evaluate(mandates=mandates, year=year, stars=False):
        if r.items:
            ruled[r.congress_id] += 1
            if not r.is_short:
                met[r.congress_id] += 1
    for congress_id, n in ruled.items():
        yield congress_id, met[congress_id], n
