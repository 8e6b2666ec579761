"""The figures of the suggestions loop (for staff, chairs and special-committee staff), the list behind each
number, and its Excel export.

Everything reads through suggestion_list_visible_to, so a committee's staff count their committee's
suggestions only, and a number's list is exactly the suggestions it counts (lvzhi.suggestions.stats).
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lvzhi.core.list_cache import list_page
from lvzhi.core.paging import page_by_ids
from lvzhi.core.params import parse_date, parse_id, parse_year
from lvzhi.org.fields import SubjectField
from lvzhi.org.models import Committee, Congress, Session, Unit
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for

from . import exports, stats
from .figure_lists import LISTS
from .models import Suggestion
from .selectors import suggestion_list_visible_to

PAGE_SIZE = 50
READERS = {Role.STAFF, Role.CHAIR, Role.COMMITTEE_STAFF, Role.ADMIN}
PARTS = {"num", "den", "miss"}
# What a rate's "miss" part is (its denominator's suggestions outside its numerator), where a word says it.
MISS_LABELS = {
    "satisfied_first": gettext_lazy("Dissatisfied"),
    "satisfied_final": gettext_lazy("Dissatisfied"),
    "survey": gettext_lazy("Dissatisfied"),
    "replied_on_time": gettext_lazy("Replied late"),
    "closed": gettext_lazy("Not closed"),
    "solved": gettext_lazy("Not solved"),
    "face_to_face": gettext_lazy("Without face-to-face"),
}


def figure_congresses(user) -> QuerySet[Congress]:
    """The congresses whose figures the user reads: staff and chairs their own and those below, a
    special committee's staff their committee's congress; every one for a site administrator."""
    s = scope_for(user)
    qs = Congress.objects.order_by("path", "pk")
    if s.is_admin:
        return qs
    if not (s.roles & READERS):
        return qs.none()
    q = Q(pk__in=s.committee_congress_ids)
    for path in s.read_paths:
        q |= Q(path__startswith=path)
    return qs.filter(q)


def scope_from(request, params, *, choices: bool = True) -> tuple[stats.FigureScope, list[Congress]]:
    """The figures' scope from the query (a bad or foreign value is dropped), and the congress choices."""
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
        raise PermissionDenied(_("The figures are for deputy-affairs staff, chairs and committee staff."))
    lower = params.get("lower") in ("1", "on", "true")
    session_id = parse_id(params.get("session"))
    if session_id and not Session.objects.filter(pk=session_id, term__congress=congress).exists():
        session_id = None
    field = str(params.get("field") or "")
    scope = stats.FigureScope(
        congress=congress,
        include_lower=lower,
        session_id=session_id,
        recess=params.get("recess") in ("1", "on", "true") and not session_id,
        year=parse_year(params.get("year")),
        unit_id=parse_id(params.get("unit")),
        committee_id=parse_id(params.get("committee")),
        field=field if field in SubjectField.values else "",
        since=parse_date(params.get("since")),
        until=parse_date(params.get("until")),
    )
    return scope, congresses


def scoped_suggestions(request, scope: stats.FigureScope):
    return stats.scoped(suggestion_list_visible_to(user=request.user), scope)


def _list_url(scope: stats.FigureScope, key: str, part: str) -> str:
    return (
        reverse("suggestions:figure_list") + "?" + urlencode({**scope.params(), "figure": key, "part": part})
    )


def _with_links(values, scope, **extra):
    for v in values:
        params = {**scope.params(), **extra}
        v.num_url = (
            reverse("suggestions:figure_list") + "?" + urlencode({**params, "figure": v.key, "part": "num"})
        )
        v.den_url = (
            reverse("suggestions:figure_list") + "?" + urlencode({**params, "figure": v.key, "part": "den"})
        )
    return values


