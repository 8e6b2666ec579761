"""The records behind the dashboards' number "Activities (人次)": the confirmed participations of deputies of
a congress (its own level, or with the congresses below: ?lower=1) in activities dated within a range, newest
first, a page at a time, and their Excel export (a recorded security event).

The rows are exactly those performance.stats.monthly_activities counts (status confirmed, by the
participation's congress — the deputy's — and the activity's date), so the list is as long as the number.
Who reads it: whoever reads the dashboards — staff and chairs over their congress and those below it, and
site administrators; a congress outside the reader's tree is not found (404).

Speed (a province holds two million participations): the congresses of the tree are read first, so the
COUNT is one index-only scan of `participation_counting` (congress, date, …) where confirmed; the page's
ids are read from `participation_newest` (date desc, id desc) where confirmed, stopping after 50 rows, and
only those 50 rows are joined to their deputy, congress, kind and activity. EXPLAIN on the province (2.5
million participations, 457,000 confirmed in a year), the whole province for a year: the COUNT 100–170 ms
(1.0–1.6 s before the table's visibility map is set by a vacuum), the page's ids 0.5 ms, its rows 4–8 ms.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from lvzhi.core.audit import record_security_event
from lvzhi.core.list_cache import list_page
from lvzhi.core.paging import page_by_ids
from lvzhi.core.params import parse_id
from lvzhi.org.models import Congress
from lvzhi.org.scope import scope_for
from lvzhi.stations.models import Station
from lvzhi.suggestions.security_events import EXPORT

from .activity_lists import LISTS
from .exports import XLSX
from .models import ActivityKind, Participation
from .permissions import is_staffish
from .selectors import congresses_read_by

PAGE_SIZE = 50
# The Excel file holds at most this many rows (the newest); the page says so when there are more.
EXPORT_LIMIT = 100_000
DENIED = gettext_lazy("The dashboards are for deputy-affairs staff and chairs.")
HEADERS = (
    gettext_lazy("Deputy"),
    gettext_lazy("Congress"),
    gettext_lazy("Activity kind"),
    gettext_lazy("Date"),
    gettext_lazy("Title"),
    gettext_lazy("Place"),
    gettext_lazy("Station"),
)


@dataclass(frozen=True)
class ActivityScope:
    congress: Congress
    lower: bool  # with the congresses below (the dashboards' subtree), else its own level (本级)
    since: dt.date
    until: dt.date
    station: Station | None = None

    def params(self, **extra) -> dict:
        out = {"congress": self.congress.pk}
        if self.lower:
            out["lower"] = "1"
        out |= {"since": self.since.isoformat(), "until": self.until.isoformat()}
        if self.station is not None:
            out["station"] = self.station.pk
        return out | extra

    def words(self) -> list[str]:
        """The list's title: congress · (本级) · Activities (人次) · station · date range."""
        words = [self.congress.name]
        if not self.lower:
            words.append(_("Own level (本级)"))
        words.append(_("Activities (人次)"))
        if self.station is not None:
            words.append(self.station.name)
        words.append(f"{self.since:%Y-%m-%d} – {self.until:%Y-%m-%d}")
        return words


def _date(raw) -> tuple[dt.date | None, bool]:
    """(the ISO date, whether a value was given but could not be read)."""
    raw = str(raw or "").strip()
    if not raw:
        return None, False
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        return None, True
    if not dt.date(1900, 1, 1) <= value <= dt.date(2200, 12, 31):
        return None, True
    return value, False


def scope_from(request) -> tuple[ActivityScope, list[str]]:
    """The list's scope from the query, and notices about the values that were left out.

    PermissionDenied for a reader of no dashboards; 404 for a congress the reader does not read (or none);
    an unreadable date or a station outside the congress's tree is left out and the reader is told."""
    user = request.user
    if not is_staffish(user):
        raise PermissionDenied(DENIED)
    readable = congresses_read_by(user=user)
    raw_congress = request.GET.get("congress")
    wanted = parse_id(raw_congress)
    notices: list[str] = []
    if wanted is not None:
        congress = readable.filter(pk=wanted).first()
        if congress is None:
            raise Http404(_("No such region."))
    else:
        if raw_congress:
            notices.append(_("The congress could not be read; your own is shown."))
        # As the dashboards: the top congress the reader reads (the root for an administrator).
        paths = scope_for(user).read_paths
        if paths:
            congress = readable.filter(path=min(paths, key=len)).first()
        else:
            congress = readable.filter(parent__isnull=True).order_by("path", "pk").first()
        if congress is None:
            raise PermissionDenied(DENIED)
    since, bad_since = _date(request.GET.get("since"))
    until, bad_until = _date(request.GET.get("until"))
    if bad_since or bad_until:
        notices.append(_("A date could not be read (write it as 2026-01-31); it was left out."))
    until = until or timezone.localdate()
    since = since or dt.date(until.year, 1, 1)
    if since > until:
        notices.append(_("The start date is after the end date: this year is shown."))
        until = timezone.localdate()
        since = dt.date(until.year, 1, 1)
    lower = request.GET.get("lower") in ("1", "on", "true")
    station = None
    raw_station = request.GET.get("station")
    if raw_station:
        # A station of the congress's tree (an activity's station may belong to a congress below).
        station = Station.objects.filter(
            pk=parse_id(raw_station) or 0, congress__path__startswith=congress.path
        ).first()
        if station is None:
            notices.append(_("No such station in this congress; every station's activities are shown."))
    return ActivityScope(congress, lower, since, until, station), notices


