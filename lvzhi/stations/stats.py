"""The figures the stations contribute to the dashboards (lvzhi.dashboards.figures): deputies, stations and
deputies in stations as of a day (per congress), deputies entered per station, and reception days held per
station and month."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth

from lvzhi.org.models import Mandate

from .models import ReceptionDay, Station, StationDeputy


def stock(*, path: str = "", day: dt.date):
    """(congress id, {"deputies": serving mandates, "in_stations": those entered in any station, "stations":
    active stations}) on `day`, two grouped queries.

    "Any station", as the lists of deputies in no station (the deputy list's filter, the coverage list)
    count them, so the dashboards' miss list is as long as the miss. In practice it is an active station:
    stations.services enters deputies only into an open station and refuses to close one with deputies."""
    in_station = Exists(StationDeputy.objects.filter(mandate=OuterRef("pk")))
    mandates = Mandate.objects.current(day).order_by()
    stations = Station.objects.filter(is_active=True).order_by()
    if path:
        mandates = mandates.filter(congress__path__startswith=path)
        stations = stations.filter(congress__path__startswith=path)
    out: dict[int, dict] = {}
    for r in mandates.values("congress_id").annotate(n=Count("pk"), k=Count("pk", filter=Q(in_station))):
        out[r["congress_id"]] = {"deputies": r["n"], "in_stations": r["k"], "stations": 0}
    for r in stations.values("congress_id").annotate(n=Count("pk")):
        out.setdefault(r["congress_id"], {"deputies": 0, "in_stations": 0})["stations"] = r["n"]
    yield from out.items()


def station_deputies(*, path: str = "", day: dt.date):
    """(station's congress id, active station id, serving mandates entered in it) on `day`, one grouped
    query."""
    qs = StationDeputy.objects.filter(station__is_active=True, mandate__start_date__lte=day).filter(
        Q(mandate__end_date__isnull=True) | Q(mandate__end_date__gte=day)
    )
    if path:
        qs = qs.filter(station__congress__path__startswith=path)
    rows = qs.order_by().values("station__congress_id", "station_id").annotate(n=Count("pk"))
    for r in rows:
        yield r["station__congress_id"], r["station_id"], r["n"]


def monthly_reception_days(*, path: str = "", since: dt.date | None = None, until: dt.date | None = None):
    """(station's congress id, station id, month, reception days held), one grouped query."""
    qs = ReceptionDay.objects.filter(status=ReceptionDay.Status.HELD).order_by()
    if path:
        qs = qs.filter(congress__path__startswith=path)
    if since:
        qs = qs.filter(date__gte=since)
    if until:
        qs = qs.filter(date__lte=until)
    rows = (
        qs.annotate(month=TruncMonth("date"))
        .values("congress_id", "station_id", "month")
        .annotate(n=Count("pk"))
    )
    for r in rows:
        yield r["congress_id"], r["station_id"], r["month"], r["n"]
