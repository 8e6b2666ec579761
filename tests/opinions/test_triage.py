"""The office's triage of citizens' opinions and the unit's answer: the queue, entry of opinions given in
person, acknowledge, tags, urgency, assignment to a unit, supervision, answers, solve and close, the masked
contact and its recorded unmasking; each with its refusals and scope denials.

The demo city: staff_a is the office of 东湖区 (deputy_a's district code reaches it), staff_b of 西岭区;
city_staff acts in the city and reads the districts; handler_a and handler_b handle 示范市教育局 and
示范市住房和城乡建设局; station_a is the staff of a 东湖区 station.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from lvzhi.core.audit import timeline_for
from lvzhi.core.calendar import add_working_days
from lvzhi.core.errors import ServiceError
from lvzhi.core.events import PERSONAL_DATA_VIEWED
from lvzhi.core.models import Event, Notification
from lvzhi.opinions import events
from lvzhi.opinions.abuse import Client as AbuseClient
from lvzhi.opinions.models import Opinion, OpinionReply, OpinionTag
from lvzhi.opinions.selectors import opinion_by_key, status_of
from lvzhi.opinions.services.handling import opinion_close
from lvzhi.opinions.services.submit import opinion_submit
from lvzhi.opinions.services.triage import (
    opinion_assign_unit,
    opinion_enter,
    opinion_reveal_contact,
    opinion_set_tags,
    opinion_set_urgent,
    opinion_supervise,
    opinion_unit_reply,
    opinion_unit_solve,
)
from lvzhi.org.models import Congress, RoleAssignment, Unit, User
from lvzhi.org.roles import Role

pytestmark = pytest.mark.django_db

EAST, WEST, CITY = "东湖区人民代表大会", "西岭区人民代表大会", "示范市人民代表大会"
_clients = itertools.count()


def user(username: str) -> User:
    return User.objects.get(username=username)


def login(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def refused(code: str, fn, **kw):
    with pytest.raises(ServiceError) as exc:
        fn(**kw)
    assert exc.value.code == code, exc.value.message
    return exc.value


def submit(code, **kw) -> Opinion:
    data = {
        "kind": "opinion",
        "category": "environment",
        "content": "小区旁边的河道有人倾倒垃圾，气味很大。",
        "consent": True,
        "citizen_name": "王建国",
        "phone": "13912345678",
        **kw,
    }
    return opinion_submit(code=code, client=AbuseClient(ip_hash=f"triage-{next(_clients)}"), **data).opinion


def unit_of(username: str) -> Unit:
    return RoleAssignment.objects.get(user__username=username, role=Role.UNIT_HANDLER, is_active=True).unit


def city_item(**kw):
    """An opinion of the city's congress, typed in by the city's office (so city units may take it)."""
    data = {
        "source": Opinion.Source.STAFF,
        "kind": "opinion",
        "category": "education",
        "content": "学校门口早晚高峰车辆乱停，孩子上学很危险。",
        "consent": True,
        "citizen_name": "赵敏",
        "phone": "13698765432",
        **kw,
    }
    return opinion_enter(actor=user("city_staff"), congress=Congress.objects.get(name=CITY), **data)


@pytest.fixture
def item(code):
    """A new opinion that reached deputy_a through the 东湖区 code: staff_a's office acts on it."""
    return submit(code)


@pytest.fixture
def assigned():
    """A city item assigned to handler_a's unit (示范市教育局)."""
    entered = city_item()
    opinion_assign_unit(actor=user("city_staff"), opinion=entered.opinion, unit=unit_of("handler_a"))
    entered.opinion.refresh_from_db()
    return entered


def kinds(opinion) -> list[str]:
    """The event kinds in the item's history, oldest first."""
    return list(reversed(timeline_for(opinion).values_list("kind", flat=True)))


# --- the acknowledgement clock set on receipt -----------------------------------------------------------
def test_an_opinion_left_by_qr_code_must_be_acknowledged_within_three_working_days(code, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 6, 10, tzinfo=dt.UTC), tick=False)  # a Friday
    opinion = submit(code)
    assert opinion.ack_due_on == dt.date(2026, 3, 11)  # Mon, Tue, Wed


