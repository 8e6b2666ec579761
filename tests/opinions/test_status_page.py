"""The citizen's status page: by the secret link or by number + last four digits; the answer; the rating
(once); nothing about anyone else."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lvzhi.core.models import Event
from lvzhi.opinions.models import CitizenRating, Opinion
from lvzhi.opinions.services.handling import opinion_reply

from .conftest import GOOD, JPEG

pytestmark = pytest.mark.django_db
FULL_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def submit(code, client=None, **changes):
    client = client or Client(REMOTE_ADDR="10.2.2.2")
    data = {**GOOD, **changes}
    response = client.post(reverse("opinions:reach", kwargs={"token": code.token}), data)
    assert response.status_code == 302, response.content.decode()[:500]
    key = response["Location"].split("/")[2]
    return Opinion.objects.order_by("-pk").first(), key


def status(client, key):
    return client.get(reverse("opinions:status", kwargs={"key": key}))


def test_the_link_shows_progress_and_the_answer_with_the_phone_masked(client, code, deputy_a):
    opinion, key = submit(code, phone="13812345678", wants_callback="on")
    body = status(client, key).content.decode()
    assert opinion.number in body and "新收到" in body and "138****5678" in body
    assert not FULL_MOBILE.search(body)
    assert "还没有答复" in body and "评价办理结果" not in body
    opinion_reply(actor=deputy_a, opinion=opinion, body="已联系城管部门，本周内修复路灯。")
    response = status(client, key)
    body = response.content.decode()
    assert "已联系城管部门" in body and "已答复" in body and deputy_a.person.name in body
    assert deputy_a.username not in body
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")


def test_the_citizen_rates_once_after_the_answer(client, code, deputy_a):
    opinion, key = submit(code)
    url = reverse("opinions:status", kwargs={"key": key})
    early = client.post(url, {"score": "satisfied"})
    assert "答复之后才能评价" in early.content.decode()
    assert not CitizenRating.objects.filter(opinion=opinion).exists()
    opinion_reply(actor=deputy_a, opinion=opinion, body="已处理。")
    missing = client.post(url, {"score": ""})
    assert "请选择您的满意程度" in missing.content.decode()
    done = client.post(url, {"score": "basic", "comment": "还可以更快一些"})
    assert done.status_code == 302
    body = client.get(done["Location"]).content.decode()
    assert "感谢您的评价" in body and "基本满意" in body and "评价办理结果" not in body
    client.post(url, {"score": "dissatisfied"})
    rating = CitizenRating.objects.get(opinion=opinion)
    assert rating.score == "basic"
    opinion.refresh_from_db()
    assert opinion.state == "rated"
    event = Event.objects.get(target_id=str(opinion.pk), kind="opinion.rate")
    assert "还可以更快" not in str(event.payload)


def test_number_and_last_four_digits_open_the_page(client, code):
    opinion, key = submit(code, phone="13812345678", wants_callback="on")
    lookup = reverse("opinions:lookup")
    found = client.post(lookup, {"number": opinion.number.lower(), "last4": "5678"})
    assert found.status_code == 302 and found["Location"] == reverse("opinions:status", kwargs={"key": key})


@pytest.mark.parametrize(
    "form",
    [
        {"last4": "5679"},
        {"number": "YJ2026-999999"},
        {"last4": "56"},
        {"last4": "５６７８"},
        {"number": ""},
    ],
)
def test_a_wrong_number_or_digits_show_nothing(client, code, form):
    opinion, _key = submit(code, phone="13812345678", wants_callback="on")
    data = {"number": opinion.number, "last4": "5678", **form}
    response = client.post(reverse("opinions:lookup"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert GOOD["content"] not in body and "138****5678" not in body and "新收到" not in body
    assert "没有找到" in body or "errorlist" in body


def test_an_opinion_without_a_phone_is_found_by_its_link_only(client, code):
    opinion, _key = submit(code)
    response = client.post(reverse("opinions:lookup"), {"number": opinion.number, "last4": "0000"})
    assert response.status_code == 200 and "没有找到" in response.content.decode()


def test_guessing_the_last_four_digits_is_limited(code, settings):
    settings.LVZHI_OPINION_LOOKUPS_PER_HOUR = 3
    opinion, _key = submit(code, phone="13812345678", wants_callback="on")
    guesser = Client(REMOTE_ADDR="10.6.6.6")
    for n in range(3):
        guesser.post(reverse("opinions:lookup"), {"number": opinion.number, "last4": f"000{n}"})
    right = guesser.post(reverse("opinions:lookup"), {"number": opinion.number, "last4": "5678"})
    assert right.status_code == 429 and "查询次数过多" in right.content.decode()


def test_a_bad_key_is_a_404(client):
    for key in ("0" * 32, "short", "g" * 32):
        assert status(client, key).status_code == 404
        assert client.get(reverse("opinions:thanks", kwargs={"key": key})).status_code == 404
        assert client.get(reverse("opinions:photo", kwargs={"key": key, "index": 1})).status_code == 404


def test_one_citizen_s_link_shows_nothing_of_another_s(client, code):
    mine, my_key = submit(
        code,
        Client(REMOTE_ADDR="10.3.3.3"),
        content="我家楼下下水道堵塞，污水外溢。",
        phone="13900001111",
        wants_callback="on",
    )
    theirs, their_key = submit(
        code,
        Client(REMOTE_ADDR="10.4.4.4"),
        content="邻居家装修噪音到深夜，影响休息。",
        citizen_name="张三丰",
        phone="13722223333",
        wants_callback="on",
    )
    Client(REMOTE_ADDR="10.4.4.4").post(
        reverse("opinions:reach", kwargs={"token": code.token}),
        {
            **GOOD,
            "content": "另一条带照片的意见：路面塌陷。",
            "photo1": SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg"),
        },
    )
    body = status(client, my_key).content.decode()
    assert mine.number in body
    for other in (theirs.number, "邻居家装修", "张三丰", "3333", "路面塌陷"):
        assert other not in body
    assert client.get(reverse("opinions:photo", kwargs={"key": my_key, "index": 1})).status_code == 404
    # nor by changing the number on the lookup page with my last four digits
    response = client.post(reverse("opinions:lookup"), {"number": theirs.number, "last4": "1111"})
    assert "邻居家装修" not in response.content.decode()


def test_the_citizen_sees_their_own_photo(client, code):
    _opinion, key = submit(code, photo1=SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg"))
    body = status(client, key).content.decode()
    photo_url = reverse("opinions:photo", kwargs={"key": key, "index": 1})
    assert photo_url in body
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")
    assert client.get(reverse("opinions:photo", kwargs={"key": key, "index": 2})).status_code == 404


def test_no_public_page_shows_a_full_mobile(client, code):
    """The demo opinions with mobiles: their status pages show them masked only."""
    for opinion in Opinion.objects.exclude(phone="")[:10]:
        from lvzhi.opinions.tokens import follow_key

        body = status(client, follow_key(opinion.follow_salt)).content.decode()
        assert opinion.phone not in body and f"{opinion.phone[:3]}****{opinion.phone[-4:]}" in body
    assert not FULL_MOBILE.search(
        client.get(reverse("opinions:reach", kwargs={"token": code.token})).content.decode()
    )
