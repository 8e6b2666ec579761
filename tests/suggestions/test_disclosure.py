"""Disclosure (审核公开) and media tracking: the office prepares a redacted copy of a closed suggestion beside
the original, publishing is refused while it holds a mobile, ID-card or landline number, and a withdrawn copy
leaves the public pages; the office marks suggestions for media tracking and adds report links."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.suggestions.models import Assignment, Disclosure, MediaReport
from lvzhi.suggestions.services import disclosure as service
from lvzhi.suggestions.services import drafting, handling, replies, review
from lvzhi.suggestions.workflow import State
from tests.suggestions.loop_world import TODAY, build

pytestmark = pytest.mark.django_db

REPLY = "关于您提出的建议收悉。我局高度重视，已对全市老旧小区供热管网完成排查和改造，供热温度已全部达标。"


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return build()


def closed_suggestion(
    w, title="关于改善老旧小区供热质量的建议", *, body=None, field="urban", unit=None, reply=REPLY
):
    """A suggestion taken through the loop to closed (办结) by the services, with a class-A reply."""
    kw = {"title": title, "field": field}
    if body is not None:
        kw["body"] = body
    s = drafting.suggestion_submit(actor=w.deputy, suggestion=w.draft(**kw))
    s = review.suggestion_accept(actor=w.staff, suggestion=s)
    unit = unit or w.unit
    handling.suggestion_assign(actor=w.staff, suggestion=s, lead_unit=unit, co_units=[])
    a = s.assignments.get(role=Assignment.Role.LEAD, is_active=True)
    handler = w.handler if unit == w.unit else w.handler_b
    replies.reply_submit(actor=handler, assignment=a, text=reply, result_code="A", signed_by="局长")
    replies.evaluation_submit(actor=w.deputy, suggestion=s, mandate=w.mandate, rating="satisfied")
    s.refresh_from_db()
    assert s.state == State.CLOSED
    return s


def published(w, s, **copy):
    data = {"title": s.title, "body": "供热问题群众反映强烈，建议改造管网。", "reply_text": REPLY}
    data.update(copy)
    d = service.disclosure_prepare(actor=w.staff, suggestion=s, **data)
    return service.disclosure_publish(actor=w.staff, disclosure=d)


def kinds(s) -> list[str]:
    return list(
        Event.objects.filter(target_id=str(s.pk), kind__startswith="suggestion.")
        .order_by("id")
        .values_list("kind", flat=True)
    )


def client_for(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


# --- the patterns ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,kind",
    [
        ("联系电话13812345678。", "mobile"),
        ("手机 138 1234 5678", "mobile"),
        ("手机138-1234-5678", "mobile"),
        ("+86 15912345678", "mobile"),
        ("身份证370302199001011234", "id_number"),
        ("身份证号37030219900101123X", "id_number"),
        ("电话0533-2345678", "landline"),
        ("电话（0531）88886666", "landline"),
        ("电话 010 12345678", "landline"),
    ],
)
def test_personal_data_is_found(text, kind):
    found = service.personal_data_matches(text)
    assert [m.kind for m in found] == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "2026年11月26日",
        "投入3000万元",
        "第12号建议",
        "改造管网42公里，惠及12345户",
        "12812345678",
        "2026-11-26",
    ],
)
def test_ordinary_numbers_are_not_taken_for_personal_data(text):
    assert service.personal_data_matches(text) == []


# --- preparing and publishing ----------------------------------------------------------------------
def test_publish_is_refused_while_the_copy_holds_a_phone_or_id_number_and_allowed_after_redaction(w):
    s = closed_suggestion(w)
    d = service.disclosure_prepare(
        actor=w.staff,
        suggestion=s,
        title=s.title,
        body="居民张某（电话138 1234 5678）反映供热不足。",
        reply_text=REPLY + "联系人身份证370302199001011234。",
    )
    with pytest.raises(ServiceError) as exc:
        service.disclosure_publish(actor=w.staff, disclosure=d)
    assert exc.value.code == "personal_data_found"
    assert "138 1234 5678" in exc.value.message and "370302199001011234" in exc.value.message
    d.refresh_from_db()
    assert not d.is_published

    d = service.disclosure_prepare(
        actor=w.staff,
        suggestion=s,
        title=s.title,
        body="居民反映供热不足。",
        reply_text=REPLY,
    )
    d = service.disclosure_publish(actor=w.staff, disclosure=d)
    assert d.is_published and d.published_at is not None
    assert kinds(s)[-3:] == [
        service.DISCLOSURE_PREPARED,
        service.DISCLOSURE_PREPARED,
        service.DISCLOSURE_PUBLISHED,
    ]
    assert Disclosure.objects.filter(suggestion=s).count() == 1


def test_a_published_copy_cannot_be_changed_to_hold_a_number(w):
    s = closed_suggestion(w)
    d = published(w, s)
    with pytest.raises(ServiceError) as exc:
        service.disclosure_prepare(
            actor=w.staff, suggestion=s, title=s.title, body="电话0533-2345678", reply_text=REPLY
        )
    assert exc.value.code == "personal_data_found"
    d.refresh_from_db()
    assert "0533" not in d.body


def test_only_a_closed_suggestion_is_prepared(w):
    s = drafting.suggestion_submit(actor=w.deputy, suggestion=w.draft())
    with pytest.raises(ServiceError) as exc:
        service.disclosure_prepare(actor=w.staff, suggestion=s, title="t", body="b", reply_text="r")
    assert exc.value.code == "not_closed"
    assert not Disclosure.objects.filter(suggestion=s).exists()


def test_an_empty_copy_is_refused(w):
    s = closed_suggestion(w)
    with pytest.raises(ServiceError) as exc:
        service.disclosure_prepare(actor=w.staff, suggestion=s, title=s.title, body="  ", reply_text=REPLY)
    assert (exc.value.code, exc.value.field) == ("required", "body")


@pytest.mark.parametrize("who", ["staff_b", "deputy", "handler"])
def test_only_the_congress_office_prepares_and_publishes(w, who):
    s = closed_suggestion(w)
    actor = getattr(w, who)
    with pytest.raises(ServiceError) as exc:
        service.disclosure_prepare(actor=actor, suggestion=s, title=s.title, body="b", reply_text=REPLY)
    assert exc.value.code == "not_permitted"
    d = service.disclosure_prepare(actor=w.staff, suggestion=s, title=s.title, body="b", reply_text=REPLY)
    with pytest.raises(ServiceError) as exc:
        service.disclosure_publish(actor=actor, disclosure=d)
    assert exc.value.code == "not_permitted"
    d.refresh_from_db()
    assert not d.is_published


def test_withdraw_takes_the_copy_off_and_is_recorded(w):
    s = closed_suggestion(w)
    d = published(w, s)
    service.disclosure_withdraw(actor=w.staff, disclosure=d, reason="当事人要求")
    d.refresh_from_db()
    assert not d.is_published and d.published_at is None
    assert kinds(s)[-1] == service.DISCLOSURE_WITHDRAWN
    with pytest.raises(ServiceError) as exc:
        service.disclosure_withdraw(actor=w.staff, disclosure=d)
    assert exc.value.code == "not_published"
    with pytest.raises(ServiceError) as exc:
        service.disclosure_withdraw(actor=w.staff_b, disclosure=d)
    assert exc.value.code == "not_permitted"


# --- media tracking --------------------------------------------------------------------------------
def test_media_tracking_and_reports(w):
    s = closed_suggestion(w)
    with pytest.raises(ServiceError) as exc:
        service.media_report_add(
            actor=w.staff, suggestion=s, outlet="示范日报", title="t", url="https://a.cn/", published_on=None
        )
    assert exc.value.code == "not_tracked"
    service.suggestion_mark_media(actor=w.staff, suggestion=s, tracked=True)
    s.refresh_from_db()
    assert s.is_media_tracked
    for bad in ("javascript:alert(1)", "ftp://a.cn/x", "news.cn/x", "https://"):
        with pytest.raises(ServiceError) as exc:
            service.media_report_add(
                actor=w.staff,
                suggestion=s,
                outlet="示范日报",
                title="供热改造",
                url=bad,
                published_on=dt.date(2026, 11, 20),
            )
        assert (exc.value.code, exc.value.field) == ("url_invalid", "url")
    r = service.media_report_add(
        actor=w.staff,
        suggestion=s,
        outlet="示范日报",
        title="供热改造完成",
        url="https://news.example.cn/a.html",
        published_on=dt.date(2026, 11, 20),
    )
    assert MediaReport.objects.filter(suggestion=s).get() == r
    with pytest.raises(ServiceError) as exc:
        service.suggestion_mark_media(actor=w.handler, suggestion=s, tracked=False)
    assert exc.value.code == "not_permitted"
    service.suggestion_mark_media(actor=w.staff, suggestion=s, tracked=False)
    assert kinds(s)[-3:] == [service.MEDIA_TRACKED, service.MEDIA_REPORT_ADDED, service.MEDIA_UNTRACKED]


def test_a_draft_cannot_be_media_tracked(w):
    s = w.draft()
    with pytest.raises(ServiceError) as exc:
        service.suggestion_mark_media(actor=w.staff, suggestion=s, tracked=True)
    assert exc.value.code == "not_trackable"


# --- the office's pages ----------------------------------------------------------------------------
def test_the_page_shows_the_original_beside_the_copy_with_numbers_highlighted(w):
    s = closed_suggestion(w, body="居民反映供热不足，联系电话13812345678。")
    staff = client_for(w.staff)
    page = staff.get(reverse("suggestions:disclosure", args=[s.pk])).content.decode()
    assert "Original (not public)" in page
    assert "<mark" in page and "13812345678</mark>" in page  # prefilled from the original, highlighted
    assert REPLY in page

    # saving a copy with a number, then publishing: refused with the number named, shown on the page
    r = staff.post(
        reverse("suggestions:disclosure", args=[s.pk]),
        {"title": s.title, "body": "联系电话13812345678。", "reply_text": REPLY},
    )
    assert r.status_code == 302
    r = staff.post(reverse("suggestions:disclosure_publish", args=[s.pk]), follow=True)
    assert "13812345678" in r.content.decode() and "personal data" in r.content.decode()
    assert not Disclosure.objects.get(suggestion=s).is_published

    staff.post(
        reverse("suggestions:disclosure", args=[s.pk]),
        {"title": s.title, "body": "居民反映供热不足。", "reply_text": REPLY},
    )
    r = staff.post(reverse("suggestions:disclosure_publish", args=[s.pk]), follow=True)
    assert "The redacted copy is published." in r.content.decode()
    assert Disclosure.objects.get(suggestion=s).is_published
    # the suggestion page's office panel links to it
    detail = staff.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert reverse("suggestions:disclosure", args=[s.pk]) in detail


def test_a_refused_save_keeps_what_was_typed(w):
    s = closed_suggestion(w)
    published(w, s)
    r = client_for(w.staff).post(
        reverse("suggestions:disclosure", args=[s.pk]),
        {"title": "我改过的标题", "body": "电话0533-2345678", "reply_text": REPLY},
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "我改过的标题" in page and "personal data" in page


def test_media_page_marks_and_adds_a_report(w):
    s = closed_suggestion(w)
    staff = client_for(w.staff)
    staff.post(reverse("suggestions:media_track", args=[s.pk]), {"tracked": "1"})
    r = staff.post(
        reverse("suggestions:media", args=[s.pk]),
        {"outlet": "示范日报", "title": "供热", "url": "javascript:alert(1)", "published_on": "2026-11-20"},
    )
    assert r.status_code == 200 and "http://" in r.content.decode() and "示范日报" in r.content.decode()
    r = staff.post(
        reverse("suggestions:media", args=[s.pk]),
        {
            "outlet": "示范日报",
            "title": "供热",
            "url": "https://news.example.cn/x",
            "published_on": "2026-11-20",
        },
        follow=True,
    )
    assert 'href="https://news.example.cn/x"' in r.content.decode()


@pytest.mark.parametrize("who", ["staff_b", "deputy", "handler"])
def test_denied_roles_cannot_open_or_post_the_office_pages(w, who):
    s = closed_suggestion(w)
    d = service.disclosure_prepare(actor=w.staff, suggestion=s, title=s.title, body="b", reply_text=REPLY)
    c = client_for(getattr(w, who))
    for name in ("disclosure", "media"):
        assert c.get(reverse(f"suggestions:{name}", args=[s.pk])).status_code in (403, 404)
    for name, data in (
        ("disclosure", {"title": "x", "body": "x", "reply_text": "x"}),
        ("disclosure_publish", {}),
        ("disclosure_withdraw", {}),
        ("media_track", {"tracked": "1"}),
        ("media", {"outlet": "o", "title": "t", "url": "https://a.cn/", "published_on": "2026-11-20"}),
    ):
        assert c.post(reverse(f"suggestions:{name}", args=[s.pk]), data).status_code in (403, 404)
    d.refresh_from_db()
    s.refresh_from_db()
    assert (d.title, d.is_published, s.is_media_tracked) == (s.title, False, False)
