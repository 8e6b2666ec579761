"""The dashboard pages on the demo city: the numbers are the figures', the drill-down goes city → district →
township → station, every table exports to Excel with the same numbers, and only staff and chairs read
them, each within its own tree."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from lvzhi.core.models import Event
from lvzhi.dashboards import figures, views
from lvzhi.org.models import Congress, User
from lvzhi.stations.models import Station

pytestmark = pytest.mark.django_db

INDEX = reverse("dashboards:index")


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def congress(name: str) -> Congress:
    return Congress.objects.get(name=name)


def cards(html: str) -> dict[str, str]:
    """Each headline card's number as the page shows it, by figure key."""
    return dict(
        re.findall(
            r'data-figure="(\w+)"[^>]*>\s*<span class="label">[^<]*</span>\s*<span class="num">([^<]*)<', html
        )
    )


def shown(value: figures.Value) -> str:
    if value.is_count:
        return str(value.numerator)
    return "—" if value.rate is None else f"{value.rate:.1f}%"


def workbook_rows(response) -> list[list]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_chairs_dashboard_shows_the_citys_figures(django_assert_max_num_queries):
    city = congress("示范市人民代表大会")
    client = login("city_chair")
    # A first visit: the figures, and (the tests' cache being the database's table) the page kept
    with django_assert_max_num_queries(35):
        response = client.get(INDEX)
    assert response.status_code == 200
    # The next visit: the same page from the cache, reading neither the figures nor the regions
    with CaptureQueriesContext(connection) as queries:
        again = client.get(INDEX).content.decode()
    assert again.split("<main")[1] == response.content.decode().split("<main")[1]
    read = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in read if 'FROM "dashboards_figurecell"' in q or 'FROM "org_congress"' in q]
    html = response.content.decode()
    period = figures.Period.default()
    expected = figures.headline(city, period)
    # Each card shows the figure's number, and links to that figure's page
    assert cards(html) == {key: shown(v) for key, v in expected.items()}
    assert (
        expected["satisfied_first"].denominator > 0
    )  # the demo rates first replies: the check means something
    assert f"{expected['satisfied_first'].numerator}/{expected['satisfied_first'].denominator}" in html
    assert reverse("dashboards:figure", args=["satisfied_first"]) in html
    # The page says when the figures were refreshed (the demo build refreshes them)
    when = timezone.localtime(figures.refreshed_at()).strftime("%Y-%m-%d %H:%M")
    assert f"数据刷新于 {when}" in html
    # The deputies card counts mandates, and says so
    assert "一人兼任两级人大代表的，各级分别计入" in html
    # The charts draw from the numbers of the tables beside them, with the charting library served locally
    assert 'id="chart-trend"' in html and 'id="chart-children"' in html
    assert "/static/vendor/echarts/echarts.min.js" in html
    # The breakdown: 本级 first, each district linking to its own dashboard (the drill-down)
    east = congress("东湖区人民代表大会")
    assert f'href="{INDEX}?region={east.pk}&amp;since=' in html
    # … and each number to its records: 本级's to the city's own, a district's to its whole tree
    own = figures.by_child(city, period)[0].values
    assert own["opinions"].numerator and own["satisfied_first"].denominator
    for key, part, value in (("opinions", "num", own["opinions"].numerator),
                             ("satisfied_first", "den", own["satisfied_first"].denominator)):  # fmt: skip
        link = figures.list_url(key, part, city, period, own=True)
        assert f'<a href="{link.replace("&", "&amp;")}">{value}</a>' in html
    link = figures.list_url("opinions", "num", east, period)
    assert f'<a href="{link.replace("&", "&amp;")}">' in html


