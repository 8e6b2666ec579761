"""The deputy's inbox: one list for all of a person's mandates, an item's page with the citizen's name and phone
for the one who handles it (each view recorded), and its actions — acknowledge, answer, propose and confirm a
meeting, pass to station staff, turn into a suggestion, mark solved, close — each refused out of scope (404),
in the wrong state (a message, nothing changed) and on bad input (what was typed kept)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lvzhi.core.errors import ServiceError
from lvzhi.core.events import PERSONAL_DATA_VIEWED
from lvzhi.core.models import Event, Notification
from lvzhi.opinions.abuse import Client as Abuse
from lvzhi.opinions.models import ContactCode, Opinion
from lvzhi.opinions.services import handling, inbox
from lvzhi.opinions.services.submit import opinion_submit
from lvzhi.org.models import Mandate, RoleAssignment, User
from lvzhi.org.roles import Role
from lvzhi.stations.models import Station, StationDeputy
from lvzhi.suggestions.models import Suggestion

from .conftest import GOOD, JPEG

pytestmark = pytest.mark.django_db

PHONE = "13811112222"
TEXT = "东湖花园小区门口的下水道堵了一个星期，污水漫到人行道上，气味很大，请帮忙协调疏通。"


def user(username):
    return User.objects.get(username=username)


def submit(code, *, content=TEXT, **extra):
    return opinion_submit(
        code=code,
        kind=extra.pop("kind", "opinion"),
        category=extra.pop("category", "environment"),
        content=content,
        consent=True,
        client=Abuse(ip_hash=f"inbox-{content[:6]}"),
        **extra,
    )


@pytest.fixture
def opinion(code):
    return submit(code, citizen_name="赵先生", phone=PHONE, wants_callback=True, place="东湖花园北门").opinion


@pytest.fixture
def deputy(client, deputy_a):
    client.force_login(deputy_a)
    return client


def url(name, opinion, *args):
    return reverse(f"opinion_inbox:{name}", args=[opinion.pk, *args])


def page(client, opinion):
    response = client.get(url("item", opinion))
    assert response.status_code == 200
    return response.content.decode()


def snapshot(opinion):
    o = Opinion.objects.get(pk=opinion.pk)
    return (o.state, o.station_id, o.meeting_at, o.suggestion_id, o.replies.count(), steps(o))


def steps(opinion):
    return list(
        Event.objects.filter(target_id=str(opinion.pk), kind__startswith="opinion.", is_security=False)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


def refused(code, fn, **kw):
    with pytest.raises(ServiceError) as exc:
        fn(**kw)
    assert exc.value.code == code, exc.value.message


# --- the list --------------------------------------------------------------------------------------
def test_one_list_for_all_mandates_urgent_and_new_first(
    deputy, deputy_a, opinion, django_assert_max_num_queries
):
    city = Mandate.objects.current().get(person_id=deputy_a.person_id, congress__level="city")
    other = submit(
        ContactCode.objects.get(mandate=city, revoked_at=None),
        content="市里的公交线路晚上九点就停运了，下夜班回家很不方便，希望延长运营时间。",
        category="traffic",
    ).opinion
    Opinion.objects.filter(pk=other.pk).update(urgent=True)
    with CaptureQueriesContext(connection) as one_row:
        deputy.get(reverse("opinion_inbox:list"), {"category": "traffic"})
    with django_assert_max_num_queries(len(one_row)):  # as many queries for a full page as for one row
        response = deputy.get(reverse("opinion_inbox:list"))
    body = response.content.decode()
    assert response.status_code == 200
    # both mandates' items, the urgent one first, then the new ones, the demo's finished ones last
    assert body.index(other.number) < body.index(opinion.number)
    solved = Opinion.objects.filter(person_id=deputy_a.person_id, state="solved").first()
    assert solved.number in body and body.index(opinion.number) < body.index(solved.number)
    new = Opinion.objects.filter(person_id=deputy_a.person_id, state="new").count()
    assert f"新收到 {new} 条" in body
    # the filters
    body = deputy.get(reverse("opinion_inbox:list"), {"category": "traffic"}).content.decode()
    assert other.number in body and opinion.number not in body
    body = deputy.get(reverse("opinion_inbox:list"), {"state": "finished"}).content.decode()
    assert solved.number in body and opinion.number not in body
    body = deputy.get(reverse("opinion_inbox:list"), {"kind": "meeting"}).content.decode()
    assert opinion.number not in body
    body = deputy.get(reverse("opinion_inbox:list"), {"callback": "1"}).content.decode()
    assert opinion.number in body and other.number not in body
    # odd values are ignored, never a failure
    for odd in ("²", "a\x00b", "-1", "9999-12-31"):
        params = {"state": odd, "kind": odd, "category": odd, "page": odd, "callback": odd}
        assert deputy.get(reverse("opinion_inbox:list"), params).status_code == 200


def test_the_list_holds_no_one_elses_items(client, opinion):
    for username in ("deputy_b", "station_a"):
        client.force_login(user(username))
        body = client.get(reverse("opinion_inbox:list")).content.decode()
        assert opinion.number not in body
    client.force_login(user("staff_a"))
    assert client.get(reverse("opinion_inbox:list")).status_code == 403


def test_home_tile_and_menu_lead_deputies_to_the_inbox(deputy, opinion):
    body = deputy.get("/").content.decode()
    assert "新的群众意见" in body and reverse("opinion_inbox:list") + "?state=new" in body
    assert f'href="{reverse("opinion_inbox:list")}"' in body  # the menu entry


def test_the_new_items_notification_links_to_the_item(opinion, deputy_a):
    note = Notification.objects.get(recipient=deputy_a, cause=f"opinions.new:{opinion.pk}", channel="inbox")
    assert note.url == url("item", opinion)


# --- the item page and its personal data -------------------------------------------------------------
def test_the_handler_sees_name_and_phone_and_each_view_is_recorded(deputy, deputy_a, opinion):
    viewed = Event.objects.filter(kind=PERSONAL_DATA_VIEWED, target_id=str(opinion.pk))
    body = page(deputy, opinion)
    assert "赵先生" in body and f"tel:{PHONE}" in body and "回电" in body and TEXT in body
    page(deputy, opinion)
    assert viewed.count() == 2
    event = viewed.last()
    assert event.is_security and event.actor == deputy_a
    assert event.payload == {"opinion_id": opinion.pk, "fields": ["citizen_name", "phone"]}
    assert PHONE not in str(event.payload) and "赵先生" not in str(event.payload)
    # the history on the page does not list the security events
    assert "个人信息" not in body.split("办理记录")[-1]


@pytest.mark.parametrize(
    "username", ["deputy_b", "station_a", "station_b", "staff_a", "chair_a", "handler_a"]
)
def test_another_account_gets_404_on_the_item_and_every_action(client, opinion, username):
    client.force_login(user(username))
    before = snapshot(opinion)
    assert client.get(url("item", opinion)).status_code == 404
    assert client.get(url("suggestion", opinion)).status_code == 404
    assert client.get(url("photo", opinion, 1)).status_code == 404
    for name in (
        "acknowledge",
        "reply",
        "meeting",
        "meeting_confirm",
        "pass",
        "suggestion",
        "solve",
        "close",
    ):
        response = client.post(url(name, opinion), {"body": "x", "what_was_done": "x", "reason": "x"})
        assert response.status_code == 404, name
    assert snapshot(opinion) == before
    assert not Event.objects.filter(kind=PERSONAL_DATA_VIEWED, target_id=str(opinion.pk)).exists()


def test_the_photos_are_served_to_the_inbox_only(client, deputy, code):
    response = Client(REMOTE_ADDR="10.9.9.9").post(
        reverse("opinions:reach", kwargs={"token": code.token}),
        {**GOOD, "photo1": SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg")},
    )
    assert response.status_code == 302
    opinion = Opinion.objects.order_by("-pk").first()
    assert url("photo", opinion, 1) in page(deputy, opinion)
    photo = deputy.get(url("photo", opinion, 1))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content) == JPEG
    assert deputy.get(url("photo", opinion, 2)).status_code == 404
    client.force_login(user("deputy_b"))
    assert client.get(url("photo", opinion, 1)).status_code == 404


# --- acknowledge and answer ------------------------------------------------------------------------
def test_acknowledge_once_then_refused_with_a_message(deputy, opinion):
    response = deputy.post(url("acknowledge", opinion))
    assert response.status_code == 302 and Opinion.objects.get(pk=opinion.pk).state == "acknowledged"
    before = snapshot(opinion)
    response = deputy.post(url("acknowledge", opinion), follow=True)
    assert "不能“" in messages_of(response)
    assert snapshot(opinion) == before


def test_the_answer_reaches_the_citizens_status_page(deputy, code, phone_client):
    response = phone_client.post(reverse("opinions:reach", kwargs={"token": code.token}), GOOD)
    key = response["Location"].split("/")[2]
    opinion = Opinion.objects.order_by("-pk").first()
    # bad input keeps what was typed
    response = deputy.post(url("reply", opinion), {"body": "   ", "signed_as": "湖滨代表小组"})
    body = response.content.decode()
    assert response.status_code == 200 and "湖滨代表小组" in body and "errorlist" in body
    assert snapshot(opinion)[4] == 0
    response = deputy.post(url("reply", opinion), {"body": "已联系街道，明天派人修路灯。", "signed_as": ""})
    assert response.status_code == 302
    assert Opinion.objects.get(pk=opinion.pk).state == "replied"
    status = phone_client.get(reverse("opinions:status", kwargs={"key": key})).content.decode()
    assert "已联系街道，明天派人修路灯。" in status and "代表" in status and "评价办理结果" in status


# --- a meeting ---------------------------------------------------------------------------------------
def _meeting_form(station="", place="", days=3, note="请带上相关照片"):
    day = timezone.localdate() + dt.timedelta(days=days)
    return {
        "meeting_date": day.isoformat(),
        "meeting_time": "09:30",
        "station": station,
        "place": place,
        "note": note,
    }


def test_propose_a_meeting_at_the_deputys_station_and_confirm_it(deputy, deputy_a, code, phone_client):
    response = phone_client.post(
        reverse("opinions:reach", kwargs={"token": code.token}),
        {**GOOD, "kind": "meeting", "phone": PHONE, "preferred_times": "周末上午"},
    )
    key = response["Location"].split("/")[2]
    opinion = Opinion.objects.order_by("-pk").first()
    station = inbox.stations_for(deputy_a, opinion, Role.DEPUTY).first()
    # bad input: a day gone by, both a station and a place, a station not the deputy's — typed text kept
    for data in (
        _meeting_form(station=station.pk, days=-1),
        _meeting_form(station=station.pk, place="社区办公室"),
        _meeting_form(
            station=Station.objects.exclude(assignments__mandate__person=deputy_a.person).first().pk
        ),
        {**_meeting_form(station=station.pk), "meeting_time": "25:99"},
    ):
        response = deputy.post(url("meeting", opinion), data)
        assert response.status_code == 200 and "请带上相关照片" in response.content.decode(), data
        assert "errorlist" in response.content.decode()
    assert snapshot(opinion)[0] == "new" and snapshot(opinion)[4] == 0
    response = deputy.post(url("meeting", opinion), _meeting_form(station=station.pk))
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert (
        opinion.state == "meeting"
        and opinion.meeting_station == station
        and opinion.meeting_confirmed_at is None
    )
    status = phone_client.get(reverse("opinions:status", kwargs={"key": key})).content.decode()
    assert station.name in status and "09:30" in status and "请带上相关照片" in status
    # the citizen agreed (once); then the meeting is held, its outcome the citizen's answer
    assert deputy.post(url("meeting_confirm", opinion), {"held": "0"}).status_code == 302
    assert Opinion.objects.get(pk=opinion.pk).meeting_confirmed_at is not None
    before = snapshot(opinion)
    response = deputy.post(url("meeting_confirm", opinion), {"held": "0"}, follow=True)
    assert "已记录" in messages_of(response) and snapshot(opinion) == before
    response = deputy.post(url("meeting_confirm", opinion), {"held": "1", "outcome": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    response = deputy.post(
        url("meeting_confirm", opinion),
        {"held": "1", "outcome": "见面听取了意见，已约社区食堂负责人现场协调。"},
    )
    assert response.status_code == 302 and Opinion.objects.get(pk=opinion.pk).state == "replied"
    assert steps(opinion)[-4:] == [
        "opinion.arrange_meeting",
        "opinion.meeting_confirmed",
        "opinion.meeting_held",
        "opinion.reply",
    ]
    status = phone_client.get(reverse("opinions:status", kwargs={"key": key})).content.decode()
    assert "已约社区食堂负责人现场协调" in status


def test_a_meeting_at_a_free_place_and_refusals(deputy_a, opinion):
    at = timezone.now() + dt.timedelta(days=2)
    refused("required", inbox.opinion_propose_meeting, actor=deputy_a, opinion=opinion, at=at)
    refused(
        "too_far",
        inbox.opinion_propose_meeting,
        actor=deputy_a,
        opinion=opinion,
        at=at + dt.timedelta(days=400),
        place="x",
    )
    refused("no_meeting", inbox.opinion_confirm_meeting, actor=deputy_a, opinion=opinion, held=False)
    refused(
        "not_permitted",
        inbox.opinion_propose_meeting,
        actor=user("deputy_b"),
        opinion=opinion,
        at=at,
        place="社区办公室",
    )
    inbox.opinion_propose_meeting(actor=deputy_a, opinion=opinion, at=at, place="东湖花园居委会")
    opinion.refresh_from_db()
    assert opinion.meeting_place == "东湖花园居委会" and opinion.meeting_station is None
    assert "东湖花园居委会" in opinion.replies.last().body


# --- passing to station staff --------------------------------------------------------------------------
@pytest.fixture
def station_a_station(deputy_a):
    """station_a's station, where deputy_a's district mandate is entered for these tests."""
    ra = RoleAssignment.objects.get(user__username="station_a", role=Role.STATION_STAFF, is_active=True)
    mandate = (
        Mandate.objects.current().filter(person_id=deputy_a.person_id).exclude(congress__level="city").first()
    )
    StationDeputy.objects.get_or_create(station=ra.station, mandate=mandate)
    return ra.station


def test_pass_to_station_staff_who_answer_and_solve_it(client, deputy, opinion, station_a_station):
    station_b = RoleAssignment.objects.get(user__username="station_b", role=Role.STATION_STAFF).station
    # a station not the deputy's, and a missing choice: refused, the note kept
    for choice in (station_b.pk, ""):
        response = deputy.post(url("pass", opinion), {"station": choice, "note": "请联系区水务局"})
        assert response.status_code == 200 and "请联系区水务局" in response.content.decode()
    assert snapshot(opinion)[:2] == ("new", None)
    response = deputy.post(url("pass", opinion), {"station": station_a_station.pk, "note": "请联系区水务局"})
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.state == "passed_to_station" and opinion.station == station_a_station
    note = Notification.objects.get(
        recipient__username="station_a", cause__startswith=f"opinions.passed:{opinion.pk}", channel="inbox"
    )
    assert note.url == url("item", opinion)
    before = snapshot(opinion)
    response = deputy.post(url("pass", opinion), {"station": station_a_station.pk}, follow=True)
    assert "不能“" in messages_of(response)
    assert snapshot(opinion) == before
    # the station's staff see it (with the phone, recorded), answer it and solve it; station_b does not
    client.force_login(user("station_b"))
    assert client.get(url("item", opinion)).status_code == 404
    client.force_login(user("station_a"))
    assert opinion.number in client.get(reverse("opinion_inbox:list")).content.decode()
    body = page(client, opinion)
    assert PHONE in body and "请联系区水务局" in body and "转为代表建议" not in body
    assert client.post(url("reply", opinion), {"body": "已转区水务局，三天内疏通。"}).status_code == 302
    assert opinion.replies.last().signed_as == station_a_station.name
    assert client.post(url("solve", opinion), {"what_was_done": "下水道已疏通。"}).status_code == 302
    assert Opinion.objects.get(pk=opinion.pk).state == "solved"
    assert Event.objects.filter(
        kind=PERSONAL_DATA_VIEWED, target_id=str(opinion.pk), actor__username="station_a"
    ).exists()


# --- a formal suggestion -----------------------------------------------------------------------------
def test_turn_into_a_suggestion_prefilled_and_linked_both_ways(deputy, deputy_a, opinion):
    response = deputy.get(url("suggestion", opinion))
    body = response.content.decode()
    assert response.status_code == 200
    assert "关于东湖花园小区门口的下水道堵了一个星期的建议" in body and opinion.number in body
    assert 'value="environment" selected' in body and TEXT in body
    assert "赵先生" not in body and PHONE not in body
    mandate = opinion.mandate
    data = {
        "mandate": mandate.pk,
        "kind": "suggestion",
        "title": "",
        "field": "environment",
        "body": "我的修改：" + TEXT,
    }
    response = deputy.post(url("suggestion", opinion), data)
    assert response.status_code == 200 and "我的修改：" in response.content.decode()
    assert (
        snapshot(opinion)[3] is None and not Suggestion.objects.filter(body__startswith="我的修改").exists()
    )
    data["title"] = "关于疏通东湖花园下水道的建议"
    response = deputy.post(url("suggestion", opinion), data)
    suggestion = Suggestion.objects.get(title="关于疏通东湖花园下水道的建议")
    assert response.status_code == 302 and response["Location"] == reverse(
        "suggestions:detail", args=[suggestion.pk]
    )
    opinion.refresh_from_db()
    assert opinion.suggestion == suggestion and opinion.state == "turned_into_suggestion"
    assert suggestion.state == "draft" and suggestion.author == mandate
    assert Event.objects.filter(kind="opinion.became_suggestion", target_id=str(suggestion.pk)).exists()
    body = deputy.get(response["Location"]).content.decode()
    assert "来自群众意见" in body and url("item", opinion) in body and opinion.number in body
    assert suggestion.title in page(deputy, opinion)
    # now the step is no longer offered, and refused with a message
    response = deputy.get(url("suggestion", opinion), follow=True)
    assert "不能“" in messages_of(response)


def test_only_the_deputy_turns_an_item_into_a_suggestion(client, opinion, station_a_station, deputy_a):
    inbox.opinion_pass_to_station(actor=deputy_a, opinion=opinion, station=station_a_station)
    client.force_login(user("station_a"))
    assert client.get(url("suggestion", opinion)).status_code == 403
    refused(
        "not_permitted",
        inbox.opinion_to_suggestion,
        actor=user("station_a"),
        opinion=opinion,
        mandate=opinion.mandate,
        title="关于x的建议",
        field="urban",
        body=TEXT,
    )
    assert Opinion.objects.get(pk=opinion.pk).suggestion_id is None


# --- solved and closed ---------------------------------------------------------------------------------
def test_mark_solved_then_nothing_more_but_the_rating(deputy, opinion):
    response = deputy.post(url("solve", opinion), {"what_was_done": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert (
        deputy.post(url("solve", opinion), {"what_was_done": "已协调物业疏通下水道并清理路面。"}).status_code
        == 302
    )
    opinion.refresh_from_db()
    assert opinion.state == "solved" and opinion.finished_at
    before = snapshot(opinion)
    for name, data in (
        ("reply", {"body": "再补充一句"}),
        ("close", {"reason": "重复"}),
        ("meeting", _meeting_form(place="x")),
    ):
        response = deputy.post(url(name, opinion), data, follow=True)
        assert response.status_code == 200 and ("不能“" in messages_of(response)), name
    assert snapshot(opinion) == before
    body = page(deputy, opinion)
    assert "发送答复" not in body and "已协调物业疏通下水道" in body


def test_close_with_a_reason(deputy, opinion):
    response = deputy.post(url("close", opinion), {"reason": "   "})
    assert response.status_code == 200 and Opinion.objects.get(pk=opinion.pk).state == "new"
    assert (
        deputy.post(
            url("close", opinion), {"reason": "属于物业管理纠纷，已告知向街道物业办反映。"}
        ).status_code
        == 302
    )
    assert Opinion.objects.get(pk=opinion.pk).state == "closed"


def test_a_deputy_whose_mandates_ended_reads_but_cannot_act(client, opinion, deputy_a):
    handling.opinion_acknowledge(actor=deputy_a, opinion=opinion)
    Mandate.objects.filter(person_id=deputy_a.person_id).update(
        end_date=timezone.localdate() - dt.timedelta(days=1)
    )
    former = User.objects.get(pk=deputy_a.pk)
    client.force_login(former)
    body = page(client, opinion)
    assert PHONE not in body and "138****2222" in body and "赵先生" not in body
    assert "发送答复" not in body
    assert client.post(url("reply", opinion), {"body": "x"}).status_code == 403
