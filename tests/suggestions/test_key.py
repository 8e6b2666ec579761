"""Key supervision (重点督办): the chair chooses, the office records meetings, members score the report."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.org.models import User
from lvzhi.org.roles import Role
from lvzhi.suggestions.models import KeyMeeting, KeyScore
from lvzhi.suggestions.services import drafting, key, review
from tests.factories import UserFactory, grant
from tests.suggestions.loop_world import TODAY, build

pytestmark = pytest.mark.django_db

LEADERS = {"leader_in_charge": "王副市长", "supervising_leader": "李副主任"}


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    world = build()
    world.chair = User.objects.get(username="city_chair")
    world.member = UserFactory()
    grant(world.member, Role.SC_MEMBER, world.city)
    world.member2 = UserFactory()
    grant(world.member2, Role.SC_MEMBER, world.city)
    return world


def accepted(w, title="关于重点督办测试的建议"):
    s = drafting.suggestion_submit(actor=w.deputy, suggestion=w.draft(title=title))
    return review.suggestion_accept(actor=w.staff, suggestion=s)


def refused(code, fn, **kw):
    with pytest.raises(ServiceError) as exc:
        fn(**kw)
    assert exc.value.code == code, exc.value.message


def kinds(s):
    return list(
        Event.objects.filter(target_id=str(s.pk), kind__startswith="suggestion.key").values_list(
            "kind", flat=True
        )
    )


def chosen(w):
    s = accepted(w)
    return s, key.key_choose(actor=w.chair, suggestion=s, **LEADERS)


def reported(w):
    s, k = chosen(w)
    key.key_meeting_add(
        actor=w.staff, key=k, kind="report", held_on=dt.date(2026, 11, 20), notes="办理情况报告"
    )
    return s, k


def test_chair_chooses_a_key_suggestion(w):
    s = accepted(w)
    k = key.key_choose(actor=w.chair, suggestion=s, **LEADERS)
    s.refresh_from_db()
    assert s.is_key and k.year == 2026 and k.leader_in_charge == "王副市长" and k.chosen_by == w.chair
    assert kinds(s) == ["suggestion.key_chosen"]
    refused("already_key", key.key_choose, actor=w.chair, suggestion=s, **LEADERS)


def test_staff_member_and_other_chair_cannot_choose(w):
    s = accepted(w)
    for actor in (w.staff, w.member, User.objects.get(username="chair_a"), w.deputy):
        refused("not_permitted", key.key_choose, actor=actor, suggestion=s, **LEADERS)
    s.refresh_from_db()
    assert not s.is_key and kinds(s) == []


def test_only_open_accepted_suggestions_can_be_chosen(w):
    s = drafting.suggestion_submit(actor=w.deputy, suggestion=w.draft())
    refused("not_open", key.key_choose, actor=w.chair, suggestion=s, **LEADERS)
    refused(
        "required",
        key.key_choose,
        actor=w.chair,
        suggestion=accepted(w),
        leader_in_charge=" ",
        supervising_leader="x",
    )


def test_meetings_by_staff_or_chair_not_others(w):
    s, k = chosen(w)
    key.key_meeting_add(actor=w.staff, key=k, kind="assignment", held_on=dt.date(2026, 11, 1), notes="交办会")
    key.key_meeting_add(actor=w.chair, key=k, kind="progress", held_on=dt.date(2026, 11, 10), notes="推进会")
    assert list(k.meetings.values_list("kind", flat=True)) == ["assignment", "progress"]
    for actor in (w.member, w.staff_b, w.handler):
        refused(
            "not_permitted",
            key.key_meeting_add,
            actor=actor,
            key=k,
            kind="progress",
            held_on=dt.date(2026, 11, 2),
            notes="x",
        )
    refused(
        "bad_kind",
        key.key_meeting_add,
        actor=w.staff,
        key=k,
        kind="party",
        held_on=dt.date(2026, 11, 2),
        notes="x",
    )
    refused(
        "future_date",
        key.key_meeting_add,
        actor=w.staff,
        key=k,
        kind="progress",
        held_on=dt.date(2026, 12, 2),
        notes="x",
    )
    assert kinds(s).count("suggestion.key_meeting_added") == 2


def test_member_scores_once_after_the_report(w):
    s, k = chosen(w)
    refused("no_report", key.key_score, actor=w.member, key=k, score=90, comment="")
    key.key_meeting_add(actor=w.staff, key=k, kind="report", held_on=dt.date(2026, 11, 20), notes="报告")
    key.key_score(actor=w.member, key=k, score=90, comment="较好")
    refused("already_scored", key.key_score, actor=w.member, key=k, score=80, comment="")
    refused("bad_score", key.key_score, actor=w.member2, key=k, score=101, comment="")
    refused("bad_score", key.key_score, actor=w.member2, key=k, score=-1, comment="")
    key.key_score(actor=w.member2, key=k, score=75, comment="")
    assert key.score_summary(k) == {"average": 82.5, "count": 2}
    assert KeyScore.objects.filter(key=k).count() == 2
    assert kinds(s).count("suggestion.key_scored") == 2


def test_non_members_cannot_score(w):
    _, k = reported(w)
    for actor in (w.staff, w.chair, User.objects.get(username="member_a"), w.deputy):
        refused("not_permitted", key.key_score, actor=actor, key=k, score=60, comment="")


def test_pages_list_key_and_score(w, client):
    s, k = reported(w)
    key.key_score(actor=w.member, key=k, score=90, comment="")
    key.key_score(actor=w.member2, key=k, score=70, comment="")
    client.force_login(w.chair)
    page = client.get(reverse("suggestions:key_list"))
    assert page.status_code == 200 and s.title in page.content.decode() and "80.0" in page.content.decode()
    page = client.get(reverse("suggestions:key_detail", args=[s.pk]))
    assert page.status_code == 200 and "王副市长" in page.content.decode() and "80.0" in page.content.decode()
    # a third member scores through the form; a bad score keeps the comment
    m3 = UserFactory()
    grant(m3, Role.SC_MEMBER, w.city)
    client.force_login(m3)
    page = client.post(reverse("suggestions:key_score", args=[s.pk]), {"score": "150", "comment": "留着"})
    assert page.status_code == 200 and "留着" in page.content.decode()
    page = client.post(reverse("suggestions:key_score", args=[s.pk]), {"score": "60", "comment": ""})
    assert page.status_code == 302 and KeyScore.objects.filter(key=k, member=m3, score=60).exists()


def test_pages_choose_and_meeting_forms(w, client):
    s = accepted(w)
    client.force_login(w.staff)
    page = client.post(reverse("suggestions:key_choose", args=[s.pk]), LEADERS)
    assert page.status_code == 302 and not type(s).objects.get(pk=s.pk).is_key
    with translation.override("zh-hans"):
        refusal = gettext("Only the chair of this congress may choose key suggestions.")
    assert refusal in client.get(page.url).content.decode()
    client.force_login(w.chair)
    page = client.post(reverse("suggestions:key_choose", args=[s.pk]), LEADERS)
    assert page.status_code == 302 and type(s).objects.get(pk=s.pk).is_key
    client.force_login(w.staff)
    url = reverse("suggestions:key_meeting", args=[s.pk])
    page = client.post(url, {"kind": "progress", "held_on": "2026-11-21", "notes": "推进"})
    assert page.status_code == 302 and KeyMeeting.objects.filter(key__suggestion=s, kind="progress").exists()
    page = client.post(url, {"kind": "progress", "held_on": "not a date", "notes": "保留"})
    assert page.status_code == 200 and "保留" in page.content.decode()


def test_pages_hidden_from_others(w, client):
    s, _ = chosen(w)
    client.force_login(w.staff_b)
    assert client.get(reverse("suggestions:key_detail", args=[s.pk])).status_code == 404
    client.force_login(w.handler_b)
    assert client.get(reverse("suggestions:key_list")).status_code == 403


def test_suggestion_page_offers_the_choice_to_the_chair_only(w, client):
    s = accepted(w)
    choose = reverse("suggestions:key_choose", args=[s.pk])
    client.force_login(w.chair)
    page = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert choose in page and reverse("suggestions:key_list") in page  # the form, and the nav item
    client.force_login(w.staff)
    assert choose not in client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    key.key_choose(actor=w.chair, suggestion=s, **LEADERS)
    page = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert reverse("suggestions:key_detail", args=[s.pk]) in page


def test_demo_has_a_key_suggestion_with_its_report(w):
    k = KeyMeeting.objects.filter(kind="report", key__suggestion__congress=w.city).first().key
    assert k.suggestion.is_key and k.chosen_by.username == "city_chair"
    assert list(k.meetings.values_list("kind", flat=True)) == ["assignment", "progress", "report"]
