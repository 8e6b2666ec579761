"""Stations: create, edit, close and reopen, deputies of any visible level in and out, the list's filters."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Role
from lvzhi.stations import services
from lvzhi.stations.models import Station, StationDeputy
from tests.factories import MandateFactory, StationFactory, UserFactory, grant
from tests.org.manage_world import TODAY, build_world, events

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return build_world()


def station_form(w, **overrides):
    data = {
        "congress": w.district_a.pk,
        "kind": "station",
        "name": "东湖街道人大代表联络站",
        "address": "东湖路88号社区服务中心二楼",
        "opening_hours": "每月15日上午9:00–11:00",
        "phone": "0531-88886666",
    }
    data.update(overrides)
    return data


def test_staff_add_a_station(w):
    page = w.client(w.staff_a).post(reverse("stations:create"), station_form(w))
    station = Station.objects.get(congress=w.district_a, name="东湖街道人大代表联络站")
    assert page.status_code == 302 and page.url == reverse("stations:detail", args=[station.pk])
    assert (station.congress, station.opening_hours, station.is_active) == (
        w.district_a,
        "每月15日上午9:00–11:00",
        True,
    )
    assert events("station.created", station)[0].actor == w.staff_a


def test_a_station_needs_an_address_and_a_unique_name(w):
    StationFactory(congress=w.district_a, name="东湖街道人大代表联络站")
    page = w.client(w.staff_a).post(reverse("stations:create"), station_form(w, opening_hours="周三下午"))
    assert page.status_code == 200
    assert "already has a station of that name" in page.content.decode()
    assert 'value="周三下午"' in page.content.decode()
    with pytest.raises(ServiceError) as refused:
        services.station_create(
            actor=w.staff_a, congress=w.district_a, kind="home", name="代表之家", address=" "
        )
    assert refused.value.code == "required"


def test_staff_edit_a_station_and_the_log_keeps_old_and_new(w):
    station = StationFactory(congress=w.district_a, address="旧址")
    data = station_form(w, name=station.name, address="新址")
    del data["congress"]
    assert w.client(w.staff_a).post(reverse("stations:edit", args=[station.pk]), data).status_code == 302
    station.refresh_from_db()
    assert station.address == "新址"
    assert events("station.updated", station)[0].payload["changes"]["address"] == ["旧址", "新址"]


def test_staff_enter_a_township_deputy_into_a_district_station_and_take_them_out(w):
    station = StationFactory(congress=w.district_a)
    client = w.client(w.staff_a)
    found = client.get(reverse("stations:detail", args=[station.pk]), {"q": w.mandate_town.person.name})
    assert list(found.context["candidates"]) == [w.mandate_town]
    assert (
        client.post(reverse("stations:assign", args=[station.pk]), {"mandate": w.mandate_town.pk}).status_code
        == 302
    )
    assert list(station.deputies.all()) == [w.mandate_town]
    [assigned] = events("station.deputy_assigned", station)
    assert assigned.payload == {
        "mandate": w.mandate_town.pk,
        "person": w.mandate_town.person_id,
        "mandate_congress": w.town_a.pk,
    }
    page = client.get(reverse("stations:detail", args=[station.pk])).content.decode()
    assert w.mandate_town.person.name in page

    assert (
        client.post(
            reverse("stations:unassign", args=[station.pk]), {"mandate": w.mandate_town.pk}
        ).status_code
        == 302
    )
    assert not station.deputies.exists()
    assert events("station.deputy_unassigned", station)[0].payload["mandate"] == w.mandate_town.pk


def test_assigning_refusals(w):
    station = StationFactory(congress=w.district_a)
    services.station_assign_deputy(actor=w.staff_a, station=station, mandate=w.mandate_a)
    ended = MandateFactory(
        congress=w.district_a, term=w.term_a, end_date=dt.date(2025, 1, 1), end_reason="resigned"
    )
    for mandate, code in [
        (w.mandate_a, "already_assigned"),
        (ended, "mandate_ended"),
        (w.mandate_b, "not_found"),
    ]:
        with pytest.raises(ServiceError) as refused:
            services.station_assign_deputy(actor=w.staff_a, station=station, mandate=mandate)
        assert refused.value.code == code
    page = w.client(w.staff_a).post(
        reverse("stations:assign", args=[station.pk]), {"mandate": w.mandate_b.pk}, follow=True
    )
    assert "That deputy was not found." in page.content.decode()
    assert list(station.deputies.all()) == [w.mandate_a]


def test_a_station_with_deputies_is_not_closed_until_they_move(w):
    station = StationFactory(congress=w.district_a)
    services.station_assign_deputy(actor=w.staff_a, station=station, mandate=w.mandate_a)
    client = w.client(w.staff_a)
    page = client.post(reverse("stations:set_active", args=[station.pk]), {"active": "0"}, follow=True)
    assert (
        escape("Move this station's deputies to another station before closing it.") in page.content.decode()
    )
    station.refresh_from_db()
    assert station.is_active
    services.station_unassign_deputy(actor=w.staff_a, station=station, mandate=w.mandate_a)
    client.post(reverse("stations:set_active", args=[station.pk]), {"active": "0"})
    station.refresh_from_db()
    assert not station.is_active
    assert events("station.deactivated", station)[0].to_state == "inactive"
    with pytest.raises(ServiceError) as refused:
        services.station_assign_deputy(actor=w.staff_a, station=station, mandate=w.mandate_a)
    assert refused.value.code == "station_inactive"
    client.post(reverse("stations:set_active", args=[station.pk]), {"active": "1"})
    station.refresh_from_db()
    assert station.is_active and len(events("station.reactivated", station)) == 1


def test_station_writes_are_closed_to_siblings_the_city_deputies_and_station_staff(w):
    station = StationFactory(congress=w.district_a)
    StationDeputy.objects.create(station=station, mandate=w.mandate_a)
    station_staff = UserFactory(congress=w.district_a)
    grant(station_staff, Role.STATION_STAFF, w.district_a, station=station)
    assign = reverse("stations:assign", args=[station.pk])
    assert w.client(w.staff_b).get(reverse("stations:detail", args=[station.pk])).status_code == 404
    assert w.client(w.staff_b).post(assign, {"mandate": w.mandate_town.pk}).status_code == 404
    assert w.client(w.city_staff).post(assign, {"mandate": w.mandate_town.pk}).status_code == 403
    assert w.client(w.deputy_a).post(assign, {"mandate": w.mandate_town.pk}).status_code == 403
    assert w.client(station_staff).post(assign, {"mandate": w.mandate_town.pk}).status_code == 403
    assert (
        w.client(station_staff).post(reverse("stations:edit", args=[station.pk]), station_form(w)).status_code
        == 403
    )
    # Readers see the station without the buttons.
    html = w.client(w.city_staff).get(reverse("stations:detail", args=[station.pk])).content.decode()
    assert reverse("stations:edit", args=[station.pk]) not in html and assign not in html
    assert list(station.deputies.all()) == [w.mandate_a]
    assert events("station.deputy_assigned", station) == []


def test_the_list_filters_by_congress_kind_and_no_deputies(w):
    home = StationFactory(congress=w.district_a, kind="home", name="东湖区人大代表之家")
    busy = StationFactory(congress=w.district_a, kind="station")
    StationDeputy.objects.create(station=busy, mandate=w.mandate_a)
    below = StationFactory(congress=w.town_a, kind="room")
    StationFactory(congress=w.district_b)
    client = w.client(w.staff_a)

    def listed(**params):
        return set(client.get(reverse("stations:list"), params).context["page"].object_list)

    assert listed() == {home, busy, below}
    assert listed(congress=w.district_a.pk) == {home, busy}
    assert listed(kind="home") == {home}
    assert listed(deputies="none") == {home, below}
    assert listed(q="代表之家") == {home}
    assert listed(congress=w.district_b.pk) == set()


def test_the_station_list_counts_deputies_without_a_query_per_station(w, django_assert_max_num_queries):
    for _ in range(25):
        station = StationFactory(congress=w.district_a)
        for _ in range(2):
            StationDeputy.objects.create(
                station=station, mandate=MandateFactory(congress=w.district_a, term=w.term_a)
            )
    client = w.client(w.staff_a)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("stations:list"))
    assert [s.deputy_count for s in page.context["page"].object_list] == [2] * 25


def test_the_station_page_does_not_query_per_deputy(w, django_assert_max_num_queries):
    station = StationFactory(congress=w.district_a)
    for _ in range(30):
        StationDeputy.objects.create(
            station=station, mandate=MandateFactory(congress=w.district_a, term=w.term_a)
        )
    client = w.client(w.staff_a)
    # A fixed number: the station, its deputies, its timeline, its reception rules, next days and QR code.
    with django_assert_max_num_queries(15):
        assert client.get(reverse("stations:detail", args=[station.pk])).status_code == 200


def test_a_deputy_from_above_in_the_station_can_be_taken_out_by_its_staff(w):
    """A city deputy entered into a district station: the district's staff cannot read the city mandate, but
    the station's roster is theirs to keep."""
    station = StationFactory(congress=w.district_a)
    city_deputy = MandateFactory(congress=w.city, term=w.term_city)
    StationDeputy.objects.create(station=station, mandate=city_deputy)
    client = w.client(w.staff_a)
    html = client.get(reverse("stations:detail", args=[station.pk])).content.decode()
    assert city_deputy.person.name in html
    assert reverse("org:deputy_detail", args=[city_deputy.pk]) not in html  # no link to what they cannot read
    page = client.post(reverse("stations:unassign", args=[station.pk]), {"mandate": city_deputy.pk})
    assert page.status_code == 302
    assert not station.deputies.exists()
    assert events("station.deputy_unassigned", station)[0].payload["mandate"] == city_deputy.pk


