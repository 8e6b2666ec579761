"""The recess consultation list (会商清单): the city's office puts issues on a list, records the meetings with the
heads of the units concerned and each item's outcome, closes the list; the chair reads; the export reads back."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.org.models import Congress, Unit, User
from lvzhi.suggestions.models import ConsultationItem, ConsultationList, Suggestion
from lvzhi.suggestions.services import consultation as service
from lvzhi.suggestions.services import drafting, handling, review
from tests.suggestions.loop_world import TODAY, build

pytestmark = pytest.mark.django_db

MEETING_DAY = dt.date(2026, 11, 20)


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    world = build()
    world.chair = User.objects.get(username="city_chair")
    world.units = {u.name: u for u in Unit.objects.filter(congress=world.city)}
    return world


def refused(code, fn, **kw):
    with pytest.raises(ServiceError) as exc:
        fn(**kw)
    assert exc.value.code == code, exc.value.message
    return exc.value


def new_list(w, title="2026年闭会期间会商清单（测试）"):
    return service.consultation_list_create(actor=w.staff, congress=w.city, year=2026, title=title)


def accepted(w, title="关于规范城区共享单车停放秩序的建议"):
    s = drafting.suggestion_submit(actor=w.deputy, suggestion=w.draft(title=title))
    return review.suggestion_accept(actor=w.staff, suggestion=s)


def assigned(w, title="关于增设城区公共充电桩的建议"):
    s = accepted(w, title)
    handling.suggestion_assign(actor=w.staff, suggestion=s, lead_unit=w.unit_b, co_units=[w.unit])
    s.refresh_from_db()
    return s


def text_item(w, lst, summary="农贸市场周边占道经营问题突出", units=None):
    return service.consultation_item_add_text(
        actor=w.staff,
        consultation_list=lst,
        summary=summary,
        source="湖滨街道联络站接待日，12名群众反映",
        units=units or [w.units["示范市城市管理局"]],
    )


def meeting(w, lst, items, **kw):
    data = {"held_on": MEETING_DAY, "attendees": "市城市管理局局长赵明", "notes": "逐项会商"}
    data.update(kw)
    return service.consultation_meeting_record(actor=w.staff, consultation_list=lst, items=items, **data)


def kinds(lst):
    return list(
        Event.objects.filter(target_id=str(lst.pk), kind__startswith="consultation.")
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def east_suggestion():
    east = Congress.objects.get(name="东湖区人民代表大会")
    return Suggestion.objects.filter(congress=east, state="accepted").order_by("pk").first()


# --- services ----------------------------------------------------------------------------------
def test_the_office_opens_a_list_for_a_year(w):
    lst = new_list(w)
    assert lst.congress == w.city and lst.year == 2026 and lst.is_open and lst.created_by == w.staff
    assert kinds(lst) == ["consultation.list_created"]
    assert Event.objects.get(kind="consultation.list_created", target_id=str(lst.pk)).congress_id == w.city.pk


def test_only_the_congress_s_own_office_opens_a_list(w):
    for actor in (w.staff_b, w.chair, w.deputy, w.handler, User.objects.get(username="staff_a")):
        refused(
            "not_permitted",
            service.consultation_list_create,
            actor=actor,
            congress=w.city,
            year=2026,
            title="越权清单",
        )
    assert not ConsultationList.objects.filter(title="越权清单").exists()


def test_a_list_needs_a_title_and_a_sane_year_once(w):
    make = service.consultation_list_create
    for year in (1999, 2101, "2026", True, None):
        refused("bad_year", make, actor=w.staff, congress=w.city, year=year, title="清单")
    refused("required", make, actor=w.staff, congress=w.city, year=2026, title="  \x00 ")
    refused("too_long", make, actor=w.staff, congress=w.city, year=2026, title="长" * 121)
    new_list(w, "同名清单")
    err = refused("duplicate_title", make, actor=w.staff, congress=w.city, year=2026, title="同名清单")
    assert err.field == "title"
    make(actor=w.staff, congress=w.city, year=2027, title="同名清单")  # another year may reuse it


def test_a_handled_suggestion_goes_on_the_list_once_with_its_units(w):
    lst = new_list(w)
    s = assigned(w)
    item = service.consultation_item_add_suggestion(actor=w.staff, consultation_list=lst, suggestion=s)
    assert item.summary == s.title and item.position == 1 and item.suggestion == s
    assert set(item.units.all()) == {w.unit, w.unit_b}  # the lead and co-unit handling it
    assert kinds(lst) == ["consultation.list_created", "consultation.item_added"]
    assert Event.objects.filter(kind="suggestion.on_consultation_list", target_id=str(s.pk)).exists()
    err = refused(
        "duplicate_suggestion",
        service.consultation_item_add_suggestion,
        actor=w.staff,
        consultation_list=lst,
        suggestion=s,
    )
    assert err.field == "suggestion"
    # another list may hold it too; its own summary and units replace the defaults
    other = new_list(w, "另一清单")
    item = service.consultation_item_add_suggestion(
        actor=w.staff, consultation_list=other, suggestion=s, summary="充电桩建设进度", units=[w.unit_b]
    )
    assert item.summary == "充电桩建设进度" and list(item.units.all()) == [w.unit_b]


def test_suggestions_out_of_scope_or_not_accepted_are_refused(w):
    lst = new_list(w)
    add = service.consultation_item_add_suggestion
    refused("out_of_scope", add, actor=w.staff, consultation_list=lst, suggestion=east_suggestion())
    submitted = drafting.suggestion_submit(actor=w.deputy, suggestion=w.draft(title="关于尚未受理的建议"))
    refused("not_accepted", add, actor=w.staff, consultation_list=lst, suggestion=submitted)
    draft = w.draft(title="关于草稿的建议")
    refused("not_accepted", add, actor=w.staff, consultation_list=lst, suggestion=draft)
    # accepted but not assigned: the units concerned must be chosen, from this congress only
    s = accepted(w)
    refused("no_units", add, actor=w.staff, consultation_list=lst, suggestion=s)
    east_unit = Unit.objects.filter(congress__name="东湖区人民代表大会").first()
    refused("bad_unit", add, actor=w.staff, consultation_list=lst, suggestion=s, units=[east_unit])
    for actor in (w.staff_b, w.chair, w.handler):
        refused("not_permitted", add, actor=actor, consultation_list=lst, suggestion=s, units=[w.unit])
    assert lst.items.count() == 0 and kinds(lst) == ["consultation.list_created"]
    add(actor=w.staff, consultation_list=lst, suggestion=s, units=[w.unit])
    assert lst.items.count() == 1


def test_gathered_opinions_go_on_as_text_with_their_source(w):
    lst = new_list(w)
    first = text_item(w, lst)
    second = text_item(w, lst, "城区停车难", units=[w.units["示范市交通运输局"], w.units["示范市公安局"]])
    assert (first.position, second.position) == (1, 2)
    assert first.source.startswith("湖滨街道") and first.suggestion is None
    add = service.consultation_item_add_text
    refused("required", add, actor=w.staff, consultation_list=lst, summary=" ", units=[w.unit])
    refused("no_units", add, actor=w.staff, consultation_list=lst, summary="x", units=[])
    refused(
        "too_long", add, actor=w.staff, consultation_list=lst, summary="x", source="长" * 201, units=[w.unit]
    )
    refused("not_permitted", add, actor=w.staff_b, consultation_list=lst, summary="x", units=[w.unit])
    assert lst.items.count() == 2


def test_meetings_discuss_items_and_outcomes_follow(w):
    lst = new_list(w)
    a = text_item(w, lst)
    b = text_item(w, lst, "城区停车难", units=[w.units["示范市交通运输局"]])
    refused("not_discussed", service.consultation_outcome_record, actor=w.staff, item=a, outcome="已解决")
    m = meeting(w, lst, [a])
    assert list(m.items.all()) == [a] and list(m.units.all()) == [w.units["示范市城市管理局"]]
    assert m.recorded_by == w.staff
    item = service.consultation_outcome_record(actor=w.staff, item=a, outcome="城管局牵头限期整治")
    assert item.outcome == "城管局牵头限期整治" and item.outcome_recorded_by == w.staff
    service.consultation_outcome_record(actor=w.staff, item=a, outcome="整治完成")
    a.refresh_from_db()
    assert a.outcome == "整治完成"
    refused("required", service.consultation_outcome_record, actor=w.staff, item=a, outcome=" ")
    for actor in (w.chair, w.staff_b, w.handler):
        refused("not_permitted", service.consultation_outcome_record, actor=actor, item=a, outcome="x")
    # a discussed item stays; one not yet discussed may be taken off
    refused("already_discussed", service.consultation_item_remove, actor=w.staff, item=a)
    service.consultation_item_remove(actor=w.staff, item=b)
    assert list(lst.items.all()) == [a]
    assert kinds(lst).count("consultation.outcome_recorded") == 2
    assert "consultation.item_removed" in kinds(lst)


def test_a_meeting_needs_a_past_date_attendees_and_items_of_this_list(w):
    lst = new_list(w)
    a = text_item(w, lst)
    foreign = text_item(w, new_list(w, "另一清单"))
    refused("future_date", meeting, w=w, lst=lst, items=[a], held_on=dt.date(2026, 12, 1))
    refused("bad_date", meeting, w=w, lst=lst, items=[a], held_on="2026-11-20")
    refused("bad_date", meeting, w=w, lst=lst, items=[a], held_on=dt.date(2020, 1, 1))
    refused("required", meeting, w=w, lst=lst, items=[a], attendees=" ")
    refused("no_items", meeting, w=w, lst=lst, items=[])
    refused("bad_item", meeting, w=w, lst=lst, items=[a, foreign])
    east_unit = Unit.objects.filter(congress__name="东湖区人民代表大会").first()
    refused("bad_unit", meeting, w=w, lst=lst, items=[a], units=[east_unit])
    with pytest.raises(ServiceError) as exc:
        service.consultation_meeting_record(
            actor=w.chair, consultation_list=lst, held_on=MEETING_DAY, attendees="x", items=[a]
        )
    assert exc.value.code == "not_permitted"
    assert lst.meetings.count() == 0


def test_a_list_closes_once_every_item_has_an_outcome_and_then_changes_no_more(w):
    lst = new_list(w)
    refused("empty_list", service.consultation_list_close, actor=w.staff, consultation_list=lst)
    a = text_item(w, lst)
    meeting(w, lst, [a])
    refused("outcomes_missing", service.consultation_list_close, actor=w.staff, consultation_list=lst)
    service.consultation_outcome_record(actor=w.staff, item=a, outcome="已解决")
    refused("not_permitted", service.consultation_list_close, actor=w.chair, consultation_list=lst)
    lst = service.consultation_list_close(actor=w.staff, consultation_list=lst)
    assert lst.status == "closed" and lst.closed_by == w.staff and lst.closed_at
    closed = Event.objects.get(kind="consultation.list_closed", target_id=str(lst.pk))
    assert (closed.from_state, closed.to_state) == ("open", "closed")
    s = assigned(w)
    refused("list_closed", service.consultation_list_close, actor=w.staff, consultation_list=lst)
    refused("list_closed", text_item, w=w, lst=lst)
    refused(
        "list_closed",
        service.consultation_item_add_suggestion,
        actor=w.staff,
        consultation_list=lst,
        suggestion=s,
    )
    refused("list_closed", meeting, w=w, lst=lst, items=[a])
    refused("list_closed", service.consultation_outcome_record, actor=w.staff, item=a, outcome="改")
    refused("list_closed", service.consultation_item_remove, actor=w.staff, item=a)


def test_the_audit_log_and_the_list_s_history_show_its_events_in_words(w, client):
    lst = new_list(w)
    a = text_item(w, lst)
    meeting(w, lst, [a])
    service.consultation_outcome_record(actor=w.staff, item=a, outcome="已解决")
    service.consultation_list_close(actor=w.staff, consultation_list=lst)
    client = type(client)(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(w.staff)
    log = client.get(reverse("core:event_list"), {"kind": "consultation."})
    assert log.status_code == 200
    body = page_text(log)
    assert "Consultation meeting recorded" in body and "Consultation list closed" in body
    body = page_text(client.get(reverse("suggestions:consultation_detail", args=[lst.pk])))
    assert "Item put on the consultation list" in body and "consultation.item_added" not in body
    # the list's states in words; its first step names only the state it reached
    assert "（Open）" in body and "open）" not in body and "（ →" not in body


# --- pages -------------------------------------------------------------------------------------
def page_text(response) -> str:
    return response.content.decode()


def test_the_office_opens_a_list_through_the_page(w, client):
    client.force_login(w.staff)
    url = reverse("suggestions:consultation_lists")
    page = client.get(url)
    assert page.status_code == 200 and "2026年闭会期间重点问题会商清单" in page_text(page)  # the demo's
    page = client.post(url, {"title": "留着这个标题", "year": "20x6"})
    assert page.status_code == 200 and "留着这个标题" in page_text(page)
    assert not ConsultationList.objects.filter(title="留着这个标题").exists()
    page = client.post(url, {"title": "留着这个标题", "year": "2026"})
    lst = ConsultationList.objects.get(title="留着这个标题")
    assert page.status_code == 302 and page.url == reverse("suggestions:consultation_detail", args=[lst.pk])
    page = client.post(url, {"title": "留着这个标题", "year": "2026"})  # the same again: refused on the form
    assert page.status_code == 200 and ConsultationList.objects.filter(title="留着这个标题").count() == 1


def test_forms_on_the_list_page_keep_what_was_typed(w, client):
    lst = new_list(w)
    client.force_login(w.staff)
    add = reverse("suggestions:consultation_add_text", args=[lst.pk])
    page = client.post(add, {"summary": "没有选单位的问题", "source": "视察"})
    assert page.status_code == 200 and "没有选单位的问题" in page_text(page) and lst.items.count() == 0
    unit = w.units["示范市城市管理局"]
    page = client.post(add, {"summary": "占道经营", "source": "视察", "units": [str(unit.pk)]})
    assert page.status_code == 302
    item = lst.items.get()
    assert list(item.units.all()) == [unit]
    meet = reverse("suggestions:consultation_meeting", args=[lst.pk])
    page = client.post(meet, {"held_on": "2026-12-31", "attendees": "赵局长等人", "items": [str(item.pk)]})
    assert page.status_code == 200 and "赵局长等人" in page_text(page) and lst.meetings.count() == 0
    page = client.post(meet, {"held_on": "not a date", "attendees": "赵局长等人", "items": [str(item.pk)]})
    assert page.status_code == 200 and "赵局长等人" in page_text(page)
    page = client.post(meet, {"held_on": "2026-11-20", "attendees": "赵局长等人", "items": [str(item.pk)]})
    assert page.status_code == 302 and lst.meetings.count() == 1
    outcome = reverse("suggestions:consultation_outcome", args=[item.pk])
    page = client.post(outcome, {f"item{item.pk}-outcome": "x" * 5001})
    assert page.status_code == 200 and lst.items.get().outcome == ""
    page = client.post(outcome, {f"item{item.pk}-outcome": "限期整治完成"})
    assert page.status_code == 302 and lst.items.get().outcome == "限期整治完成"
    body = page_text(client.get(reverse("suggestions:consultation_detail", args=[lst.pk])))
    assert "占道经营" in body and "限期整治完成" in body and "赵局长等人" in body
    page = client.post(reverse("suggestions:consultation_close", args=[lst.pk]))
    assert page.status_code == 302 and ConsultationList.objects.get(pk=lst.pk).status == "closed"
    # on a closed list the forms are gone and a late post is refused with a message
    body = page_text(client.get(reverse("suggestions:consultation_detail", args=[lst.pk])))
    assert add not in body and meet not in body
    page = client.post(add, {"summary": "晚到的问题", "units": [str(unit.pk)]}, follow=True)
    assert lst.items.count() == 1 and "晚到的问题" not in page_text(page)


def test_a_suggestion_is_picked_by_number_or_title_with_its_title_prefilled(w, client):
    lst = new_list(w)
    s = assigned(w)
    client.force_login(w.staff)
    url = reverse("suggestions:consultation_add_suggestion", args=[lst.pk])
    assert s.title in page_text(client.get(url, {"q": "公共充电桩"}))
    assert s.title in page_text(client.get(url, {"q": str(s.number)}))
    assert s.title not in page_text(client.get(url, {"q": "不存在的标题"}))
    page = client.get(url, {"suggestion": s.pk})
    body = page_text(page)
    assert f"{s.title}</textarea>" in body  # the summary, prefilled from the title
    for unit in (w.unit, w.unit_b):  # the units handling it, ticked
        assert re.search(rf'value="{unit.pk}"[^>]*checked', body), unit
    # a bad unit id keeps the summary typed
    page = client.post(url, {"suggestion": s.pk, "summary": "我改过的摘要", "units": ["999999999"]})
    assert page.status_code == 200 and "我改过的摘要" in page_text(page)
    page = client.post(url, {"suggestion": s.pk, "summary": "我改过的摘要", "units": [str(w.unit_b.pk)]})
    assert page.status_code == 302
    item = lst.items.get()
    assert item.suggestion == s and item.summary == "我改过的摘要"
    # once on the list it is no longer offered, and posting it again is refused on the page
    assert s.title not in page_text(client.get(url, {"q": "公共充电桩"}))
    page = client.post(url, {"suggestion": s.pk, "summary": "", "units": [str(w.unit_b.pk)]})
    assert page.status_code == 200 and lst.items.count() == 1
    # a sibling district's suggestion is not a choice
    page = client.post(url, {"suggestion": east_suggestion().pk, "units": [str(w.unit_b.pk)]})
    assert page.status_code == 200 and lst.items.count() == 1


def test_sibling_scope_answers_404_and_readers_cannot_write(w, client):
    lst = new_list(w)
    item = text_item(w, lst)
    urls = [
        reverse("suggestions:consultation_detail", args=[lst.pk]),
        reverse("suggestions:consultation_export", args=[lst.pk]),
        reverse("suggestions:consultation_add_suggestion", args=[lst.pk]),
    ]
    posts = [
        reverse("suggestions:consultation_add_text", args=[lst.pk]),
        reverse("suggestions:consultation_meeting", args=[lst.pk]),
        reverse("suggestions:consultation_close", args=[lst.pk]),
        reverse("suggestions:consultation_outcome", args=[item.pk]),
        reverse("suggestions:consultation_remove", args=[item.pk]),
    ]
    client.force_login(w.staff_b)  # a district's office: the city's list is not in its tree
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"summary": "x"}).status_code == 404, url
    assert lst.title not in page_text(client.get(reverse("suggestions:consultation_lists")))
    client.force_login(w.chair)  # the city's chair reads, without forms, and may not write
    body = page_text(client.get(urls[0]))
    assert lst.title in body and posts[0] not in body
    assert client.get(urls[2]).status_code == 403
    for url in posts:
        assert client.post(url, {"summary": "x"}).status_code == 403, url
    client.force_login(w.handler)
    assert client.get(reverse("suggestions:consultation_lists")).status_code == 403
    assert client.get(urls[0]).status_code == 404
    assert ConsultationItem.objects.filter(consultation_list=lst).count() == 1


def test_a_unit_reads_the_items_that_name_it(w, client):
    lst = new_list(w)
    text_item(w, lst, "学校门前交通秩序", units=[w.unit])
    text_item(w, lst, "供热管网老化", units=[w.unit_b])
    client.force_login(w.handler)
    body = page_text(client.get(reverse("suggestions:consultation_unit_items")))
    assert "学校门前交通秩序" in body and "供热管网老化" not in body
    client.force_login(w.staff)
    assert client.get(reverse("suggestions:consultation_unit_items")).status_code == 403


def test_the_office_home_and_menu_lead_to_the_lists(w, client):
    client.force_login(w.staff)
    body = page_text(client.get(reverse("home")))
    assert reverse("suggestions:consultation_lists") in body
    client.force_login(w.chair)
    assert reverse("suggestions:consultation_lists") in page_text(client.get(reverse("home")))


# --- the export ----------------------------------------------------------------------------------
def test_the_export_reads_back_items_meetings_and_outcomes(w, client):
    lst = new_list(w)
    s = assigned(w)
    first = service.consultation_item_add_suggestion(actor=w.staff, consultation_list=lst, suggestion=s)
    second = text_item(w, lst)
    meeting(w, lst, [first, second], attendees="住建局王局长、城管局赵局长")
    service.consultation_outcome_record(actor=w.staff, item=second, outcome="限期整治")
    client.force_login(w.chair)  # a reader may export
    response = client.get(reverse("suggestions:consultation_export", args=[lst.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    items, meetings = wb.worksheets
    rows = list(items.iter_rows(values_only=True))
    assert lst.title in rows[0][0] and rows[1][1] == 2026
    assert rows[3][0] == 1 and rows[3][1] == s.title and s.title in rows[3][2]
    assert set(rows[3][3].split("、")) == {w.unit.name, w.unit_b.name}
    assert rows[3][4] == "2026-11-20" and rows[3][5] in ("", None)
    assert rows[4][1] == "农贸市场周边占道经营问题突出" and rows[4][2].startswith("湖滨街道")
    assert rows[4][5] == "限期整治" and rows[4][6] is not None
    mrows = list(meetings.iter_rows(values_only=True))
    assert mrows[1][0].date() == MEETING_DAY and mrows[1][1] == "1、2" and "王局长" in mrows[1][2]
    export = Event.objects.filter(kind="security.export", target_id=str(lst.pk)).get()
    assert export.is_security and export.actor == w.chair and export.payload["rows"] == 2


# --- the demo ----------------------------------------------------------------------------------
def test_the_demo_city_has_a_consultation_list_under_way():
    lst = ConsultationList.objects.get(congress__level="city", title__endswith="重点问题会商清单")
    items = list(lst.items.order_by("position"))
    assert 4 <= len(items) <= 5 and lst.is_open
    assert sum(1 for i in items if i.suggestion_id) == 2 and sum(1 for i in items if i.source) == 2
    assert lst.meetings.count() == 1 and 1 <= sum(1 for i in items if i.outcome) < len(items)
    assert all(i.units.exists() for i in items)
    for username in ("staff_a", "staff_b"):
        staff = User.objects.get(username=username)
        assert ConsultationList.objects.filter(congress=staff.congress).exists()
