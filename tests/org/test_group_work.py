"""A deputy group's year of work: the yearly plan, activities with attendance counted once for each member
present, corrections, each member's attendance rate, the pages and exports, and who may do what.

Uses the demo city: leader_a leads 湖滨街道代表小组 (东湖区), leader_b 岭南街道代表小组 (西岭区); deputy_a is a plain
member of groups of 东湖区; staff_a runs 东湖区, staff_b 西岭区, city_staff reads both.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.org.models import DeputyGroup, GroupActivity, GroupAttendance, GroupPlanItem, User
from lvzhi.org.scope import scope_for
from lvzhi.org.selectors_groups import group_year
from lvzhi.org.services import group_work
from lvzhi.performance.models import Activity, Participation

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def user(name: str) -> User:
    return User.objects.get(username=name)


def client(name: str, lang: str = "en") -> Client:
    c = Client(headers={"accept-language": lang})
    c.force_login(user(name))
    return c


def led_group(name: str) -> DeputyGroup:
    return DeputyGroup.objects.get(pk=next(iter(scope_for(user(name)).led_group_ids)))


def counted(activity: GroupActivity) -> set[int]:
    return set(
        Participation.objects.filter(
            source_type="org.groupactivity", source_id=activity.pk, status=Participation.Status.CONFIRMED
        ).values_list("mandate_id", flat=True)
    )


@pytest.fixture
def group_a():
    return led_group("leader_a")


@pytest.fixture
def group_b():
    return led_group("leader_b")


def roster(group, day=TODAY):
    return group_work.roster_on(group, day)


# --- recording and counting --------------------------------------------------------------------------
def test_a_double_submit_records_one_activity_and_counts_each_member_once(group_a):
    members = roster(group_a)
    data = dict(
        group=group_a,
        date=TODAY - dt.timedelta(days=2),
        kind="research",
        topic="调研老旧小区加装电梯",
        present=[m.pk for m in members[:3]],
    )
    first = group_work.group_activity_record(actor=user("leader_a"), **data)
    again = group_work.group_activity_record(actor=user("leader_a"), **data)
    assert again == first
    assert GroupActivity.objects.filter(group=group_a, topic="调研老旧小区加装电梯").count() == 1
    assert Participation.objects.filter(source_type="org.groupactivity", source_id=first.pk).count() == 3


def test_the_leader_records_an_activity_and_each_member_present_counts_once(group_a):
    members = roster(group_a)
    present = [m.pk for m in members[:5]]
    leave = [members[5].pk]
    activity = group_work.group_activity_record(
        actor=user("leader_a"),
        group=group_a,
        date=TODAY - dt.timedelta(days=1),
        kind="research",
        topic="调研社区食堂运营",
        place="湖滨街道幸福里社区",
        present=present,
        on_leave=leave,
        leave_notes={members[5].pk: "出差在外"},
    )
    statuses = dict(GroupAttendance.objects.filter(activity=activity).values_list("mandate_id", "status"))
    assert len(statuses) == len(members)
    assert [statuses[pk] for pk in present] == ["present"] * 5
    assert statuses[members[5].pk] == "leave" and statuses[members[6].pk] == "absent"
    assert counted(activity) == set(present)
    counted_activity = Activity.objects.get(source_type="org.groupactivity", source_id=activity.pk)
    assert counted_activity.group == group_a and counted_activity.kind.code == "group"
    assert "调研社区食堂运营" in counted_activity.title
    event = Event.objects.get(kind="group.activity_recorded", payload__group_activity=activity.pk)
    assert event.actor == user("leader_a") and event.payload["present"] == 5 and event.payload["leave"] == 1

    # Saving the same attendance again changes and counts nothing more.
    assert (
        group_work.group_attendance_set(
            actor=user("leader_a"),
            activity=activity,
            present=present,
            on_leave=leave,
            leave_notes={members[5].pk: "出差在外"},
        )
        == {}
    )
    assert Participation.objects.filter(source_type="org.groupactivity", source_id=activity.pk).count() == 5


def test_a_correction_counts_the_newly_present_and_uncounts_the_no_longer_present(group_a):
    members = roster(group_a)
    activity = group_work.group_activity_record(
        actor=user("staff_a"),
        group=group_a,
        date=TODAY,
        kind="study",
        topic="集中学习代表法",
        present=[members[0].pk, members[1].pk],
    )
    changed = group_work.group_attendance_set(
        actor=user("leader_a"),
        activity=activity,
        present=[members[0].pk, members[2].pk],
        on_leave=[members[1].pk],
    )
    assert changed == {members[1].pk: ["present", "leave"], members[2].pk: ["absent", "present"]}
    assert counted(activity) == {members[0].pk, members[2].pk}
    assert Event.objects.filter(kind="performance.activity_unrecorded").exists()
    assert (
        Event.objects.filter(kind="group.attendance_changed", payload__group_activity=activity.pk).count()
        == 1
    )
    # Back again: counted once, not twice.
    group_work.group_attendance_set(
        actor=user("leader_a"), activity=activity, present=[m.pk for m in members[:3]]
    )
    assert Participation.objects.filter(source_type="org.groupactivity", source_id=activity.pk).count() == 3


def test_the_plan_shows_planned_against_held_and_members_attendance_rates(group_a):
    leader = user("leader_a")
    year = TODAY.year
    item = group_work.group_plan_item_add(
        actor=leader, group=group_a, year=year, month=TODAY.month, kind="visit", topic="走访困难群众"
    )
    later = group_work.group_plan_item_add(
        actor=leader, group=group_a, year=year + 1, month=1, kind="study", topic="学习年度工作要点"
    )
    members = roster(group_a)
    group_work.group_activity_record(
        actor=leader,
        group=group_a,
        date=TODAY,
        kind="visit",
        topic="走访困难群众",
        plan_item=item,
        present=[members[0].pk],
        on_leave=[members[1].pk],
    )
    work = group_year(user=user("staff_a"), group=group_a, year=year)
    row = next(r for r in work.plan if r.item == item)
    assert row.state == "held" and len(row.held) == 1
    assert later.pk not in {r.item.pk for r in work.plan}
    rows = {r.mandate_id: r for r in work.members}
    assert rows[members[1].pk].leave >= 1
    # Leave is not held against the rate: a member present at all else and on leave here keeps its rate.
    r1 = rows[members[1].pk]
    assert r1.rate == (round(100 * r1.present / (r1.present + r1.absent)) if r1.present + r1.absent else None)
    # A plan item that was held cannot be taken out of the plan.
    with pytest.raises(ServiceError) as refused:
        group_work.group_plan_item_remove(actor=leader, item=item)
    assert refused.value.code == "plan_item_held"
    group_work.group_plan_item_remove(actor=leader, item=later)
    assert not GroupPlanItem.objects.filter(pk=later.pk).exists()
    assert Event.objects.filter(kind="group.plan_item_removed", payload__plan_item=later.pk).exists()


# --- bad input ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"date": TODAY + dt.timedelta(days=1)}, "future_date"),
        ({"kind": "party"}, "bad_kind"),
        ({"topic": "  "}, "required"),
        ({"topic": "长" * 121}, "too_long"),
        ({"present": []}, "nobody_present"),
    ],
)
def test_bad_activities_are_refused(group_a, change, code):
    members = roster(group_a)
    data = {"date": TODAY, "kind": "study", "topic": "学习", "present": [members[0].pk]} | change
    with pytest.raises(ServiceError) as refused:
        group_work.group_activity_record(actor=user("leader_a"), group=group_a, **data)
    assert refused.value.code == code


def test_only_members_of_the_day_are_marked_and_not_twice(group_a, group_b):
    members = roster(group_a)
    outsider = roster(group_b)[0]
    with pytest.raises(ServiceError) as refused:
        group_work.group_activity_record(
            actor=user("leader_a"),
            group=group_a,
            date=TODAY,
            kind="study",
            topic="学习",
            present=[outsider.pk],
        )
    assert refused.value.code == "not_member_that_day"
    with pytest.raises(ServiceError) as refused:
        group_work.group_activity_record(
            actor=user("leader_a"),
            group=group_a,
            date=TODAY,
            kind="study",
            topic="学习",
            present=[members[0].pk],
            on_leave=[members[0].pk],
        )
    assert refused.value.code == "marked_twice"
    assert not GroupActivity.objects.filter(group=group_a, topic="学习").exists()


def test_a_plan_item_of_another_group_or_year_is_refused(group_a, group_b):
    other = group_work.group_plan_item_add(
        actor=user("leader_b"), group=group_b, year=TODAY.year, month=1, kind="study", topic="学习"
    )
    mine_last_year = group_work.group_plan_item_add(
        actor=user("leader_a"), group=group_a, year=TODAY.year - 1, month=3, kind="study", topic="学习"
    )
    members = roster(group_a)
    for item, code in ((other, "plan_item_outside"), (mine_last_year, "plan_item_year")):
        with pytest.raises(ServiceError) as refused:
            group_work.group_activity_record(
                actor=user("leader_a"),
                group=group_a,
                date=TODAY,
                kind="study",
                topic="学习",
                plan_item=item,
                present=[members[0].pk],
            )
        assert refused.value.code == code
    with pytest.raises(ServiceError) as refused:
        group_work.group_plan_item_add(
            actor=user("leader_a"), group=group_a, year=TODAY.year, month=13, kind="study", topic="学习"
        )
    assert refused.value.code == "bad_month"


def test_a_bad_form_keeps_what_was_typed_and_answers_in_chinese(group_a):
    members = roster(group_a)
    page = client("leader_a", "zh-hans").post(
        reverse("org:group_activity_new", args=[group_a.pk]),
        {
            "date": (TODAY + dt.timedelta(days=3)).isoformat(),
            "kind": "study",
            "topic": "未来的活动",
            f"att_{members[0].pk}": "present",
        },
    )
    html = page.content.decode()
    assert page.status_code == 400 and "未来的活动" in html
    assert "活动举办后才能登记" in html
    page = client("leader_a", "zh-hans").post(
        reverse("org:group_plan_add", args=[group_a.pk]),
        {"year": "abc", "month": "13", "kind": "x", "topic": ""},
    )
    assert page.status_code == 400 and "errorlist" in page.content.decode()


# --- who may do what ------------------------------------------------------------------------------------
def test_a_leader_cannot_see_or_act_on_a_sibling_group(group_a, group_b):
    c = client("leader_a")
    for url in (
        reverse("org:group_detail", args=[group_b.pk]),
        reverse("org:group_activity_new", args=[group_b.pk]),
        reverse("org:group_plan_add", args=[group_b.pk]),
        reverse("org:group_year_export", args=[group_b.pk]),
    ):
        assert c.get(url).status_code == 404
        assert c.post(url, {"topic": "x"}).status_code == 404
    activity = GroupActivity.objects.filter(group=group_b).first()
    item = GroupPlanItem.objects.filter(group=group_b).first()
    for url in (
        reverse("org:group_activity_detail", args=[activity.pk]),
        reverse("org:group_activity_attendance", args=[activity.pk]),
        reverse("org:group_plan_item_edit", args=[item.pk]),
        reverse("org:group_plan_item_remove", args=[item.pk]),
    ):
        assert c.post(url).status_code == 404
    with pytest.raises(ServiceError) as refused:
        group_work.group_activity_record(
            actor=user("leader_a"),
            group=group_b,
            date=TODAY,
            kind="study",
            topic="学习",
            present=[roster(group_b)[0].pk],
        )
    assert refused.value.status == 403
    listed = client("leader_a").get(reverse("org:group_activity_list")).content.decode()
    assert group_b.name not in listed


def test_a_member_reads_its_group_but_does_not_record_and_sees_only_its_own_name():
    deputy = user("deputy_a")
    s = scope_for(deputy)
    group = DeputyGroup.objects.filter(memberships__mandate_id__in=s.mandate_ids, work__isnull=False).first()
    c = client("deputy_a")
    assert c.get(reverse("org:group_detail", args=[group.pk])).status_code == 200
    assert c.get(reverse("org:group_activity_new", args=[group.pk])).status_code == 403
    assert c.get(reverse("org:group_plan_add", args=[group.pk])).status_code == 403
    activity = GroupActivity.objects.filter(group=group).first()
    assert c.get(reverse("org:group_activity_attendance", args=[activity.pk])).status_code == 403
    page = c.get(reverse("org:group_activity_detail", args=[activity.pk]))
    assert page.status_code == 200
    names = {r.mandate_id for r in page.context["rows"]}
    assert names <= set(s.mandate_ids)


def test_the_city_office_reads_a_district_group_but_does_not_record(group_a):
    c = client("city_staff")
    assert c.get(reverse("org:group_detail", args=[group_a.pk])).status_code == 200
    assert c.get(reverse("org:group_activity_new", args=[group_a.pk])).status_code == 403
    assert client("staff_b").get(reverse("org:group_detail", args=[group_a.pk])).status_code == 404


# --- pages and exports ---------------------------------------------------------------------------------
def test_the_pages_filter_and_export(group_a):
    from openpyxl import load_workbook

    c = client("staff_a")
    page = c.get(reverse("org:group_list"), {"kind": "group", "year": str(TODAY.year)})
    assert page.status_code == 200 and group_a.name in page.content.decode()
    book = c.get(reverse("org:group_list"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(book.content)).active.values)
    assert any(r[0] == group_a.name for r in rows[1:])
    year = c.get(reverse("org:group_year_export", args=[group_a.pk]))
    wb = load_workbook(io.BytesIO(year.content))
    assert len(wb.sheetnames) == 3 and wb.worksheets[1].max_row > 1
    log = c.get(
        reverse("org:group_activity_list"), {"group": group_a.pk, "year": TODAY.year, "format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(log.content)).active
    assert {r[1] for r in list(sheet.values)[1:]} == {group_a.name}
    assert Event.objects.filter(kind="security.export", payload__list="group_year").exists()


@pytest.mark.parametrize(
    "params",
    [
        {"year": "99999", "month": "13", "kind": "<b>", "group": "x", "congress": "-1", "page": "zz"},
        {"q": "东湖\x00", "year": "２０２６", "month": "0"},
    ],
)
def test_odd_query_values_never_fail(group_a, params):
    c = client("staff_a")
    assert c.get(reverse("org:group_activity_list"), params).status_code == 200
    assert c.get(reverse("org:group_list"), params).status_code == 200
    assert c.get(reverse("org:group_detail", args=[group_a.pk]), params).status_code == 200
    assert c.get(reverse("org:group_activity_new", args=[group_a.pk]), {"plan": "x"}).status_code == 200


def test_recording_through_the_page(group_a):
    members = roster(group_a)
    item = group_work.group_plan_item_add(
        actor=user("staff_a"),
        group=group_a,
        year=TODAY.year,
        month=TODAY.month,
        kind="reception",
        topic="集中接待选民",
    )
    data = {
        "date": TODAY.isoformat(),
        "kind": "reception",
        "topic": "集中接待选民",
        "place": "湖滨街道人大代表联络站",
        "plan_item": str(item.pk),
    }
    for i, m in enumerate(members):
        data[f"att_{m.pk}"] = "present" if i < 3 else ("leave" if i == 3 else "absent")
    data[f"note_{members[3].pk}"] = "身体原因"
    page = client("leader_a").post(reverse("org:group_activity_new", args=[group_a.pk]), data)
    activity = GroupActivity.objects.get(group=group_a, plan_item=item)
    assert page.status_code == 302 and page.url == reverse("org:group_activity_detail", args=[activity.pk])
    assert counted(activity) == {m.pk for m in members[:3]}
    assert GroupAttendance.objects.get(activity=activity, mandate=members[3]).note == "身体原因"
    # The office corrects the attendance on its page.
    data = {f"att_{m.pk}": "present" if i < 4 else "absent" for i, m in enumerate(members)}
    page = client("staff_a").post(reverse("org:group_activity_attendance", args=[activity.pk]), data)
    assert page.status_code == 302 and counted(activity) == {m.pk for m in members[:4]}
    # And renames it: the counted activity follows.
    page = client("staff_a").post(
        reverse("org:group_activity_edit", args=[activity.pk]),
        {"kind": "reception", "topic": "接待日集中接待选民", "place": "联络站", "plan_item": str(item.pk)},
    )
    assert page.status_code == 302
    assert Activity.objects.get(source_type="org.groupactivity", source_id=activity.pk).title.endswith(
        "接待日集中接待选民"
    )
