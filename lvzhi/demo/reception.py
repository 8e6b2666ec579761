"""Demo reception days (接待日) of 东湖区, 西岭区 and the city, relative to the build day.

Every station of the two districts' own congresses, and the city's two, has a rule matching its opening hours:
the 15th of each month at the liaison stations (湖滨街道人大代表联络站 of station_a, with two voter-contact months
of "2+12+365", every Saturday, starting next month), the 15th of each odd month in the group rooms, and a
Wednesday afternoon a week at the legislative contact points while a draft regulation is out for comment.
Some stations keep a day of their own, and their opening hours say so: the second Wednesday at 文昌街道, a
fixed day at 东湖区人大代表之家 that falls on a public holiday in the shown months and is cancelled for it, the
third Saturday at 岭南街道 (station_b), the 10th at 枫林街道, moved off weekends, the 20th at 西岭区人大代表之家,
the city's last Friday at its deputy home and the first Wednesday at its legislative contact point. The
stations of 南港区 (its district's and its towns') and of 青石镇 keep the usual days too (the site administrator
keeps them: the demo has no office account there); a room of 南港区 with no deputy yet cancels its past day.
The stations of the other towns have no rule, so the coverage page lists them.

The previous month, and the current month up to today, are scheduled and recorded (who came, how many
citizens, what was raised); each held day with citizens has a few opinions typed into the opinions store
(which count as receiving citizens for each deputy who came), those of earlier weeks already answered or
solved. The rest of this month and the next are planned. Left to record: today's days, and the last past day
of 湖滨街道 and 岭南街道 (a task for their staff). Next month one date is moved by hand at 湖滨街道 and one
cancelled at 岭南街道, each with a reason. Every step runs through the services, so each is audited like a
real one.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q
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
    (
        "居民反映小区物业服务下降、公共收益不公开；有群众咨询灵活就业人员参加社保的办法。",
        "物业问题请街道物业办指导业委会处理；社保问题由社区劳动保障站当场解答。",
    ),
    (
        "群众反映楼道电动自行车充电隐患、垃圾分类投放点夜间无人督导。",
        "充电桩选址由社区会同物业研究；垃圾分类督导时间问题转街道城管科。",
    ),
]

LEGISLATIVE_RECORD = (
    "座谈围绕《示范市物业管理条例（草案）》展开，居民、业委会成员和物业企业代表就维修资金使用、"
    "物业服务信息公开、物业退出交接等条款发表意见。",
    "意见已逐条整理，报送市人大常委会法制工作委员会。",
)
LEGISLATIVE_THEME = "《示范市物业管理条例（草案）》征求意见座谈"

# Opinions typed in on a reception day: (category, content, place); {area} is the station's street or community.
OPINIONS = [
    (
        "city",
        "{area}一处主干道路口的红绿灯时间太短，老人过马路来不及，希望延长行人绿灯时间。",
        "{area}主要路口",
    ),
    (
        "housing",
        "{area}一个小区的物业长期不公开公共收益账目，业主多次询问无果，希望有关部门督促公开。",
        "{area}",
    ),
    ("elderly", "{area}社区助餐点只在工作日开放，希望周末也能为独居老人提供午餐。", "{area}社区助餐点"),
    ("environment", "{area}河道两岸夏季蚊虫多，垃圾清运不及时，希望加强保洁和消杀。", "{area}沿河路"),
    ("traffic", "{area}学校门口放学时段车辆乱停，接送学生很不安全，建议设置临时停车区。", "{area}小学门口"),
    (
        "housing",
        "{area}一处老旧小区屋顶漏水多年，维修资金申请手续繁琐，希望简化流程尽快维修。",
        "{area}老旧小区",
    ),
    (
        "safety",
        "{area}居民楼道里电动自行车充电很普遍，存在火灾隐患，希望小区增设集中充电桩。",
        "{area}居民小区",
    ),
    ("health", "{area}社区卫生服务中心慢病专家号源少，希望增加专家坐诊时间。", "{area}社区卫生服务中心"),
    ("city", "{area}背街小巷夜间有几盏路灯一直不亮，居民晚上出行不安全。", "{area}背街小巷"),
    ("market", "{area}农贸市场个别摊位缺斤短两，希望加强计量监管、设立公平秤。", "{area}农贸市场"),
    (
        "environment",
        "{area}商业街几家餐饮店油烟直排，周边居民常年不敢开窗，希望督促安装净化设备。",
        "{area}商业街",
    ),
    ("jobs", "{area}就业困难人员希望社区多组织技能培训和招聘会，提供更多公益性岗位。", ""),
    ("education", "{area}新建小区配套幼儿园迟迟未开园，附近幼儿园学位紧张，希望尽快开办。", "{area}新建小区"),
    ("traffic", "{area}公交站台离小区较远且没有遮阳棚，希望优化线路、增设站点。", "{area}公交站"),
]
LEGISLATIVE_OPINIONS = [
    ("housing", "{area}居民建议《示范市物业管理条例（草案）》明确业主大会首次会议的召集时限和召集人。", ""),
    ("housing", "{area}居民认为草案第二十三条维修资金应急使用的情形过窄，建议把电梯故障停运列入。", ""),
    ("housing", "{area}业委会成员建议草案规定物业公共收益账目每季度公示，并可查阅原始凭证。", ""),
    ("housing", "{area}居民建议草案明确物业服务合同期满后的退出交接程序，防止物业拒不撤场。", ""),
    ("safety", "{area}居民建议草案对占用消防通道、楼道堆物规定更明确的处理措施。", ""),
    ("housing", "{area}居民建议草案对无物业管理的老旧小区作出兜底规定，由街道组织提供基本物业服务。", ""),
    ("housing", "{area}物业企业代表建议草案对物业费调整的协商程序作出规定，避免长期无法调价。", ""),
    ("other", "{area}居民建议草案条文多用通俗表述，并在小区公告栏张贴条例要点。", ""),
]
# How staff answered opinions of the earlier weeks (the citizen reads it on the status page).
ANSWERS = [
    "您反映的问题已转交街道相关部门，近期将组织现场查看，处理进展会在下次接待日通报。",
    "感谢您的意见。相关部门已答复将列入明年工作计划，我们将持续跟踪。",
    "已汇总整理，作为代表意见建议报送区人大常委会。",
]
SOLVED = [
    "经协调，有关部门已完成整改，社区已回访居民，群众表示满意。",
    "问题已由街道牵头解决，相关设施已修复并投入使用。",
]


def _area(station_name: str) -> str:
    """The street or community a station serves, for the opinions typed in there: 锦绣社区, 湖滨街道, 东湖区."""
    found = re.search(r"(\w{2}社区)", station_name) or re.match(r"(\w+?(?:街道|镇|乡|区|市))", station_name)
    return found.group(1) if found else ""


def _month_shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def build_demo_reception() -> int:
    from lvzhi.core.calendar import WorkingCalendar
    from lvzhi.core.models import CalendarDay
    from lvzhi.org.models import Congress, User
    from lvzhi.stations import services_reception as svc
    from lvzhi.stations.models import ReceptionDay, ReceptionRule, Station
    from lvzhi.stations.schedule import month_bounds, rule_dates
    from lvzhi.stations.selectors_reception import station_deputies_now
    from lvzhi.stations.services import station_update

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
    # The other stations of the two districts' congresses keep the days their opening hours state.
    staff_of = {east.pk: "staff_a", west.pk: "staff_b"}
    kept = {st.pk for _u, st, _v, _w in plans}
    for st in Station.objects.filter(congress__in=[east, west], is_active=True).order_by("pk"):
        if st.pk not in kept:
            plans.append((staff_of[st.congress_id], st, _usual_rule(st, today), ()))

    rules = []
    for username, st, values, want in plans:
        values = {"day_off_policy": "next", "valid_from": valid_from, **values}
        rule = svc.reception_rule_create(
            actor=users[username], station=st, deputies=pick(st, want=want), **values
        )
        rules.append((username, rule))

    # The stations whose own day differs from the usual 15th say so in their opening hours.
    own_hours = [
        (
            "staff_a",
            station(east, "文昌街道人大代表联络站"),
            "每月第二个星期三 14:30–17:00 代表接待日；工作日 9:00–17:00 有联络员值守",
        ),
        (
            "staff_a",
            station(east, "东湖区人大代表之家"),
            f"周一至周五 8:30–12:00，14:00–17:30；每月{holiday_day}日上午为代表接待日（逢节假日不安排）",
        ),
        ("staff_b", lingnan, "每月第三个星期六 9:00–11:30 代表接待日；工作日 9:00–17:00 有联络员值守"),
        (
            "staff_b",
            station(west, "枫林街道人大代表联络站"),
            "每月10日 9:00–11:30 代表接待日（逢休息日顺延）；工作日 9:00–17:00 有联络员值守",
        ),
        (
            "staff_b",
            station(west, "西岭区人大代表之家"),
            "周一至周五 8:30–12:00，14:00–17:30；每月20日下午为代表接待日",
        ),
        (
            "city_staff",
            station(city, "示范市人大代表之家"),
            "周一至周五 8:30–12:00，14:00–17:30；每月最后一个星期五下午为代表接待日",
        ),
        (
            "city_staff",
            station(city, "示范市人大常委会基层立法联系点"),
            "工作日 9:00–17:00；每月第一个星期三下午集中座谈，征求法规草案意见",
        ),
    ]
    for username, st, hours in own_hours:
        station_update(
            actor=users[username],
            station=st,
            kind=st.kind,
            name=st.name,
            address=st.address,
            opening_hours=hours,
            phone=st.phone,
        )

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
    _schedule_and_record(stations, users, months, today, left_to_record=(hubin.pk, lingnan.pk))
    done = ReceptionDay.objects.filter(station_id__in=stations).count()

    # 南港区 (its district and its towns) and 青石镇 below 东湖区 keep the 15th their opening hours state too.
    # No office account of theirs is in the demo, so the site administrator keeps their days.
    others = Station.objects.filter(is_active=True).filter(
        Q(congress__path__startswith=Congress.objects.get(parent=city, region_name="南港区").path)
        | Q(congress__region_name="青石镇", congress__parent=east)
    )
    users["admin"] = User.objects.get(username="admin")
    stations = {}
    for st in others.order_by("congress__path", "pk"):
        values = {"day_off_policy": "next", "valid_from": valid_from, **_usual_rule(st, today)}
        svc.reception_rule_create(actor=users["admin"], station=st, deputies=pick(st), **values)
        stations[st.pk] = ("admin", st)
    _schedule_and_record(stations, users, months, today, left_to_record=())
    return done + ReceptionDay.objects.filter(station_id__in=stations).count()


def _usual_rule(st, today: dt.date) -> dict:
    """The days a station's opening hours state: the 15th at a liaison station or a deputy home, the 15th of
    each odd month in a group room, and at a legislative contact point a Wednesday afternoon a week while a
    draft regulation is out for comment (four weeks ago to three ahead)."""
    from lvzhi.stations.models import Station

    T = dt.time
    if st.kind == Station.Kind.LEGISLATIVE:
        return dict(
            kind="weekly",
            weekday=2,
            start_time=T(14, 30),
            end_time=T(17),
            theme=LEGISLATIVE_THEME,
            valid_from=today - dt.timedelta(days=28),
            valid_to=today + dt.timedelta(days=21),
        )
    if st.kind == Station.Kind.ROOM:
        return dict(kind="monthly_day", day=15, months=[1, 3, 5, 7, 9, 11], start_time=T(9), end_time=T(11))
    return dict(kind="monthly_day", day=15, start_time=T(9), end_time=T(11, 30))


def _schedule_and_record(stations: dict, users: dict, months, today: dt.date, *, left_to_record) -> None:
    """Schedule the months for the stations (id → (actor's username, station)), record their past days with
    the citizens' opinions typed in, and answer or solve the opinions of the earlier weeks. The last past day
    of each station in `left_to_record` stays to record (a task for its staff); a past day at a station with
    no deputy yet is cancelled."""
    from lvzhi.opinions.services.handling import opinion_reply, opinion_solve
    from lvzhi.stations import services_reception as svc
    from lvzhi.stations.models import ReceptionAttendance, ReceptionDay, Station
    from lvzhi.stations.selectors_reception import station_deputies_now

    for username, st in stations.values():
        for year, month in months:
            svc.reception_month_confirm(actor=users[username], station=st, year=year, month=month)

    # Record the days already past; each with citizens has a few of their opinions typed in.
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
        if day.date < today and day.station_id in left_to_record:
            last_past[day.station_id] = day.pk
    past = [d for d in past if d.date < today and d.pk not in last_past.values()]
    scheduled_of: dict[int, list] = {}
    for row in ReceptionAttendance.objects.filter(day__in=past, scheduled=True).select_related("mandate"):
        scheduled_of.setdefault(row.day_id, []).append(row.mandate)
    serving_of = {sid: list(station_deputies_now(st)) for sid, (_u, st) in stations.items()}
    # Opinions typed in so far by one office for one area (two stations of a town share its name), from the
    # first such station's place in the pool: each text once per office and area (the entry step would take
    # the same text by the same office as a second tap).
    taken_at: dict[tuple, int] = {}
    base_of: dict[tuple, int] = {}
    entered = []  # (day, opinion, actor)
    for i, day in enumerate(past):
        username = stations[day.station_id][0]
        actor = users[username]
        legislative = day.station.kind == Station.Kind.LEGISLATIVE
        scheduled = sorted(scheduled_of.get(day.pk, []), key=lambda m: m.pk)
        came = scheduled[:-1] if len(scheduled) >= 3 and i % 2 == 0 else scheduled
        if i % 3 == 1:
            came = came + [m for m in serving_of[day.station_id] if m not in scheduled][:1]
        if not came:
            came = serving_of[day.station_id][:1]
        if not came:  # a room newly opened, no deputy in it yet
            svc.reception_day_cancel(actor=actor, day=day, reason="活动室新设，尚无代表进站，本次接待暂停")
            continue
        notes, follow_up = LEGISLATIVE_RECORD if legislative else RECORDS[i % len(RECORDS)]
        citizens = 5 + (i * 7) % 13 if legislative else 6 + (i * 7) % 17
        svc.reception_day_record(
            actor=actor, day=day, attended=came, citizens_count=citizens, notes=notes, follow_up=follow_up
        )
        # Addressed to a deputy who came and whom the recording office may name (its congress or station).
        mandate = next((m for m in came if m.congress_id == day.congress_id), None)
        pool = LEGISLATIVE_OPINIONS if legislative else OPINIONS
        area = _area(day.station.name)
        key = (username, area, legislative)
        base = base_of.setdefault(key, day.station_id)
        for _n in range(1 + citizens // 9):
            k = taken_at.get(key, 0)
            taken_at[key] = k + 1
            category, content, place = pool[(base + k) % len(pool)]
            done = svc.reception_day_enter_opinion(
                actor=actor,
                day=day,
                mandate=mandate if k % 3 != 2 else None,
                kind="opinion",
                category=category,
                content=content.format(area=area),
                consent=True,
                place=place.format(area=area),
            )
            entered.append((day, done.opinion, actor))

    # The opinions of the earlier weeks have been answered or solved by the office that took them.
    for j, (day, opinion, actor) in enumerate(entered):
        if (today - day.date).days < 10:
            continue
        if j % 3 == 0:
            opinion_solve(actor=actor, opinion=opinion, what_was_done=SOLVED[j % len(SOLVED)])
        else:
            opinion_reply(actor=actor, opinion=opinion, body=ANSWERS[j % len(ANSWERS)])
