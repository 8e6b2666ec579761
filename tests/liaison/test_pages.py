"""The liaison pages as each role uses them: what they show, what they refuse (404 outside the scope), forms
that keep what was typed with a Chinese message, odd query values, and the Excel exports."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from lvzhi.core.models import Event
from lvzhi.liaison.models import Assignment, Contact, RaisedOpinion
from lvzhi.org.models import Committee

from .conftest import login, user

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _contact_of(username: str) -> Contact:
    return Contact.objects.filter(member=user(username).person).order_by("pk").first()


def _committee_contact(name: str) -> Contact:
    return (
        Contact.objects.filter(committee__congress__level="city", committee__name=name).order_by("pk").first()
    )


def test_a_member_sees_its_deputies_with_last_contact_and_this_year_s_count():
    member = user("member_a")
    response = login(member).get(reverse("liaison:index"), **ZH)
    assert response.status_code == 200
    deputy_a = user("deputy_a").person.name
    html = response.content.decode()
    assert deputy_a in html and "联系代表" in html
    rows = response.context["own_boards"][0]["rows"]
    assert rows and all(r.assignment.member_id == member.person_id for r in rows)
    assert any(not r.met for r in rows) and any(r.met for r in rows)


def test_member_a_cannot_see_member_b_s_contacts_deputies_or_page():
    client = login(user("member_a"))
    theirs = _contact_of("member_b")
    assert client.get(reverse("liaison:contact", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("liaison:contact_edit", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("liaison:raised_add", args=[theirs.pk]), {"new-content": "x"}).status_code == 404
    )
    assert client.get(reverse("liaison:member", args=[user("member_b").person_id])).status_code == 404
    listed = client.get(reverse("liaison:contact_list"), {"q": theirs.topic})
    assert theirs.pk not in [c.pk for c in listed.context["page"]]
    assignments = client.get(reverse("liaison:assignment_list"), {"status": "all"})
    names = {a.mandate.person.name for a in Assignment.objects.filter(member=user("member_b").person)}
    assert not names & {a.mandate.person.name for a in assignments.context["page"]}
    raised = RaisedOpinion.objects.filter(contact__member=user("member_b").person).first()
    for name in ("raised_enter", "raised_draft"):
        assert client.get(reverse(f"liaison:{name}", args=[raised.pk])).status_code == 404
    for name in ("raised_request", "raised_propose"):
        assert client.post(reverse(f"liaison:{name}", args=[raised.pk])).status_code == 404


def test_committee_a_cannot_act_for_committee_b():
    client = login(user("committee_a"))
    theirs = _committee_contact("教育科学文化卫生委员会")
    b = Committee.objects.get(congress__level="city", name="教育科学文化卫生委员会")
    assert client.get(reverse("liaison:contact", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("liaison:committee", args=[b.pk])).status_code == 404
    # Naming committee B in a form gets nowhere: the key is resolved among committee A's own contactors only.
    before = Contact.objects.count()
    response = client.post(
        reverse("liaison:contact_new") + f"?to=c{b.pk}",
        {
            "contactor": f"c{b.pk}",
            "date": timezone.localdate().isoformat(),
            "mode": "call",
            "topic": "越权",
            "discussed": "试图替别的委员会记录联系。",
            "deputies": [theirs.deputies.first().pk],
        },
    )
    assert Contact.objects.count() == before and response.status_code in (200, 400)
    before = Assignment.objects.count()
    client.post(
        reverse("liaison:assignment_bulk"),
        {"contactor": f"c{b.pk}", "names": "张三", "start_date": "2026-01-01"},
    )
    assert Assignment.objects.count() == before
    own = _committee_contact("财政经济委员会")
    assert client.get(reverse("liaison:contact", args=[own.pk])).status_code == 200


def test_deputy_b_cannot_read_deputy_a_s_contacts_and_sees_its_own_read_only():
    deputy_a, deputy_b = user("deputy_a"), user("deputy_b")
    a_contact = Contact.objects.filter(deputies__person=deputy_a.person).first()
    b_contact = Contact.objects.filter(deputies__person=deputy_b.person).first()
    client = login(deputy_b)
    assert client.get(reverse("liaison:contact", args=[a_contact.pk])).status_code == 404
    mine = client.get(reverse("liaison:mine"), **ZH)
    assert mine.status_code == 200
    assert a_contact.pk not in [c.pk for c in mine.context["page"]]
    assert b_contact.pk in [c.pk for c in Contact.objects.filter(deputies__person=deputy_b.person)]
    own = client.get(reverse("liaison:contact", args=[b_contact.pk]))
    assert own.status_code == 200 and not own.context["may_log"] and own.context["raised_form"] is None
    assert client.get(reverse("liaison:contact_edit", args=[b_contact.pk])).status_code == 403
    assert user("member_b").person.name in mine.content.decode()


def test_staff_see_their_congress_s_members_and_committees_and_not_the_sibling_s():
    response = login(user("staff_a")).get(reverse("liaison:index"), **ZH)
    assert response.status_code == 200
    names = {r.contactor.name for r in response.context["page"]}
    assert user("member_a").person.name in names
    assert user("member_b").person.name not in response.content.decode()
    b = login(user("staff_a")).get(reverse("liaison:member", args=[user("member_b").person_id]))
    assert b.status_code == 404


def test_logging_a_contact_through_the_page_with_an_opinion_for_the_office():
    member = user("member_a")
    client = login(member)
    deputy = Assignment.objects.filter(member=member.person, end_date__isnull=True).first().mandate
    today = timezone.localdate()
    page = client.get(reverse("liaison:contact_new"), {"deputy": deputy.pk})
    assert page.status_code == 200 and deputy.pk in page.context["form"].initial["deputies"]
    data = {
        "contactor": page.context["contactor"].key,
        "date": today.isoformat(),
        "mode": "online",
        "deputies": [deputy.pk],
        "topic": "线上交流：页面测试",
        "place": "",
        "discussed": "线上交流了社区停车问题的进展。",
        "op0-content": "小区周边停车位不足，建议挖掘停车资源。",
        "op0-category": "traffic",
        "op0-mandate": deputy.pk,
        "op0-next_step": "office",
        "op1-content": "",
        "op1-category": "",
        "op1-next_step": "keep",
    }
    response = client.post(reverse("liaison:contact_new"), data)
    assert response.status_code == 302
    contact = Contact.objects.get(topic="线上交流：页面测试")
    assert contact.opinions.get().state == RaisedOpinion.State.AWAITING_ENTRY
    # The office enters it from its page.
    raised = contact.opinions.get()
    office = login(user("staff_a"))
    form = office.get(reverse("liaison:raised_enter", args=[raised.pk]))
    assert form.status_code == 200 and form.context["form"].initial["content"] == raised.content
    done = office.post(
        reverse("liaison:raised_enter", args=[raised.pk]), {"category": "traffic", "content": raised.content}
    )
    assert done.status_code == 302
    raised.refresh_from_db()
    assert raised.opinion is not None
    detail = client.get(reverse("liaison:contact", args=[contact.pk]))
    assert raised.opinion.number in detail.content.decode()


def test_a_bad_contact_form_keeps_what_was_typed_with_chinese_messages():
    client = login(user("member_a"))
    data = {
        "date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        "mode": "visit",
        "topic": "走访：保留输入",
        "discussed": "好",
        "deputies": [],
    }
    response = client.post(reverse("liaison:contact_new"), data, **ZH)
    assert response.status_code == 400
    html = response.content.decode()
    assert "走访：保留输入" in html and "这个字段是必填项" in html or "必填" in html
    # A deputy not assigned to the member, a future day: the service's messages, in Chinese.
    deputy = Assignment.objects.filter(member=user("member_a").person).first().mandate
    data.update({"deputies": [deputy.pk], "discussed": "走访了解情况，听取意见。"})
    response = client.post(reverse("liaison:contact_new"), data, **ZH)
    assert response.status_code == 400
    assert "不能是将来" in response.content.decode() or "未来" in response.content.decode()


def test_a_bad_bulk_list_names_the_lines_in_chinese_and_keeps_them():
    client = login(user("staff_b"))
    member = user("member_b")
    key = f"m{member.congress_id}.{member.person_id}"
    response = client.post(
        reverse("liaison:assignment_bulk"),
        {"contactor": key, "names": "查无此人\n另一个不存在", "start_date": timezone.localdate().isoformat()},
        **ZH,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "查无此人" in html and "另一个不存在" in html and "没有" in html


def test_odd_query_values_never_fail():
    urls = [
        reverse(n)
        for n in (
            "liaison:index",
            "liaison:assignment_list",
            "liaison:contact_list",
            "liaison:raised_list",
            "liaison:coverage_quiet",
            "liaison:coverage_unreached",
            "liaison:coverage_minimum",
            "liaison:contact_new",
            "liaison:assignment_new",
            "liaison:assignment_bulk",
        )
    ]
    odd = {
        "congress": "²",
        "to": "m²",
        "side": "x\x00",
        "year": "9999",
        "quarter": "-1",
        "page": "999",
        "q": "a\x00b",
        "mode": "fly",
        "status": "?",
        "state": "0",
        "category": "²",
        "deputy": "-1",
        "assigned": "maybe",
    }
    for username in ("staff_a", "member_a", "committee_a", "deputy_a"):
        client = login(user(username))
        for url in urls:
            assert client.get(url, odd).status_code < 500, (username, url)


def test_every_list_exports_to_excel_and_the_export_is_recorded():
    from openpyxl import load_workbook

    client = login(user("staff_a"))
    for name in (
        "liaison:index",
        "liaison:assignment_list",
        "liaison:contact_list",
        "liaison:raised_list",
        "liaison:coverage_quiet",
        "liaison:coverage_unreached",
        "liaison:coverage_minimum",
    ):
        before = Event.objects.filter(kind="security.export", actor=user("staff_a")).count()
        response = client.get(reverse(name), {"format": "xlsx"})
        assert response.status_code == 200, name
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row >= 2, name
        assert Event.objects.filter(kind="security.export", actor=user("staff_a")).count() == before + 1
    rows = list(
        load_workbook(
            io.BytesIO(client.get(reverse("liaison:coverage_minimum"), {"format": "xlsx"}).content)
        ).active.values
    )
    assert len(rows) > 2 and user("member_b").person.name not in {str(c) for r in rows for c in r}


def test_the_demo_has_every_state_and_mode():
    states = set(RaisedOpinion.objects.values_list("state", flat=True))
    assert states == set(RaisedOpinion.State.values)
    assert set(Contact.objects.values_list("mode", flat=True)) == set(Contact.Mode.values)
    for username in ("member_a", "member_b", "city_member_a", "city_member_b", "city_member_c"):
        assert Assignment.objects.filter(member=user(username).person).exists(), username
    for name in ("财政经济委员会", "教育科学文化卫生委员会"):
        assert _committee_contact(name) is not None
    assert Assignment.objects.filter(end_date__isnull=False).exists()
    drafted = RaisedOpinion.objects.get(state=RaisedOpinion.State.DRAFTED)
    assert drafted.suggestion.state == "draft"


@pytest.mark.parametrize(
    "name",
    [
        "liaison:index",
        "liaison:assignment_list",
        "liaison:contact_list",
        "liaison:raised_list",
        "liaison:coverage_quiet",
        "liaison:coverage_minimum",
        "liaison:coverage_unreached",
    ],
)
def test_lists_read_a_bounded_number_of_queries(name, django_assert_max_num_queries):
    client = login(user("city_staff"))
    client.get(reverse(name))  # warm the session and the settings
    with django_assert_max_num_queries(40):
        assert client.get(reverse(name), {"status": "all"}).status_code == 200


def test_a_member_s_and_a_deputy_s_pages_read_a_bounded_number_of_queries(django_assert_max_num_queries):
    for username, name in (("member_a", "liaison:index"), ("deputy_a", "liaison:mine")):
        client = login(user(username))
        client.get(reverse(name))
        with django_assert_max_num_queries(40):
            assert client.get(reverse(name)).status_code == 200


def test_home_tiles_lead_each_role_to_its_part():
    from lvzhi.liaison.home import tiles_for

    deputy = {t.url for t in tiles_for(user("deputy_a"))}
    assert reverse("liaison:mine") in deputy
    member = tiles_for(user("member_a"))
    assert any(t.url == reverse("liaison:index") and t.count for t in member)
    office = [t for t in tiles_for(user("staff_a")) if "awaiting_entry" in t.url]
    assert (
        office
        and office[0].count
        == RaisedOpinion.objects.filter(congress__name="东湖区人民代表大会", state="awaiting_entry").count()
    )
    assert tiles_for(user("handler_a")) == []


def _enter_links(username: str) -> tuple[list[RaisedOpinion], str]:
    client = login(user(username))
    response = client.get(reverse("liaison:raised_list"), {"state": ""}, **ZH)
    assert response.status_code == 200
    return list(response.context["page"]), response.content.decode()


@pytest.mark.parametrize("username", ["member_a", "chair_a", "committee_a", "deputy_a"])
def test_the_raised_list_offers_enter_it_only_to_those_who_may_enter(username):
    rows, html = _enter_links(username)
    waiting = [r for r in rows if r.state in {"awaiting_entry", "noted"}]
    assert waiting or username == "deputy_a"  # the demo gives them rows waiting to be entered
    for r in rows:
        assert reverse("liaison:raised_enter", args=[r.pk]) not in html


@pytest.mark.parametrize("username", ["staff_a", "city_staff"])
def test_the_raised_list_offers_enter_it_to_staff_on_their_own_congress_s_rows(username):
    staff = user(username)
    rows, html = _enter_links(username)
    waiting = [r for r in rows if r.state in {"awaiting_entry", "noted"}]
    assert waiting
    for r in rows:
        link = reverse("liaison:raised_enter", args=[r.pk])
        expected = r.state in {"awaiting_entry", "noted"} and r.congress_id == staff.congress_id
        assert (link in html) == expected, (r.pk, r.state)
        if expected:
            assert login(staff).get(link).status_code == 200
