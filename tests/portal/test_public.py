"""The public pages (no sign-in): published redacted copies listed, searched and shown; nothing unpublished,
nothing of the original text, no deputy's name or mobile number reachable."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from lvzhi.org.models import Person
from lvzhi.suggestions.models import Disclosure, Suggestion
from lvzhi.suggestions.services import disclosure as service
from tests.suggestions.test_disclosure import REPLY, closed_suggestion, published, w  # noqa: F401

pytestmark = pytest.mark.django_db

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ORIGINAL = "原件里才有的话：居民反映供热管网老化，联系电话13812345678。"


@pytest.fixture
def world(w):  # noqa: F811
    """Three published copies (two units, two fields), one prepared but never published, one withdrawn."""
    heating = closed_suggestion(w, "关于改善老旧小区供热质量的建议", body=ORIGINAL)
    school = closed_suggestion(w, "关于学校门前交通秩序的建议", field="education", unit=w.unit_b)
    lights = closed_suggestion(w, "关于背街小巷路灯照明的建议")
    hidden = closed_suggestion(w, "关于尚未公开事项的建议")
    gone = closed_suggestion(w, "关于已撤回公开事项的建议")
    d_heating = published(w, heating, body="供热管网老化，建议分批改造。")
    d_school = published(
        w, school, title="关于学校门前交通秩序的建议（公开稿）", reply_text=REPLY + "增设护学岗。"
    )
    d_lights = published(w, lights, body="部分背街小巷夜间照明不足。")
    d_hidden = service.disclosure_prepare(
        actor=w.staff, suggestion=hidden, title=hidden.title, body="未公开的正文", reply_text=REPLY
    )
    d_gone = published(w, gone)
    service.disclosure_withdraw(actor=w.staff, disclosure=d_gone)
    return {
        "w": w,
        "heating": d_heating,
        "school": d_school,
        "lights": d_lights,
        "hidden": d_hidden,
        "gone": d_gone,
    }


def anon() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def listed(**query) -> str:
    r = anon().get(reverse("portal:list"), query)
    assert r.status_code == 200
    return r.content.decode()


def test_the_list_shows_published_copies_only_signed_out(world):
    page = listed()
    assert "关于改善老旧小区供热质量的建议" in page and "（公开稿）" in page
    assert "关于尚未公开事项的建议" not in page and "关于已撤回公开事项的建议" not in page


def test_search_by_keyword_in_title_text_and_reply(world):
    assert "路灯" in listed(q="路灯") and "供热" not in listed(q="路灯")
    assert "（公开稿）" in listed(q="护学岗")  # found by the reply
    assert "关于改善老旧小区供热质量的建议" in listed(q="分批改造")  # found by the copy's text
    assert "关于改善老旧小区供热质量的建议" not in listed(q="原件里才有的话")  # never by the original
    assert "Nothing found." in listed(q="没有这样的词")


def test_filters_by_unit_field_and_year(world):
    by_unit = listed(unit=world["w"].unit_b.short_name)
    assert "（公开稿）" in by_unit and "路灯" not in by_unit
    by_field = listed(field="education")
    assert "（公开稿）" in by_field and "路灯" not in by_field
    assert "路灯" in listed(year="2026") and "路灯" not in listed(year="2019")
    # odd input is ignored, never a 500
    assert "路灯" in listed(unit="不存在的单位", field="nonsense", year="x²", q="\x00")


def test_the_detail_shows_the_copy_number_units_and_result_class(world):
    d = world["heating"]
    r = anon().get(reverse("portal:detail", args=[d.pk]))
    page = r.content.decode()
    assert r.status_code == 200
    assert "供热管网老化，建议分批改造。" in page
    assert f"No. {d.suggestion.number}</dd>" in page  # after its congress and session
    assert world["w"].unit.short_name in page
    assert "A " in page and "Result class" in page
    assert "原件里才有的话" not in page and "13812345678" not in page


def test_unpublished_and_withdrawn_copies_are_404(world):
    for key in ("hidden", "gone"):
        assert anon().get(reverse("portal:detail", args=[world[key].pk])).status_code == 404
    assert anon().get(reverse("portal:detail", args=[999_999_999])).status_code == 404


def test_no_public_page_shows_a_mobile_number_a_deputy_or_an_unpublished_title(world):
    pages = [reverse("portal:list")]
    pages += [reverse("portal:list") + f"?q={q}" for q in ("供热", "建议", "1381234")]
    pages += [
        reverse("portal:detail", args=[pk])
        for pk in Disclosure.objects.filter(is_published=True).values_list("pk", flat=True)
    ]
    unpublished = set(
        Suggestion.objects.exclude(disclosure__is_published=True).values_list("title", flat=True)
    ) | set(Disclosure.objects.filter(is_published=False).values_list("title", flat=True))
    published_titles = set(Disclosure.objects.filter(is_published=True).values_list("title", flat=True))
    deputies = set(
        Person.objects.filter(
            mandates__suggestion_signatures__suggestion__disclosure__is_published=True
        ).values_list("name", flat=True)
    )
    assert deputies and unpublished
    for url in pages:
        r = anon().get(url)
        assert r.status_code == 200, url
        body = r.content.decode()
        assert not MOBILE.search(body), url
        assert not [t for t in unpublished - published_titles if t in body], url
        assert not [n for n in deputies if n in body], url


def test_the_public_pages_are_in_chinese_for_a_chinese_browser(world):
    r = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(reverse("portal:list"))
    assert r.status_code == 200
