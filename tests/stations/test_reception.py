"""Reception days (接待日): the rules and their dates (holidays skipped or moved, manual exceptions), scheduling a
month, adding, changing, cancelling and recording a day (the deputies who came count, once), the opinions taken
on the day, the pages of each role and their denials, the coverage lists and the Excel exports.

Rules are tested on stations made here in the demo's 东湖区 (so staff_a manages them and nobody else's scope
changes); the demo's own reception days (built relative to today) are used for the pages and the denials.
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
from lvzhi.opinions.models import Opinion
from lvzhi.org.models import Congress, Mandate, User
from lvzhi.performance.models import Participation
from lvzhi.stations import services_reception as svc
from lvzhi.stations.models import (
    ReceptionDay,
    ReceptionException,
    ReceptionRule,
    Station,
    StationDeputy,
)
from lvzhi.stations.schedule import month_proposals, parse_month, rule_dates
from lvzhi.stations.selectors_reception import next_reception_days, reception_days_visible_to
from tests.factories import MandateFactory, StationFactory

pytestmark = pytest.mark.django_db
T = dt.time
D = dt.date


def user(name: str) -> User:
    return User.objects.get(username=name)


def client_of(name: str | None, lang: str = "en") -> Client:
    client = Client(headers={"accept-language": lang})
    if name:
        client.force_login(user(name))
    return client


@pytest.fixture
def east() -> Congress:
    return Congress.objects.get(region_name="东湖区", level="county")


@pytest.fixture
def station(east) -> Station:
    """A new station of 东湖区 with three serving district deputies."""
    st = StationFactory(congress=east, name="测试街道人大代表联络站")
    term = Mandate.objects.filter(congress=east).first().term
    for _ in range(3):
        m = MandateFactory(congress=east, term=term)
        StationDeputy.objects.create(station=st, mandate=m)
    return st


def deputies_of(st: Station) -> list[Mandate]:
    return list(Mandate.objects.filter(station_assignments__station=st).order_by("pk"))


def rule(st: Station, **values) -> ReceptionRule:
    base = {
        "kind": "monthly_day",
        "day": 15,
        "start_time": T(9),
        "end_time": T(11, 30),
        "valid_from": D(2026, 1, 1),
        "deputies": deputies_of(st)[:2],
    }
    return svc.reception_rule_create(actor=user("staff_a"), station=st, **(base | values))


def events_of(kind: str, target) -> list[Event]:
    return list(Event.objects.filter(kind=kind, target_id=str(target.pk)).order_by("pk"))


# --- the dates a rule gives --------------------------------------------------------------------------------
def test_a_fixed_day_in_a_month_without_it_is_the_last_day(station):
    r = rule(station, day=31)
    assert rule_dates(r, 2026, 4) == [D(2026, 4, 30)]
    assert rule_dates(r, 2026, 5) == [D(2026, 5, 31)]


def test_odd_months_the_nth_and_the_last_weekday_and_every_week(station):
    odd = rule(station, months=[1, 3, 5, 7, 9, 11])
    assert rule_dates(odd, 2026, 11) == [D(2026, 11, 15)] and rule_dates(odd, 2026, 12) == []
    second_wednesday = rule(station, kind="nth_weekday", nth=2, weekday=2)
    assert rule_dates(second_wednesday, 2026, 12) == [D(2026, 12, 9)]
    last_friday = rule(station, kind="nth_weekday", nth=-1, weekday=4)
    assert rule_dates(last_friday, 2026, 10) == [D(2026, 10, 30)]
    saturdays = rule(station, kind="weekly", weekday=5)
    assert rule_dates(saturdays, 2026, 12) == [D(2026, 12, d) for d in (5, 12, 19, 26)]


def test_voter_contact_months_give_every_week_of_those_months_only(station):
    contact = rule(station, kind="contact_month", weekday=5, months=[6, 12], theme="代表集中联系选民月")
    assert rule_dates(contact, 2026, 12) == [D(2026, 12, d) for d in (5, 12, 19, 26)]
    assert rule_dates(contact, 2026, 11) == []
    with pytest.raises(ServiceError) as refused:
        rule(station, kind="contact_month", weekday=5, months=[])
    assert refused.value.field == "months"


def test_a_rule_gives_no_date_outside_its_validity(station):
    r = rule(station, valid_from=D(2026, 11, 16), valid_to=D(2027, 1, 14))
    assert rule_dates(r, 2026, 11) == [] and rule_dates(r, 2026, 12) == [D(2026, 12, 15)]
    assert rule_dates(r, 2027, 1) == []


def test_a_holiday_is_skipped_or_moved_as_the_rule_says(station):
    # 2026-10-01 to 10-07 are the National Day holiday (seeded calendar); 10-08 is a working Thursday.
    skip = rule(station, day=1, day_off_policy="skip")
    [p] = [p for p in month_proposals(station, 2026, 10) if p.rule == skip]
    assert p.cancelled and p.rule_date == D(2026, 10, 1) and "国庆节" in p.note
    skip.delete()
    rule(station, day=1, day_off_policy="next")
    [p] = month_proposals(station, 2026, 10)
    assert not p.cancelled and p.moved and p.date == D(2026, 10, 8)


def test_a_weekend_moves_only_when_the_rule_says_so(station):
    # 2026-11-15 is a Sunday.
    kept = rule(station, day_off_policy="next")
    assert [p.date for p in month_proposals(station, 2026, 11) if p.rule == kept] == [D(2026, 11, 15)]
    kept.delete()
    rule(station, day_off_policy="next_any")
    assert [p.date for p in month_proposals(station, 2026, 11)] == [D(2026, 11, 16)]


def test_manual_exceptions_cancel_or_move_one_date_with_a_reason(station):
    r = rule(station)
    staff = user("staff_a")
    svc.reception_exception_add(
        actor=staff,
        rule=r,
        date=D(2026, 12, 15),
        action="move",
        new_date=D(2026, 12, 17),
        reason="社区换届选举",
    )
    svc.reception_exception_add(actor=staff, rule=r, date=D(2027, 1, 15), action="cancel", reason="防汛演练")
    [dec] = month_proposals(station, 2026, 12)
    [jan] = month_proposals(station, 2027, 1)
    assert (dec.date, dec.note) == (D(2026, 12, 17), "社区换届选举")
    assert jan.cancelled and jan.note == "防汛演练"
    assert len(events_of("reception.exception_added", station)) == 2
    with pytest.raises(ServiceError) as refused:
        svc.reception_exception_add(actor=staff, rule=r, date=D(2026, 12, 16), action="cancel", reason="x")
    assert refused.value.code == "not_a_rule_date"
    with pytest.raises(ServiceError) as refused:
        svc.reception_exception_add(actor=staff, rule=r, date=D(2027, 2, 15), action="cancel", reason=" ")
    assert refused.value.field == "reason"
    removed = ReceptionException.objects.get(rule=r, date=D(2027, 1, 15))
    svc.reception_exception_remove(actor=staff, exception=removed)
    assert not month_proposals(station, 2027, 1)[0].cancelled


# --- scheduling a month --------------------------------------------------------------------------------
def test_confirming_a_month_writes_its_days_once_with_holidays_as_cancelled(station):
    rule(station, day=1, day_off_policy="skip")
    rule(
        station, kind="nth_weekday", nth=2, weekday=2, start_time=T(14, 30), end_time=T(17), theme="专题接待"
    )
    done = svc.reception_month_confirm(actor=user("staff_a"), station=station, year=2026, month=10)
    assert [(d.date, d.status) for d in done.planned] == [(D(2026, 10, 14), "planned")]
    assert [(d.date, d.status) for d in done.cancelled] == [(D(2026, 10, 1), "cancelled")]
    assert "国庆节" in done.cancelled[0].cancel_reason
    day = done.planned[0]
    assert (day.start_time, day.theme, day.congress_id) == (T(14, 30), "专题接待", station.congress_id)
    assert {a.mandate_id for a in day.attendance.all()} == {m.pk for m in deputies_of(station)[:2]}
    assert events_of("reception.day_planned", day)[0].to_state == "planned"
    assert events_of("reception.month_scheduled", station)[0].payload["planned"] == 1
    again = svc.reception_month_confirm(actor=user("staff_a"), station=station, year=2026, month=10)
    assert (again.planned, again.cancelled, again.already) == ([], [], 2)
    assert station.reception_days.count() == 2


def test_staff_adjust_the_preview_before_confirming(station):
    rule(station, kind="weekly", weekday=2)
    proposals = month_proposals(station, 2026, 12)
    assert [p.date.day for p in proposals] == [2, 9, 16, 23, 30]
    choices = {
        proposals[0].key: svc.Choice(include=False),
        proposals[1].key: svc.Choice(start_time=T(14), end_time=T(16), theme="垃圾分类专题"),
    }
    done = svc.reception_month_confirm(
        actor=user("staff_a"), station=station, year=2026, month=12, choices=choices
    )
    assert [d.date.day for d in done.planned] == [9, 16, 23, 30]
    assert (done.planned[0].start_time, done.planned[0].theme) == (T(14), "垃圾分类专题")
    with pytest.raises(ServiceError) as refused:
        svc.reception_month_confirm(
            actor=user("staff_a"),
            station=station,
            year=2026,
            month=12,
            choices={proposals[0].key: svc.Choice(start_time=T(11), end_time=T(10))},
        )
    assert refused.value.field == proposals[0].key


def test_the_schedule_page_previews_and_confirms_a_month(station):
    rule(station, day=20)
    client = client_of("staff_a")
    url = reverse("stations:reception_schedule")
    page = client.get(url, {"station": station.pk, "month": "2027-02"})
    assert page.status_code == 200 and "2027-02-20" in page.content.decode()
    posted = client.post(
        url,
        {
            "station": station.pk,
            "month": "2027-02",
            "include_0": "on",
            "date_0": "2027-02-22",
            "start_0": "09:00",
            "end_0": "11:30",
            "theme_0": "春节后首次接待",
        },
    )
    assert posted.status_code == 302
    day = station.reception_days.get()
    assert (day.date, day.theme) == (D(2027, 2, 22), "春节后首次接待")
    bad = client.post(
        url,
        {
            "station": station.pk,
            "month": "2027-03",
            "include_0": "on",
            "date_0": "2027-03-20",
            "start_0": "11:00",
            "end_0": "09:00",
            "theme_0": "我输入的主题",
        },
        headers={"accept-language": "zh-hans"},
    )
    body = bad.content.decode()
    assert bad.status_code == 400 and "结束时间须晚于开始时间" in body and "我输入的主题" in body


def test_a_day_added_by_hand_changed_and_cancelled_with_a_reason(station):
    staff = user("staff_a")
    when = timezone.localdate() + dt.timedelta(days=10)
    day = svc.reception_day_add(
        actor=staff,
        station=station,
        date=when,
        start_time=T(9),
        end_time=T(11),
        theme="专题",
        deputies=deputies_of(station)[:1],
    )
    with pytest.raises(ServiceError) as refused:
        svc.reception_day_add(actor=staff, station=station, date=when, start_time=T(9), end_time=T(11))
    assert refused.value.code == "date_taken"
    svc.reception_day_update(
        actor=staff,
        day=day,
        date=when + dt.timedelta(days=1),
        start_time=T(14),
        end_time=T(16),
        theme="专题",
        deputies=deputies_of(station),
    )
    day.refresh_from_db()
    assert day.date == when + dt.timedelta(days=1) and day.attendance.count() == 3
    assert "date" in events_of("reception.day_changed", day)[0].payload["changes"]
    with pytest.raises(ServiceError):
        svc.reception_day_cancel(actor=staff, day=day, reason="")
    svc.reception_day_cancel(actor=staff, day=day, reason="适逢台风预警")
    day.refresh_from_db()
    assert (day.status, day.cancel_reason) == ("cancelled", "适逢台风预警")
    assert events_of("reception.day_cancelled", day)[0].note == "适逢台风预警"
    with pytest.raises(ServiceError) as refused:
        svc.reception_day_cancel(actor=staff, day=day, reason="again")
    assert refused.value.code == "not_planned"


# --- recording a held day ----------------------------------------------------------------------------
def _past_day(st: Station, days_ago: int = 3) -> ReceptionDay:
    return svc.reception_day_add(
        actor=user("staff_a"),
        station=st,
        date=timezone.localdate() - dt.timedelta(days=days_ago),
        start_time=T(9),
        end_time=T(11),
        deputies=deputies_of(st)[:2],
    )


def test_recording_a_day_counts_each_deputy_who_came_once(station):
    day = _past_day(station)
    a, b, c = deputies_of(station)
    svc.reception_day_record(
        actor=user("staff_a"), day=day, attended=[a, c], citizens_count=12, notes="反映停车难"
    )
    day.refresh_from_db()
    rows = {r.mandate_id: (r.scheduled, r.attended) for r in day.attendance.all()}
    assert day.status == "held" and day.citizens_count == 12
    assert rows == {a.pk: (True, True), b.pk: (True, False), c.pk: (False, True)}
    counted = Participation.objects.filter(source_type="stations.receptionday", source_id=day.pk)
    assert sorted(counted.values_list("mandate_id", flat=True)) == sorted([a.pk, c.pk])
    assert {p.kind.code for p in counted} == {"reception"} and {p.date for p in counted} == {day.date}
    svc.reception_day_record(actor=user("staff_a"), day=day, attended=[a, b, c], citizens_count=14)
    assert counted.all().count() == 3  # b added; a and c not counted twice
    assert [
        e.kind
        for e in Event.objects.filter(target_id=str(day.pk), kind__startswith="reception.day_rec").order_by(
            "pk"
        )
    ] == [
        "reception.day_recorded",
        "reception.day_record_changed",
    ]


def test_a_deputy_recorded_by_mistake_is_taken_off_and_stops_counting(station):
    day = _past_day(station)
    a, b, c = deputies_of(station)
    staff = user("staff_a")
    svc.reception_day_record(actor=staff, day=day, attended=[a, b, c], citizens_count=12)
    counted = Participation.objects.filter(source_type="stations.receptionday", source_id=day.pk)
    assert counted.count() == 3
    # b was expected but did not come; c (unscheduled) was ticked by mistake.
    svc.reception_day_record(actor=staff, day=day, attended=[a], citizens_count=12)
    assert list(counted.values_list("mandate_id", flat=True)) == [a.pk]
    rows = {r.mandate_id: (r.scheduled, r.attended) for r in day.attendance.all()}
    assert rows == {
        a.pk: (True, True),
        b.pk: (True, False),
    }  # c, neither expected nor present, is off the day
    changed = events_of("reception.day_record_changed", day)[-1]
    assert changed.payload["uncounted"] == sorted([b.pk, c.pk]) and changed.actor == staff
    unrecorded = Event.objects.filter(
        kind="performance.activity_unrecorded", payload__source=f"stations.receptionday:{day.pk}"
    )
    assert sorted(e.payload["mandate"] for e in unrecorded) == sorted([b.pk, c.pk])
    assert {e.actor_id for e in unrecorded} == {staff.pk}
    # Ticked again, b counts again (once); a refused record leaves the count as it was.
    svc.reception_day_record(actor=staff, day=day, attended=[a, b], citizens_count=12)
    assert sorted(counted.values_list("mandate_id", flat=True)) == sorted([a.pk, b.pk])
    with pytest.raises(ServiceError):
        svc.reception_day_record(actor=staff, day=day, attended=[a], citizens_count=-1)
    assert counted.count() == 2


def test_the_record_page_takes_a_deputy_off(station):
    day = _past_day(station)
    a, b, _c = deputies_of(station)
    svc.reception_day_record(actor=user("staff_a"), day=day, attended=[a, b], citizens_count=5)
    url = reverse("stations:reception_day_record", args=[day.pk])
    posted = client_of("staff_a").post(url, {"attended": [a.pk], "citizens_count": "5"})
    assert posted.status_code == 302
    counted = Participation.objects.filter(source_type="stations.receptionday", source_id=day.pk)
    assert list(counted.values_list("mandate_id", flat=True)) == [a.pk]


def test_a_record_needs_the_day_to_have_come_a_deputy_and_a_count(station):
    staff = user("staff_a")
    future = svc.reception_day_add(
        actor=staff,
        station=station,
        date=timezone.localdate() + dt.timedelta(days=2),
        start_time=T(9),
        end_time=T(11),
    )
    with pytest.raises(ServiceError) as refused:
        svc.reception_day_record(actor=staff, day=future, attended=deputies_of(station), citizens_count=3)
    assert refused.value.code == "not_yet"
    day = _past_day(station)
    with pytest.raises(ServiceError) as refused:
        svc.reception_day_record(actor=staff, day=day, attended=[], citizens_count=3)
    assert refused.value.field == "attended"
    with pytest.raises(ServiceError) as refused:
        svc.reception_day_record(actor=staff, day=day, attended=deputies_of(station), citizens_count=-1)
    assert refused.value.field == "citizens_count"
    outsider = Mandate.objects.exclude(station_assignments__station=station).first()
    with pytest.raises(ServiceError) as refused:
        svc.reception_day_record(actor=staff, day=day, attended=[outsider], citizens_count=3)
    assert refused.value.code == "bad_deputy"


def test_the_record_page_keeps_what_was_typed_on_a_bad_count(station):
    day = _past_day(station)
    client = client_of("staff_a", "zh-hans")
    url = reverse("stations:reception_day_record", args=[day.pk])
    page = client.post(
        url,
        {
            "attended": [m.pk for m in deputies_of(station)[:1]],
            "citizens_count": "很多",
            "notes": "群众反映菜场占道",
        },
    )
    body = page.content.decode()
    assert page.status_code == 400 and "群众反映菜场占道" in body and "请输入整数" in body
    done = client.post(
        url,
        {
            "attended": [m.pk for m in deputies_of(station)[:1]],
            "citizens_count": "8",
            "notes": "群众反映菜场占道",
        },
    )
    assert done.status_code == 302
    day.refresh_from_db()
    assert day.status == "held" and day.citizens_count == 8


def test_an_opinion_taken_on_the_day_goes_into_the_opinions_store_linked_to_it(station):
    day = _past_day(station, days_ago=2)
    mandate = deputies_of(station)[0]
    client = client_of("staff_a")
    response = client.post(
        reverse("stations:reception_day_opinion", args=[day.pk]),
        {
            "kind": "opinion",
            "category": "traffic",
            "content": "学校门口放学时段车辆乱停，建议设置临时停车区。",
            "mandate": mandate.pk,
            "consent": "on",
        },
    )
    assert response.status_code == 200
    opinion = Opinion.objects.get(reception_link__day=day)
    assert (opinion.source, opinion.station_id, opinion.mandate_id) == ("reception", station.pk, mandate.pk)
    assert timezone.localtime(opinion.created_at).date() == day.date
    assert opinion.number in response.content.decode()
    assert events_of("reception.opinion_taken", day)[0].payload["opinion_id"] == opinion.pk
    assert events_of("opinion.entered", opinion)
    page = client.get(reverse("stations:reception_day", args=[day.pk]))
    assert opinion.number in page.content.decode()


# --- who sees and acts --------------------------------------------------------------------------------
def _demo_day(station_name: str) -> ReceptionDay:
    return ReceptionDay.objects.filter(station__name=station_name).order_by("date", "pk").first()


@pytest.mark.parametrize(
    "name",
    [
        "reception_day",
        "reception_day_record",
        "reception_day_edit",
        "reception_day_cancel",
        "reception_day_opinion",
    ],
)
def test_station_b_cannot_open_station_a_s_days(name):
    day = _demo_day("湖滨街道人大代表联络站")
    assert client_of("station_a").get(reverse(f"stations:{name}", args=[day.pk])).status_code == 200
    assert client_of("station_b").get(reverse(f"stations:{name}", args=[day.pk])).status_code == 404
    assert client_of("station_b").post(reverse(f"stations:{name}", args=[day.pk])).status_code == 404


def test_the_services_refuse_another_station_s_staff():
    day = _demo_day("湖滨街道人大代表联络站")
    with pytest.raises(ServiceError) as refused:
        svc.reception_day_cancel(actor=user("station_b"), day=day, reason="试图取消")
    assert refused.value.status == 403
    with pytest.raises(ServiceError) as refused:
        svc.reception_month_confirm(actor=user("staff_b"), station=day.station, year=2026, month=12)
    assert refused.value.status == 403


def test_deputies_see_their_own_days_only_and_do_not_record_them():
    deputy_a, deputy_b = user("deputy_a"), user("deputy_b")
    mine = reception_days_visible_to(user=deputy_a)
    assert mine.exists()
    assert not mine.filter(pk__in=reception_days_visible_to(user=deputy_b)).exists()
    day = mine.order_by("pk").first()
    assert client_of("deputy_a").get(reverse("stations:reception_day", args=[day.pk])).status_code == 200
    assert (
        client_of("deputy_a").get(reverse("stations:reception_day_record", args=[day.pk])).status_code == 403
    )
    assert client_of("deputy_b").get(reverse("stations:reception_day", args=[day.pk])).status_code == 404
    listing = client_of("deputy_b").get(reverse("stations:reception_list"), {"period": "all"})
    assert listing.status_code == 200
    assert {d.pk for d in listing.context["page"]} <= set(
        reception_days_visible_to(user=deputy_b).values_list("pk", flat=True)
    )


def test_the_list_is_scoped_filtered_paged_and_exported():
    staff_b = client_of("staff_b")
    page = staff_b.get(reverse("stations:reception_list"), {"period": "all"})
    names = {d.station.name for d in page.context["page"]}
    assert "岭南街道人大代表联络站" in names and "湖滨街道人大代表联络站" not in names
    month = timezone.localdate().strftime("%Y-%m")
    filtered = staff_b.get(reverse("stations:reception_list"), {"month": month, "status": "held"})
    assert all(d.status == "held" and d.date.strftime("%Y-%m") == month for d in filtered.context["page"])
    export = staff_b.get(reverse("stations:reception_list"), {"period": "all", "format": "xlsx"})
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(rows) - 2 == page.context["page"].paginator.count
    assert not any("湖滨街道" in str(cell) for row in rows for cell in row)


def test_the_list_reads_a_stations_days_held_between_two_dates():
    # The dashboards link a station's "reception days held" to this list, for their period
    staff_a = client_of("staff_a")
    held = ReceptionDay.objects.filter(
        status="held", station__congress__path__startswith=user("staff_a").congress.path
    )
    day = held.order_by("-date").first()
    since, until = day.date - dt.timedelta(days=60), day.date
    expected = held.filter(station=day.station, date__gte=since, date__lte=until)
    query = {
        "station": day.station_id,
        "status": "held",
        "since": since.isoformat(),
        "until": until.isoformat(),
    }
    page = staff_a.get(reverse("stations:reception_list"), query)
    assert {d.pk for d in page.context["page"]} == set(expected.values_list("pk", flat=True))
    assert f"Dates from {since:%Y-%m-%d} to {until:%Y-%m-%d}." in page.content.decode()
    # Searching again keeps the dates; "any date" drops them
    assert f'name="since" value="{since:%Y-%m-%d}"' in page.content.decode()
    wider = staff_a.get(
        reverse("stations:reception_list"), {"station": day.station_id, "status": "held", "period": "all"}
    )
    assert wider.context["page"].paginator.count >= expected.count()


@pytest.mark.parametrize(
    "query",
    [
        {"month": "²"},
        {"month": "9999-12"},
        {"station": "a\x00b"},
        {"period": "x", "page": "-1", "status": "bogus", "congress": "²"},
        {"since": "²", "until": "2026-02-30"},
    ],
)
def test_odd_query_values_do_not_fail(query):
    for name in (
        "reception_list",
        "reception_schedule",
        "reception_coverage_stations",
        "reception_coverage_deputies",
        "reception_day_add",
    ):
        assert client_of("staff_a").get(reverse(f"stations:{name}"), query).status_code == 200
    assert (
        client_of(None)
        .get(
            reverse("reception_public:calendar"),
            {"district": query.get("congress", "²"), "station": "-1", "page": "x"},
        )
        .status_code
        == 200
    )


# --- coverage -------------------------------------------------------------------------------------------
def test_coverage_lists_stations_with_no_day_and_deputies_in_no_station(station, east):
    client = client_of("staff_a")
    month = timezone.localdate().strftime("%Y-%m")
    page = client.get(reverse("stations:reception_coverage_stations"), {"month": month})
    names = {s.name for s in page.context["page"]}
    # 柳塘镇's stations below 东湖区 keep no reception rule in the demo; 青石镇's held their 15th this month.
    assert "柳塘镇柳塘村代表联络站" in names and station.name in names
    assert "青石镇大柳村代表联络站" not in names
    assert "东城街道人大代表联络站" not in names  # its 15th held this month
    assert "岭南街道人大代表联络站" not in names  # 西岭区: out of staff_a's scope
    # 湖滨 is listed unless it has a reception this month: a day held, or one still planned from today on (the
    # demo leaves its last past day unrecorded, which is no reception).
    today = timezone.localdate()
    days = ReceptionDay.objects.filter(
        station__name="湖滨街道人大代表联络站", date__year=today.year, date__month=today.month
    )
    held = days.filter(status="held").exists() or days.filter(status="planned", date__gte=today).exists()
    assert ("湖滨街道人大代表联络站" in names) is not held
    lonely = MandateFactory(congress=east, term=deputies_of(station)[0].term)
    deputies = client.get(reverse("stations:reception_coverage_deputies"), {"congress": east.pk})
    assert lonely in list(deputies.context["page"])
    export = client.get(
        reverse("stations:reception_coverage_deputies"), {"congress": east.pk, "format": "xlsx"}
    )
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert lonely.person.name in [r[0] for r in rows]
    assert client_of("station_a").get(reverse("stations:reception_coverage_stations")).status_code == 403
    assert client_of("deputy_a").get(reverse("stations:reception_coverage_deputies")).status_code == 403


# --- the public calendar and the next days --------------------------------------------------------------
def test_the_public_calendar_shows_upcoming_days_and_nothing_private():
    anonymous = client_of(None, "zh-hans")
    page = anonymous.get(reverse("reception_public:calendar"))
    body = page.content.decode()
    assert page.status_code == 200 and 'name="viewport"' in body
    upcoming = ReceptionDay.objects.filter(date__gte=timezone.localdate(), status="planned").select_related(
        "station"
    )
    assert any(d.station.name in body for d in upcoming)
    cancelled = ReceptionDay.objects.filter(date__gte=timezone.localdate(), status="cancelled").first()
    if cancelled:
        assert cancelled.cancel_reason in body
    for st in Station.objects.exclude(phone=""):
        assert st.phone not in body
    import re

    assert not re.search(r"1[3-9]\d{9}", body)  # no mobile
    held = ReceptionDay.objects.filter(status="held").exclude(notes="").first()
    assert held.notes not in body and "csrfmiddlewaretoken" not in body.split("<main", 1)[1]
    west = Congress.objects.get(region_name="西岭区", level="county")
    only_west = anonymous.get(reverse("reception_public:calendar"), {"district": west.pk}).content.decode()
    assert "岭南街道" in only_west or "枫林街道" in only_west
    assert "湖滨街道人大代表联络站" not in only_west


def test_next_reception_days_for_a_station_and_for_a_deputy_through_its_stations(station):
    when = timezone.localdate() + dt.timedelta(days=5)
    m = deputies_of(station)[0]
    day = svc.reception_day_add(
        actor=user("staff_a"), station=station, date=when, start_time=T(9), end_time=T(11), deputies=[m]
    )
    [found] = next_reception_days(station=station)
    assert (found.date, found.station_name, found.with_deputy) == (when, station.name, False)
    [for_deputy] = next_reception_days(mandate=m)
    assert for_deputy.with_deputy and for_deputy.deputies == (m.person.name,)
    assert not hasattr(for_deputy, "phone")
    svc.reception_day_cancel(actor=user("staff_a"), day=day, reason="改期")
    assert next_reception_days(station=station) == []


def test_parse_month_refuses_odd_values():
    assert parse_month("2026-11") == (2026, 11) and parse_month("2026-1") == (2026, 1)
    assert [parse_month(v) for v in ("", "2026-13", "²²²²-11", "9999-12", "2026/11", None)] == [None] * 6


# --- telling the deputies -------------------------------------------------------------------------------
def test_deputies_are_reminded_three_days_ahead_once_and_told_of_a_cancellation(station, sms_outbox):
    from lvzhi.core.models import Notification
    from lvzhi.org.models import User as Account
    from lvzhi.stations.reminders import remind_upcoming

    today = timezone.localdate()
    m = deputies_of(station)[0]
    account = Account.objects.create(username="recv_deputy", person=m.person, congress=station.congress)
    day = svc.reception_day_add(
        actor=user("staff_a"),
        station=station,
        date=today + dt.timedelta(days=2),
        start_time=T(9),
        end_time=T(11),
        deputies=[m],
    )
    later = svc.reception_day_add(
        actor=user("staff_a"),
        station=station,
        date=today + dt.timedelta(days=9),
        start_time=T(9),
        end_time=T(11),
        deputies=[m],
    )
    remind_upcoming(today=today)
    remind_upcoming(today=today)
    mine = Notification.objects.filter(recipient=account)
    reminders = mine.filter(cause__contains=f"reception:{day.pk}:")
    assert reminders.filter(channel="inbox").count() == 1 and reminders.filter(channel="sms").count() == 1
    assert station.name in reminders.first().subject
    assert not mine.filter(cause__contains=f"reception:{later.pk}:").exists()
    svc.reception_day_cancel(actor=user("staff_a"), day=later, reason="台风预警")
    told = mine.filter(cause__contains=f"reception:{later.pk}:cancelled", channel="inbox").get()
    assert "台风预警" in told.subject and told.url == reverse("stations:reception_day", args=[later.pk])


def test_lists_read_a_bounded_number_of_queries(station, django_assert_max_num_queries):
    """More days (each with deputies) do not mean more queries: the list, the public calendar, a month."""
    today = timezone.localdate()
    for i in range(1, 16):
        svc.reception_day_add(
            actor=user("staff_a"),
            station=station,
            date=today + dt.timedelta(days=i),
            start_time=T(9),
            end_time=T(11),
            deputies=deputies_of(station),
        )
    staff = client_of("staff_a")
    with django_assert_max_num_queries(14):
        assert staff.get(reverse("stations:reception_list"), {"station": station.pk}).status_code == 200
    with django_assert_max_num_queries(16):
        assert client_of(None).get(reverse("reception_public:calendar")).status_code == 200
    month = (today + dt.timedelta(days=15)).strftime("%Y-%m")
    with django_assert_max_num_queries(22):
        assert (
            staff.get(reverse("stations:station_reception", args=[station.pk]), {"month": month}).status_code
            == 200
        )


def test_the_rule_form_explains_in_chinese_and_keeps_what_was_typed(station):
    client = client_of("staff_a", "zh-hans")
    url = reverse("stations:reception_rule_add", args=[station.pk])
    data = {
        "kind": "nth_weekday",
        "nth": "",
        "weekday": "2",
        "start_time": "09:00",
        "end_time": "11:00",
        "theme": "我的主题",
        "valid_from": "2026-01-01",
        "day_off_policy": "next",
    }
    page = client.post(url, data)
    body = page.content.decode()
    assert page.status_code == 400 and "请选择当月第几个星期几" in body and "我的主题" in body
    page = client.post(url, data | {"nth": "2", "end_time": "08:00"})
    assert page.status_code == 400 and "结束时间须晚于开始时间" in page.content.decode()
    page = client.post(url, data | {"nth": "2", "start_time": "25:99"})
    assert page.status_code == 400 and "我的主题" in page.content.decode()
    assert client.post(url, data | {"nth": "2"}).status_code == 302
    created = station.reception_rules.get()
    assert (created.nth, created.weekday, created.theme) == (2, 2, "我的主题")
    assert events_of("reception.rule_added", station)[0].payload["rule"] == created.pk
    exception_url = reverse("stations:reception_exception_add", args=[created.pk])
    refused = client.post(exception_url, {"date": "2026-12-09", "action": "cancel", "reason": ""})
    assert refused.status_code == 400 and "2026-12-09" in refused.content.decode()
    assert client_of("station_b").get(url).status_code == 404
    assert client_of("deputy_a").get(url).status_code in (403, 404)


# --- confirming a month again: the days already decided stay as they were ---------------------------------
def test_confirming_again_keeps_a_day_moved_or_cancelled_by_hand(station):
    staff = user("staff_a")
    rule(station, kind="weekly", weekday=1)  # Tuesdays: 2026-12-01, 08, 15, 22, 29
    done = svc.reception_month_confirm(actor=staff, station=station, year=2026, month=12)
    days = {d.date.day: d for d in done.planned}
    assert sorted(days) == [1, 8, 15, 22, 29]
    assert {d.rule_date for d in done.planned} == {d.date for d in done.planned}
    moved, cancelled = days[1], days[8]
    svc.reception_day_update(
        actor=staff,
        day=moved,
        date=D(2026, 12, 2),
        start_time=T(9),
        end_time=T(11, 30),
        deputies=deputies_of(station)[:2],
    )
    svc.reception_day_cancel(actor=staff, day=cancelled, reason="街道开展消防演练")
    proposals = {p.rule_date: p for p in month_proposals(station, 2026, 12)}
    assert not any(p.is_new for p in proposals.values())
    assert proposals[D(2026, 12, 1)].existing == moved and proposals[D(2026, 12, 8)].existing == cancelled
    again = svc.reception_month_confirm(actor=staff, station=station, year=2026, month=12)
    assert (again.planned, again.cancelled, again.already) == ([], [], 5)
    assert station.reception_days.count() == 5
    assert not station.reception_days.filter(date=D(2026, 12, 1)).exists()
    assert station.reception_days.get(date=D(2026, 12, 8)).status == "cancelled"
    assert station.reception_days.get(date=D(2026, 12, 2)).rule_date == D(2026, 12, 1)
    # The preview shows both as decided: no box to tick, the day where it is now.
    page = client_of("staff_a").get(
        reverse("stations:reception_schedule"), {"station": station.pk, "month": "2026-12"}
    )
    body = page.content.decode()
    assert page.status_code == 200 and 'name="include_' not in body
    assert reverse("stations:reception_day", args=[moved.pk]) in body and "2026-12-02" in body
    assert page.context["new_count"] == 0
    # Another rule's date on the day a moved day now takes is decided too (one reception a day).
    rule(station, day=2, months=[12])
    other = [p for p in month_proposals(station, 2026, 12) if p.rule_date == D(2026, 12, 2)]
    assert [p.existing for p in other] == [moved]


def test_confirming_again_keeps_a_day_moved_for_a_holiday_and_its_date_takes_no_exception(station):
    # 2026-10-01 is National Day: the rule moves it to 10-08 (next working day).
    staff = user("staff_a")
    r = rule(station, day=1, day_off_policy="next")
    [day] = svc.reception_month_confirm(actor=staff, station=station, year=2026, month=10).planned
    assert (day.date, day.rule_date) == (D(2026, 10, 8), D(2026, 10, 1))
    with pytest.raises(ServiceError) as refused:
        svc.reception_exception_add(actor=staff, rule=r, date=D(2026, 10, 1), action="cancel", reason="防汛")
    assert (refused.value.code, refused.value.field) == ("already_scheduled", "date")
    svc.reception_day_update(
        actor=staff, day=day, date=D(2026, 10, 9), start_time=T(9), end_time=T(11, 30), deputies=[]
    )
    again = svc.reception_month_confirm(actor=staff, station=station, year=2026, month=10)
    assert (again.planned, again.already) == ([], 1) and station.reception_days.count() == 1
    with pytest.raises(ServiceError) as refused:
        svc.reception_exception_add(actor=staff, rule=r, date=D(2026, 10, 1), action="cancel", reason="防汛")
    assert refused.value.code == "already_scheduled"


def test_older_days_get_the_rule_date_where_it_can_be_told(station):
    """The data migration: days written before rule_date existed get it from their history."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("lvzhi.stations.migrations.0003_reception_day_rule_date")
    staff = user("staff_a")
    holiday = rule(station, day=1, day_off_policy="next")  # 10-01 → 10-08; 12-01 stays
    skipped = rule(station, day=1, day_off_policy="skip", start_time=T(14), end_time=T(16))  # 10-01 cancelled
    svc.reception_month_confirm(actor=staff, station=station, year=2026, month=10)
    dec = svc.reception_month_confirm(actor=staff, station=station, year=2026, month=12).planned[0]
    svc.reception_day_update(
        actor=staff, day=dec, date=D(2026, 12, 3), start_time=T(9), end_time=T(11, 30), deputies=[]
    )
    # The old fault: confirming December again wrote a second day on 12-01.
    twice = ReceptionDay.objects.create(
        station=station,
        congress=station.congress,
        rule=holiday,
        date=D(2026, 12, 1),
        start_time=T(9),
        end_time=T(11),
    )
    # Written with no event: on a plain rule date (2026-11-01, a Sunday the rule keeps), and on no rule date.
    quiet, stray = (
        ReceptionDay.objects.create(
            station=station,
            congress=station.congress,
            rule=holiday,
            date=when,
            start_time=T(9),
            end_time=T(11),
        )
        for when in (D(2026, 11, 1), D(2027, 1, 15))
    )
    by_hand = _past_day(station)
    station.reception_days.update(rule_date=None)
    migration.fill_rule_dates(apps, None)
    got = {d.pk: d.rule_date for d in station.reception_days.all()}
    oct_moved = station.reception_days.get(rule=holiday, date=D(2026, 10, 8))
    oct_cancelled = station.reception_days.get(rule=skipped, date=D(2026, 10, 1))
    assert got[oct_moved.pk] == D(2026, 10, 1) and got[oct_cancelled.pk] == D(2026, 10, 1)
    assert got[dec.pk] == D(2026, 12, 1) and got[twice.pk] is None
    assert got[quiet.pk] == D(2026, 11, 1) and got[stray.pk] is None and got[by_hand.pk] is None


