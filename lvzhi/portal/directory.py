"""Reads of the public directory: serving deputies, active stations, what a citizen may know of them.

Who is public: every serving deputy (a current mandate) of every congress. No congress setting decides
otherwise, and deputies are public figures: their name, gender, ethnicity, political affiliation, employer and
position, congress, term and electoral unit are published on election. NEVER their mobile, birth date or any
account data. Activities and the link to the performance archive follow the public archive's rule
(performance/archive.py): only when the deputy's archive is public, i.e. its page (PublicArchive) exists and
is published. A deputy with no such page keeps the directory entry but shows neither; a visit here never
makes one (a write on an anonymous GET, and its random key handed out for every sequential id).

# SECURITY: the public pages read deputies and stations through these functions only; each returns model
# rows, so a template must print only the fields listed above (tests/portal walk every page for phones).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Min, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.utils import timezone

from lvzhi.opinions.models import ContactCode
from lvzhi.org.models import Congress, Mandate, Person
from lvzhi.performance.archive import OWN_ENTRIES
from lvzhi.performance.models import Participation, PublicArchive
from lvzhi.stations.models import Station, StationDeputy
from lvzhi.suggestions.models import Disclosure, Signer
from lvzhi.suggestions.workflow import State

ACTIVITY_LIMIT = 10


# --- regions ---------------------------------------------------------------------------------------
def top_congresses() -> list[Congress]:
    return list(Congress.objects.filter(parent__isnull=True).order_by("path"))


def child_congresses(parent_ids) -> list[Congress]:
    return list(Congress.objects.filter(parent_id__in=list(parent_ids)).order_by("path"))


@dataclass(frozen=True)
class Region:
    """The chained region pickers: district (a child of a top congress), then township (a child of it)."""

    districts: list[Congress]
    townships: list[Congress]
    district: Congress | None
    township: Congress | None

    @property
    def chosen(self) -> Congress | None:
        return self.township or self.district


def region_from(district_id: int | None, township_id: int | None) -> Region:
    """The pickers' choices and what was chosen; an id that names no choice is ignored."""
    districts = child_congresses(c.pk for c in top_congresses())
    district = next((c for c in districts if c.pk == district_id), None)
    townships = child_congresses([district.pk]) if district else []
    township = next((c for c in townships if c.pk == township_id), None)
    if district is None and township_id is not None:
        # A township link without its district (from a station's page): take the district from it.
        found = Congress.objects.filter(pk=township_id, parent__in=districts).first()
        if found is not None:
            district = next(c for c in districts if c.pk == found.parent_id)
            townships = child_congresses([district.pk])
            township = next(c for c in townships if c.pk == found.pk)
    return Region(districts, townships, district, township)


# --- deputies --------------------------------------------------------------------------------------
def _active_station_links() -> Prefetch:
    links = (
        StationDeputy.objects.filter(station__is_active=True)
        .select_related("station")
        .order_by("station__name", "pk")
    )
    return Prefetch("station_assignments", queryset=links, to_attr="public_stations")


def public_deputies(today=None) -> QuerySet[Mandate]:
    """Serving deputies of every congress (see the module's docstring for what of them is public)."""
    return Mandate.objects.current(today or timezone.localdate()).select_related(
        "person", "congress", "term", "electoral_unit"
    )


def deputy_search(
    *, region: Congress | None = None, station: Station | None = None, q: str = ""
) -> QuerySet[Mandate]:
    """Deputies of the region (its congress and those below) and those entered into its stations (a city
    deputy sitting in a township's station is that township's deputy to a citizen); of a station; by name."""
    qs = public_deputies()
    if region is not None:
        in_stations = StationDeputy.objects.filter(
            station__is_active=True, station__congress__path__startswith=region.path
        ).values("mandate_id")
        qs = qs.filter(Q(congress__path__startswith=region.path) | Q(pk__in=in_stations))
    if station is not None:
        qs = qs.filter(pk__in=StationDeputy.objects.filter(station=station).values("mandate_id"))
    if q:
        qs = qs.filter(person__name__contains=q)
    return qs.prefetch_related(_active_station_links()).order_by("congress__path", "person__name", "pk")


# Groups of find my deputy's rows, nearest to the citizen first.
OWN, BELOW, ABOVE = 0, 1, 2


def _nearness(anchor: Congress | None):
    """0 for the anchor's own deputies, 1 below it, then the higher congresses, nearer (longer path) first."""
    if anchor is None:
        return Value(OWN, output_field=IntegerField())
    return Case(
        When(congress_id=anchor.pk, then=Value(OWN)),
        When(congress__path__startswith=anchor.path, then=Value(BELOW)),
        default=Value(1000) - Length("congress__path"),
        output_field=IntegerField(),
    )


