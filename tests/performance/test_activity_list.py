"""The list behind the dashboards' "Activities (人次)" on the demo city: a congress's confirmed participations
(its own level, or with those below) in a date range, newest first, with its Excel export; read by the
dashboards' readers only, each within its own tree; odd parameters never fail."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lvzhi.core.models import Event
from lvzhi.org.models import Congress, User
from lvzhi.performance.models import Participation
from lvzhi.suggestions.security_events import EXPORT

pytestmark = pytest.mark.django_db

URL = reverse("performance:activity_list")
TODAY = timezone.localdate()
SINCE, UNTIL = dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 12, 31)
CONFIRMED = Participation.Status.CONFIRMED


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def congress(name: str) -> Congress:
    return Congress.objects.get(name=name)


def confirmed(congresses, since=SINCE, until=UNTIL):
    return Participation.objects.filter(
        status=CONFIRMED, congress__in=congresses, date__gte=since, date__lte=until
    )


def params(c, **extra):
    return {"congress": c.pk, "since": SINCE.isoformat(), "until": UNTIL.isoformat(), **extra}


def test_staff_read_a_districts_confirmed_participations_newest_first():
    east = congress("东湖区人民代表大会")
    tree = Congress.objects.filter(path__startswith=east.path)
    client = login("staff_a")
    response = client.get(URL, params(east, lower="1"))
    assert response.status_code == 200
    page = response.context["page"]
    expected = confirmed(tree)
    assert page.paginator.count == expected.count() > len(page.object_list)  # more than one page
    assert len(page.object_list) == 50
    # Newest first (date, then the latest recorded), and each row what a staff member looks for
    assert [p.pk for p in page] == list(expected.order_by("-date", "-pk").values_list("pk", flat=True)[:50])
    html = response.content.decode()
    first = page.object_list[0]
    for text in (first.mandate.person.name, first.activity.title, first.kind.label, f"{first.date:%Y-%m-%d}"):
        assert text in html
    assert f"<h1>东湖区人民代表大会 · 活动（人次） · {SINCE} – {UNTIL}" in html
    # The own level (本级) only: the district's deputies, not its townships'
    own = client.get(URL, params(east)).context["page"].paginator.count
    assert own == confirmed([east]).count() < page.paginator.count
    assert "东湖区人民代表大会 · 本级 · 活动（人次）" in client.get(URL, params(east)).content.decode()
    # Rejected and waiting registrations are not counted, nor activities outside the dates
    assert Participation.objects.filter(congress__in=tree).exclude(status=CONFIRMED).exists()
    march = client.get(URL, params(east, lower="1", since=f"{TODAY.year}-03-01", until=f"{TODAY.year}-03-31"))
    march_rows = confirmed(tree, dt.date(TODAY.year, 3, 1), dt.date(TODAY.year, 3, 31)).count()
    assert march.context["page"].paginator.count == march_rows


def test_a_station_narrows_the_list_to_its_activities():
    east = congress("东湖区人民代表大会")
    tree = Congress.objects.filter(path__startswith=east.path)
    rows = confirmed(tree).filter(activity__station__isnull=False)
    station = rows.values_list("activity__station", flat=True).first()
    assert station, "the demo holds activities at stations"
    response = login("staff_a").get(URL, params(east, lower="1", station=station))
    assert response.context["page"].paginator.count == rows.filter(activity__station=station).count()
    # A station of another district is left out, and the reader is told
    west_station = (
        Participation.objects.filter(congress__name="西岭区人民代表大会", activity__station__isnull=False)
        .values_list("activity__station", flat=True)
        .first()
    )
    foreign = login("staff_a").get(URL, params(east, lower="1", station=west_station or 999_999))
    assert foreign.status_code == 200
    assert foreign.context["page"].paginator.count == confirmed(tree).count()
    assert "已显示所有联络站的活动" in foreign.content.decode()


def test_the_excel_file_holds_the_list_and_the_export_is_recorded():
    east = congress("东湖区人民代表大会")
    client = login("chair_a")
    before = Event.objects.filter(kind=EXPORT).count()
    response = client.get(URL, params(east, lower="1", format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    expected = confirmed(Congress.objects.filter(path__startswith=east.path)).order_by("-date", "-pk")
    assert sheet[0][0].startswith("东湖区人民代表大会 · 活动（人次）")
    assert sheet[1][:4] == ["代表", "人大", "活动类型", "日期"]
    assert len(sheet) - 2 == expected.count()
    newest = expected.select_related("mandate__person", "activity").first()
    assert sheet[2][0] == newest.mandate.person.name and sheet[2][4] == newest.activity.title
    event = Event.objects.filter(kind=EXPORT).order_by("-pk").first()
    assert Event.objects.filter(kind=EXPORT).count() == before + 1
    assert event.payload["list"] == "performance_activities" and event.payload["rows"] == expected.count()


def test_only_the_dashboards_readers_open_it_each_within_its_tree():
    east, west, city = (
        congress(n) for n in ("东湖区人民代表大会", "西岭区人民代表大会", "示范市人民代表大会")
    )
    for username in ("deputy_a", "handler_a", "station_a", "member_a", "committee_a"):
        assert login(username).get(URL, params(east, lower="1")).status_code == 403, username
        assert login(username).get(URL).status_code == 403, username
    anonymous = Client().get(URL, params(east))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("signin"))
    for username in ("staff_a", "chair_a"):
        client = login(username)
        for other in (west, city):
            assert client.get(URL, params(other, lower="1")).status_code == 404, (username, other)
            assert client.get(URL, params(other, format="xlsx")).status_code == 404, (username, other)
        # Without a congress: the reader's own, whose tree holds no other district's deputies
        response = client.get(URL)
        assert response.status_code == 200 and response.context["scope"].congress == east
    # The city's chair reads the city and each district; the administrator every congress
    assert login("city_chair").get(URL, params(west, lower="1")).status_code == 200
    admin = Client()
    admin.force_login(User.objects.get(username="admin", is_superuser=True))
    assert admin.get(URL, params(west, lower="1")).status_code == 200
    assert admin.get(URL).context["scope"].congress == city


def test_odd_parameters_are_left_out_and_the_reader_told():
    east = congress("东湖区人民代表大会")
    client = login("staff_a")
    whole_year = confirmed([east], SINCE, TODAY).count()
    for bad in ("abc", "2026-02-30", "9999-12-31", "²", "a\x00b"):
        response = client.get(URL, params(east, since=bad, until=bad))
        assert response.status_code == 200, bad
        assert "无法识别日期" in response.content.decode(), bad
        assert response.context["page"].paginator.count == whole_year, bad
    reversed_range = client.get(URL, params(east, since=f"{TODAY.year}-06-01", until=f"{TODAY.year}-01-01"))
    assert "开始日期晚于结束日期" in reversed_range.content.decode()
    for page in ("abc", "-1", "99999", "²"):
        assert client.get(URL, params(east, page=page)).status_code == 200, page
    unreadable = client.get(URL, {"congress": "abc"})
    assert unreadable.status_code == 200 and "无法识别所选人大" in unreadable.content.decode()
    assert client.get(URL, {"congress": "999999999"}).status_code == 404


def test_a_page_costs_a_few_queries(django_assert_max_num_queries):
    city = congress("示范市人民代表大会")
    client = login("city_chair")
    # The page's own few, the chrome's and the list cache's (the test settings' cache is the database).
    with django_assert_max_num_queries(26):
        assert client.get(URL, params(city, lower="1")).status_code == 200