def test_the_clock_skips_the_national_day_holiday(code, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 29, 10, tzinfo=dt.UTC), tick=False)  # a Tuesday
    opinion = submit(code)
    assert opinion.ack_due_on == dt.date(2026, 10, 9)  # Wed 30 Sep; 1-7 Oct are days off; Thu 8, Fri 9


# --- the queue ---------------------------------------------------------------------------------------------
def test_the_office_queue_lists_its_districts_items_urgent_first_with_names_masked(item):
    other = submit(item.code, content="路灯坏了一个星期，晚上很黑。", citizen_name="李四", phone="")
    opinion_set_urgent(actor=user("staff_a"), opinion=other, urgent=True)
    page = login("staff_a").get(reverse("opinion_triage:queue"))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.index(other.number) < body.index(item.number)  # urgent first
    assert "王**" in body and "王建国" not in body and "13912345678" not in body


def test_a_sibling_districts_office_neither_lists_nor_opens_the_item(item):
    staff_b = login("staff_b")
    assert item.number not in staff_b.get(reverse("opinion_triage:queue")).content.decode()
    for name in ("detail", "acknowledge", "tags", "assign", "contact", "reply", "close"):
        url = reverse(f"opinion_triage:{name}", args=[item.pk])
        assert staff_b.post(url).status_code == 404, name
    assert staff_b.get(reverse("opinion_triage:detail", args=[item.pk])).status_code == 404


def test_the_queue_filters(item):
    staff = user("staff_a")
    opinion_set_tags(actor=staff, opinion=item, names=["河道"])
    other = submit(item.code, category="traffic", content="公交站台没有遮雨棚，下雨天等车很难。")
    client = login("staff_a")
    url = reverse("opinion_triage:queue")

    def listed(**params):
        return client.get(url, params).content.decode()

    tag = OpinionTag.objects.get(name="河道", congress=item.congress)
    assert item.number in listed(tag=tag.pk) and other.number not in listed(tag=tag.pk)
    assert other.number in listed(category="traffic") and item.number not in listed(category="traffic")
    assert item.number in listed(state="new", source="qr")
    assert item.number not in listed(source="hotline")
    assert item.number in listed(number=item.number[-6:])
    assert item.number not in listed(urgent="on")
    # A bad value is dropped, the page still answers.
    assert client.get(url, {"state": "nonsense", "tag": "²", "congress": "-1"}).status_code == 200


def test_the_queue_keeps_to_a_fixed_number_of_queries(item, django_assert_max_num_queries):
    client = login("city_staff")
    with django_assert_max_num_queries(25):
        assert client.get(reverse("opinion_triage:queue")).status_code == 200


def test_who_opens_the_queue(item):
    assert login("station_a").get(reverse("opinion_triage:queue")).status_code == 200
    assert login("deputy_b").get(reverse("opinion_triage:queue")).status_code == 403
    response = login("handler_a").get(reverse("opinion_triage:queue"))
    assert response.status_code == 302 and response["Location"] == reverse("opinion_triage:unit")


def test_the_city_office_reads_a_districts_item_but_may_not_act_on_it(item):
    client = login("city_staff")
    page = client.get(reverse("opinion_triage:detail", args=[item.pk]))
    assert page.status_code == 200 and "Show the number" not in page.content.decode()
    assert client.post(reverse("opinion_triage:acknowledge", args=[item.pk])).status_code == 403
    assert client.post(reverse("opinion_triage:contact", args=[item.pk])).status_code == 403
    item.refresh_from_db()
    assert item.state == "new"


