"""Public pages, no sign-in: the disclosed suggestions and their replies (审核公开), searchable.

Only published redacted copies are read (selectors.published_disclosures); an unpublished or withdrawn one is
a 404. The pages show the copy, the number, the units (short names) and the result class: never the original
text, nor any deputy's name or number.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from lvzhi.core.params import clean_query, parse_id
from lvzhi.org.fields import SubjectField
from lvzhi.suggestions.models import Assignment

from .selectors import disclosure_search, disclosure_years, lead_unit_names, published_disclosures

PAGE_SIZE = 20


def _result(disclosure) -> dict | None:
    reply = disclosure.suggestion.replies.order_by("-round").only("result_code", "result_label").first()
    return {"code": reply.result_code, "label": reply.result_label} if reply else None


def _units(disclosure) -> dict:
    rows = getattr(disclosure.suggestion, "active_units", [])
    return {
        "lead": [a.unit.short_name or a.unit.name for a in rows if a.role == Assignment.Role.LEAD],
        "co": [a.unit.short_name or a.unit.name for a in rows if a.role == Assignment.Role.CO],
    }


def disclosure_list(request):
    q = clean_query(request.GET.get("q"))
    units = lead_unit_names()
    unit = clean_query(request.GET.get("unit"), 30)
    unit = unit if unit in units else ""
    field = request.GET.get("field") or ""
    field = field if field in SubjectField.values else ""
    years = disclosure_years()
    year = parse_id(request.GET.get("year"))
    year = year if year and 2000 <= year <= 2100 else None
    qs = disclosure_search(published_disclosures(), q=q, unit=unit, field=field, year=year)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"d": d, "units": _units(d)} for d in page.object_list]
    return render(
        request,
        "portal/list.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            "unit": unit,
            "units": units,
            "field": field,
            "fields": SubjectField.choices,
            "year": year,
            "years": years,
            "filtered": bool(q or unit or field or year),
        },
    )


def disclosure_detail(request, pk: int):
    # SECURITY: only published copies; anything else is a 404.
    disclosure = get_object_or_404(published_disclosures(), pk=pk)
    return render(
        request,
        "portal/detail.html",
        {"d": disclosure, "units": _units(disclosure), "result": _result(disclosure)},
    )
