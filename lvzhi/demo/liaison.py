"""The demo city's two contacts (两个联系): standing-committee members of the city and both demo districts
keep fixed contact with their deputies, and the city's two special committees with the deputies of their
field; a year of contacts in every mode, some deputies not yet reached, some pairs below the yearly minimum,
opinions raised — some passed to the opinions store by the office, some waiting for it, some proposed to the
deputy, one already a draft suggestion.

Every step goes through the services the pages use, each on its own day (time travels to it), so the
history of every record reads as it happened. Fixed seed: every build is the same.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.utils import timezone

from lvzhi.liaison.contactors import Contactor
from lvzhi.liaison.models import Contact, RaisedOpinion, Side
from lvzhi.liaison.services.assignments import assignment_bulk, assignment_create, assignment_end
from lvzhi.liaison.services.contacts import ContactInput, contact_log
from lvzhi.liaison.services.raised import (
    NEXT_KEEP,
    NEXT_OFFICE,
    NEXT_SUGGESTION,
    RaisedInput,
    raised_draft,
    raised_enter,
    raised_propose,
    suggestion_draft_of,
)
from lvzhi.org.models import Committee, CommitteeMembership, Congress, DeputyGroup, Mandate, User

SEED = 2026
TOPICS = {
    Contact.Mode.VISIT: [
        ("走访了解老旧小区改造进展", "代表所在社区"),
        ("走访企业了解营商环境", "代表工作单位"),
        ("上门听取代表对年度立法计划的意见", "代表家中"),
        ("走访村里了解高标准农田建设", "代表所在村"),
    ],
    Contact.Mode.CALL: [
        ("电话沟通近期履职情况", ""),
        ("电话征求对常委会工作要点的意见", ""),
        ("电话了解选民反映的突出问题", ""),
    ],
    Contact.Mode.MEETING: [
        ("召开联系代表座谈会", "常委会会议室"),
        ("参加代表小组活动并座谈", "代表联络站"),
        ("座谈听取对民生实事项目的意见", "代表之家"),
    ],
    Contact.Mode.ONLINE: [
        ("线上交流专项工作评议意见", "微信群"),
        ("视频连线听取基层意见", "视频会议"),
    ],
}
DISCUSSED = [
    "通报了常委会近期工作安排，听取代表对本地区经济社会发展的意见，代表介绍了所在选区群众关心的问题。",
    "交流了代表近期履职情况，就议案建议办理进展进行了沟通，代表对办理工作提出了改进意见。",
    "听取代表对年度重点监督议题的意见建议，代表结合本职工作谈了看法。",
    "了解代表在工作和生活中遇到的困难，介绍了常委会联系代表的有关制度。",
]
# (category, content): what deputies raise (the kind of matters a city's deputies bring up).
RAISED = [
    ("traffic", "学校门前上下学时段车辆乱停乱放，建议增设临时停车区并加强交通疏导。"),
    ("housing", "老旧小区加装电梯推进缓慢，建议简化审批流程并加大财政补贴力度。"),
    ("elderly", "社区老年食堂覆盖不足，建议将助餐服务纳入民生实事项目。"),
    ("environment", "城郊河道存在生活污水直排现象，建议开展专项整治。"),
    ("education", "城区学位紧张，建议加快新建学校项目进度。"),
    ("health", "社区卫生服务中心夜间缺少值班医生，建议完善基层医疗服务。"),
    ("market", "农贸市场摊位费偏高，建议规范收费管理。"),
    ("rural", "部分村组道路破损严重，建议纳入农村公路提升改造计划。"),
    ("jobs", "高校毕业生留本地就业意愿不强，建议完善人才公寓和就业补贴政策。"),
]
MODES = [Contact.Mode.VISIT, Contact.Mode.CALL, Contact.Mode.MEETING, Contact.Mode.ONLINE]


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


def _members(congress: Congress, wanted: list[User], extra: int) -> list:
    """The demo accounts' member seats first, then `extra` more ordinary members of the standing committee."""
    seats = (
        CommitteeMembership.objects.filter(
            committee__congress=congress, committee__kind=Committee.Kind.STANDING, end_date__isnull=True
        )
        .select_related("person")
        .order_by("person_id")
    )
    own = [u.person for u in wanted if u is not None and u.person_id]
    others = [s.person for s in seats if s.position == "member" and s.person not in own]
    return own + others[:extra]