@login_required
def figures(request):
    scope, congresses = scope_from(request, request.GET)
    result = stats.compute(
        scoped_suggestions(request, scope), day=timezone.localdate(), congress=scope.congress
    )
    _with_links(result.figures, scope)
    _with_links(result.classes, scope)
    for row in result.units:
        unit_scope = stats.FigureScope(**{**scope.__dict__, "unit_id": row.unit_id})
        _with_links(row.values.values(), unit_scope)
        # Every figure of the unit: the same page narrowed to it.
        row.figures_url = reverse("suggestions:figures") + "?" + urlencode(unit_scope.params())
    congress = scope.congress
    return render(
        request,
        "suggestions/figures/index.html",
        {
            "scope": scope,
            "congress": congress,
            "congresses": congresses,
            "result": result,
            "sessions": Session.objects.filter(term__congress=congress)
            .select_related("term__congress")
            .order_by("-start_date"),
            "units": Unit.objects.filter(congress=congress).order_by("-is_active", "kind", "pk"),
            "committees": Committee.objects.filter(congress=congress, kind=Committee.Kind.SPECIAL).order_by(
                "pk"
            ),
            "fields": SubjectField.choices,
            "day": timezone.localdate(),
        },
    )


def _figure_rows(request):
    scope, _congresses = scope_from(request, request.GET, choices=False)
    key = str(request.GET.get("figure") or "submitted")[:40]
    part = request.GET.get("part") if request.GET.get("part") in PARTS else "num"
    day = timezone.localdate()
    qs = stats.figure_list(scoped_suggestions(request, scope), key=key, part=part, day=day)
    if qs is None:
        raise Http404(_("No such figure."))
    if key.startswith(stats.CLASS_PREFIX):
        label = key[len(stats.CLASS_PREFIX) :]
    else:
        label = str(stats.BY_KEY[key].label)
    part_label = {"num": _("counted"), "den": _("denominator"), "miss": _("not counted")}[part]
    if part == "miss" and key in MISS_LABELS:
        part_label = str(MISS_LABELS[key])
    names = [scope.congress.name]
    if scope.unit_id:
        # The list behind one unit's number (the dashboards' unit rows) says whose.
        names += Unit.objects.filter(pk=scope.unit_id).values_list("name", flat=True)
    title = " · ".join([*names, label, part_label])
    if scope.since or scope.until:
        title += f" · {scope.since or ''} – {scope.until or ''}"
    return scope, key, part, title, qs.order_by("congress__path", "series", "number", "pk")


@login_required
def figure_list(request):
    """The suggestions behind one number of the figures page: rendered once for what the reader may read and
    this query, until a suggestion changes (figure_lists.LISTS); a hit reads no suggestion."""

    def build() -> dict:
        scope, key, part, title, qs = _figure_rows(request)
        page = page_by_ids(
            qs,
            request.GET.get("page"),
            PAGE_SIZE,
            lambda ids: exports.with_page_details(Suggestion.objects.filter(pk__in=ids)),
        )
        rows = [exports.summary_of(s) for s in page]
        for r in rows:
            r["units_text"] = exports.units_text(r["units"])
            r["evaluations_text"] = exports.evaluations_text(r["evaluations"])
        params = {k: v for k, v in request.GET.items() if k != "page"}
        params.setdefault("figure", key)
        params["part"] = part
        export_url = reverse("suggestions:figure_export") + "?" + urlencode(params)
        back_url = reverse("suggestions:figures") + "?" + urlencode(scope.params())
        html = render_to_string(
            "suggestions/figures/partials/list_body.html",
            {"title": title, "page": page, "rows": rows, "export_url": export_url, "back_url": back_url},
            request=request,
        )
        return {"title": title, "count": page.paginator.count, "html": html}

    return list_page(request, LISTS, build)


@login_required
def figure_export(request):
    """The list behind a number as an Excel file (no mobile numbers); the export is recorded."""
    scope, key, part, title, qs = _figure_rows(request)
    rows = [exports.row_of(s) for s in exports.with_details(qs)]
    data = exports.export_rows(
        actor=request.user,
        rows=rows,
        title=title,
        what={"what": "suggestions", "figure": key, "part": part, **scope.params()},
        target=scope.congress,
        request=request,
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localdate().isoformat()
    safe = re.sub(r"[^A-Za-z0-9_]+", "-", key)
    response["Content-Disposition"] = f'attachment; filename="suggestions-{safe}-{part}-{stamp}.xlsx"'
    return response
