"""Pages of the performance figures: the figures of a congress tree for a year, and the list behind each
figure with its Excel export (a recorded security event). Staff and chairs, over the tree they read."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from lvzhi.core.audit import record_security_event
from lvzhi.core.params import parse_id, parse_year
from lvzhi.org.models import DeputyGroup
from lvzhi.org.scope import scope_for
from lvzhi.stations.models import Station
from lvzhi.suggestions.security_events import EXPORT

from .exports import XLSX
from .figures import NONE, Filters, compute, figure_list, parse_filters
from .models import RuleItem
from .permissions import is_staffish
from .selectors import congresses_read_by

LIST_PAGE = 50


def _root_and_year(request):
    user = request.user
    if not is_staffish(user):
        raise PermissionDenied
    today = timezone.localdate()
    year = parse_year(request.GET.get("year"), 2000, today.year) or today.year
    congresses = list(congresses_read_by(user=user).order_by("path"))
    if not congresses:
        raise PermissionDenied
    chosen = parse_id(request.GET.get("root"))
    root = next((c for c in congresses if c.pk == chosen), None)
    if root is None:
        run = scope_for(user).act_congress_ids
        root = next((c for c in congresses if c.pk in run), congresses[0])
    years = list(range(today.year, today.year - 5, -1))
    return root, year, years, congresses


@login_required
@require_GET
def figures(request):
    root, year, years, congresses = _root_and_year(request)
    f = Filters(year=year, root=root)
    return render(
        request,
        "performance/figures.html",
        {"fig": compute(user=request.user, f=f), "years": years, "congresses": congresses, "f": f},
    )


def _describe(f: Filters) -> list[str]:
    """The list's filters in words, for its heading and the export's title."""
    words = []
    if f.congress:
        from lvzhi.org.models import Congress

        c = Congress.objects.filter(pk=f.congress).first()
        words.append(c.name if c else "—")
    if f.group == NONE:
        words.append(_("in no group"))
    elif f.group:
        g = DeputyGroup.objects.filter(pk=f.group).first()
        words.append(g.name if g else "—")
    if f.station == NONE:
        words.append(_("at no station"))
    elif f.station:
        s = Station.objects.filter(pk=f.station).first()
        words.append(s.name if s else "—")
    if f.item == "all":
        words.append(_("every rule that applies"))
    elif f.item:
        i = RuleItem.objects.filter(pk=f.item).first()
        words.append(i.name if i else "—")
    if f.outcome == "met":
        words.append(_("met"))
    elif f.outcome == "short":
        words.append(_("short"))
    if f.stars == "any":
        words.append(_("rated in stars"))
    elif f.stars is not None:
        words.append(_("%(n)s stars") % {"n": f.stars})
    if f.reported == "yes":
        words.append(_("reported to the electors this term"))
    elif f.reported == "no":
        words.append(_("not yet reported to the electors this term"))
    elif f.reported == "any":
        words.append(_("serving today"))
    return words


HEADERS = (
    gettext_lazy("Name"),
    gettext_lazy("Congress"),
    gettext_lazy("Rules met"),
    gettext_lazy("Rules that apply"),
    gettext_lazy("Short of"),
    gettext_lazy("Stars"),
    gettext_lazy("Reported this term"),
)


def _short_text(result) -> str:
    return "；".join(
        _("%(rule)s (short by %(n)s)") % {"rule": i.name, "n": i.short_by} for i in result.items if not i.met
    )


@login_required
@require_GET
def figures_list(request):
    root, year, years, congresses = _root_and_year(request)
    f = parse_filters(request.GET, year=year, root=root)
    rows = figure_list(user=request.user, f=f)
    title = _("Performance figures %(year)s · %(root)s") % {"year": year, "root": root.name}
    words = _describe(f)
    if request.GET.get("format") == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = _("Deputies")[:31]
        ws.append([title + (" · " + " · ".join(words) if words else "")])
        ws.append([str(h) for h in HEADERS])
        for row in rows:
            r = row.result
            ws.append(
                [
                    row.mandate.person.name,
                    row.mandate.congress.name,
                    sum(1 for i in r.items if i.met),
                    len(r.items),
                    _short_text(r),
                    r.stars if r.stars is not None else "",
                    _("yes") if row.reported else _("no"),
                ]
            )
        for column, width in zip("ABCDEFG", (12, 24, 10, 12, 48, 8, 12), strict=True):
            ws.column_dimensions[column].width = width
        out = io.BytesIO()
        wb.save(out)
        record_security_event(
            actor=request.user,
            kind=EXPORT,
            request=request,
            payload={"list": "performance_figures", "query": f.query(), "rows": len(rows), "format": "xlsx"},
        )
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="performance-{year}.xlsx"'
        return response
    page = Paginator(rows, LIST_PAGE).get_page(request.GET.get("page"))
    for row in page:
        row.short_text = _short_text(row.result)
        row.met = sum(1 for i in row.result.items if i.met)
    return render(
        request,
        "performance/figures_list.html",
        {"page": page, "f": f, "title": title, "words": words, "export_url": "?" + f.query(format="xlsx")},
    )
