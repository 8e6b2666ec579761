"""The pages: a deputy registers (bad input keeps what was typed), the office confirms and rejects in its
queue, registers for a group, applies the preset and edits a rule; the shortfall list, its filters and its
Excel export read back; evidence only for those who may read the activity."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lvzhi.core.models import Event
from lvzhi.org.models import DeputyGroup, GroupMembership
from lvzhi.performance import kinds
from lvzhi.performance.models import Activity, Participation, RuleSet
from lvzhi.performance.services.activities import activity_register, activity_register_for_participants
from lvzhi.performance.services.common import kind_by_code
from lvzhi.performance.services.rules import preset_apply

from .conftest import PNG

TODAY = dt.datetime(2025, 11, 20, 10, 0)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_deputy_registers_on_its_page_and_sees_it_wait(world):
    c = client_of(world.a_user)
    page = c.get(reverse("performance:mine"))
    assert page.status_code == 200
    data = {
        "mandate": world.a.pk,
        "kind": kind_by_code(kinds.RECEPTION).pk,
        "date": "2025-11-02",
        "title": "联络站接待选民",
        "place": "东湖联络站",
        "description": "接待五位选民",
        "files": [SimpleUploadedFile("照片.png", PNG, content_type="image/png")],
    }
    response = c.post(reverse("performance:mine"), data)
    assert response.status_code == 302
    p = Participation.objects.get(mandate=world.a)
    assert p.status == "registered" and p.activity.evidence.count() == 1
    page = c.get(reverse("performance:mine")).content.decode()
    assert "联络站接待选民" in page


def test_bad_input_keeps_what_was_typed(world):
    c = client_of(world.a_user)
    data = {
        "mandate": world.a.pk,
        "kind": kind_by_code(kinds.RECEPTION).pk,
        "date": "2025-12-30",  # in the future
        "title": "联络站接待选民",
        "place": "东湖联络站",
        "description": "接待五位选民",
    }
    response = c.post(reverse("performance:mine"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "联络站接待选民" in body and "东湖联络站" in body and "接待五位选民" in body
    assert not Activity.objects.filter(congress=world.district).exists()
    # A file that is not what its name says: refused on the form, the text kept.
    data["date"] = "2025-11-02"
    data["files"] = [SimpleUploadedFile("照片.png", b"GIF89a not a png")]
    response = c.post(reverse("performance:mine"), data)
    assert response.status_code == 400 and "联络站接待选民" in response.content.decode()
    assert not Activity.objects.filter(congress=world.district).exists()


def test_the_mine_page_is_for_deputies(world):
    assert client_of(world.staff).get(reverse("performance:mine")).status_code == 403


def test_the_office_confirms_and_rejects_in_its_queue(world):
    first = activity_register(
        actor=world.a_user,
        mandate=world.a,
        kind=kind_by_code(kinds.RESEARCH),
        date=dt.date(2025, 11, 1),
        title="调研农贸市场",
    )
    second = activity_register(
        actor=world.c_user,
        mandate=world.c,
        kind=kind_by_code(kinds.RESEARCH),
        date=dt.date(2025, 11, 1),
        title="调研停车难",
    )
    own = activity_register(
        actor=world.staff_deputy,
        mandate=world.d,
        kind=kind_by_code(kinds.RESEARCH),
        date=dt.date(2025, 11, 1),
        title="自己的调研",
    )
    c = client_of(world.staff)
    body = c.get(reverse("performance:queue")).content.decode()
    assert "调研农贸市场" in body and "调研停车难" in body
    # The office worker who is also a deputy does not see its own registration to confirm.
    assert (
        "自己的调研" not in client_of(world.staff_deputy).get(reverse("performance:queue")).content.decode()
    )
    assert c.post(reverse("performance:confirm", args=[first.pk])).status_code == 302
    first.refresh_from_db()
    assert first.status == "confirmed"
    # A reason is required; the page says so and keeps nothing half done.
    response = c.post(reverse("performance:reject", args=[second.pk]), {f"r{second.pk}-reason": ""})
    assert response.status_code == 400
    response = c.post(reverse("performance:reject", args=[second.pk]), {f"r{second.pk}-reason": "无照片"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.status, second.reject_reason) == ("rejected", "无照片")
    # Another district's office: not found; a deputy: not its queue.
    assert client_of(world.other_staff).post(reverse("performance:confirm", args=[own.pk])).status_code == 404
    assert client_of(world.a_user).get(reverse("performance:queue")).status_code == 403
    # Self-confirmation through the URL is refused.
    assert (
        client_of(world.staff_deputy).post(reverse("performance:confirm", args=[own.pk])).status_code == 403
    )


def test_the_office_registers_a_group_activity(world):
    group = DeputyGroup.objects.create(congress=world.district, name="湖滨小组")
    GroupMembership.objects.create(group=group, mandate=world.a)
    GroupMembership.objects.create(group=group, mandate=world.c)
    c = client_of(world.staff)
    assert c.get(reverse("performance:register")).status_code == 200
    data = {
        "congress": world.district.pk,
        "kind": kind_by_code(kinds.GROUP).pk,
        "date": "2025-10-10",
        "title": "湖滨小组活动",
        "group": group.pk,
    }
    response = c.post(reverse("performance:register"), data)
    assert response.status_code == 302
    activity = Activity.objects.get(title="湖滨小组活动")
    assert set(activity.participations.values_list("status", flat=True)) == {"confirmed"}
    assert activity.participations.count() == 2
    # Nobody chosen and no group: refused on the form, the title kept.
    response = c.post(reverse("performance:register"), {**data, "group": "", "title": "无人活动"})
    assert response.status_code == 400 and "无人活动" in response.content.decode()
    assert client_of(world.a_user).get(reverse("performance:register")).status_code == 403


def test_apply_the_preset_and_edit_a_rule_in_the_pages(world):
    c = client_of(world.staff)
    assert c.get(reverse("performance:rules")).status_code == 200
    response = c.post(
        reverse("performance:preset_apply"), {"preset": "cq341311", "congress": world.district.pk}
    )
    rule_set = RuleSet.objects.get(congress=world.district, is_active=True)
    assert response.status_code == 302 and response["Location"] == reverse(
        "performance:rule_set", args=[rule_set.pk]
    )
    page = c.get(response["Location"]).content.decode()
    assert "大会审议发言" in page and "闭会期间活动" in page
    item = rule_set.items.get(name="大会审议发言")
    url = reverse("performance:rule_item_save", args=[rule_set.pk])
    form = {
        "item_id": item.pk,
        f"i{item.pk}-name": "大会审议发言（修订）",
        f"i{item.pk}-kinds": [kind_by_code(kinds.SPEECH).pk],
        f"i{item.pk}-minimum": "0",
        f"i{item.pk}-period": "year",
        f"i{item.pk}-applies_to": "all",
    }
    response = c.post(url, form)
    assert response.status_code == 400 and "大会审议发言（修订）" in response.content.decode()
    form[f"i{item.pk}-minimum"] = "2"
    assert c.post(url, form).status_code == 302
    item.refresh_from_db()
    assert (item.name, item.minimum) == ("大会审议发言（修订）", 2)
    # A sibling's office reads none of it; a chair-less deputy neither.
    assert (
        client_of(world.other_staff).get(reverse("performance:rule_set", args=[rule_set.pk])).status_code
        == 404
    )
    assert client_of(world.other_staff).post(url, form).status_code == 404
    assert client_of(world.a_user).get(reverse("performance:rules")).status_code == 403
    # The city's office reads the district's rules but may not change them.
    assert (
        client_of(world.city_staff).get(reverse("performance:rule_set", args=[rule_set.pk])).status_code
        == 200
    )
    assert client_of(world.city_staff).post(url, form).status_code == 403


@pytest.fixture
def evaluated(world):
    preset_apply(actor=world.staff, congress=world.district, preset="cq341311")
    activity_register_for_participants(
        actor=world.staff,
        congress=world.district,
        kind=kind_by_code(kinds.SPEECH),
        date=dt.date(2025, 1, 15),
        title="审议政府工作报告",
        mandates=[world.a, world.c],
    )
    return world


def test_the_shortfall_list_pages_filters_and_export(evaluated, django_assert_max_num_queries):
    w = evaluated
    c = client_of(w.staff)
    with django_assert_max_num_queries(30):
        response = c.get(reverse("performance:shortfall"), {"year": "2025", "congress": w.district.pk})
    body = response.content.decode()
    assert response.status_code == 200
    for name in ("甲代表", "乙代表", "丙代表", "丁代表"):
        assert name in body
    assert "外区代表" not in body
    assert "184" in body  # b and c are held to pro-rated minimums, and the page says so
    speech = RuleSet.objects.get(congress=w.district).items.get(name="大会审议发言")
    only = c.get(
        reverse("performance:shortfall"),
        {"year": "2025", "congress": w.district.pk, "item": speech.pk, "q": "甲"},
    )
    assert "甲代表" in only.content.decode() and "丁代表" not in only.content.decode()

    export = c.get(
        reverse("performance:shortfall"), {"year": "2025", "congress": w.district.pk, "format": "xlsx"}
    )
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] in ("Name", "姓名")
    by_deputy = {(r[0], r[2]): r for r in rows[2:]}
    # 甲 gave 1 of 3 speeches: short by 2.
    assert by_deputy[("甲代表", "大会审议发言")][4:8] == (1, 3, 3, 2)
    # 乙, elected 1 July 2025: held to 2 speeches, with the days shown.
    assert by_deputy[("乙代表", "大会审议发言")][6:10] == (2, 2, 184, 365)
    assert Event.objects.filter(
        kind="security.export", actor=w.staff, payload__list="performance_shortfall"
    ).exists()


def test_the_shortfall_list_is_for_the_office_and_chairs(evaluated):
    assert client_of(evaluated.a_user).get(reverse("performance:shortfall")).status_code == 403
    body = (
        client_of(evaluated.other_staff)
        .get(reverse("performance:shortfall"), {"year": "2025"})
        .content.decode()
    )
    assert "甲代表" not in body


def test_evidence_is_served_only_to_those_who_read_the_activity(world):
    p = activity_register(
        actor=world.a_user,
        mandate=world.a,
        kind=kind_by_code(kinds.RESEARCH),
        date=dt.date(2025, 11, 1),
        title="调研",
        files=[SimpleUploadedFile("现场.png", PNG)],
    )
    evidence = p.activity.evidence.get()
    url = reverse("performance:evidence", args=[evidence.pk])
    for user, status in ((world.a_user, 200), (world.staff, 200), (world.city_staff, 200)):
        assert client_of(user).get(url).status_code == status, user
    for user in (world.b_user, world.other_staff, world.x_user):
        assert client_of(user).get(url).status_code == 404, user
        assert client_of(user).get(reverse("performance:activity", args=[p.activity_id])).status_code == 404
    response = client_of(world.a_user).get(url)
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PNG
