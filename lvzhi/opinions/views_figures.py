"""The figures of citizens' opinions for deputy-affairs staff and chairs: in total and per district, deputy,
station and month, the list behind each number, and its Excel export.

Everything reads through stats.opinions_for_figures (scope.py), so a district's staff count their district's
opinions only and a foreign id in the query string finds nothing.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _

from lvzhi.core.list_cache import list_page
from lvzhi.core.params import clean_query, parse_date, parse_id, parse_year
from lvzhi.org.models import Congress
from lvzhi.org.scope import scope_for

from . import exports, list_counts, stats
from .models import Opinion

PAGE_SIZE = 50
PARTS = {"num", "den", "miss"}


def figure_congresses(user) -> QuerySet[Congress]:
    """The congresses whose opinion figures the user reads: staff and chairs their own and those below."""
    s = scope_for(user)
    qs = Congress.objects.order_by("path", "pk")
    if s.is_admin:
        return qs
    if not s.read_paths:
        return qs.none()
    q = Q(pk__in=[])
    for path in s.read_paths:
        q |= Q(path__startswith=path)
    return qs.filter(q)


def scope_from(request, params, *, choices: bool = True) -> tuple[stats.FigureScope, list[Congress]]:
    """The scope from the query (a bad or foreign value is dropped), and the congress choices."""
    visible = figure_congresses(request.user)
    wanted = parse_id(params.get("congress")) or getattr(request.user, "congress_id", None)
    if choices:
        congresses = list(visible)
        congress = next((c for c in congresses if c.pk == wanted), congresses[0] if congresses else None)
    else:
        # A list needs no choices: read the one congress, not every one of a province (932).
        congresses = []
        congress = (visible.filter(pk=wanted).first() if wanted else None) or visible.first()
    if congress is None:
        raise PermissionDenied(_("The figures are for deputy-affairs staff and chairs."))
    month = clean_query(params.get("month"), 7)
    source = str(params.get("source") or "")
    category = str(params.get("category") or "")
    scope = stats.FigureScope(
        congress=congress,
        own_only=params.get("lower") == "0",
        year=parse_year(params.get("year")),
        month=month if stats.month_bounds(month) else "",
        since=parse_date(params.get("since")),
        until=parse_date(params.get("until")),
        district_id=parse_id(params.get("district")),
        person_id=parse_id(params.get("person")),
        station_id=parse_id(params.get("station")),
        source=source if source in Opinion.Source.values else "",
        category=category if category in Opinion.Category.values else "",
        place=clean_query(params.get("place")),
    )
    return scope, congresses


def scoped_opinions(request, scope: stats.FigureScope) -> QuerySet[Opinion]:
    return stats.scoped(stats.opinions_for_figures(user=request.user), scope)


def list_url(scope: stats.FigureScope, key: str, part: str) -> str:
    return reverse("opinion_figures:list") + "?" + urlencode({**scope.params(), "figure": key, "part": part})


def _with_links(values, scope: stats.FigureScope):
    for v in values:
        v.num_url = list_url(scope, v.key, "num")
        v.den_url = list_url(scope, v.key, "den")
    return values


@login_required
def figures(request):
    scope, congresses = scope_from(request, request.GET)
    day = timezone.localdate()
    result = stats.compute(scoped_opinions(request, scope), scope=scope, day=day)
    _with_links(result.total.values(), scope)
    for group in (result.districts, result.deputies, result.stations, result.months):
        for row in group:
            _with_links(row.values.values(), row.scope)
    return render(
        request,
        "opinions/figures/index.html",
        {
            "scope": scope,
            "congress": scope.congress,
            "congresses": congresses,
            "result": result,
            "figures": stats.FIGURES,
            "sources": Opinion.Source.choices,
            "categories": Opinion.Category.choices,
            "day": day,
            "filters": _filter_words(request, scope),
        },
    )


def _filter_words(request, scope: stats.FigureScope) -> list[str]:
    """The narrowing filters in words (names read through the scoped opinions, so a foreign id names nothing)."""
    words = []
    visible = stats.opinions_for_figures(user=request.user)
    if scope.district_id:
        name = visible.filter(congress_id=scope.district_id).values_list("congress__name", flat=True).first()
        words.append(name or _("nothing in your scope"))
    if scope.person_id:
        name = visible.filter(person_id=scope.person_id).values_list("person__name", flat=True).first()
        words.append(_("Deputy %(name)s") % {"name": name} if name else _("nothing in your scope"))
    if scope.station_id:
        name = visible.filter(station_id=scope.station_id).values_list("station__name", flat=True).first()
        words.append(name or _("nothing in your scope"))
    if scope.month:
        words.append(scope.month)
    if scope.since or scope.until:
        words.append(f"{scope.since or ''} – {scope.until or ''}")
    if scope.source:
        words.append(str(Opinion.Source(scope.source).label))
    if scope.category:
        words.append(str(Opinion.Category(scope.category).label))
    if scope.place:
        words.append(scope.place)
    return words


def _figure_rows(request):
    scope, _congresses = scope_from(request, request.GET, choices=False)
    key = str(request.GET.get("figure") or "collected")[:40]
    part = request.GET.get("part") if request.GET.get("part") in PARTS else "num"
    day = timezone.localdate()
    qs = stats.figure_list(scoped_opinions(request, scope), key=key, part=part, day=day)
    if qs is None:
        raise Http404(_("No such figure."))
    figure = stats.BY_KEY[key]
    if part == "miss" and not (figure.is_count or figure.is_average):
        part_label = _("not counted")
    elif figure.is_average or part == "den":
        part_label = _("out of") if not figure.is_count else _("counted")
    else:
        part_label = _("counted")
    title = " · ".join([scope.congress.name, str(figure.label), part_label, *_filter_words(request, scope)])
    return scope, key, part, title, qs.order_by("-created_at", "-pk")


@login_required
def figure_list(request):
    """The opinions behind one number of the figures page (no names, no phones): rendered once for what the
    reader may read and this query, until an opinion changes (list_counts.LISTS)."""

    def build() -> dict:
        scope, key, part, title, qs = _figure_rows(request)
        # The page reads only the values it shows and stops after 50 rows by received time.
        page = Paginator(qs.values(*exports.PAGE_VALUES), PAGE_SIZE).get_page(request.GET.get("page"))
        names = exports.labels()
        params = {**scope.params(), "figure": key, "part": part}
        context = {
            "title": title,
            "page": page,
            "rows": [exports.summary_of(v, names) for v in page],
            "export_url": reverse("opinion_figures:export") + "?" + urlencode(params),
            "back_url": reverse("opinion_figures:index") + "?" + urlencode(scope.params()),
        }
        html = render_to_string("opinions/figures/list_body.html", context, request=request)
        return {"title": title, "count": page.paginator.count, "html": html}

    return list_page(request, list_counts.LISTS, build)


@login_required
def figure_export(request):
    """The list behind a number as an Excel file; names and phones only where the account handles the
    opinion's congress; the export is recorded."""
    scope, key, part, title, qs = _figure_rows(request)
    data = exports.export_opinions(
        actor=request.user,
        opinions=list(exports.with_details(qs)),
        title=title,
        what={
            "what": "opinions",
            "figure": key,
            "part": part,
            **{k: str(v) for k, v in scope.params().items()},
        },
        target=scope.congress,
        request=request,
    )
    response = HttpResponse(data, content_type=exports.XLSX)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = content_disposition_header(True, f"opinions-{key}-{part}-{stamp}.xlsx")
    return response
