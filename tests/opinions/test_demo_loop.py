"""The demo shows the whole loop of citizens' opinions, through the pages each demo account uses: deputy_a sits
at station_a's station and passed items there; station_a takes one from its inbox to the triage page and
assigns it to a unit; deputy_a reads both of its mandates' items in one inbox; the units' handlers have items to
answer (one overdue); every opinions page in each role's menu shows real content."""

import pytest
from django.test import Client
from django.urls import reverse

from lvzhi.core.navigation import items_for
from lvzhi.opinions import events
from lvzhi.opinions.models import Opinion
from lvzhi.org.models import Mandate, RoleAssignment, Unit, User
from lvzhi.org.roles import Role
from lvzhi.stations.models import StationDeputy

pytestmark = pytest.mark.django_db


def user(username):
    return User.objects.get(username=username)


def signed_in(username):
    client = Client()
    client.force_login(user(username))
    return client


def station_of(username):
    return RoleAssignment.objects.get(
        user__username=username, role=Role.STATION_STAFF, is_active=True
    ).station


def test_deputy_a_sits_at_station_a_s_station_and_passed_an_item_there():
    deputy_a, station = user("deputy_a"), station_of("station_a")
    district = Mandate.objects.current().filter(person_id=deputy_a.person_id).exclude(congress__level="city")
    assert StationDeputy.objects.filter(station=station, mandate__in=district).exists()
    passed = Opinion.objects.get(person_id=deputy_a.person_id, state="passed_to_station")
    assert passed.station == station
    # deputy_a's pass form on a new item offers the station
    new = Opinion.objects.filter(person_id=deputy_a.person_id, state="new", mandate__in=district).first()
    body = signed_in("deputy_a").get(reverse("opinion_inbox:item", args=[new.pk])).content.decode()
    assert f'<option value="{station.pk}">{station.name}' in body
    # deputy_a still reads what it passed on, but assigning a unit is the station's step, not the deputy's
    body = signed_in("deputy_a").get(reverse("opinion_inbox:item", args=[passed.pk])).content.decode()
    assert passed.number in body and "?open=assign" not in body


def test_station_a_assigns_the_passed_item_to_a_unit_from_its_inbox():
    station = station_of("station_a")
    passed = Opinion.objects.get(station=station, state="passed_to_station")
    client = signed_in("station_a")
    assert passed.number in client.get(reverse("opinion_inbox:list")).content.decode()
    body = client.get(reverse("opinion_inbox:item", args=[passed.pk])).content.decode()
    link = reverse("opinion_triage:detail", args=[passed.pk]) + "?open=assign#assign"
    assert f'href="{link}"' in body and "交办单位" in body
    # the link opens the triage page with the assignment form shown open (no script needed)
    page = client.get(link.split("#")[0]).content.decode()
    assert '<details class="action" id="assign" open>' in page
    unit = Unit.objects.get(name="东湖区城市管理局")
    response = client.post(
        reverse("opinion_triage:assign", args=[passed.pk]),
        {"unit": unit.pk, "due_on": "", "note": "请尽快修补"},
    )
    assert response.status_code == 302
    passed.refresh_from_db()
    assert passed.state == "assigned_to_unit" and passed.unit == unit
    # once assigned, the inbox no longer offers it, and points to the triage page for supervision
    body = client.get(reverse("opinion_inbox:item", args=[passed.pk])).content.decode()
    assert "?open=assign" not in body and reverse("opinion_triage:detail", args=[passed.pk]) in body


def test_no_assign_link_on_a_finished_item_of_the_station():
    station = station_of("station_a")
    solved = Opinion.objects.filter(station=station, state="solved").first()
    body = signed_in("station_a").get(reverse("opinion_inbox:item", args=[solved.pk])).content.decode()
    assert "?open=assign" not in body


def test_deputy_a_reads_both_mandates_items_in_one_inbox():
    deputy_a = user("deputy_a")
    mandates = list(Mandate.objects.current().filter(person_id=deputy_a.person_id).select_related("congress"))
    assert {m.congress.level for m in mandates} == {"county", "city"}
    body = signed_in("deputy_a").get(reverse("opinion_inbox:list")).content.decode()
    for mandate in mandates:
        latest = Opinion.objects.filter(mandate=mandate).order_by("-created_at").first()
        assert latest.number in body and mandate.congress.short_name in body


def test_the_demo_holds_every_step_of_the_loop():
    opinions = Opinion.objects.all()
    states = set(opinions.values_list("state", flat=True))
    assert {"passed_to_station", "assigned_to_unit", "meeting", "turned_into_suggestion", "rated"} <= states
    assert {"qr", "reception", "staff", "hotline"} <= set(opinions.values_list("source", flat=True))
    assert opinions.filter(urgent=True, state="new").exists()
    assert opinions.filter(escalated_at__isnull=False).exists()  # the day's sweep ran over the demo
    assert opinions.filter(tags__isnull=False).exists()
    suggestion = opinions.get(state="turned_into_suggestion").suggestion
    assert suggestion.state == "draft" and suggestion.opinions.count() == 1
    overdue = opinions.get(unit__name="示范市住房和城乡建设局")
    from lvzhi.core.models import Event

    kinds = set(Event.objects.filter(target_id=str(overdue.pk)).values_list("kind", flat=True))
    assert {events.SUPERVISED, events.UNIT_OVERDUE} <= kinds


def test_the_units_handlers_have_items_to_answer_and_one_overdue():
    body = signed_in("handler_a").get(reverse("opinion_triage:unit")).content.decode()
    item = Opinion.objects.get(unit__name="示范市教育局", state="assigned_to_unit")
    assert item.number in body
    answered = Opinion.objects.get(unit__name="示范市教育局", state="replied")
    body = signed_in("handler_a").get(reverse("opinion_triage:unit"), {"tab": "answered"}).content.decode()
    assert answered.number in body
    body = signed_in("handler_b").get(reverse("opinion_triage:unit"), {"tab": "overdue"}).content.decode()
    assert Opinion.objects.get(unit__name="示范市住房和城乡建设局").number in body


EMPTY = ("这里没有群众意见", "暂无意见。", "没有二维码。", "这八周没有")
ROLES = [
    "city_staff",
    "staff_a",
    "staff_b",
    "city_chair",
    "chair_a",
    "chair_b",
    "member_a",
    "city_member_c",
    "station_a",
    "station_b",
    "handler_a",
    "handler_b",
    "deputy_a",
    "deputy_b",
    "leader_a",
    "leader_b",
]


@pytest.mark.parametrize("username", ROLES)
def test_each_opinions_page_in_the_menu_shows_content_in_chinese(username):
    account = user(username)
    client = signed_in(username)
    pages = [i["url"] for i in items_for(account) if i["url"].startswith("/opinions/")]
    assert pages, username
    for url in pages:
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert 'lang="zh-hans"' in body, url
        assert not [e for e in EMPTY if e in body], (username, url)
