"""Demo reception days (接待日) of 东湖区, 西岭区 and the city, relative to the build day.

Rules: the 15th of each month at 湖滨街道人大代表联络站 (station_a, deputy_a) with two voter-contact months of
"2+12+365" (every Saturday) starting next month; the second Wednesday at 文昌街道 (deputy_a again); a fixed
day at 东湖区人大代表之家 that falls on a public holiday in the shown months and is cancelled for it; the 15th of
each odd month in a group room (leader_a); the third Saturday at 岭南街道 (station_b, leader_b); the 10th at
枫林街道 (deputy_b), moved off weekends; the 20th at 西岭区人大代表之家; the city's last Friday at its deputy home
and the first Wednesday at its legislative contact point. 东城街道 and 新华街道 of 东湖区, and a few stations of
西岭区, have no rule, so the coverage page lists them.

The previous month, and the current month up to today, are scheduled and recorded (who came, how many
citizens, what was raised, a few opinions typed into the opinions store, which count as receiving citizens
for each deputy who came); the rest of this month and the next are planned. Next month one date is moved by
hand at 湖滨街道 and one cancelled at 岭南街道, each with a reason. Every step runs through the services, so
each is audited like a real one.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

RECORDS = [
    (
        "群众反映老旧小区加装电梯意见不统一、楼道堆物较多；询问医保异地备案办理流程。",
        "电梯加装问题转街道城建办牵头协调；医保问题当场解答。",
    ),
    (
        "居民集中反映菜场周边早高峰占道经营、停车难，希望增设临时停车位。",
        "已将停车问题转交城管和交警部门，下次接待日反馈进展。",
    ),
    (
        "老年居民询问助餐点开设时间，反映社区卫生服务站夜间无人值守。",
        "助餐点问题由社区居委会跟进；卫生服务站问题形成意见建议报区人大。",
    ),
    (
        "商户反映街面路灯损坏、雨污管网堵塞；家长关心学校放学时段交通安全。",
        "路灯与管网问题已交办城管部门；交通安全问题邀请交警中队参加下次接待。",
    ),
]

OPINIONS = [
    (
        "city",
        "湖滨路与滨江路交叉口的红绿灯时间太短，老人过马路来不及，希望延长行人绿灯时间。",
        "湖滨路滨江路口",
    ),
    ("housing", "小区物业长期不公开公共收益账目，业主多次询问无果，希望有关部门督促公开。", "锦绣花园小区"),
    ("elderly", "社区助餐点只在工作日开放，希望周末也能为独居老人提供午餐。", "春晖社区"),
    ("environment", "河道两岸夏季蚊虫多，垃圾清运不及时，希望加强保洁和消杀。", "岭南街道沿河路"),
    ("traffic", "学校门口放学时段车辆乱停，接送学生很不安全，建议设置临时停车区。", "枫林小学门口"),
]


def _month_shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def build_demo_reception() -> int:
    from lvzhi.core.calendar import WorkingCalendar
    from lvzhi.core.models import CalendarDay
    from lvzhi.org.models import Congress, Mandate, User
    from lvzhi.stations import services_reception as svc
    from lvzhi.stations.models import ReceptionDay, ReceptionRule, Station
    from lvzhi.stations.schedule import month_bounds, rule_dates
    from lvzhi.stations.selectors_reception import station_deputies_now

    from .city import DEMO_CITY_CONGRESS

    today = timezone.localdate()
    months = [_month_shift(today.year, today.month, by) for by in (-1, 0, 1)]
    first, _ = month_bounds(*months[0])
    _, last = month_bounds(*months[2])
    valid_from = first.replace(month=1) if first.month > 1 else first
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["city_staff", "staff_a", "staff_b", "station_a", "station_b"]
        )
    }
    city = Congress.objects.get(name=DEMO_CITY_CONGRESS, parent__isnull=True)
    east = Congress.objects.get(parent=city, region_name="东湖区")
    west = Congress.objects.get(parent=city, region_name="西岭区")

    def station(congress, name):
        return Station.objects.get(congress=congress, name=name)

    def person_of(username):
        return User.objects.get(username=username).person_id

    def pick(st, *, want=(), n=3):
        """The station's serving deputies: those wanted first, then others, n in all."""
        pool = list(station_deputies_now(st))
        chosen = [m for m in pool if m.person_id in want]
        chosen += [m for m in pool if m not in chosen][: max(0, n - len(chosen))]
        return chosen

    # A fixed day that falls on a public holiday in the months shown, so one date is cancelled for it.
    holiday = (
        CalendarDay.objects.filter(kind=CalendarDay.Kind.HOLIDAY, date__gte=first, date__lte=last)
        .order_by("date")
        .first()
    )
    holiday_day = holiday.date.day if holiday else 1
    contact_months = [months[2][1], (months[2][1] + 5) % 12 + 1]

    deputy_a, deputy_b = person_of("deputy_a"), person_of("deputy_b")
    leader_a, leader_b = person_of("leader_a"), person_of("leader_b")
    city_chair = person_of("city_chair")
    T = dt.time
    hubin = station(east, "湖滨街道人大代表联络站")
    lingnan = station(west, "岭南街道人大代表联络站")
    plans = [
        # (actor, station, rule values, deputies wanted)
        (
            "station_a",
            hubin,
            dict(kind="monthly_day", day=15, start_time=T(9), end_time=T(11, 30)),
            (deputy_a,),
        ),
        (
            "station_a",
            hubin,
            dict(
                kind="contact_month",
                weekday=5,
                months=contact_months,
                start_time=T(9),
                end_time=T(11),
                theme="代表集中联系选民月",
            ),
            (deputy_a,),
        ),
        (
            "staff_a",
            station(east, "文昌街道人大代表联络站"),
            dict(kind="nth_weekday", nth=2, weekday=2, start_time=T(14, 30), end_time=T(17)),
            (deputy_a,),
        ),
        (
            "staff_a",
            station(east, "东湖区人大代表之家"),
            dict(
                kind="monthly_day",
                day=holiday_day,
                start_time=T(9),
                end_time=T(11, 30),
                day_off_policy="skip",
                theme="区人大代表集中接待",
            ),
            (),
        ),
        (
            "staff_a",
            station(east, "湖滨街道锦绣社区代表小组活动室"),
            dict(kind="monthly_day", day=15, months=[1, 3, 5, 7, 9, 11], start_time=T(9), end_time=T(11)),
            (leader_a,),
        ),
        (
            "station_b",
            lingnan,
            dict(kind="nth_weekday", nth=3, weekday=5, start_time=T(9), end_time=T(11, 30)),
            (leader_b,),
        ),
        (
            "staff_b",
            station(west, "枫林街道人大代表联络站"),
            dict(kind="monthly_day", day=10, start_time=T(9), end_time=T(11, 30), day_off_policy="next_any"),
            (deputy_b,),
        ),
        (
            "staff_b",
            station(west, "西岭区人大代表之家"),
            dict(
                kind="monthly_day", day=20, start_time=T(14, 30), end_time=T(17), theme="民生实事项目征求意见"
            ),
            (),
        ),
        (
            "city_staff",
            station(city, "示范市人大代表之家"),
            dict(
                kind="nth_weekday",
                nth=-1,
                weekday=4,
                start_time=T(14, 30),
                end_time=T(17),
                theme="市人大代表集中接待",
            ),
            (city_chair,),
        ),
        (
            "city_staff",
            station(city, "示范市人大常委会基层立法联系点"),
            dict(
                kind="nth_weekday",
                nth=1,
                weekday=2,
                start_time=T(14, 30),
                end_time=T(16, 30),
                theme="法规草案征求意见",
            ),
            (),
        ),
    ]
    rules = []
    for username, st, values, want in plans:
        values = {"day_off_policy": "next", **values}
        rule = svc.reception_rule_create(
            actor=users[username], station=st, valid_from=valid_from, deputies=pick(st, want=want), **values
        )
        rules.append((username, rule))

    # Next month, by hand: 湖滨街道 moves its 15th (a community election that day), 岭南街道 cancels its date.
    cal = WorkingCalendar(first, last + dt.timedelta(days=40))
    for username, rule in rules:
        if rule.station_id == hubin.pk and rule.kind == ReceptionRule.Kind.MONTHLY_DAY:
            day = rule_dates(rule, *months[2])[0]
            svc.reception_exception_add(
                actor=users[username],
                rule=rule,
                date=day,
                action="move",
                new_date=cal.next_working_day(day + dt.timedelta(days=1)),
                reason="当日社区开展居委会换届选举，接待日顺延",
            )
        if rule.station_id == lingnan.pk:
            day = rule_dates(rule, *months[2])[0]
            svc.reception_exception_add(
                actor=users[username],
                rule=rule,
                date=day,
                action="cancel",
                reason="街道组织防汛应急演练，本月接待暂停，可扫码留言",
            )

    if holiday is None:
        # No public holiday entered for these months (a year whose calendar is not imported yet): the home's
        # date next month is cancelled by hand for the holiday instead, so one day still reads so.
        for username, rule in rules:
            if rule.day_off_policy == "skip":
                svc.reception_exception_add(
                    actor=users[username],
                    rule=rule,
                    date=rule_dates(rule, *months[2])[0],
                    action="cancel",
                    reason="适逢节假日，本次接待取消",
                )

    # Schedule the three months for every station with a rule.
    stations = {}
    for username, rule in rules:
        stations.setdefault(rule.station_id, (username, rule.station))
    for username, st in stations.values():
        for year, month in months:
            svc.reception_month_confirm(actor=users[username], station=st, year=year, month=month)

    # Record the days already past, with a few opinions taken.
    recorded = 0
    opinion_i = 0
    past = (
        ReceptionDay.objects.filter(
            station_id__in=stations, status=ReceptionDay.Status.PLANNED, date__lte=today
        )
        .select_related("station__congress")
        .order_by("date", "pk")
    )
    # Left to record: today's days, and the last past day of each sibling station (a task for its staff).
    last_past = {}
    for day in past:
        if day.date < today and day.station_id in (hubin.pk, lingnan.pk):
            last_past[day.station_id] = day.pk
    past = [d for d in past if d.date < today and d.pk not in last_past.values()]
    for i, day in enumerate(past):
        username = stations[day.station_id][0]
        actor = users[username]
        scheduled = list(
            Mandate.objects.filter(
                reception_attendance__day=day, reception_attendance__scheduled=True
            ).order_by("pk")
        )
        came = scheduled[:-1] if len(scheduled) >= 3 and i % 2 == 0 else scheduled
        if i % 3 == 1:
            extra = [m for m in station_deputies_now(day.station) if m not in scheduled][:1]
            came = came + extra
        if not came:
            came = list(station_deputies_now(day.station)[:1])
        notes, follow_up = RECORDS[i % len(RECORDS)]
        svc.reception_day_record(
            actor=actor,
            day=day,
            attended=came,
            citizens_count=6 + (i * 7) % 17,
            notes=notes,
            follow_up=follow_up,
        )
        recorded += 1
        if i % 2 == 0 and opinion_i < len(OPINIONS):
            category, content, place = OPINIONS[opinion_i]
            opinion_i += 1
            # Addressed to a deputy who came and whom the recording office may name (its congress or station).
            mandate = next((m for m in came if m.congress_id == day.congress_id), None)
            svc.reception_day_enter_opinion(
                actor=actor,
                day=day,
                mandate=mandate,
                kind="opinion",
                category=category,
                content=content,
                consent=True,
                place=place,
            )
    return ReceptionDay.objects.filter(station_id__in=stations).count()
