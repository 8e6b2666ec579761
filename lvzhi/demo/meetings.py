"""The demo city's invitations (列席, 视察, 调研, 听证, 庭审旁听) and citizen observers (旁听).

For the city and each district: a standing-committee meeting held last month (agenda, deputies invited from the
proposal, answers, attendance with speeches, concluded; observers approved and turned down) and one coming
(agenda; invitations proposed, sent and waiting, accepted, declined with a reason, withdrawn; observers'
applications waiting, approved, not approved). The city's committees invite to an inspection and a research
trip, the city's procuratorate held a public hearing and its intermediate court invites to an open court
session with citizen observers; the districts run a law-enforcement check and a research trip.

Every step goes through the services the pages use, each on the day it happened (time-machine), so the
history, the notifications and the performance activities read as they would. The demo accounts' deputies
(deputy_a, leader_a of 东湖区; deputy_b, leader_b of 西岭区; deputy_a also for the city) are among the
invited, so their "my invitations" has something to answer. Most grassroots deputies are not invited: the
coverage report has deputies still uncovered this term.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.utils import timezone

from lvzhi.org.models import Committee, Congress, Mandate, RoleAssignment, Unit, User
from lvzhi.org.roles import Role

from .names import FEMALE_GIVEN, MALE_GIVEN, MOBILE_PREFIXES, SURNAMES

SEED = 6026

DECLINE_REASONS = [
    "当天单位有重要接待任务，无法脱身，请谅解。",
    "已安排外出学习培训，时间冲突。",
    "身体不适正在治疗，恳请另行安排。",
]
SPEECHES = [
    ("关于加快学位供给", "建议结合人口变化预测，加快城东片区新建学校进度，缓解入学压力。"),
    ("关于课后服务质量", "课后服务内容较单一，建议引入社会资源，丰富体育、艺术类课程。"),
    ("关于老旧小区改造", "改造中应同步考虑加装电梯和停车位，充分听取居民意见。"),
    ("关于营商环境", "建议进一步压缩企业开办时间，推行涉企事项一次办。"),
    ("关于农村公路养护", "部分村道破损严重，建议落实养护资金，明确管养责任。"),
    ("关于基层医疗服务", "建议完善社区卫生服务中心夜间值班制度，方便群众就医。"),
    ("关于垃圾分类", "建议加强宣传引导，完善小区分类投放设施。"),
]
EMPLOYERS = [
    "示范市第一中学",
    "东湖街道社区居委会",
    "示范市人民医院",
    "西岭区个体工商户",
    "示范大学法学院（学生）",
    "城南工业园某电子公司",
    "退休",
    "无",
]
OBSERVE_REASONS = [
    "想了解人大常委会如何审议议题。",
    "关心本地教育发展，希望现场听取审议。",
    "作为法学专业学生，希望实地学习。",
    "",
]


@contextmanager
def on_day(day: dt.date, minute: int = 0) -> Iterator[dt.date]:
    """Run a step at 09:00 (plus `minute`) on `day`; a step of today never runs later than now."""
    now = timezone.now()
    moment = dt.datetime.combine(day, dt.time(9, 0), tzinfo=timezone.get_current_timezone())
    moment += dt.timedelta(minutes=minute)
    if moment >= now:
        moment = now - dt.timedelta(seconds=1)
    with time_machine.travel(moment, tick=False):
        yield day


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).select_related("person").first()


def _mandate(user: User | None, congress: Congress) -> Mandate | None:
    if user is None or not user.person_id:
        return None
    return Mandate.objects.current().filter(person_id=user.person_id, congress=congress).first()


def _id_number(rng: random.Random) -> str:
    from lvzhi.meetings.checks import id_check_char

    born = dt.date(rng.randint(1962, 2004), rng.randint(1, 12), rng.randint(1, 28))
    first = f"370302{born:%Y%m%d}{rng.randint(10, 999):03d}"
    return first + id_check_char(first)


def _citizen(rng: random.Random) -> dict:
    given = MALE_GIVEN if rng.random() < 0.5 else FEMALE_GIVEN
    name = rng.choice(SURNAMES[:60]) + "".join(rng.choice(given) for _ in range(rng.choice([1, 2])))
    return {
        "name": name,
        "id_number": _id_number(rng),
        "phone": rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99999999):08d}",
        "employer": rng.choice(EMPLOYERS),
        "reason": rng.choice(OBSERVE_REASONS),
    }


class Demo:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.accounts = {u.person_id: u for u in User.objects.filter(person__isnull=False, is_active=True)}
        self.count = 0

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    # --- planning -----------------------------------------------------------------------------------
    def plan(self, office, congress, *, created: int, agenda=(), **fields):
        from lvzhi.meetings.services.meetings import MeetingData, agenda_item_add, meeting_create

        data = MeetingData(
            kind=fields["kind"],
            host=fields.get("host", "standing"),
            host_committee=fields.get("committee"),
            host_unit=fields.get("unit"),
            title=fields["title"],
            starts_on=fields["starts_on"],
            ends_on=fields.get("ends_on") or fields["starts_on"],
            time_text=fields.get("time_text", ""),
            place=fields["place"],
            description=fields.get("description", ""),
            deputy_places=fields.get("places"),
            observers_open=bool(fields.get("capacity")),
            observer_capacity=fields.get("capacity") or 0,
            observer_closes_on=fields.get("closes_on"),
            observer_notes=fields.get("notes", ""),
        )
        with on_day(self.day(created)):
            meeting = meeting_create(actor=office, congress=congress, data=data)
        for i, (title, presenter, topics) in enumerate(agenda):
            with on_day(self.day(created), minute=i + 1):
                agenda_item_add(
                    actor=office, meeting=meeting, title=title, presenter=presenter, fields=topics
                )
        self.count += 1
        return meeting

    def invite(self, office, meeting, *, day: int, n: int, must=(), send: bool = True) -> list:
        """Put the demo deputies (`must`) and the proposal's best `n` on the list, preferring deputies with an
        account (so their answers can be given); send the invitations."""
        from lvzhi.meetings.proposal import propose
        from lvzhi.meetings.services.invitations import invitations_propose, invitations_send_all

        with on_day(self.day(day), minute=20):
            candidates = [c.mandate for c in propose(meeting=meeting)]
            wanted = [m for m in must if m is not None and m in candidates]
            with_account = [m for m in candidates if m.person_id in self.accounts and m not in wanted]
            wanted += with_account[:n]
            done = invitations_propose(actor=office, meeting=meeting, mandates=wanted)
        if send:
            with on_day(self.day(day), minute=40):
                invitations_send_all(actor=office, meeting=meeting)
        return done

    def answer(self, invitation, *, day: int, accept: bool, minute: int = 0) -> None:
        from lvzhi.meetings.services.invitations import invitation_accept, invitation_decline

        user = self.accounts.get(invitation.mandate.person_id)
        if user is None:
            return
        with on_day(self.day(day), minute=minute):
            if accept:
                invitation_accept(actor=user, invitation=invitation)
            else:
                invitation_decline(actor=user, invitation=invitation, reason=self.rng.choice(DECLINE_REASONS))

    def attend(self, office, meeting, invitations, *, speakers: int) -> None:
        from lvzhi.meetings.services.invitations import invitation_record_attendance, speech_record

        agenda = list(meeting.agenda.all())
        offset = (meeting.starts_on - self.today).days
        for i, inv in enumerate(invitations):
            with on_day(self.day(offset), minute=180 + i):
                invitation_record_attendance(actor=office, invitation=inv, attended=True)
                if i < speakers:
                    topic, summary = SPEECHES[(i + meeting.pk) % len(SPEECHES)]
                    speech_record(
                        actor=office,
                        invitation=inv,
                        topic=topic,
                        summary=summary,
                        agenda_item=agenda[i % len(agenda)] if agenda else None,
                    )

    def conclude(self, office, meeting, *, day: int) -> None:
        from lvzhi.meetings.services.meetings import meeting_conclude

        with on_day(self.day(day), minute=300):
            meeting_conclude(actor=office, meeting=meeting)

    def observers(self, office, meeting, *, day: int, approved: int, rejected: int, pending: int) -> None:
        from lvzhi.meetings.services.observers import observer_apply, observer_decide

        apps = []
        for i in range(approved + rejected + pending):
            with on_day(self.day(day - 2 + i % 3), minute=30 + i):
                apps.append(observer_apply(meeting=meeting, consent=True, **_citizen(self.rng)).application)
        for i, app in enumerate(apps[: approved + rejected]):
            with on_day(self.day(day + 1), minute=i):
                if i < approved:
                    observer_decide(actor=office, application=app, approve=True)
                else:
                    observer_decide(
                        actor=office,
                        application=app,
                        approve=False,
                        note="本次旁听名额优先安排首次申请的市民，欢迎报名下次会议。",
                    )

    # --- a congress's standing-committee meetings --------------------------------------------------------
    def standing_committee(self, office, congress, *, number: int, short: str, mine=(), accepting=()) -> None:
        past = self.plan(
            office,
            congress,
            created=-58,
            kind="sc_meeting",
            title=f"{short}人大常委会第{number}次会议",
            starts_on=self.day(-40),
            time_text="上午9:00–11:30",
            place=f"{short}人大常委会机关第一会议室",
            description="列席代表可就各项议程发表意见，会后由办公室汇总交有关部门研究。",
            agenda=[
                ("听取和审议关于义务教育优质均衡发展情况的报告", "教育局", ["education"]),
                ("听取和审议关于老旧小区改造工作情况的报告", "住房和城乡建设局", ["urban"]),
            ],
            places=8,
            capacity=20,
            closes_on=self.day(-43),
            notes="请携带本人身份证，提前30分钟到会场签到；会场内请勿录音录像。",
        )
        self.observers(office, past, day=-48, approved=3, rejected=1, pending=0)
        invited = self.invite(office, past, day=-55, n=7)
        for i, inv in enumerate(invited):
            if i == 2:
                self.answer(inv, day=-50, accept=False, minute=i)
            elif i < len(invited) - 1:
                self.answer(inv, day=-52 + i % 3, accept=True, minute=i)
        came = [inv for inv in invited if inv.mandate.person_id in self.accounts][:5]
        came = [inv for inv in came if _fresh(inv).state in ("accepted", "invited")]
        self.attend(office, past, [_fresh(inv) for inv in came], speakers=3)
        self.conclude(office, past, day=-39)

        coming = self.plan(
            office,
            congress,
            created=-6,
            kind="sc_meeting",
            title=f"{short}人大常委会第{number + 1}次会议",
            starts_on=self.day(12),
            time_text="上午9:00",
            place=f"{short}人大常委会机关第一会议室",
            description="会议将审议年度计划执行情况和卫生健康事业发展情况报告，欢迎列席代表提前调研、准备意见。",
            agenda=[
                ("审议关于本年度国民经济和社会发展计划执行情况的报告", "发展和改革委员会", ["economy"]),
                ("听取和审议关于基层医疗卫生服务体系建设情况的报告", "卫生健康委员会", ["health"]),
                ("审议关于农村人居环境整治情况的报告", "农业农村局", ["agriculture", "environment"]),
            ],
            places=10,
            capacity=30,
            closes_on=self.day(9),
            notes="请携带本人身份证，提前30分钟到会场签到。旁听人员不得发言、录音录像。",
        )
        self.observers(office, coming, day=-3, approved=2, rejected=1, pending=3)
        invited = self.invite(office, coming, day=-5, n=6, must=mine)
        # Two more on the list, not sent yet (the office's working paper).
        self.invite(office, coming, day=-1, n=2, send=False)
        from lvzhi.meetings.services.invitations import invitation_withdraw

        others = [inv for inv in invited if inv.mandate not in mine]
        for inv in invited:
            if inv.mandate in accepting:
                self.answer(inv, day=-4, accept=True)
        if others:
            self.answer(others[0], day=-3, accept=True, minute=5)
        if len(others) > 1:
            self.answer(others[1], day=-3, accept=True, minute=6)
        if len(others) > 2:
            self.answer(others[2], day=-2, accept=False, minute=7)
        if len(others) > 3:
            with on_day(self.day(-1), minute=10):
                invitation_withdraw(
                    actor=office, invitation=_fresh(others[3]), reason="该代表近期另有公务外出考察"
                )

    def activity(
        self,
        office,
        congress,
        *,
        kind,
        title,
        starts_on,
        place,
        host="standing",
        committee=None,
        unit=None,
        agenda=(),
        created,
        invite_day,
        n,
        must=(),
        held: bool,
        capacity=0,
        closes_on=None,
        days=0,
        description="",
    ) -> None:
        meeting = self.plan(
            office,
            congress,
            created=created,
            kind=kind,
            host=host,
            committee=committee,
            unit=unit,
            title=title,
            starts_on=self.day(starts_on),
            ends_on=self.day(starts_on + days),
            time_text="上午8:30集合",
            place=place,
            description=description,
            agenda=agenda,
            places=n + len(must),
            capacity=capacity,
            closes_on=closes_on,
            notes="请携带本人身份证，提前20分钟到达。" if capacity else "",
        )
        invited = self.invite(office, meeting, day=invite_day, n=n, must=must)
        for i, inv in enumerate(invited):
            if held or i % 2 == 0:
                self.answer(inv, day=invite_day + 1, accept=i != 1, minute=i)
        if capacity:
            self.observers(office, meeting, day=invite_day + 1, approved=2, rejected=0, pending=2)
        if held:
            came = [_fresh(inv) for inv in invited if _fresh(inv).state == "accepted"]
            self.attend(office, meeting, came, speakers=2)
            self.conclude(office, meeting, day=starts_on + days + 1)


def _fresh(inv):
    inv.refresh_from_db()
    return inv


def build_demo_meetings() -> int:
    """Write the demo's invited activities; returns how many were planned."""
    from lvzhi.meetings.models import Meeting

    city = Congress.objects.filter(level=Congress.Level.CITY, parent__isnull=True).order_by("pk").first()
    east = Congress.objects.filter(name="东湖区人民代表大会").first()
    west = Congress.objects.filter(name="西岭区人民代表大会").first()
    south = Congress.objects.filter(name="南港区人民代表大会").first()
    if city is None or east is None or west is None or Meeting.objects.exists():
        return 0
    office = {
        ra.congress_id: ra.user
        for ra in RoleAssignment.objects.filter(role=Role.STAFF, is_active=True).select_related("user")
    }
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    d = Demo()
    deputy_a, deputy_b = _user("deputy_a"), _user("deputy_b")
    leader_a, leader_b = _user("leader_a"), _user("leader_b")

    east_mine = [m for m in (_mandate(deputy_a, east), _mandate(leader_a, east)) if m]
    west_mine = [m for m in (_mandate(deputy_b, west), _mandate(leader_b, west)) if m]
    city_mine = [m for m in (_mandate(deputy_a, city),) if m]
    d.standing_committee(office[city.pk], city, number=32, short="示范市", mine=city_mine)
    d.standing_committee(
        office[east.pk], east, number=27, short="东湖区", mine=east_mine, accepting=east_mine[1:]
    )
    d.standing_committee(
        office[west.pk], west, number=25, short="西岭区", mine=west_mine, accepting=west_mine[1:]
    )
    if south is not None and admin is not None:
        d.standing_committee(office.get(south.pk, admin), south, number=24, short="南港区")

    committee = {c.name: c for c in Committee.objects.filter(congress=city)}
    unit = {u.kind: u for u in Unit.objects.filter(congress=city, kind__in=["court", "procuratorate"])}
    if "财政经济委员会" in committee:
        d.activity(
            office[city.pk],
            city,
            kind="inspection",
            host="committee",
            committee=committee["财政经济委员会"],
            title="视察城南工业园重点项目建设和园区发展情况",
            starts_on=-20,
            days=1,
            place="城南工业园管委会",
            agenda=[("实地察看重点项目建设进度", "市发展和改革委员会", ["economy"])],
            created=-35,
            invite_day=-30,
            n=5,
            must=city_mine,
            held=True,
            description="市人大财政经济委员会组织部分市人大代表视察，听取市发改委、园区管委会情况汇报。",
        )
    if "教育科学文化卫生委员会" in committee:
        d.activity(
            office[city.pk],
            city,
            kind="research",
            host="committee",
            committee=committee["教育科学文化卫生委员会"],
            title="调研中小学课后服务和学生心理健康工作",
            starts_on=18,
            place="市教育局及部分中小学",
            agenda=[("座谈了解课后服务开展情况", "市教育局", ["education", "health"])],
            created=-4,
            invite_day=-3,
            n=4,
            held=False,
        )
    if "procuratorate" in unit:
        d.activity(
            office[city.pk],
            city,
            kind="hearing",
            host="unit",
            unit=unit["procuratorate"],
            title="市人民检察院公开听证会（一起行政争议案件）",
            starts_on=-10,
            place="市人民检察院听证室",
            created=-24,
            invite_day=-21,
            n=3,
            held=True,
            description="邀请人大代表担任听证员，对案件处理发表意见。",
        )
    if "court" in unit:
        d.activity(
            office[city.pk],
            city,
            kind="open_court",
            host="unit",
            unit=unit["court"],
            title="旁听市中级人民法院公开审理一起民间借贷纠纷案",
            starts_on=15,
            place="市中级人民法院第三审判庭",
            created=-3,
            invite_day=-2,
            n=3,
            must=city_mine,
            held=False,
            capacity=15,
            closes_on=d.day(12),
            description="庭审结束后，法院将与代表座谈，听取对审判工作的意见建议。",
        )
    east_committees = {c.name: c for c in Committee.objects.filter(congress=east)}
    west_committees = {c.name: c for c in Committee.objects.filter(congress=west)}
    if "法制委员会" in east_committees:
        d.activity(
            office[east.pk],
            east,
            kind="law_enforcement",
            host="committee",
            committee=east_committees["法制委员会"],
            title="《中华人民共和国食品安全法》执法检查",
            starts_on=-25,
            place="东湖区市场监督管理局及部分农贸市场",
            agenda=[("检查农贸市场食品安全监管情况", "区市场监督管理局", ["law", "health"])],
            created=-40,
            invite_day=-36,
            n=4,
            held=True,
        )
    if "城乡建设环境保护委员会" in west_committees:
        d.activity(
            office[west.pk],
            west,
            kind="research",
            host="committee",
            committee=west_committees["城乡建设环境保护委员会"],
            title="调研城郊河道综合整治情况",
            starts_on=8,
            place="西岭区水利局及沿河村组",
            agenda=[("察看河道整治现场并座谈", "区水利局", ["environment", "agriculture"])],
            created=-5,
            invite_day=-4,
            n=4,
            must=west_mine[:1],
            held=False,
        )
    return d.count