# --- entering an opinion given in person ------------------------------------------------------------------
def test_staff_enter_an_opinion_given_at_a_station_and_the_deputy_is_told():
    station = RoleAssignment.objects.get(user__username="station_a", role=Role.STATION_STAFF).station
    deputy = user("deputy_a")
    mandate = deputy.person.mandates.get(congress__name=EAST)
    client = login("staff_a")
    form = client.get(reverse("opinion_triage:enter"))
    assert form.status_code == 200
    response = client.post(
        reverse("opinion_triage:enter"),
        {
            "station": station.pk,
            "mandate": mandate.pk,
            "source": "reception",
            "received_on": timezone.localdate().isoformat(),
            "kind": "opinion",
            "category": "elderly",
            "content": "社区老年食堂饭菜价格上涨，希望给予补贴。",
            "citizen_name": "孙大爷",
            "phone": "13711112222",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    opinion = Opinion.objects.get(content="社区老年食堂饭菜价格上涨，希望给予补贴。")
    body = response.content.decode()
    assert opinion.number in body and "/o/" in body  # the tracking number and the follow-up link
    assert opinion.source == "reception" and opinion.person_id == deputy.person_id
    assert opinion.state == "new" and opinion.ack_due_on == add_working_days(timezone.localdate(), 3)
    assert kinds(opinion) == [events.ENTERED]
    assert Notification.objects.filter(recipient=deputy, cause=f"opinions.new:{opinion.pk}").exists()
    # A second tap on "save" stores nothing more.
    again = client.post(reverse("opinion_triage:enter"), response.wsgi_request.POST)
    assert again.status_code == 200 and Opinion.objects.filter(content=opinion.content).count() == 1


def test_entry_bad_input_gets_a_message_and_keeps_what_was_typed():
    client = login("staff_a")
    response = client.post(
        reverse("opinion_triage:enter"),
        {
            "source": "staff",
            "kind": "meeting",
            "category": "city",
            "content": "想见代表谈谈小区停车的事情",
            "consent": "on",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "想见代表谈谈小区停车的事情" in body and 'class="errorlist"' in body  # a meeting needs a number
    response = client.post(
        reverse("opinion_triage:enter"),
        {
            "source": "staff",
            "kind": "opinion",
            "category": "city",
            "content": "路灯不亮了很久",
            "received_on": "2020-01-01",
        },
    )
    assert response.status_code == 400 and "路灯不亮了很久" in response.content.decode()
    assert not Opinion.objects.filter(content__in=["想见代表谈谈小区停车的事情", "路灯不亮了很久"]).exists()


def test_station_staff_enter_for_their_own_station_only():
    own = RoleAssignment.objects.get(user__username="station_a", role=Role.STATION_STAFF).station
    other = RoleAssignment.objects.get(user__username="station_b", role=Role.STATION_STAFF).station
    actor = user("station_a")
    common = {
        "source": "station",
        "kind": "opinion",
        "category": "city",
        "content": "垃圾分类点太远了",
        "consent": True,
    }
    done = opinion_enter(actor=actor, station=own, **common)
    assert done.opinion.station == own and done.opinion.congress_id == own.congress_id
    refused("not_permitted", opinion_enter, actor=actor, station=other, **{**common, "content": "别处的事情"})
    response = login("station_a").post(
        reverse("opinion_triage:enter"), {**common, "station": other.pk, "consent": "on"}
    )
    assert response.status_code == 400  # not among the choices


# --- acknowledge, tags, urgency ---------------------------------------------------------------------------
def test_the_office_acknowledges_from_the_item_page(item):
    client = login("staff_a")
    response = client.post(reverse("opinion_triage:acknowledge", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "acknowledged" and item.acknowledged_at
    again = client.post(reverse("opinion_triage:acknowledge", args=[item.pk]), follow=True)
    assert 'class="error"' in again.content.decode()  # the step is no longer possible: a message says so


def test_tags_are_created_per_congress_and_each_change_is_recorded(item):
    staff = user("staff_a")
    client = login("staff_a")
    client.post(reverse("opinion_triage:tags", args=[item.pk]), {"tags": "河道治理，垃圾 河道治理"})
    assert sorted(item.tags.values_list("name", flat=True)) == ["垃圾", "河道治理"]
    assert OpinionTag.objects.filter(congress=item.congress, name="河道治理").count() == 1
    opinion_set_tags(actor=staff, opinion=item, names=["河道治理", "环境"])
    tagged = Event.objects.filter(target_id=str(item.pk), kind=events.TAGGED).order_by("pk")
    assert [e.payload["added"] for e in tagged] == [["河道治理", "垃圾"], ["环境"]]
    assert tagged.last().payload["removed"] == ["垃圾"]
    opinion_set_tags(actor=staff, opinion=item, names=["环境", "河道治理"])  # no change, no event
    assert tagged.count() == 2
    refused(
        "too_many_tags", opinion_set_tags, actor=staff, opinion=item, names=[f"标签{i}" for i in range(11)]
    )
    refused("too_long", opinion_set_tags, actor=staff, opinion=item, names=["很" * 21])
    refused("not_permitted", opinion_set_tags, actor=user("deputy_a"), opinion=item, names=["代表的标签"])
    bad = client.post(reverse("opinion_triage:tags", args=[item.pk]), {"tags": "很" * 21})
    assert bad.status_code == 400 and "很" * 21 in bad.content.decode()


def test_urgency_is_marked_recorded_and_frozen_once_finished(item):
    staff = user("staff_a")
    login("staff_a").post(reverse("opinion_triage:urgent", args=[item.pk]), {"urgent": "on"})
    item.refresh_from_db()
    assert item.urgent
    opinion_set_urgent(actor=user("deputy_a"), opinion=item, urgent=False)  # the deputy may too
    assert [
        e.payload["urgent"]
        for e in Event.objects.filter(target_id=str(item.pk), kind=events.URGENCY_CHANGED).order_by("pk")
    ] == [True, False]
    refused("not_permitted", opinion_set_urgent, actor=user("staff_b"), opinion=item, urgent=True)
    opinion_close(actor=staff, opinion=item, reason="重复反映，已合并处理。")
    refused("step_not_allowed", opinion_set_urgent, actor=staff, opinion=item, urgent=True)


# --- the unit ----------------------------------------------------------------------------------------------
def test_the_office_assigns_to_a_unit_with_the_default_due_date_and_the_handlers_are_told(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 6, 2, tzinfo=dt.UTC), tick=False)  # Friday morning in Beijing
    entered = city_item()
    unit = unit_of("handler_a")
    client = login("city_staff")
    response = client.post(
        reverse("opinion_triage:assign", args=[entered.opinion.pk]), {"unit": unit.pk, "note": "请尽快核实"}
    )
    assert response.status_code == 302
    opinion = Opinion.objects.get(pk=entered.opinion.pk)
    assert opinion.state == "assigned_to_unit" and opinion.unit == unit and opinion.acknowledged_at
    assert opinion.unit_due_on == dt.date(2026, 3, 20)  # ten working days
    step = Event.objects.get(target_id=str(opinion.pk), kind="opinion.assign_unit")
    assert step.note == "请尽快核实" and step.payload["unit"] == unit.pk
    told = Notification.objects.filter(
        recipient=user("handler_a"), cause__startswith=f"opinions.assigned:{unit.pk}"
    )
    assert {n.channel for n in told} == {"inbox", "sms"}


def test_assignment_refusals(item):
    staff = user("staff_a")
    west_unit = Unit.objects.filter(congress__name=WEST, is_active=True).first()
    east_unit = Unit.objects.filter(congress__name=EAST, is_active=True).first()
    e = refused("invalid", opinion_assign_unit, actor=staff, opinion=item, unit=west_unit)
    assert e.field == "unit"
    today = timezone.localdate()
    e = refused("invalid", opinion_assign_unit, actor=staff, opinion=item, unit=east_unit, due_on=today)
    assert e.field == "due_on"
    refused("not_permitted", opinion_assign_unit, actor=user("deputy_a"), opinion=item, unit=east_unit)
    refused("not_permitted", opinion_assign_unit, actor=user("city_staff"), opinion=item, unit=east_unit)
    client = login("staff_a")
    bad = client.post(
        reverse("opinion_triage:assign", args=[item.pk]),
        {"unit": east_unit.pk, "due_on": (today - dt.timedelta(days=1)).isoformat(), "note": "加急办理"},
    )
    assert bad.status_code == 400 and "加急办理" in bad.content.decode()
    opinion_assign_unit(actor=staff, opinion=item, unit=east_unit, due_on=today + dt.timedelta(days=5))
    refused("step_not_allowed", opinion_assign_unit, actor=staff, opinion=item, unit=east_unit)


def test_the_office_supervises_the_unit(assigned):
    opinion = assigned.opinion
    staff = user("city_staff")
    refused("required", opinion_supervise, actor=staff, opinion=opinion, note=" ")
    refused("not_permitted", opinion_supervise, actor=user("handler_a"), opinion=opinion, note="催一下")
    response = login("city_staff").post(
        reverse("opinion_triage:supervise", args=[opinion.pk]), {"note": "请本周内答复"}
    )
    assert response.status_code == 302
    event = Event.objects.get(target_id=str(opinion.pk), kind=events.SUPERVISED)
    assert event.note == "请本周内答复"
    assert Notification.objects.filter(
        recipient=user("handler_a"), cause=f"opinions.supervised:{event.pk}:{opinion.pk}"
    ).exists()


def test_supervising_needs_a_unit_at_work(item):
    refused("step_not_allowed", opinion_supervise, actor=user("staff_a"), opinion=item, note="催办")


def test_the_unit_sees_its_items_and_answers_the_citizen(assigned):
    opinion = assigned.opinion
    handler = login("handler_a")
    listing = handler.get(reverse("opinion_triage:unit")).content.decode()
    assert opinion.number in listing and "赵*" in listing and "13698765432" not in listing
    page = handler.get(reverse("opinion_triage:detail", args=[opinion.pk])).content.decode()
    assert "赵敏" not in page and "Show the number" not in page
    bad = handler.post(reverse("opinion_triage:unit_reply", args=[opinion.pk]), {"body": ""})
    assert bad.status_code == 400
    handler.post(
        reverse("opinion_triage:unit_reply", args=[opinion.pk]), {"body": "已安排交警在上下学时段值守。"}
    )
    opinion.refresh_from_db()
    reply = OpinionReply.objects.get(opinion=opinion)
    assert opinion.state == "replied" and opinion.answered_at and reply.signed_as == opinion.unit.name
    # The citizen reads it, signed by the unit.
    status = status_of(opinion_by_key(assigned.key))
    assert [r.body for r in status["replies"]] == ["已安排交警在上下学时段值守。"]
    assert Notification.objects.filter(
        recipient=user("city_staff"), cause=f"opinions.unit_answer:{reply.pk}:{opinion.pk}"
    ).exists()
    refused("step_not_allowed", opinion_unit_reply, actor=user("handler_a"), opinion=opinion, body="再说一次")


def test_the_unit_marks_it_solved(assigned):
    opinion_unit_solve(
        actor=user("handler_a"), opinion=assigned.opinion, what_was_done="已施划停车位并设置护栏。"
    )
    assigned.opinion.refresh_from_db()
    assert assigned.opinion.state == "solved" and assigned.opinion.finished_at


def test_a_handler_of_another_unit_neither_sees_nor_answers(assigned):
    opinion = assigned.opinion
    client = login("handler_b")
    assert opinion.number not in client.get(reverse("opinion_triage:unit")).content.decode()
    for name in ("detail", "unit_reply", "unit_solve"):
        assert (
            client.post(reverse(f"opinion_triage:{name}", args=[opinion.pk]), {"body": "x"}).status_code
            == 404
        )
    assert client.get(reverse("opinion_triage:detail", args=[opinion.pk])).status_code == 404
    refused("not_permitted", opinion_unit_reply, actor=user("handler_b"), opinion=opinion, body="不是我们的")


# --- feedback, solve, close ---------------------------------------------------------------------------------
def test_the_office_answers_the_citizen_then_solves(assigned):
    opinion = assigned.opinion
    client = login("city_staff")
    client.post(reverse("opinion_triage:reply", args=[opinion.pk]), {"body": "已转教育局办理，请耐心等待。"})
    opinion.refresh_from_db()
    assert opinion.state == "replied"
    assert [r.body for r in status_of(opinion_by_key(assigned.key))["replies"]] == [
        "已转教育局办理，请耐心等待。"
    ]
    empty = client.post(reverse("opinion_triage:solve", args=[opinion.pk]), {"body": ""})
    assert empty.status_code == 400
    client.post(reverse("opinion_triage:solve", args=[opinion.pk]), {"body": "校门口已划定临时停车区。"})
    opinion.refresh_from_db()
    assert opinion.state == "solved"
    closing = client.post(reverse("opinion_triage:close", args=[opinion.pk]), {"body": "重复"}, follow=True)
    assert 'class="error"' in closing.content.decode()  # no longer possible: a message says so


# --- privacy ---------------------------------------------------------------------------------------------------
def test_the_handling_office_shows_the_number_and_it_is_recorded(item):
    client = login("staff_a")
    page = client.get(reverse("opinion_triage:detail", args=[item.pk])).content.decode()
    assert "139****5678" in page and "13912345678" not in page and "王**" in page
    shown = client.post(reverse("opinion_triage:contact", args=[item.pk]))
    body = shown.content.decode()
    assert shown.status_code == 200 and "13912345678" in body and "王建国" in body
    event = Event.objects.get(target_id=str(item.pk), kind=PERSONAL_DATA_VIEWED)
    assert event.is_security and event.actor == user("staff_a") and "13912345678" not in str(event.payload)
    assert "no-cache" in shown["Cache-Control"] or "max-age=0" in shown["Cache-Control"]


def test_only_the_handling_staff_may_unmask(assigned, item):
    refused("not_permitted", opinion_reveal_contact, actor=user("handler_a"), opinion=assigned.opinion)
    refused("not_permitted", opinion_reveal_contact, actor=user("city_staff"), opinion=item)
    assert not Event.objects.filter(
        kind=PERSONAL_DATA_VIEWED, target_id__in=[str(item.pk), str(assigned.opinion.pk)]
    ).exists()
    assert (
        login("handler_a").post(reverse("opinion_triage:contact", args=[assigned.opinion.pk])).status_code
        == 403
    )


# --- home tiles and navigation ----------------------------------------------------------------------------------
def test_home_tiles_count_what_waits(item):
    Opinion.objects.filter(pk=item.pk).update(ack_due_on=timezone.localdate() - dt.timedelta(days=1))
    from lvzhi.opinions.home_staff import tiles_for, unit_tiles_for

    with translation.override("en"):
        tiles = {t.label: t for t in tiles_for(user("staff_a"))}
    waiting = Opinion.objects.filter(congress__name=EAST, state="new")
    assert tiles["Citizens' opinions to acknowledge"].count == waiting.count()
    late = tiles["Citizens' opinions not acknowledged in time"]
    assert late.count >= 1 and late.urgent and "ack_overdue=on" in late.url
    assert unit_tiles_for(user("staff_a")) == [] and tiles_for(user("deputy_b")) == []
    home = login("staff_a").get("/").content.decode()
    assert reverse("opinion_triage:queue") in home


def test_a_handler_s_tiles_and_menu(assigned):
    from lvzhi.opinions.home_staff import unit_tiles_for

    tiles = unit_tiles_for(user("handler_a"))
    # Their own query parameter: the suggestions' unit tiles in the same section use ?show=.
    assert [t.url.split("?")[1] for t in tiles] == ["tab=open", "tab=overdue"]
    assert (
        tiles[0].count
        == Opinion.objects.filter(unit=unit_of("handler_a"), state="assigned_to_unit").count()
        >= 1
    )
    assert reverse("opinion_triage:unit") in login("handler_a").get("/").content.decode()


def test_the_unit_list_keeps_to_a_fixed_number_of_queries(assigned, django_assert_max_num_queries):
    for n in range(3):
        more = city_item(content=f"又一条交给教育局的意见{n}号。")
        opinion_assign_unit(actor=user("city_staff"), opinion=more.opinion, unit=unit_of("handler_a"))
    client = login("handler_a")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("opinion_triage:unit"), {"tab": "all"}).status_code == 200
