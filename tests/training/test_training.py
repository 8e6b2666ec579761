"""Training: scheduling a class, enrolment (the deputy's own and the office's) with its state checks,
attendance or completion counted once as a training, the report of each deputy's trainings in the term,
and who may see and do what (on the demo city: staff_a runs 东湖区, staff_b 西岭区; deputy_a sits in 东湖区
and the city, deputy_b in 西岭区)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.org.models import Mandate, RoleAssignment, User
from lvzhi.performance.models import Participation
from lvzhi.training.models import Enrolment, TrainingClass
from lvzhi.training.selectors import enrolments_visible_to, my_training
from lvzhi.training.services import classes as svc
from lvzhi.training.services import enrolment as enrol

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
D = dt.timedelta


def user(name: str) -> User:
    return User.objects.get(username=name)


def client(name: str, lang: str = "en") -> Client:
    c = Client(headers={"accept-language": lang})
    c.force_login(user(name))
    return c


def congress_of(staff: str):
    return RoleAssignment.objects.get(user__username=staff, role="staff", is_active=True).congress


def mandate_of(deputy: str, congress) -> Mandate:
    return Mandate.objects.current().get(person_id=user(deputy).person_id, congress=congress)


def new_class(staff="staff_a", **change) -> TrainingClass:
    data = {
        "title": "测试培训班",
        "mode": "in_person",
        "place": "区委党校",
        "starts_on": TODAY + D(days=10),
        "ends_on": TODAY + D(days=11),
        "hours": Decimal("8"),
        "capacity": 30,
        "enrol_closes_on": TODAY + D(days=5),
        "audience": "全体代表",
    } | change
    return svc.class_create(actor=user(staff), congress=congress_of(staff), **data)


def counted(training_class) -> list[int]:
    return list(
        Participation.objects.filter(
            source_type="training.trainingclass", source_id=training_class.pk
        ).values_list("mandate_id", flat=True)
    )


# --- scheduling -------------------------------------------------------------------------------------------
def test_the_office_schedules_a_class_on_its_page():
    page = client("staff_a").post(
        reverse("training:create"),
        {
            "congress": congress_of("staff_a").pk,
            "title": "云课堂：代表履职基础",
            "mode": "online",
            "video_url": "https://yunketang.example.cn/course/7",
            "starts_on": (TODAY + D(days=3)).isoformat(),
            "ends_on": (TODAY + D(days=30)).isoformat(),
            "hours": "2.5",
            "capacity": "",
            "enrol_closes_on": (TODAY + D(days=20)).isoformat(),
        },
    )
    c = TrainingClass.objects.get(title="云课堂：代表履职基础")
    assert page.status_code == 302 and page.url == reverse("training:detail", args=[c.pk])
    assert c.capacity is None and c.hours == Decimal("2.5") and c.is_online
    assert Event.objects.filter(kind="training.class_created", target_id=str(c.pk)).exists()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"mode": "online", "place": ""}, "link_required", "video_url"),
        ({"mode": "in_person", "place": ""}, "place_required", "place"),
        ({"mode": "online", "video_url": "javascript:alert(1)"}, "bad_link", "video_url"),
        ({"ends_on": TODAY + D(days=9)}, "dates_reversed", "ends_on"),
        ({"enrol_closes_on": TODAY + D(days=12)}, "closes_too_late", "enrol_closes_on"),
        ({"hours": Decimal("0")}, "bad_hours", "hours"),
        ({"capacity": 0}, "bad_capacity", "capacity"),
        ({"title": ""}, "required", "title"),
    ],
)
def test_bad_classes_are_refused_with_the_field_named(change, code, field):
    with pytest.raises(ServiceError) as refused:
        new_class(**change)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_a_bad_class_form_keeps_what_was_typed_and_answers_in_chinese():
    page = client("staff_a", "zh-hans").post(
        reverse("training:create"),
        {
            "congress": congress_of("staff_a").pk,
            "title": "线上课没有链接",
            "mode": "online",
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
            "hours": "2",
            "enrol_closes_on": TODAY.isoformat(),
        },
    )
    html = page.content.decode()
    assert page.status_code == 400 and "线上课没有链接" in html and "视频链接" in html
    assert "线上培训须填写视频链接" in html


# --- enrolment ----------------------------------------------------------------------------------------------
def test_a_deputy_enrols_itself_once_and_withdraws_before_closing():
    c = new_class()
    page = client("deputy_a").post(reverse("training:enrol", args=[c.pk]))
    assert page.status_code == 302
    e = Enrolment.objects.get(training_class=c, mandate=mandate_of("deputy_a", c.congress))
    assert e.status == "enrolled" and e.by_self
    with pytest.raises(ServiceError) as refused:
        enrol.enrol_self(actor=user("deputy_a"), training_class=c)
    assert refused.value.code == "already_enrolled"
    client("deputy_a").post(reverse("training:withdraw", args=[c.pk]))
    e.refresh_from_db()
    assert e.status == "withdrawn"
    # Enrolling again takes the same row back.
    enrol.enrol_self(actor=user("deputy_a"), training_class=c)
    assert Enrolment.objects.get(pk=e.pk).status == "enrolled"
    assert Event.objects.filter(kind="training.enrolled", target_id=str(c.pk)).count() == 2


def test_no_enrolment_after_closing_when_full_or_cancelled():
    closed = new_class(starts_on=TODAY + D(days=3), enrol_closes_on=TODAY - D(days=1))
    with pytest.raises(ServiceError) as refused:
        enrol.enrol_self(actor=user("deputy_a"), training_class=closed)
    assert refused.value.code == "enrolment_closed"
    full = new_class(capacity=1)
    others = (
        Mandate.objects.current().filter(congress=full.congress).exclude(person_id=user("deputy_a").person_id)
    )
    enrol.enrol_by_staff(actor=user("staff_a"), training_class=full, mandate=others[0])
    with pytest.raises(ServiceError) as refused:
        enrol.enrol_self(actor=user("deputy_a"), training_class=full)
    assert refused.value.code == "full"
    with pytest.raises(ServiceError) as refused:
        enrol.enrol_by_staff(actor=user("staff_a"), training_class=full, mandate=others[1])
    assert refused.value.code == "full"
    # The office still adds a deputy after closing (within the capacity).
    late = enrol.enrol_by_staff(actor=user("staff_a"), training_class=closed, mandate=others[2])
    assert Event.objects.get(kind="training.enrolled", payload__enrolment=late.pk).payload["late"] is True
    cancelled = new_class()
    with pytest.raises(ServiceError):
        svc.class_cancel(actor=user("staff_a"), training_class=cancelled, reason="")
    svc.class_cancel(actor=user("staff_a"), training_class=cancelled, reason="时间冲突")
    with pytest.raises(ServiceError) as refused:
        enrol.enrol_self(actor=user("deputy_a"), training_class=cancelled)
    assert refused.value.code == "cancelled"


def test_only_deputies_of_the_class_congress_enrol():
    c = new_class()
    with pytest.raises(ServiceError) as refused:
        enrol.enrol_self(actor=user("deputy_b"), training_class=c)
    assert refused.value.status == 403
    sibling = Mandate.objects.current().filter(person_id=user("deputy_b").person_id).first()
    with pytest.raises(ServiceError) as refused:
        enrol.enrol_by_staff(actor=user("staff_a"), training_class=c, mandate=sibling)
    assert refused.value.code == "not_eligible"


# --- attendance and counting -----------------------------------------------------------------------------
def test_no_attendance_before_the_class_and_each_attended_counts_once():
    c = new_class()
    e = enrol.enrol_self(actor=user("deputy_a"), training_class=c)
    with pytest.raises(ServiceError) as refused:
        enrol.attendance_mark(actor=user("staff_a"), training_class=c, marks={e.pk: "attended"})
    assert refused.value.code == "not_begun"
    TrainingClass.objects.filter(pk=c.pk).update(
        starts_on=TODAY - D(days=1), enrol_closes_on=TODAY - D(days=2)
    )
    c.refresh_from_db()
    with pytest.raises(ServiceError) as refused:
        enrol.attendance_mark(actor=user("staff_a"), training_class=c, marks={e.pk: "completed"})
    assert refused.value.code == "bad_mark"  # completion is for online classes
    assert enrol.attendance_mark(actor=user("staff_a"), training_class=c, marks={e.pk: "attended"}) == 1
    assert enrol.attendance_mark(actor=user("staff_a"), training_class=c, marks={e.pk: "attended"}) == 0
    assert counted(c) == [e.mandate_id]
    part = Participation.objects.get(source_type="training.trainingclass", source_id=c.pk)
    assert part.kind.code == "training" and part.status == "confirmed" and part.date == c.starts_on
    # Marked back: it stops counting; marked again: once.
    enrol.attendance_mark(actor=user("staff_a"), training_class=c, marks={e.pk: "absent"})
    assert counted(c) == []
    enrol.attendance_mark(actor=user("staff_a"), training_class=c, marks={e.pk: "attended"})
    assert counted(c) == [e.mandate_id]
    assert Event.objects.filter(kind="training.marked", target_id=str(c.pk)).count() == 3
    # A class with attendance recorded cannot be cancelled, nor its first day moved.
    with pytest.raises(ServiceError) as refused:
        svc.class_cancel(actor=user("staff_a"), training_class=c, reason="取消")
    assert refused.value.code == "already_counted"


def test_online_completion_is_recorded_on_the_page_and_shows_in_the_deputy_count():
    c = new_class(
        mode="online",
        place="",
        video_url="https://yunketang.example.cn/course/9",
        starts_on=TODAY - D(days=2),
        ends_on=TODAY + D(days=5),
        enrol_closes_on=TODAY + D(days=1),
    )
    e = enrol.enrol_self(actor=user("deputy_a"), training_class=c)
    before = next(
        t.trainings for t in my_training(user=user("deputy_a")) if t.mandate.congress_id == c.congress_id
    )
    page = client("staff_a").post(reverse("training:attendance", args=[c.pk]), {f"e_{e.pk}": "completed"})
    assert page.status_code == 302
    assert Enrolment.objects.get(pk=e.pk).status == "completed"
    after = next(t for t in my_training(user=user("deputy_a")) if t.mandate.congress_id == c.congress_id)
    assert after.trainings == before + 1
    mine = client("deputy_a").get(reverse("training:mine"))
    assert mine.status_code == 200 and c.title in mine.content.decode()


def test_the_report_counts_trainings_filters_and_exports():
    from openpyxl import load_workbook

    c = client("staff_a")
    page = c.get(reverse("training:report"))
    assert page.status_code == 200
    rows = list(page.context["page"])
    assert rows and all(r.congress_id == congress_of("staff_a").pk for r in rows)
    assert [r.trainings for r in rows] == sorted(r.trainings for r in rows)
    below = c.get(reverse("training:report"), {"below": "2"})
    assert all(r.trainings < 2 for r in below.context["page"])
    book = c.get(reverse("training:report"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet.max_row == page.context["page"].paginator.count + 1
    assert Event.objects.filter(kind="security.export", payload__list="training_report").exists()
    assert client("deputy_a").get(reverse("training:report")).status_code == 403


# --- who may see and do what ----------------------------------------------------------------------------
def test_a_deputy_cannot_see_a_sibling_deputys_enrolments_or_classes():
    c = new_class()
    enrol.enrol_self(actor=user("deputy_a"), training_class=c)
    b = client("deputy_b")
    for name in ("detail", "enrol", "withdraw", "attendance", "roster_export", "edit"):
        assert b.get(reverse(f"training:{name}", args=[c.pk])).status_code in {404, 405}
        assert b.post(reverse(f"training:{name}", args=[c.pk])).status_code == 404
    assert not enrolments_visible_to(user=user("deputy_b")).filter(training_class=c).exists()
    own_class = TrainingClass.objects.filter(
        congress__short_name="西岭区人大", enrolments__isnull=False
    ).first()
    page = b.get(reverse("training:detail", args=[own_class.pk]))
    assert page.status_code == 200 and page.context["roster"] == []
    assert c.title not in b.get(reverse("training:list")).content.decode()


def test_a_sibling_office_cannot_manage_and_the_city_office_only_reads():
    c = new_class()
    s = client("staff_b")
    for name in ("detail", "edit", "attendance", "cancel", "enrol_deputy", "withdraw_deputy"):
        assert s.post(reverse(f"training:{name}", args=[c.pk])).status_code == 404
    with pytest.raises(ServiceError) as refused:
        enrol.attendance_mark(actor=user("staff_b"), training_class=c, marks={})
    assert refused.value.status == 403
    with pytest.raises(ServiceError) as refused:
        svc.class_update(actor=user("staff_b"), training_class=c, title="改名")
    assert refused.value.status == 403
    city = client("city_staff")
    assert city.get(reverse("training:detail", args=[c.pk])).status_code == 200
    assert city.get(reverse("training:attendance", args=[c.pk])).status_code == 403
    assert city.post(reverse("training:cancel", args=[c.pk]), {"reason": "x"}).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"phase": "<x>", "mode": "zz", "year": "12", "congress": "abc", "page": "-1", "q": "培训\x00"},
        {"below": "999", "term": "x", "congress": "0", "grassroots": "maybe"},
    ],
)
def test_odd_query_values_never_fail(params):
    for name in ("list", "report"):
        assert client("staff_a").get(reverse(f"training:{name}"), params).status_code == 200
    c = new_class()
    assert client("staff_a").get(reverse("training:detail", args=[c.pk]), {"q": "\x00张"}).status_code == 200
    page = client("staff_a").post(reverse("training:enrol_deputy", args=[c.pk]), {"mandate": "abc"})
    assert page.status_code == 302