def test_the_drill_down_reaches_a_townships_stations_and_their_records():
    client = login("city_chair")
    east = congress("东湖区人民代表大会")
    town = Congress.objects.filter(parent=east).order_by("path").first()
    html = client.get(INDEX, {"region": east.pk}).content.decode()
    # Breadcrumbs city → district, the district's townships below it
    assert re.search(r'<nav class="crumbs".*示范市人民代表大会.*东湖区人民代表大会.*</nav>', html, re.S)
    assert f"?region={town.pk}&amp;" in html
    # The city's stations table is the city's own stations, and says so
    city_page = client.get(INDEX).content.decode()
    assert "本级联络站（示范市人民代表大会）；下级地区的联络站见各地区页面" in city_page
    # A station's reception days held open as the list of those days in the period
    period = figures.Period.default()
    rows = figures.by_station(congress("示范市人民代表大会"), period)
    row = max(rows, key=lambda r: r.values["reception_days"].numerator)
    held = row.values["reception_days"].numerator
    assert held, "the demo holds reception days"
    link = views.held_days_url(row.station.pk, period)
    assert f'<a href="{link.replace("&", "&amp;")}">{held}</a>' in city_page
    listed = client.get(link)
    assert listed.context["page"].paginator.count == held
    assert all(d.status == "held" and d.station_id == row.station.pk for d in listed.context["page"])
    page = client.get(INDEX, {"region": town.pk})
    html = page.content.decode()
    stations = figures.by_station(town, figures.Period.default())
    assert stations, "the demo's townships have stations"
    assert 'id="t-stations"' in html
    for row in stations:
        assert reverse("stations:detail", args=[row.station.pk]) in html
    opened = client.get(reverse("stations:detail", args=[stations[0].station.pk]))
    assert opened.status_code == 200


def test_counts_of_the_breakdown_add_up_to_the_region_on_the_page_and_in_the_file():
    city = congress("示范市人民代表大会")
    client = login("city_staff")
    period = figures.Period.default()
    response = client.get(INDEX, {"table": "children", "format": "xlsx"})
    rows = workbook_rows(response)
    header, body = rows[1], rows[2:]
    assert body[-1][0] == "合计"
    assert [r[0] for r in body[:-1]] == [r.label for r in figures.by_child(city, period)]
    expected = figures.headline(city, period)
    total = dict(zip(header, body[-1], strict=True))
    for d in figures.HEADLINE:
        v = expected[d.key]
        if d.is_count:
            assert total[str(d.label)] == v.numerator
        else:
            assert total[f"{d.label} (%)"] == v.rate
            numerators = [dict(zip(header, r, strict=True))[f"{d.label} · 分子"] for r in body[:-1]]
            assert sum(numerators) == total[f"{d.label} · 分子"] == v.numerator
    # The export is a recorded security event of the region, of the dashboards' own kind, which the
    # security log names in the reader's language.
    event = Event.objects.filter(kind="security.dashboard_export", actor__username="city_staff").latest("pk")
    assert event.is_security and event.congress_id == city.pk
    assert event.payload["table"] == "children" and event.payload["region"] == city.pk
    log = {"security": "on", "kind": "security.dashboard_export"}
    for language, words in (("en", "Dashboard table exported"), ("zh-hans", "看板表格已导出")):
        client.cookies["django_language"] = language
        assert words in client.get(reverse("core:event_list"), log).content.decode()


def test_the_satisfaction_page_links_each_units_dissatisfied_count_to_its_list():
    city = congress("示范市人民代表大会")
    period = figures.Period.default()
    client = login("city_chair")
    url = reverse("dashboards:figure", args=["satisfied_first"])
    html = client.get(url).content.decode()
    units = [u for u in figures.by_unit(city, period) if u.dissatisfied]
    assert units, "the demo has dissatisfied first replies"
    for unit in units:
        link = figures.list_url("satisfied_first", "miss", city, period, unit_id=unit.unit_id)
        assert f'<a href="{link.replace("&", "&amp;")}">{unit.dissatisfied}</a>' in html
    # The list reached says whose and what: the unit's dissatisfied replies
    listed = client.get(link).content.decode()
    heading = re.search(r"<h1>(.*?)<span", listed, re.S)[1]
    assert units[-1].name in heading and "不满意" in heading and "未计入" not in heading
    # The own level's numbers open the city's own records, as the regions' open theirs
    own = figures.by_child(city, period)[0].values["satisfied_first"]
    link = figures.list_url("satisfied_first", "den", city, period, own=True)
    assert own.denominator and f'<a href="{link.replace("&", "&amp;")}">{own.denominator}</a>' in html
    # The unit table in Excel: the same numbers
    rows = workbook_rows(client.get(url, {"table": "unit", "format": "xlsx"}))
    by_name = {r[0]: r for r in rows[2:]}
    for unit in units:
        assert by_name[unit.name][-1] == unit.dissatisfied
        assert by_name[unit.name][1] == unit.assigned


