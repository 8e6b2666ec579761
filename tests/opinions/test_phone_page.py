"""The citizen's phone page behind a QR code: whom you reach, the form with every bad input, duplicates, the
honeypot, rate limits, CSRF, and what the deputy is told."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lvzhi.core.models import Event, Notification
from lvzhi.opinions.models import Opinion, OpinionPhoto
from lvzhi.stations.models import Station

from .conftest import GOOD, JPEG, PNG

pytestmark = pytest.mark.django_db


def url(code):
    return reverse("opinions:reach", kwargs={"token": code.token})


def post(client, code, **changes):
    data = {**GOOD, **changes}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(url(code), data)


def new_opinions(code):
    return Opinion.objects.filter(code=code, client_ip_hash__isnull=False).exclude(
        client_ip_hash__startswith="demo"
    )


def test_the_page_says_whom_you_reach_and_works_without_javascript(phone_client, code):
    response = phone_client.get(url(code))
    body = response.content.decode()
    assert response.status_code == 200
    assert code.mandate.person.name in body and code.mandate.congress.name in body
    station = Station.objects.filter(assignments__mandate=code.mandate).first()
    if station:
        assert station.name in body
    assert 'name="viewport"' in body and "<script" not in body
    assert 'enctype="multipart/form-data"' in body and "csrfmiddlewaretoken" in body
    assert "反映意见或约见代表" in body and "我同意" in body  # Chinese, with the consent's purpose said
    assert response.cookies.get("lvzhi_citizen")


def test_the_page_shows_the_next_reception_days_of_the_deputy_s_stations(phone_client, code):
    """Instead of a station's opening hours, the next reception days planned there (issue 4's last point)."""
    from django.utils import formats, translation

    from lvzhi.stations.selectors_reception import next_reception_days

    upcoming = next_reception_days(mandate=code.mandate)
    assert upcoming, "the demo plans reception days at deputy_a's stations"
    body = phone_client.get(url(code)).content.decode()
    with translation.override("zh-hans"):
        first = formats.date_format(upcoming[0].date, "MONTH_DAY_FORMAT")
    assert "近期接待日" in body and first in body and f"{upcoming[0].start_time:%H:%M}" in body
    assert reverse("reception_public:calendar") in body


def test_a_station_with_no_planned_day_shows_its_opening_hours(phone_client):
    from lvzhi.opinions.models import ContactCode
    from lvzhi.stations.selectors_reception import next_reception_days

    quiet = next(
        c
        for c in ContactCode.objects.filter(station__isnull=False, revoked_at=None).exclude(
            station__opening_hours=""
        )
        if not next_reception_days(station=c.station)
    )
    body = phone_client.get(url(quiet)).content.decode()
    assert quiet.station.opening_hours in body and "近期接待日" not in body


def test_a_citizen_leaves_an_opinion_and_gets_a_number_and_a_link(
    phone_client, code, deputy_a, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(phone_client, code, phone="138 1234 5678", wants_callback="on")
    assert not sms_outbox or response.status_code == 302
    assert response.status_code == 302
    thanks = phone_client.get(response["Location"])
    opinion = new_opinions(code).get()
    body = thanks.content.decode()
    assert opinion.number in body and opinion.number.startswith("YJ")
    status_url = reverse("opinions:status", kwargs={"key": response["Location"].split("/")[2]})
    assert status_url in body
    assert opinion.phone == "13812345678" and opinion.wants_callback and opinion.consent_at
    assert opinion.person_id == deputy_a.person_id and opinion.state == "new"
    # The deputy is told once, by SMS and in the inbox, with no personal data of the citizen.
    notes = Notification.objects.filter(recipient=deputy_a, cause=f"opinions.new:{opinion.pk}")
    assert sorted(notes.values_list("channel", flat=True)) == ["inbox", "sms"]
    sent = [m for m in sms_outbox if opinion.number in m["text"]]
    assert len(sent) == 1 and "13812345678" not in sent[0]["text"] and "李女士" not in sent[0]["text"]


def test_the_event_refers_to_the_citizen_by_id_only(phone_client, code):
    post(phone_client, code, phone="13812345678", wants_callback="on")
    opinion = new_opinions(code).get()
    events = Event.objects.filter(target_id=str(opinion.pk), kind="opinion.submitted")
    assert events.count() == 1
    event = events.get()
    text = f"{event.payload} {event.note}"
    assert event.payload["opinion_id"] == opinion.pk
    for personal in ("13812345678", "李女士", "路灯", "湖滨路"):
        assert personal not in text
    assert event.ip_address is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"content": ""}, "content", "请填写您想向代表反映的内容"),
        ({"content": "路灯"}, "content", "请至少写"),
        ({"content": "长" * 2001}, "content", "最多 2000 个字"),
        ({"category": ""}, "category", "请选择问题类别"),
        ({"category": "weather"}, "category", "请选择问题类别"),
        ({"kind": "complaint"}, "kind", "请选择您想要"),
        ({"place": "地" * 101}, "place", "最多 100 个字"),
        ({"citizen_name": "名" * 41}, "citizen_name", "最多 40 个字"),
        ({"preferred_times": "时" * 201}, "preferred_times", "最多 200 个字"),
        ({"phone": "12345"}, "phone", "请输入中国大陆手机号码"),
        ({"phone": "23812345678"}, "phone", "请输入中国大陆手机号码"),
        ({"wants_callback": "on"}, "phone", "需要回电或约见代表，请留下您的手机号码"),
        ({"kind": "meeting"}, "phone", "需要回电或约见代表，请留下您的手机号码"),
        ({"consent": None}, "consent", "请勾选同意"),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(phone_client, code, changes, field, message):
    response = post(phone_client, code, **changes)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body, field
    assert response.context["form"].errors.get(field), field
    assert "请修改下面标出的内容" in body
    kept = {**GOOD, **changes}
    for name in ("content", "place", "citizen_name"):
        if kept[name] and len(kept[name]) < 50:
            assert kept[name] in body, name
    assert not new_opinions(code).exists()


def test_a_phone_number_is_taken_in_any_usual_form(phone_client, code):
    post(phone_client, code, kind="meeting", phone="＋86 139-5550-1234", preferred_times="周六上午")
    opinion = new_opinions(code).get()
    assert (
        opinion.phone == "13955501234" and opinion.kind == "meeting" and opinion.preferred_times == "周六上午"
    )


def test_photos_are_kept_up_to_three_and_checked(phone_client, code):
    response = phone_client.post(
        url(code),
        {
            **GOOD,
            "photo1": SimpleUploadedFile("路灯.jpg", JPEG, content_type="image/jpeg"),
            "photo2": SimpleUploadedFile("b.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    photos = OpinionPhoto.objects.filter(opinion__in=new_opinions(code))
    assert sorted(p.content_type for p in photos) == ["image/jpeg", "image/png"]
    assert all("路灯" not in p.file.name for p in photos)  # a random stored name


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("virus.jpg", b"MZ\x90\x00" * 20, content_type="image/jpeg"),
            "只能上传 JPG、PNG 或 WebP",
        ),
        (
            SimpleUploadedFile("a.gif", b"GIF89a" + b"\x00" * 20, content_type="image/gif"),
            "只能上传 JPG、PNG 或 WebP",
        ),
        (SimpleUploadedFile("a.png", JPEG, content_type="image/png"), "只能上传 JPG、PNG 或 WebP"),
        (
            SimpleUploadedFile("big.jpg", JPEG + b"\x00" * (1024 * 1024), content_type="image/jpeg"),
            "照片超过 1 MB",
        ),
    ],
)
def test_a_wrong_photo_is_refused_and_must_be_chosen_again(phone_client, code, settings, upload, message):
    settings.LVZHI_OPINION_PHOTO_MAX_BYTES = 1024 * 1024
    response = phone_client.post(url(code), {**GOOD, "photo2": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body and "请重新选择照片" in body
    assert GOOD["content"] in body
    assert not new_opinions(code).exists()


def test_a_double_tap_stores_one_record_with_the_same_number(phone_client, code):
    first = post(phone_client, code)
    second = post(phone_client, code)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert new_opinions(code).count() == 1


def test_the_same_text_from_another_phone_is_another_record(code):
    post(Client(REMOTE_ADDR="10.0.0.1"), code)
    post(Client(REMOTE_ADDR="10.0.0.2"), code)
    assert new_opinions(code).count() == 2


def test_the_honeypot_stores_nothing(phone_client, code):
    response = post(phone_client, code, website="http://spam.example")
    assert response.status_code == 200
    assert "提交未被接受" in response.content.decode()
    assert not new_opinions(code).exists()


def test_the_honeypot_is_hidden_from_people(phone_client, code):
    body = phone_client.get(url(code)).content.decode()
    assert 'class="hp" aria-hidden="true"' in body and 'tabindex="-1"' in body


def test_too_many_messages_from_one_browser_are_refused(phone_client, code, settings):
    settings.LVZHI_OPINION_PER_BROWSER_PER_HOUR = 2
    phone_client.get(url(code))  # the browser gets its cookie
    for n in range(2):
        assert post(phone_client, code, content=f"第{n}条意见：小区门口积水严重").status_code == 302
    response = post(phone_client, code, content="第三条意见：小区门口积水严重")
    assert response.status_code == 429
    body = response.content.decode()
    assert "提交次数过多" in body and "第三条意见" in body
    assert new_opinions(code).count() == 2


def test_too_many_messages_from_one_address_are_refused(code, settings):
    settings.LVZHI_OPINION_PER_ADDRESS_PER_HOUR = 2
    for n in range(2):
        assert (
            post(Client(REMOTE_ADDR="10.9.9.9"), code, content=f"第{n}条意见：小区门口积水严重").status_code
            == 302
        )
    # a new browser (no cookie) on the same address
    assert post(Client(REMOTE_ADDR="10.9.9.9"), code, content="第三条：小区门口积水严重").status_code == 429
    assert post(Client(REMOTE_ADDR="10.9.9.8"), code, content="第三条：小区门口积水严重").status_code == 302


def test_csrf_works_for_a_signed_out_citizen(code):
    browser = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.1.1.1")
    page = browser.get(url(code))
    token = page.cookies["csrftoken"].value
    assert browser.post(url(code), {**GOOD, "csrfmiddlewaretoken": token}).status_code == 302
    assert Client(enforce_csrf_checks=True).post(url(code), GOOD).status_code == 403


def test_text_is_escaped_on_every_page(phone_client, code):
    evil = "<script>alert(1)</script> 小区门口积水严重"
    response = post(phone_client, code, content=evil, place="<b>x</b>")
    status = phone_client.get(response["Location"].replace("thanks/", ""))
    body = status.content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert "<b>x</b>" not in body
    bad = post(phone_client, code, content=evil, consent=None).content.decode()
    assert "<script>alert(1)</script>" not in bad


def test_a_station_code_reaches_the_station_s_staff(phone_client, sms_outbox):
    from lvzhi.opinions.models import ContactCode
    from lvzhi.org.models import RoleAssignment

    ra = RoleAssignment.objects.get(user__username="station_a", role="station_staff")
    code = ContactCode.objects.get(station=ra.station, revoked_at=None)
    body = phone_client.get(url(code)).content.decode()
    assert ra.station.name in body and ra.station.address in body
    assert post(phone_client, code).status_code == 302
    opinion = Opinion.objects.filter(code=code).order_by("-pk").first()
    assert opinion.station_id == ra.station_id and opinion.person_id is None
    assert Notification.objects.filter(
        recipient=ra.user, cause=f"opinions.new:{opinion.pk}", channel="sms"
    ).exists()