def participations(scope: ActivityScope) -> QuerySet[Participation]:
    """The confirmed participations the dashboards count for the scope, newest first.

    SECURITY: scope.congress is one the reader reads (scope_from), and every row is of it or below it."""
    if scope.lower:
        ids = list(Congress.objects.filter(path__startswith=scope.congress.path).values_list("pk", flat=True))
    else:
        ids = [scope.congress.pk]
    qs = Participation.objects.filter(
        status=Participation.Status.CONFIRMED,
        congress_id__in=ids,
        date__gte=scope.since,
        date__lte=scope.until,
    )
    if scope.station is not None:
        qs = qs.filter(activity__station=scope.station)
    return qs.order_by("-date", "-pk")


def _rows(qs: QuerySet[Participation]) -> QuerySet[Participation]:
    return qs.select_related("mandate__person", "congress", "kind", "activity__station")


def _back_url(scope: ActivityScope) -> str:
    """The dashboards' page of the figure, for the congress and the months of the range."""
    params = {"region": scope.congress.pk, "since": f"{scope.since:%Y-%m}", "until": f"{scope.until:%Y-%m}"}
    return reverse("dashboards:figure", args=["activities"]) + "?" + urlencode(params)


@login_required
@require_GET
def activity_list(request):
    """The confirmed participations behind the dashboards' "Activities (人次)": the page's body built once for
    what the reader may read and this query, until a participation changes (activity_lists.LISTS)."""
    if request.GET.get("format") == "xlsx":
        scope, _notices = scope_from(request)
        return _export(request, scope, " · ".join(scope.words()), participations(scope))

    def build() -> dict:
        scope, notices = scope_from(request)
        title = " · ".join(scope.words())
        # Two steps: the page's ids from the index (newest first, stopping after 50), then those 50 rows and
        # their joins, so the joins never change the plan of the ordered scan.
        page = page_by_ids(
            participations(scope),
            request.GET.get("page"),
            PAGE_SIZE,
            lambda ids: _rows(Participation.objects.filter(pk__in=ids)),
        )
        context = {
            "title": title,
            "scope": scope,
            "page": page,
            "notices": notices,
            "back_url": _back_url(scope),
            "export_url": reverse("performance:activity_list") + "?" + urlencode(scope.params(format="xlsx")),
            "export_limit": EXPORT_LIMIT,
            "over_limit": page.paginator.count > EXPORT_LIMIT,
        }
        html = render_to_string("performance/activity_list_body.html", context, request=request)
        return {"title": title, "count": page.paginator.count, "html": html}

    return list_page(request, LISTS, build)


def _export(request, scope: ActivityScope, title: str, qs) -> HttpResponse:
    """The list as an Excel file (the newest EXPORT_LIMIT rows); the export is recorded."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Activities")[:31])
    for column, width in zip("ABCDEFG", (12, 24, 16, 12, 40, 24, 20), strict=True):
        ws.column_dimensions[column].width = width
    ws.append([title])
    ws.append([str(h) for h in HEADERS])
    rows = 0
    fields = (
        "mandate__person__name",
        "congress__name",
        "kind_id",
        "date",
        "activity__title",
        "activity__place",
        "activity__station__name",
    )
    kinds: dict[int, str] = {}
    for name, congress, kind_id, day, what, place, station in (
        qs[:EXPORT_LIMIT].values_list(*fields).iterator(chunk_size=2000)
    ):
        if kind_id not in kinds:
            kinds[kind_id] = ActivityKind.objects.get(pk=kind_id).label  # a dozen kinds at most
        ws.append([name, congress, kinds[kind_id], day, what, place, station or ""])
        rows += 1
    out = io.BytesIO()
    wb.save(out)
    record_security_event(
        actor=request.user,
        kind=EXPORT,
        request=request,
        target=scope.congress,
        payload={
            "list": "performance_activities",
            "query": {k: str(v) for k, v in scope.params().items()},
            "rows": rows,
            "format": "xlsx",
        },
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    filename = f"activities-{scope.since:%Y%m%d}-{scope.until:%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