def test_district_staff_enter_a_city_deputy_into_their_station_but_not_a_siblings_deputy(w):
    """进家入站 mixes levels: deputies of the congresses above the station's may be entered by its staff."""
    station = StationFactory(congress=w.district_a)
    city_deputy = MandateFactory(congress=w.city, term=w.term_city)
    sibling_deputy = MandateFactory(congress=w.district_b, term=w.term_b)
    client = w.client(w.staff_a)
    found = client.get(reverse("stations:detail", args=[station.pk]), {"q": city_deputy.person.name})
    assert city_deputy.person.name in found.content.decode()
    client.post(reverse("stations:assign", args=[station.pk]), {"mandate": city_deputy.pk})
    assert list(station.deputies.all()) == [city_deputy]
    with pytest.raises(ServiceError) as refused:
        services.station_assign_deputy(actor=w.staff_a, station=station, mandate=sibling_deputy)
    assert refused.value.code == "not_found"


def test_the_candidate_search_hides_the_employer_of_deputies_the_staff_cannot_read(w):
    """A city deputy is found by name to be entered, but their employer and position stay with the city."""
    station = StationFactory(congress=w.district_a)
    city_deputy = MandateFactory(
        congress=w.city, term=w.term_city, person__name="王同名", person__occupation="示范市某集团董事长"
    )
    own_deputy = MandateFactory(
        congress=w.district_a, term=w.term_a, person__name="王同名", person__occupation="东湖街道卫生院院长"
    )
    page = w.client(w.staff_a).get(reverse("stations:detail", args=[station.pk]), {"q": "王同名"})
    html = page.content.decode()
    assert {m.pk: m.readable for m in page.context["candidates"]} == {
        city_deputy.pk: False,
        own_deputy.pk: True,
    }
    assert "东湖街道卫生院院长" in html and "示范市某集团董事长" not in html
    # The city's staff may read their deputy's details wherever the search runs.
    city_station = StationFactory(congress=w.city)
    city_page = w.client(w.city_staff).get(
        reverse("stations:detail", args=[city_station.pk]), {"q": "王同名"}
    )
    assert "示范市某集团董事长" in city_page.content.decode()