# --- coverage: a planned day that was never held is no reception ----------------------------------------
def test_a_past_planned_day_never_recorded_is_no_reception(station):
    from lvzhi.stations.selectors_reception import stations_without_reception

    staff = user("staff_a")
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=10)

    def missing(when: dt.date) -> bool:
        listed = stations_without_reception(user=staff, year=when.year, month=when.month)
        return listed.filter(pk=station.pk).exists()

    day = svc.reception_day_add(
        actor=staff,
        station=station,
        date=last_month,
        start_time=T(9),
        end_time=T(11),
        deputies=deputies_of(station)[:1],
    )
    assert missing(last_month)  # still "planned", never recorded
    svc.reception_day_record(actor=staff, day=day, attended=deputies_of(station)[:1], citizens_count=3)
    assert not missing(last_month)
    svc.reception_day_add(actor=staff, station=station, date=today, start_time=T(9), end_time=T(11))
    assert not missing(today)  # planned for today: still to come


# --- the demo's reception days -------------------------------------------------------------------------
def test_the_demo_gives_most_stations_a_rule_and_every_held_day_with_citizens_its_opinions():
    """Each station of the two districts' own congresses keeps the reception days its opening hours state,
    and a held day where citizens came has some of their opinions typed in."""
    for region in ("东湖区", "西岭区"):
        district = Congress.objects.get(region_name=region, level="county")
        stations = Station.objects.filter(congress=district, is_active=True)
        without = stations.filter(reception_rules__isnull=True)
        assert stations.count() >= 8 and not without.exists(), list(without)
        held = ReceptionDay.objects.filter(station__in=stations, status="held")
        assert held.count() >= stations.count()
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    held = ReceptionDay.objects.filter(status="held", citizens_count__gt=0)
    assert held.filter(date__gte=last_month).count() >= 20
    assert not held.filter(opinion_links__isnull=True).exists()
    hubin = ReceptionDay.objects.filter(station__name="湖滨街道人大代表联络站", status="held").first()
    page = client_of("station_a", "zh-hans").get(reverse("stations:reception_day", args=[hubin.pk]))
    assert "本次接待日尚未录入群众意见" not in page.content.decode()
    # Opinions of the earlier weeks are answered; the last days' wait for the office.
    states = set(Opinion.objects.filter(reception_link__day__in=held).values_list("state", flat=True))
    assert {"new", "replied", "solved"} <= states
    # The stations whose day differs from the 15th say so in their opening hours.
    wenchang = Station.objects.get(name="文昌街道人大代表联络站")
    assert wenchang.opening_hours.startswith("每月第二个星期三")
