"""The public statistics page (/public/statistics/): the headline figures of a region for this year, and the
same figures for each district (or township) below it. Aggregate numbers only, never a list of people.

The figures are the dashboards' (lvzhi.dashboards.figures, read from its summary tables); the page says when
they were refreshed. The region is the top congress, or a district chosen from it (then its townships).
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from lvzhi.core.params import parse_id
from lvzhi.dashboards import figures

from . import directory

# The figures of the breakdown table (the cards show them all).
TABLE_KEYS = ("deputies", "stations", "activities", "opinions", "opinions_solved", "suggestions", "closed")


@require_GET
def statistics(request):
    tops = directory.top_congresses()
    districts = directory.child_congresses(c.pk for c in tops)
    wanted = parse_id(request.GET.get("region"))
    region = next((c for c in tops + districts if c.pk == wanted), tops[0] if tops else None)
    # A region not offered here (a township, another city, a typo) shows the city, and says so.
    unknown = bool(request.GET.get("region")) and (region is None or region.pk != wanted)
    if region is None:
        return render(request, "portal/statistics.html", {"region": None})
    period = figures.Period.default()
    values = figures.headline(region, period)
    rows = figures.by_child(region, period)
    return render(
        request,
        "portal/statistics.html",
        {
            "region": region,
            "regions": tops + districts,
            "period": period,
            "cards": [values[d.key] for d in figures.HEADLINE],
            "columns": [values[k] for k in TABLE_KEYS],
            "rows": [{"row": r, "cells": [r.values[k] for k in TABLE_KEYS]} for r in rows],
            "total": [figures.total(rows)[k] for k in TABLE_KEYS],
            "refreshed": figures.refreshed_at(),
            "drill": {c.pk for c in districts},
            "unknown_region": unknown,
        },
    )