def test_the_one_refusal_helper_answers_403_for_station_writes_of_other_congresses(w):
    station = StationFactory(congress=w.district_a)
    client = w.client(w.city_staff)  # reads the district's station, does not manage it
    assert client.get(reverse("stations:edit", args=[station.pk])).status_code == 403
    assert client.post(reverse("stations:set_active", args=[station.pk]), {"active": "0"}).status_code == 403
    assert w.client(w.staff_b).get(reverse("stations:edit", args=[station.pk])).status_code == 404


def test_a_stations_page_names_its_staff(client):
    """The demo station 湖滨街道人大代表联络站 is staffed by station_a; its page says so."""
    from lvzhi.org.models import User

    staff = User.objects.get(username="station_a")
    station = Station.objects.get(name="湖滨街道人大代表联络站")
    client.force_login(User.objects.get(username="staff_a"))
    html = client.get(reverse("stations:detail", args=[station.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "联络站工作人员" in html.content.decode()
    assert escape(staff.display_name) in html.content.decode()


def test_a_stations_history_reads_in_words_and_its_qr_code_shows_its_address(client, settings):
    """The demo station's history (办理记录) names each step in Chinese, never by its code; under the QR code
    is the public address it encodes (LVZHI_PUBLIC_URL + /c/<token>/), as a link."""
    from lvzhi.opinions.models import ContactCode
    from lvzhi.org.models import User

    settings.LVZHI_PUBLIC_URL = "https://lvzhi.example.cn"
    station = Station.objects.get(name="湖滨街道人大代表联络站")
    code = ContactCode.objects.get(station=station, revoked_at=None)
    client.force_login(User.objects.get(username="staff_a"))
    html = client.get(reverse("stations:detail", args=[station.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = html.content.decode()
    events = html.context["events"]
    assert {e.kind for e in events} >= {"station.created", "station.deputy_assigned"}
    history = body[body.index("办理记录") :]
    assert "station." not in history and "reception." not in history
    assert "新增联络站" in history and "代表进站" in history
    address = f"https://lvzhi.example.cn/c/{code.token}/"
    assert f'<a href="{address}"' in body and f">{address}</a>" in body


def test_a_closed_and_reopened_station_reads_so_in_its_history(w):
    station = StationFactory(congress=w.district_a)
    services.station_set_active(actor=w.staff_a, station=station, active=False)
    services.station_set_active(actor=w.staff_a, station=station, active=True)
    html = w.client(w.staff_a).get(
        reverse("stations:detail", args=[station.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    history = html.content.decode().split("办理记录", 1)[1]
    assert "关闭联络站" in history and "重新开放联络站" in history and "station." not in history
    assert "开放 → 已关闭" in history


@pytest.mark.parametrize("url", ["stations:list", "org:group_list"])
def test_the_name_column_of_stations_and_groups_reads_as_a_name_of_a_thing(client, url):
    from lvzhi.org.models import User

    client.force_login(User.objects.get(username="staff_a"))
    body = client.get(reverse(url), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<th>名称</th>" in body and "姓名" not in body