def test_bad_parameters_give_the_default_page_and_say_why():
    client = login("staff_a")
    default = figures.Period.default()
    this_month = default.params()["until"]
    next_year = default.until.year + 1
    for params, notice in (
        ({"region": "²", "since": "2026-13", "until": "x"}, "月份无法识别"),
        ({"since": "9999-12", "until": "1000-01"}, "起始月份晚于截止月份，已显示默认期间"),
        ({"region": "-1", "table": "nope", "format": "xlsx"}, None),
        ({"since": "2026-11", "until": "2026-01"}, "起始月份晚于截止月份，已显示默认期间"),
    ):
        response = client.get(INDEX, params)
        assert response.status_code == 200, params
        html = response.content.decode()
        assert "<h1>东湖区人民代表大会" in html
        assert f'name="since" value="{default.params()["since"]}"' in html, params
        if notice:
            assert re.search(r'class="warnbox period-notice"[^>]*>[^<]*' + notice, html), params
        else:
            assert "period-notice" not in html
    # Whatever Period.parse refuses or cuts, the page says why
    with translation.override("zh-hans"):
        future = {"since": f"{next_year}-02", "until": f"{next_year}-03"}
        assert views.period_notice(future, default) == "起始月份尚未到来，已显示默认期间。"
        too_long = {"since": f"{default.until.year - 9}-01"}
        assert "已显示默认期间" in views.period_notice(too_long, default)
        # A period running past this month ends with it
        late = {"since": default.params()["since"], "until": f"{next_year}-06"}
        assert views.period_notice(late, default) == f"本月之后尚无数据，期间截至 {this_month}。"
        assert views.period_notice(default.params(), default) == ""


def test_only_staff_and_chairs_read_dashboards_and_only_their_own_tree():
    east, west = congress("东湖区人民代表大会"), congress("西岭区人民代表大会")
    city = congress("示范市人民代表大会")
    figure = reverse("dashboards:figure", args=["satisfied_first"])
    for username in ("deputy_a", "handler_a", "station_a"):
        assert login(username).get(INDEX).status_code == 403, username
        assert login(username).get(figure).status_code == 403, username
    anonymous = Client().get(INDEX)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("signin"))
    for username in ("staff_a", "chair_a"):
        client = login(username)
        home = client.get(INDEX).content.decode()
        assert "<h1>东湖区人民代表大会" in home and "西岭区" not in home
        for region in (west, city):
            assert client.get(INDEX, {"region": region.pk}).status_code == 404
            assert (
                client.get(figure, {"region": region.pk, "format": "xlsx", "table": "unit"}).status_code
                == 404
            )
        assert client.get(INDEX, {"region": east.pk}).status_code == 200


def test_every_figure_has_its_page_and_every_table_its_file():
    east = congress("东湖区人民代表大会")
    period = figures.Period.default()
    client = login("staff_a")
    values = figures.headline(east, period)
    rows = workbook_rows(client.get(INDEX, {"table": "headline", "format": "xlsx"}))
    assert rows[0][0].startswith("东湖区人民代表大会")
    by_label = {r[0]: r for r in rows[2:]}
    for d in figures.HEADLINE:
        v = values[d.key]
        assert by_label[str(d.label)][1:4] == (
            [v.numerator, v.numerator, None] if d.is_count else [v.rate, v.numerator, v.denominator]
        )
        page = client.get(reverse("dashboards:figure", args=[d.key]))
        assert page.status_code == 200, d.key
        for table in re.findall(r'id="t-(\w+)"', page.content.decode()):
            exported = client.get(
                reverse("dashboards:figure", args=[d.key]), {"table": table, "format": "xlsx"}
            )
            assert workbook_rows(exported)[0][0].startswith("东湖区人民代表大会"), (d.key, table)


