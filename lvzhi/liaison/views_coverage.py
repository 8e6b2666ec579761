"""Coverage of the fixed contacts: pairs with no contact this quarter, deputies no one reached this year,
and pairs below the yearly minimum (the congress's `contacts_per_year` setting). Each pages, filters and
exports to Excel; each reads only the contactors in the reader's scope."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.params import clean_query, parse_id, parse_year

from . import exports
from .contactors import contactor_from_key, contactors_read_by
from .models import Side
from .selectors import (
    MINIMUM_KEY,
    CoverageFilters,
    below_minimum,
    coverage_congresses,
    quarter_of,
    quiet_this_quarter,
    unreached,
)

PAGE_SIZE = 50


def _common(request):
    user = request.user
    congresses = coverage_congresses(user=user)
    if not congresses:
        raise PermissionDenied(
            _("This page is for standing-committee members, special committees and their office.")
        )
    raw = request.GET.get("congress")
    congress = next((c for c in congresses if c.pk == parse_id(raw)), None)
    if congress is None and not raw:
        from lvzhi.org.scope import scope_for

        acts = scope_for(user).act_congress_ids
        congress = next((c for c in congresses if c.pk in acts), congresses[0])
    contactors = [c for c in contactors_read_by(user) if congress is None or c.congress.pk == congress.pk]
    contactor = contactor_from_key(request.GET.get("to"), contactors)
    side = request.GET.get("side") if request.GET.get("side") in Side.values else ""
    query = clean_query(request.GET.get("q"), 40)
    today = timezone.localdate()
    year = parse_year(request.GET.get("year"), 2000, 2100) or today.year
    if year > today.year:
        year = today.year
    return {
        "congresses": congresses,
        "congress": congress,
        "contactors": contactors,
        "contactor": contactor,
        "side": side,
        "query": query,
        "year": year,
        "years": [today.year - 2, today.year - 1, today.year],
        "filters": CoverageFilters(congress=congress, side=side, contactor=contactor, query=query),
    }


def _minimum_text(congress) -> int | None:
    if congress is None:
        return None
    from lvzhi.org.congress_settings import setting_for

    return int(setting_for(congress, MINIMUM_KEY))


def _pair_cells(r):
    a = r.assignment
    return [a.congress.name, a.contactor_name, a.get_side_display(), a.mandate.person.name, a.start_date]


@login_required
def quiet(request):
    """Member–deputy pairs with no contact in a quarter (this quarter by default)."""
    ctx = _common(request)
    today = timezone.localdate()
    quarter_no = parse_id(request.GET.get("quarter"))
    year = ctx["year"]
    if quarter_no not in (1, 2, 3, 4):
        quarter_no = (today.month - 1) // 3 + 1 if year == today.year else 4
    start = dt.date(year, 3 * (quarter_no - 1) + 1, 1)
    quarter = quarter_of(start)
    if quarter[0] > today:  # a quarter not yet begun has nothing to miss
        quarter_no, quarter = (today.month - 1) // 3 + 1, quarter_of(today)
    rows = quiet_this_quarter(user=request.user, filters=ctx["filters"], quarter=quarter)
    if request.GET.get("format") == "xlsx":
        return exports.workbook_response(
            request=request,
            filename=f"liaison-quiet-{year}-q{quarter_no}",
            title=_("No contact in %(year)s Q%(q)s") % {"year": year, "q": quarter_no},
            headers=[
                _("Congress"),
                _("Member or committee"),
                _("Kind"),
                _("Deputy"),
                _("Contact from"),
                _("Last contact"),
                _("Contacts this year"),
            ],
            rows=([*_pair_cells(r), r.last_contact, r.year_count] for r in rows),
            what={"list": "liaison_quiet", "year": year, "quarter": quarter_no},
            widths=(20, 20, 16, 12, 12, 12, 12),
        )
    ctx.update(
        {
            "view": "quiet",
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "total": len(rows),
            "quarter_no": quarter_no,
            "quarter": quarter,
            "quarters": [1, 2, 3, 4],
        }
    )
    return render(request, "liaison/coverage.html", ctx)


@login_required
def unreached_list(request):
    """Deputies no member (or committee, or either) has reached in the year."""
    ctx = _common(request)
    assigned = request.GET.get("assigned") if request.GET.get("assigned") in {"yes", "no"} else ""
    congress = ctx["congress"]
    rows = (
        unreached(
            user=request.user,
            congress=congress,
            year=ctx["year"],
            side=ctx["side"],
            assigned=assigned,
            query=ctx["query"],
        )
        if congress is not None
        else []
    )
    if request.GET.get("format") == "xlsx":
        return exports.workbook_response(
            request=request,
            filename=f"liaison-unreached-{ctx['year']}",
            title=_("Deputies not reached in %(year)s") % {"year": ctx["year"]}
            + (f" · {congress.name}" if congress else ""),
            headers=[
                _("Deputy"),
                _("Congress"),
                _("Grassroots deputy"),
                _("Members assigned"),
                _("Committees assigned"),
            ],
            rows=(
                (
                    r.mandate.person.name,
                    r.mandate.congress.name,
                    _("yes") if r.mandate.is_grassroots else "",
                    r.member_count,
                    r.committee_count,
                )
                for r in rows
            ),
            what={
                "list": "liaison_unreached",
                "year": ctx["year"],
                "congress": congress.pk if congress else None,
            },
            widths=(12, 22, 10, 12, 12),
        )
    ctx.update(
        {
            "view": "unreached",
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "total": len(rows),
            "assigned": assigned,
        }
    )
    return render(request, "liaison/coverage.html", ctx)


@login_required
def minimum(request):
    """Pairs whose contacts in the year fall short of the yearly minimum (pro-rated for part of a year)."""
    ctx = _common(request)
    show_all = request.GET.get("show") == "all"
    rows = below_minimum(user=request.user, filters=ctx["filters"], year=ctx["year"], show_all=show_all)
    if request.GET.get("format") == "xlsx":
        return exports.workbook_response(
            request=request,
            filename=f"liaison-minimum-{ctx['year']}",
            title=_("Below the yearly minimum of contacts, %(year)s") % {"year": ctx["year"]},
            headers=[
                _("Congress"),
                _("Member or committee"),
                _("Kind"),
                _("Deputy"),
                _("Contact from"),
                _("Contacts"),
                _("Minimum"),
                _("Required (pro-rated)"),
                _("Short by"),
                _("Last contact"),
            ],
            rows=(
                [*_pair_cells(r), r.year_count, r.minimum, r.required, r.short_by, r.last_contact]
                for r in rows
            ),
            what={"list": "liaison_minimum", "year": ctx["year"]},
            widths=(20, 20, 16, 12, 12, 10, 10, 14, 10, 12),
        )
    ctx.update(
        {
            "view": "minimum",
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "total": len(rows),
            "show_all": show_all,
            "minimum": _minimum_text(ctx["congress"]),
        }
    )
    return render(request, "liaison/coverage.html", ctx)
