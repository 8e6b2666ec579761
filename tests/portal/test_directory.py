"""The public portal's directory: the home, find my deputy (district → township → station, name), a deputy's
public page (代表风采) served from a cache that a change clears at once, the stations, the statistics; and a
walk of every public page a citizen reaches, looking for phones and unpublished records."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache as django_cache
from django.db.models import Q
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from lvzhi.opinions.models import ContactCode
from lvzhi.org.models import Congress, Mandate, Person, User
from lvzhi.performance.archive import public_archive_of
from lvzhi.performance.models import Activity, ActivityKind, Participation, PublicArchive
from lvzhi.portal import cache
from lvzhi.stations.models import Station
from lvzhi.suggestions.services import disclosure as service
from tests.portal.test_public import MOBILE, world  # noqa: F401
from tests.suggestions.test_disclosure import w  # noqa: F401
from tests.test_scope_walk import PUBLIC

pytestmark = pytest.mark.django_db


def anon() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def page(url: str, **query) -> str:
    r = anon().get(url, query)
    assert r.status_code == 200, (url, query, r.status_code)
    return r.content.decode()


def township(name: str) -> Congress:
    return Congress.objects.get(region_name=name, level=Congress.Level.TOWNSHIP)


def serving() -> Mandate:
    return Mandate.objects.current(timezone.localdate()).select_related("person", "congress")


# --- home, find my deputy ------------------------------------------------------------------------------
def test_the_home_links_every_public_part():
    body = page(reverse("portal:index"))
    for name in ("portal:deputies", "portal:stations", "portal:list", "portal:statistics"):
        assert f'href="{reverse(name)}"' in body
    assert 'href="/public/reception/"' in body and 'href="/public/meetings/"' in body


def test_find_by_district_then_township_then_name():
    qingshi = township("青石镇")
    district = qingshi.parent
    first = page(reverse("portal:deputies"), district=district.pk)
    picker = re.search(r'<select id="portal-township".*?</select>', first, re.S).group(0)
    assert f'<option value="{qingshi.pk}"' in picker  # the township picker lists the district's townships
    other = Congress.objects.filter(level=Congress.Level.TOWNSHIP).exclude(parent=district).first()
    assert f'<option value="{other.pk}"' not in picker
    mandate = serving().filter(congress=qingshi).first()
    listed = page(reverse("portal:deputies"), district=district.pk, township=qingshi.pk)
    in_township = serving().filter(
        Q(congress=qingshi)
        | Q(station_assignments__station__congress=qingshi, station_assignments__station__is_active=True)
    )
    # One row per person (a deputy to two congresses is listed once with both).
    assert f"{in_township.values('person').distinct().count()} deputies found" in listed
    assert "青石镇人大代表之家" in listed  # the station picker and the rows' stations
    elsewhere = serving().filter(congress__level=Congress.Level.TOWNSHIP).exclude(congress=qingshi).first()
    assert reverse("portal:deputy", args=[elsewhere.pk]) not in listed
    by_name = page(
        reverse("portal:deputies"), district=district.pk, township=qingshi.pk, q=mandate.person.name[1:]
    )
    assert reverse("portal:deputy", args=[mandate.pk]) in by_name
    # A city deputy entered into a township's station is that township's deputy too.
    city_in_station = serving().filter(
        congress__level=Congress.Level.CITY, station_assignments__station__congress=qingshi
    )
    city = city_in_station.select_related("person").first()  # listed after the township's own
    by_name = page(reverse("portal:deputies"), district=district.pk, township=qingshi.pk, q=city.person.name)
    assert reverse("portal:deputy", args=[city.pk]) in by_name


def test_find_by_station_and_pages():
    station = Station.objects.get(name="青石镇人大代表之家")
    qingshi = station.congress
    listed = page(
        reverse("portal:deputies"), district=qingshi.parent_id, township=qingshi.pk, station=station.pk
    )
    inside = serving().filter(station_assignments__station=station)
    outside = serving().filter(congress=qingshi).exclude(station_assignments__station=station).first()
    assert outside is not None, "the demo township has deputies outside this station"
    first = inside.filter(congress=qingshi).order_by("person__name", "pk").first()  # the township's own first
    assert reverse("portal:deputy", args=[first.pk]) in listed
    assert reverse("portal:deputy", args=[outside.pk]) not in listed
    everyone = page(reverse("portal:deputies"), q="")
    assert "Choose your district and township" in everyone
    pages = page(reverse("portal:deputies"), district=qingshi.parent_id, page=2)
    assert "Page 2 of" in pages


def test_ended_mandates_are_not_listed_nor_shown():
    mandate = serving().filter(congress__level=Congress.Level.TOWNSHIP).first()
    mandate.end_date = timezone.localdate() - timezone.timedelta(days=1)
    mandate.end_reason = Mandate.EndReason.RESIGNED
    mandate.save()
    assert reverse("portal:deputy", args=[mandate.pk]) not in page(
        reverse("portal:deputies"), q=mandate.person.name
    )
    assert anon().get(reverse("portal:deputy", args=[mandate.pk])).status_code == 404


def test_odd_input_never_fails():
    for url in (reverse("portal:deputies"), reverse("portal:stations"), reverse("portal:statistics")):
        for value in ("²", "a\x00b", "-1", "9999-12-31", "99999999999999999999"):
            query = dict.fromkeys(("district", "township", "station", "q", "page", "region"), value)
            assert anon().get(url, query).status_code == 200
    assert anon().get("/public/deputies/999999999/").status_code == 404
    assert anon().get("/public/stations/999999999/").status_code == 404


# --- the deputy's page ----------------------------------------------------------------------------------
def test_the_deputy_page_shows_what_a_citizen_may_know(world):  # noqa: F811
    lw = world["w"]
    mandate = Mandate.objects.select_related("person", "congress", "term").get(pk=lw.mandate.pk)
    PublicArchive.objects.filter(mandate=mandate).delete()  # nobody opened the deputy's archive yet
    body = page(reverse("portal:deputy", args=[mandate.pk]))
    assert mandate.person.name in body and mandate.congress.name in body
    code = ContactCode.objects.get(mandate=mandate, revoked_at__isnull=True)
    assert f"/c/{code.token}/" in body and 'src="data:image/svg+xml' in body  # the QR code and its address
    for key in ("heating", "lights"):
        assert reverse("portal:detail", args=[world[key].pk]) in body
    assert world["hidden"].title not in body and "关于已撤回公开事项的建议" not in body
    assert mandate.person.mobile not in body and not MOBILE.search(body)
    # No public archive yet: no link, no activities, and the visit makes none.
    assert "Full performance archive" not in body and "Recent activities" not in body
    assert not PublicArchive.objects.filter(mandate=mandate).exists()
    archive = public_archive_of(mandate)  # the office opens the deputy's archive: its public page is made
    body = page(reverse("portal:deputy", args=[mandate.pk]))
    assert reverse("performance:public_archive", args=[archive.key]) in body
    for station in Station.objects.filter(assignments__mandate=mandate, is_active=True):
        assert reverse("portal:station", args=[station.pk]) in body


def _with_public_activity():
    """Serving deputies with a confirmed activity of a public kind typed in by them or staff."""
    return serving().filter(
        participations__status=Participation.Status.CONFIRMED,
        participations__kind__is_public=True,
        participations__activity__origin__in=[Activity.Origin.DEPUTY, Activity.Origin.STAFF],
    )


def test_activities_show_only_when_the_archive_is_public():
    shown = _with_public_activity().filter(public_archive__is_published=True).order_by("pk").first()
    body = page(reverse("portal:deputy", args=[shown.pk]))
    assert "Recent activities" in body
    assert reverse("performance:public_archive", args=[shown.public_archive.key]) in body
    # Hidden by the office: the deputy stays, its activities and archive link go.
    hidden = shown.public_archive
    hidden.is_published = False
    hidden.save()
    body = page(reverse("portal:deputy", args=[shown.pk]))
    assert shown.person.name in body and "Full performance archive" not in body
    assert "Recent activities" not in body and hidden.key not in body
    # Never made (nobody opened the archive): the same, and an anonymous visit makes none.
    unmade = _with_public_activity().filter(public_archive__isnull=True).order_by("pk").first()
    assert unmade is not None, "the demo city leaves some archives unpublished"
    version = django_cache.get(cache.VERSION_KEY)
    body = page(reverse("portal:deputy", args=[unmade.pk]))
    assert unmade.person.name in body and "Recent activities" not in body
    assert "Full performance archive" not in body and "/performance/public/" not in body
    assert not PublicArchive.objects.filter(mandate=unmade).exists()
    assert django_cache.get(cache.VERSION_KEY) == version  # the visit wrote nothing: the cache is kept


def test_the_deputy_page_costs_few_queries_and_is_cached(django_assert_max_num_queries):
    mandate = serving().filter(station_assignments__isnull=False, public_archive__is_published=True).first()
    url = reverse("portal:deputy", args=[mandate.pk])
    client = anon()
    # The cache's read and write (4 with the database cache), the mandate with its archive page, its stations,
    # the reception days (with the deputies expected), its code, disclosures and activities.
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(1):  # one cache read: the version and the page together
        assert client.get(url).status_code == 200


def test_a_change_shows_on_the_cached_pages_at_once(world):  # noqa: F811
    lw = world["w"]
    url = reverse("portal:deputy", args=[lw.mandate.pk])
    before = page(url)
    assert world["hidden"].title not in before
    service.disclosure_publish(actor=lw.staff, disclosure=world["hidden"])
    assert world["hidden"].title in page(url)
    service.disclosure_withdraw(actor=lw.staff, disclosure=world["heating"])
    assert reverse("portal:detail", args=[world["heating"].pk]) not in page(url)

    station = Station.objects.filter(assignments__mandate=lw.mandate, is_active=True).first()
    station_url = reverse("portal:station", args=[station.pk])
    assert station.name in page(station_url)
    station.name = "改名后的代表联络站"
    station.save()
    assert "改名后的代表联络站" in page(url) and "改名后的代表联络站" in page(station_url)
    person = lw.mandate.person
    person.name = "改了名的代表"
    person.save()
    assert "改了名的代表" in page(url) and "改了名的代表" in page(station_url)


def test_the_cached_page_follows_the_language():
    mandate = serving().first()
    url = reverse("portal:deputy", args=[mandate.pk])
    assert "Disclosed suggestions" in anon().get(url).content.decode()
    assert "公开的建议" in Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(url).content.decode()


# --- stations, statistics ----------------------------------------------------------------------------------
def test_stations_by_region_and_name_and_their_page():
    station = Station.objects.get(name="青石镇人大代表之家")
    qingshi = station.congress
    listed = page(reverse("portal:stations"), district=qingshi.parent_id, township=qingshi.pk)
    assert station.name in listed and station.address in listed
    far = Station.objects.exclude(congress__path__startswith=qingshi.parent.path).first()
    assert far.name not in listed
    assert station.name in page(reverse("portal:stations"), q="青石镇人大")
    body = page(reverse("portal:station", args=[station.pk]))
    deputy = serving().filter(station_assignments__station=station).first()
    assert reverse("portal:deputy", args=[deputy.pk]) in body
    assert f"/public/reception/?station={station.pk}" in body
    assert station.phone not in body
    closed = Station.objects.exclude(pk=station.pk).first()
    closed.is_active = False
    closed.save()
    assert anon().get(reverse("portal:station", args=[closed.pk])).status_code == 404


def test_statistics_show_aggregates_only():
    from lvzhi.dashboards import figures

    figures.refresh()
    body = page(reverse("portal:statistics"))
    city = Congress.objects.get(parent__isnull=True)
    deputies = figures.headline(city, figures.Period.default())["deputies"].numerator
    assert city.name in body and f">{deputies}<" in body
    for district in Congress.objects.filter(parent=city):
        assert district.name in body
    district = Congress.objects.filter(parent=city).first()
    drilled = page(reverse("portal:statistics"), region=district.pk)
    assert all(t.name in drilled for t in Congress.objects.filter(parent=district))
    names = set(Person.objects.values_list("name", flat=True))
    assert not [n for n in names if len(n) > 1 and n in body]


# --- nothing private leaks, on every public page a citizen reaches ------------------------------------------
class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def _links(body: str) -> list[str]:
    parser = _Links()
    parser.feed(body)
    return parser.links


def _private_activities(mandate: Mandate) -> list[str]:
    """Activities of the deputy the public must not read: awaiting confirmation, rejected, of a kind not
    shown to the public, recorded by the platform from another record."""
    public_kind = ActivityKind.objects.filter(is_public=True, congress__isnull=True).first()
    private_kind = ActivityKind.objects.create(
        congress=mandate.congress, code="portal-private", name="内部事务", is_public=False
    )
    titles = []
    cases = [
        ("未确认的走访活动标题", public_kind, Participation.Status.REGISTERED, Activity.Origin.DEPUTY),
        ("被退回的调研活动标题", public_kind, Participation.Status.REJECTED, Activity.Origin.DEPUTY),
        ("不公开类别的活动标题", private_kind, Participation.Status.CONFIRMED, Activity.Origin.DEPUTY),
        ("平台据来源记录的活动标题", public_kind, Participation.Status.CONFIRMED, Activity.Origin.SOURCE),
    ]
    for title, kind, status, origin in cases:
        day = timezone.localdate()
        activity = Activity.objects.create(
            congress=mandate.congress, kind=kind, date=day, title=title, origin=origin
        )
        Participation.objects.create(
            activity=activity,
            mandate=mandate,
            congress=mandate.congress,
            kind=kind,
            date=day,
            status=status,
            reject_reason="与职责无关" if status == Participation.Status.REJECTED else "",
        )
        titles.append(title)
    return titles


def test_no_public_page_shows_a_phone_or_an_unpublished_record(world):  # noqa: F811
    lw = world["w"]
    forbidden = _private_activities(lw.mandate)
    forbidden += [world["hidden"].title, "关于已撤回公开事项的建议", "未公开的正文"]
    mobiles = {m for m in Person.objects.values_list("mobile", flat=True) if m}
    mobiles |= {m for m in User.objects.values_list("mobile", flat=True) if m}
    phones = {p for p in Station.objects.values_list("phone", flat=True) if p}
    assert len(mobiles) > 100 and phones

    # Start from the portal, the deputies of a few townships and stations, and follow every link that stays
    # on the public pages.
    start = [reverse("portal:index"), reverse("portal:deputies"), reverse("portal:stations")]
    start += [reverse("portal:statistics"), reverse("portal:list"), "/public/reception/", "/public/meetings/"]
    start += [reverse("portal:deputy", args=[lw.mandate.pk])]
    for t in Congress.objects.filter(level=Congress.Level.TOWNSHIP).order_by("pk")[:3]:
        start.append(f"{reverse('portal:deputies')}?district={t.parent_id}&township={t.pk}")
        start.append(f"{reverse('portal:stations')}?district={t.parent_id}&township={t.pk}")
    public_archive_of(lw.mandate)  # its archive is public: the walk follows the link to it
    # The first deputy (in a station) and station of each district, by pk: the same pages on every run.
    for district in Congress.objects.filter(parent__parent__isnull=True, parent__isnull=False).order_by("pk"):
        m = (
            serving()
            .filter(congress__path__startswith=district.path, station_assignments__isnull=False)
            .order_by("pk")
            .first()
        )
        s = (
            Station.objects.filter(congress__path__startswith=district.path, is_active=True)
            .order_by("pk")
            .first()
        )
        start += [reverse("portal:deputy", args=[m.pk]), reverse("portal:station", args=[s.pk])]
    client = anon()
    seen: set[str] = set()
    queue = list(start)
    kinds: set[str] = set()
    problems = []
    while queue and len(seen) < 160:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in {200, 302, 410}, (url, response.status_code)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        name = resolve(urlsplit(url).path).view_name
        kinds.add(name)
        leaks = [m for m in mobiles | phones if m in body] + MOBILE.findall(body)
        leaks += [t for t in forbidden if t in body]
        if leaks:
            problems.append(f"{url} shows {leaks[:3]}")
        for href in _links(body):
            parts = urlsplit(href)
            if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
                continue  # data: images, other sites
            if not parts.path:
                continue
            try:
                target = resolve(parts.path).view_name
            except Resolver404:
                problems.append(f"{url} links to {href}, which is no page")
                continue
            if target not in PUBLIC:  # anonymous only: no link into the signed-in site
                problems.append(f"{url} links to {href} ({target}), a page that needs a sign-in")
                continue
            if target in {"set_language", "signin", "home"} or "page=" in parts.query:
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert not problems, "\n".join(problems)
    assert {
        "portal:index",
        "portal:deputies",
        "portal:deputy",
        "portal:stations",
        "portal:station",
        "portal:statistics",
        "portal:detail",
        "reception_public:calendar",
        "meetings_public:list",
        "opinions:reach",
        "performance:public_archive",
    } <= kinds, kinds