def _unit_names(html: str, table: str) -> list[str]:
    section = re.search(rf'id="t-{table}".*?</section>', html, re.S)[0]
    return re.findall(r"<tr><td>([^<]*)</td>", section.split("<tbody>")[1])


def test_a_units_table_shows_the_best_and_the_worst_and_links_to_every_unit(monkeypatch):
    # The demo city has a few units: show 2 best and 2 worst (10 and 10 on a province), 3 a page.
    monkeypatch.setattr(views, "UNITS_SHOWN", 2)
    monkeypatch.setattr(views, "UNITS_PER_PAGE", 3)
    city = congress("示范市人民代表大会")
    period = figures.Period.default()
    ranked = [u.name for u in figures.by_unit(city, period)]
    assert len(ranked) > 4, "the demo city's suggestions have more than four lead units"
    client = login("city_chair")
    html = client.get(INDEX).content.decode()
    assert _unit_names(html, "units") == ranked[:2] + ranked[-2:]
    assert f"{len(ranked)} 个单位中评价最好和最差的各 2 个" in html
    link = views.units_url(city, period)
    assert (
        f'<a class="more-units" href="{link.replace("&", "&amp;")}">全部主办单位（{len(ranked)}）</a>' in html
    )
    # The units page lists them all, a page at a time, in the ranking's order
    listed, number = [], 1
    while True:
        page = client.get(link, {"page": number}).content.decode()
        listed += _unit_names(page, "units")
        if ">下一页</a>" not in page:
            break
        number += 1
    assert listed == ranked and number > 1
    # The Excel files keep every unit: the index's and the units page's
    for url, params in (
        (INDEX, {"table": "units", "format": "xlsx"}),
        (link, {"format": "xlsx", "table": "units"}),
    ):
        assert [r[0] for r in workbook_rows(client.get(url, params))[2:]] == ranked
    # The satisfaction page likewise, its link keeping the figure's columns
    figure = client.get(reverse("dashboards:figure", args=["satisfied_first"])).content.decode()
    assert _unit_names(figure, "unit") == ranked[:2] + ranked[-2:]
    all_units = client.get(views.units_url(city, period, "satisfied_first")).content.decode()
    assert 'id="t-unit"' in all_units and "不满意" in all_units
    # A district's staff reads no units page above its district
    assert login("staff_a").get(link).status_code == 404


def test_a_cached_dashboard_shows_the_figures_of_the_latest_refresh():
    east = congress("东湖区人民代表大会")
    period = figures.Period.default()
    before = figures.headline(east, period)["stations"].numerator
    assert before
    chair, staff = login("city_chair"), login("staff_a")
    assert cards(chair.get(INDEX, {"region": east.pk}).content.decode())["stations"] == str(before)
    # The cached page holds nothing of its reader: the district's staff sees no way up to the city
    html = staff.get(INDEX, {"region": east.pk}).content.decode()
    assert cards(html)["stations"] == str(before) and "示范市" not in html
    station = Station.objects.filter(congress__path__startswith=east.path, is_active=True).first()
    Station.objects.filter(pk=station.pk).update(is_active=False)
    figures.refresh()
    html = chair.get(INDEX, {"region": east.pk}).content.decode()
    assert cards(html)["stations"] == str(before - 1)
    when = timezone.localtime(figures.refreshed_at()).strftime("%Y-%m-%d %H:%M")
    assert f"数据刷新于 {when}" in html