def _pool(congress: Congress, on: dt.date, exclude_people: set[int]) -> list[Mandate]:
    """Serving deputies of the congress who sit on no committee and lead no group (the people contacted)."""
    seated = set(
        CommitteeMembership.objects.filter(committee__congress=congress).values_list("person_id", flat=True)
    )
    leaders = set(DeputyGroup.objects.exclude(leader=None).values_list("leader__person_id", flat=True))
    return [
        m
        for m in Mandate.objects.current(on)
        .filter(congress=congress, start_date__lte=on)
        .select_related("person", "congress")
        .order_by("pk")
        if m.person_id not in seated | exclude_people | leaders
    ]


def _mandate_of(user: User | None, congress: Congress) -> Mandate | None:
    if user is None or not user.person_id:
        return None
    return Mandate.objects.current().filter(person_id=user.person_id, congress=congress).first()


class Builder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.start = self.today - dt.timedelta(days=370)
        self.count = 0
        self.reserved: set[int] = set()
        self.accounts = {
            u: _user(u) for u in ("deputy_a", "deputy_b", "leader_a", "leader_b", "member_a", "member_b")
        }
        self.reserved_people = {u.person_id for u in self.accounts.values() if u is not None and u.person_id}

    # -- assignments -----------------------------------------------------------------------------------
    def assign(self, staff: User, contactor: Contactor, mandates: list[Mandate], start: dt.date) -> list:
        out = []
        with on_day(start):
            for m in mandates:
                out.append(
                    assignment_create(
                        actor=staff, contactor=contactor, mandate=m, start_date=max(start, m.start_date)
                    )
                )
        return out

    def deputies_for(self, pool: list[Mandate], n: int, first: list[Mandate] = ()) -> list[Mandate]:
        chosen = [m for m in first if m is not None]
        for m in pool:
            if len(chosen) >= n:
                break
            if m.pk not in self.reserved and m.person_id not in self.reserved_people and m not in chosen:
                chosen.append(m)
        self.reserved |= {m.pk for m in chosen}
        return chosen

    # -- contacts ------------------------------------------------------------------------------------------
    def contact(self, actor: User, contactor: Contactor, day: dt.date, mandates, *, mode=None, opinions=()):
        mode = mode or self.rng.choice(MODES)
        topic, place = self.rng.choice(TOPICS[mode])
        with on_day(day, minute=self.count % 50):
            contact = contact_log(
                actor=actor,
                contactor=contactor,
                data=ContactInput(
                    date=day,
                    mode=mode,
                    topic=topic,
                    place=place,
                    discussed=self.rng.choice(DISCUSSED),
                    mandates=tuple(mandates),
                ),
                opinions=list(opinions),
            )
        self.count += 1
        return contact

    def year_of_contacts(
        self, actor: User, contactor: Contactor, assignments, *, skip=(), once=(), recent=()
    ):
        """Contacts over the last year: most deputies two to four times (one or two group meetings and some
        calls or visits), those in `once` only once, those in `skip` never; `recent` get one this quarter."""
        mandates = [a.mandate for a in assignments if a.mandate not in skip]
        q_start = dt.date(self.today.year, 3 * ((self.today.month - 1) // 3) + 1, 1)
        room = max(0, (self.today - q_start).days)
        # A group meeting early in the year and one mid-year with everyone reachable.
        regulars = [m for m in mandates if m not in once]
        for back in (300, 150):
            day = self.today - dt.timedelta(days=back + self.rng.randint(0, 20))
            if regulars:
                self.contact(actor, contactor, day, regulars, mode=Contact.Mode.MEETING)
        for m in regulars:
            for _i in range(self.rng.randint(0, 2)):
                day = self.today - dt.timedelta(days=self.rng.randint(room + 1, 340))
                self.contact(actor, contactor, day, [m], mode=self.rng.choice(MODES))
        for m in once:
            day = self.today - dt.timedelta(days=self.rng.randint(room + 10, 200))
            self.contact(actor, contactor, day, [m], mode=Contact.Mode.CALL)
        for m in recent:
            day = self.today - dt.timedelta(days=self.rng.randint(0, min(room, 20)))
            self.contact(
                actor, contactor, day, [m], mode=self.rng.choice([Contact.Mode.VISIT, Contact.Mode.ONLINE])
            )


def build_demo_liaison() -> int:
    b = Builder()
    city = Congress.objects.filter(level="city", parent__isnull=True).order_by("pk").first()
    east = Congress.objects.filter(name="东湖区人民代表大会").first()
    west = Congress.objects.filter(name="西岭区人民代表大会").first()
    if city is None or east is None or west is None:
        return 0
    staff = {c.pk: _user(name) for c, name in ((city, "city_staff"), (east, "staff_a"), (west, "staff_b"))}
    if None in staff.values():
        return 0
    made = 0
    for congress, member_names, extra in (
        (east, ["member_a"], 3),
        (west, ["member_b"], 3),
        (city, ["city_member_a", "city_member_b", "city_member_c"], 2),
    ):
        office = staff[congress.pk]
        users = [_user(n) for n in member_names]
        people = _members(congress, users, extra)
        pool = _pool(congress, b.start, {p.pk for p in people})
        for i, person in enumerate(people):
            contactor = Contactor(Side.MEMBER, congress, member=person)
            account = next((u for u in users if u is not None and u.person_id == person.pk), None)
            first = []
            if congress == east and i == 0:
                first = [_mandate_of(b.accounts["deputy_a"], east), _mandate_of(b.accounts["leader_a"], east)]
            elif congress == west and i == 0:
                first = [_mandate_of(b.accounts["deputy_b"], west), _mandate_of(b.accounts["leader_b"], west)]
            elif congress == city and i == 0:
                first = [_mandate_of(b.accounts["deputy_a"], city)]
            mandates = b.deputies_for(pool, 5 if i < 2 else 4, first)
            assignments = b.assign(office, contactor, mandates, b.start)
            made += len(assignments)
            actor = account or office
            # The shape of each member's year: one deputy not reached, one contacted once (below the minimum),
            # the demo deputies met this quarter.
            skip = [assignments[-1].mandate] if len(assignments) > 3 else []
            once = [assignments[-2].mandate] if len(assignments) > 3 else []
            recent = [a.mandate for a in assignments[:2]]
            b.year_of_contacts(actor, contactor, assignments, skip=skip, once=once, recent=recent)
            # A deputy who joined mid-year: a pro-rated minimum.
            late = b.deputies_for(pool, 1)
            if late:
                made += len(b.assign(office, contactor, late, b.today - dt.timedelta(days=100)))
                b.contact(actor, contactor, b.today - dt.timedelta(days=60), late, mode=Contact.Mode.VISIT)
            # Opinions raised: one kept, one sent to the office, one proposed to the deputy.
            made += _opinions(b, actor, office, contactor, assignments, congress == city and i == 1)
        # One assignment ended: the deputy moved to another member.
        ended = b.assign(
            office, Contactor(Side.MEMBER, congress, member=people[-1]), b.deputies_for(pool, 1), b.start
        )
        if ended:
            with on_day(b.today - dt.timedelta(days=45)):
                assignment_end(
                    actor=office,
                    assignment=ended[0],
                    end_date=b.today - dt.timedelta(days=45),
                    note="代表工作调整，改由其他组成人员联系",
                )
            made += 1
    made += _committees(b, city, staff[city.pk])
    return made


def _opinions(
    b: Builder, actor: User, office: User, contactor: Contactor, assignments, draft_one: bool
) -> int:
    """A recent meeting where three opinions were raised: proposed to the deputy as a suggestion, passed to
    the office (which enters it into the opinions store), kept in the log; a later call whose opinion still
    waits for the office. With `draft_one`, the deputy has already drafted the proposed suggestion."""
    if len(assignments) < 2:
        return 0
    raisers = [a.mandate for a in assignments[:2]]
    if draft_one:
        with_account = next(
            (
                a.mandate
                for a in assignments[:2]
                if User.objects.filter(person_id=a.mandate.person_id, is_active=True).exists()
            ),
            None,
        )
        if with_account is not None and with_account != raisers[0]:
            raisers = [with_account, raisers[0]]
    picks = b.rng.sample(RAISED, 4)
    day = b.today - dt.timedelta(days=b.rng.randint(20, 40))
    contact = b.contact(
        actor,
        contactor,
        day,
        raisers,
        mode=Contact.Mode.MEETING,
        opinions=[
            RaisedInput(
                content=picks[0][1], category=picks[0][0], mandate=raisers[0], next_step=NEXT_SUGGESTION
            ),
            RaisedInput(content=picks[1][1], category=picks[1][0], mandate=raisers[1], next_step=NEXT_OFFICE),
            RaisedInput(content=picks[2][1], category=picks[2][0], mandate=raisers[1], next_step=NEXT_KEEP),
        ],
    )
    rows = list(contact.opinions.order_by("pk"))
    b.contact(
        actor,
        contactor,
        b.today - dt.timedelta(days=b.rng.randint(5, 15)),
        [raisers[1]],
        mode=Contact.Mode.CALL,
        opinions=[
            RaisedInput(content=picks[3][1], category=picks[3][0], mandate=raisers[1], next_step=NEXT_OFFICE)
        ],
    )
    with on_day(day + dt.timedelta(days=3)):
        raised_enter(actor=office, raised=rows[1], category=rows[1].category, content=rows[1].content)
    if draft_one:
        deputy = User.objects.filter(person_id=rows[0].mandate.person_id, is_active=True).first()
        if deputy is not None:
            draft = suggestion_draft_of(rows[0])
            with on_day(day + dt.timedelta(days=5)):
                raised_draft(
                    actor=deputy,
                    raised=rows[0],
                    title=draft["title"],
                    field=draft["field"],
                    body=draft["body"],
                )
    return len(rows) + 1


def _committees(b: Builder, city: Congress, office: User) -> int:
    """The city's two special committees keep contact with the deputies of their field (专业代表): their staff
    assign them from a list, log a year of contacts, and note what the deputies raise."""
    made = 0
    for username, name in (("committee_a", "财政经济委员会"), ("committee_b", "教育科学文化卫生委员会")):
        staff = _user(username)
        committee = Committee.objects.filter(congress=city, name=name).first()
        if staff is None or committee is None:
            continue
        contactor = Contactor(Side.COMMITTEE, city, committee=committee)
        fields = set(committee.fields or [])
        pool = [m for m in _pool(city, b.start, set()) if set(m.fields or []) & fields]
        field_deputies = [m for m in pool if m.pk not in b.reserved][:6]
        b.reserved |= {m.pk for m in field_deputies}
        # Pasted as the office keeps them: a name and the mobile's last four digits.
        names = "\n".join(f"{m.person.name} {(m.person.mobile or '')[-4:]}".strip() for m in field_deputies)
        with on_day(b.start + dt.timedelta(days=10)):
            result = assignment_bulk(
                actor=staff, contactor=contactor, names=names, start_date=b.start + dt.timedelta(days=10)
            )
        made += len(result.created)
        assignments = result.created
        skip = [assignments[-1].mandate] if len(assignments) > 3 else []
        b.year_of_contacts(
            staff, contactor, assignments, skip=skip, once=[], recent=[a.mandate for a in assignments[:1]]
        )
        made += _opinions(b, staff, office, contactor, assignments, False)
        # The committee proposes one of the kept opinions to its deputy afterwards, from the contact's page.
        kept = (
            RaisedOpinion.objects.filter(contact__committee=committee, state=RaisedOpinion.State.NOTED)
            .exclude(mandate=None)
            .order_by("-pk")
            .first()
        )
        if kept is not None:
            with on_day(b.today - dt.timedelta(days=2)):
                raised_propose(actor=staff, raised=kept)
    return made