@dataclass
class DeputyRow:
    """One person in find my deputy, with the mandates the search found (a deputy to two congresses is one
    row with both levels), nearest first; the row links to the first."""

    person: Person
    mandates: list[Mandate]
    nearness: int

    @property
    def first(self) -> Mandate:
        return self.mandates[0]

    @property
    def group(self) -> int:
        return min(self.nearness, ABOVE)


def deputy_people(mandates: QuerySet[Mandate], anchor: Congress | None) -> QuerySet:
    """One row per person of deputy_search's mandates, the anchor's own deputies first, then those below,
    then the higher congresses' deputies entered into its stations; by name within. Paginate this, then
    deputy_rows() for the page."""
    return (
        mandates.order_by()
        .values("person_id")
        .annotate(nearness=Min(_nearness(anchor)), name=Min("person__name"))
        .order_by("nearness", "name", "person_id")
    )


def deputy_rows(mandates: QuerySet[Mandate], anchor: Congress | None, people) -> list[DeputyRow]:
    """The rows of one page of deputy_people()."""
    order = {p["person_id"]: p["nearness"] for p in people}
    found = (
        mandates.filter(person_id__in=list(order))
        .annotate(nearness=_nearness(anchor))
        .order_by("nearness", "pk")
    )
    rows: dict[int, DeputyRow] = {}
    for m in found:
        row = rows.setdefault(m.person_id, DeputyRow(m.person, [], order[m.person_id]))
        row.mandates.append(m)
    return [rows[pk] for pk in order if pk in rows]


def public_deputy(pk: int) -> Mandate | None:
    qs = public_deputies().select_related("public_archive").prefetch_related(_active_station_links())
    return qs.filter(pk=pk).first()


def live_code_of(*, mandate: Mandate | None = None, station: Station | None = None) -> ContactCode | None:
    qs = ContactCode.objects.filter(revoked_at__isnull=True)
    qs = qs.filter(mandate=mandate) if mandate is not None else qs.filter(station=station)
    return qs.order_by("-created_at", "-pk").first()


def disclosed_suggestions_of(mandate: Mandate) -> list[Disclosure]:
    """The published redacted copies of the suggestions the deputy authored or co-signed (confirmed), closed.

    The same rule as the public archive (performance.archive._suggestion_lines with public=True)."""
    signed = (
        Signer.objects.filter(mandate=mandate, declined_at__isnull=True)
        .filter(
            Q(role=Signer.Role.AUTHOR)
            | Q(role=Signer.Role.MERGED)
            | Q(role=Signer.Role.COSIGNER, confirmed_at__isnull=False)
        )
        .values("suggestion_id")
    )
    return list(
        Disclosure.objects.filter(is_published=True, suggestion_id__in=signed, suggestion__state=State.CLOSED)
        .select_related(
            "suggestion__congress", "suggestion__term__congress", "suggestion__session__term__congress"
        )
        .order_by("-published_at", "-pk")
    )


def public_archive_page(mandate: Mandate) -> PublicArchive | None:
    """The deputy's published archive page, or None (never made, or hidden by staff). Read only."""
    try:
        page = mandate.public_archive  # read with the mandate (public_deputy)
    except PublicArchive.DoesNotExist:
        return None
    return page if page.is_published else None


def public_activities(mandate: Mandate, *, limit: int = ACTIVITY_LIMIT) -> list[Participation]:
    """The latest activities the public archive shows (performance/archive.py's SECURITY rule): confirmed,
    of kinds shown to the public, typed in by the deputy or staff (never copied from another record); none
    unless the deputy's archive is public."""
    if public_archive_page(mandate) is None:
        return []
    return list(
        Participation.objects.filter(
            mandate=mandate, status=Participation.Status.CONFIRMED, kind__is_public=True
        )
        .exclude(source_type__in=OWN_ENTRIES)
        .exclude(activity__origin="source")
        .select_related("activity", "kind")
        .order_by("-date", "-pk")[:limit]
    )


# --- stations --------------------------------------------------------------------------------------
def public_stations() -> QuerySet[Station]:
    return Station.objects.filter(is_active=True).select_related("congress")


def station_search(*, region: Congress | None = None, q: str = "") -> QuerySet[Station]:
    qs = public_stations()
    if region is not None:
        qs = qs.filter(congress__path__startswith=region.path)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(address__contains=q))
    return qs.order_by("congress__path", "name", "pk")


def station_choices(region: Congress | None) -> list[Station]:
    """find my deputy's station picker: the region's stations, or the top congresses' own (the city's
    stations belong to no district)."""
    if region is not None:
        return list(station_search(region=region))
    return list(
        public_stations().filter(congress__parent__isnull=True).order_by("congress__path", "name", "pk")
    )


def station_deputies(station: Station) -> list[Mandate]:
    """The serving deputies entered into the station, of every level."""
    return list(
        public_deputies()
        .filter(station_assignments__station=station)
        .order_by("congress__path", "person__name", "pk")
    )
