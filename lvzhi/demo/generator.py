"""The generator behind the demo city (示范市) and `lvzhi seed`: plan in pure Python, then write in bulk.

Two halves:
- planning (`Planner`, `plan_demo`, `plan_seed`) is plain Python driven by one `random.Random(seed)`, so the
  same seed always plans the same city; it knows nothing of the database and is cheap to run in a test;
- writing (`write_plan`) turns a plan into rows with `bulk_create` inside one transaction, congresses through
  the `congress_create` service (their materialised path needs it), and one "<kind>.created" event per row,
  inserted in bulk as well.

The demo city is a fixed shape (one city, three districts, six townships, about 600 deputies); the seed takes a
size and scales the same shape out (several cities under a province, dozens of counties, hundreds of
townships). Dates are fixed, not relative to today: the current terms run from January 2022 to January 2027.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from . import names as N

D = dt.date
PROVINCE, CITY, COUNTY, TOWNSHIP = "province", "city", "county", "township"
DEPTH = {PROVINCE: 0, CITY: 1, COUNTY: 2, TOWNSHIP: 3}
# The password of every generated account (the demo's accounts and the seed's).
PASSWORD = "Lvzhi@2026"
RESERVED_MOBILE_PREFIX = "1380000"  # the demo's fixed accounts use 13800000xxx

SPRING_FESTIVAL = {2022: D(2022, 2, 1), 2023: D(2023, 1, 22), 2024: D(2024, 2, 10), 2025: D(2025, 1, 29)}
SPRING_FESTIVAL[2026] = D(2026, 2, 17)
SPRING_FESTIVAL[2027] = D(2027, 2, 6)


# --- the plan ---------------------------------------------------------------------------------------
@dataclass(slots=True)
class CongressPlan:
    key: int
    name: str
    short_name: str
    level: str
    region_name: str
    region_code: str
    parent: int | None
    term: tuple[int, D, D]
    prev_term: tuple[int, D, D] | None
    sessions: list[tuple[int, D, D]]
    seats: int = 0
    reuse: float = 0.0  # share of seats filled by deputies of the congresses one level down
    streets: list[str] = field(default_factory=list)  # county: its sub-districts (街道)
    areas: list[str] = field(default_factory=list)  # county: streets + townships; township: villages
    special: list[tuple] = field(default_factory=list)
    working: list[tuple] = field(default_factory=list)
    sc_size: int = 0
    children: list[int] = field(default_factory=list)

    @property
    def has_sc(self) -> bool:
        return self.level != TOWNSHIP


@dataclass(slots=True)
class PersonPlan:
    name: str
    gender: str
    birth: D
    ethnicity: str
    party: str
    occupation: str
    mobile: str
    congress: int  # the congress that registered the person (of their first mandate)
    home: int  # the lowest congress they live under
    area: str  # street (county home) or village (township home)
    fields: list[str]
    grassroots: bool


@dataclass(slots=True)
class MandatePlan:
    person: int
    congress: int
    eunit: int
    start: D
    end: D | None = None
    end_reason: str = ""


@dataclass(slots=True)
class EunitPlan:
    congress: int
    kind: str  # "district" (选区) or "unit" (选举单位)
    name: str
    lower: int | None = None
    area: str = ""


@dataclass(slots=True)
class CommitteePlan:
    congress: int
    kind: str  # standing / special / working
    name: str
    short: str
    fields: list[str]


@dataclass(slots=True)
class GroupPlan:
    congress: int
    kind: str  # group / contact / professional
    name: str
    members: list[int]
    leader: int | None = None


@dataclass(slots=True)
class StationPlan:
    congress: int
    kind: str  # home / station / room / legislative
    name: str
    address: str
    hours: str
    phone: str
    area: str = ""
    keep_empty: bool = False
    deputies: list[int] = field(default_factory=list)


@dataclass(slots=True)
class UnitPlan:
    congress: int
    kind: str
    name: str
    short: str


@dataclass(slots=True)
class AccountPlan:
    username: str
    full_name: str
    mobile: str | None
    congress: int
    person: int | None = None
    must_change: bool = True
    superuser: bool = False
    # (role, congress key, committee index, station index, unit index)
    roles: list[tuple[str, int, int | None, int | None, int | None]] = field(default_factory=list)


@dataclass
class Plan:
    congresses: list[CongressPlan] = field(default_factory=list)
    eunits: list[EunitPlan] = field(default_factory=list)
    persons: list[PersonPlan] = field(default_factory=list)
    mandates: list[MandatePlan] = field(default_factory=list)
    leaves: list[tuple[int, D, D, str]] = field(default_factory=list)
    committees: list[CommitteePlan] = field(default_factory=list)
    committee_members: list[tuple[int, int, str, D]] = field(default_factory=list)
    groups: list[GroupPlan] = field(default_factory=list)
    stations: list[StationPlan] = field(default_factory=list)
    units: list[UnitPlan] = field(default_factory=list)
    settings: list[tuple[int, str, Any]] = field(default_factory=list)
    accounts: list[AccountPlan] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "congresses": len(self.congresses),
            "terms": sum(2 if c.prev_term else 1 for c in self.congresses),
            "sessions": sum(len(c.sessions) for c in self.congresses),
            "electoral_units": len(self.eunits),
            "persons": len(self.persons),
            "mandates": len(self.mandates),
            "leaves": len(self.leaves),
            "committees": len(self.committees),
            "committee_members": len(self.committee_members),
            "groups": len(self.groups),
            "group_members": sum(len(g.members) for g in self.groups),
            "stations": len(self.stations),
            "station_deputies": sum(len(s.deputies) for s in self.stations),
            "units": len(self.units),
            "settings": len(self.settings),
            "accounts": len(self.accounts),
            "roles": sum(len(a.roles) for a in self.accounts),
        }

    def congress_named(self, region_name: str) -> CongressPlan:
        return next(c for c in self.congresses if c.region_name == region_name)


# --- planning ---------------------------------------------------------------------------------------
def _weighted(pairs) -> tuple[list, list[int]]:
    return [p[0] for p in pairs], [p[1] for p in pairs]


_SURNAME_WEIGHTS = [1.0 / (rank + 6) for rank in range(len(N.SURNAMES))]
_ETHNICITIES = _weighted(N.ETHNICITIES)
_PARTIES = _weighted(N.PARTIES)

# Fields of expertise and the chance of being a grassroots deputy (基层代表), by kind of occupation.
CATEGORIES: dict[str, tuple[list[str], float]] = {
    "village": (["agriculture"], 1.0),
    "farmer": (["agriculture"], 1.0),
    "coop": (["agriculture", "economy"], 1.0),
    "teacher": (["education"], 0.9),
    "principal": (["education"], 0.3),
    "professor": (["education"], 0.0),
    "doctor": (["health"], 0.7),
    "hospital": (["health"], 0.0),
    "worker": (["economy"], 1.0),
    "model_worker": (["economy"], 1.0),
    "business": (["economy"], 0.1),
    "self_employed": (["economy"], 1.0),
    "community": (["social", "law"], 1.0),
    "police": (["law"], 0.4),
    "lawyer": (["law"], 0.0),
    "culture": (["culture"], 0.2),
    "environment": (["environment"], 0.1),
    "transport": (["transport"], 1.0),
    "elderly": (["social"], 0.6),
    "official": ([], 0.0),
    "leader": (["economy"], 0.0),
}
# The field a department's head brings (by the department's short core name).
DEPARTMENT_FIELDS = {
    "发改委": "economy", "发改局": "economy", "财政局": "economy", "审计局": "economy", "统计局": "economy",
    "商务局": "economy", "工信局": "economy", "市场监管局": "economy", "数据局": "economy",
    "教育局": "education", "科技局": "education", "公安局": "law", "交警支队": "transport", "司法局": "law",
    "民政局": "social", "人社局": "social", "退役军人局": "social", "应急局": "social", "医保局": "health",
    "自然资源规划局": "urban", "住建局": "urban", "城管局": "urban", "生态环境局": "environment",
    "生态环境分局": "environment", "交通运输局": "transport", "水利局": "agriculture",
    "农业农村局": "agriculture", "文旅局": "culture", "文旅体局": "culture", "体育局": "culture",
    "卫健委": "health", "卫健局": "health",
}  # fmt: skip
HOSPITAL_DEPTS = ("内科", "外科", "儿科", "妇产科", "急诊科", "中医科", "骨科", "心血管内科", "肿瘤科")
COLLEGES = (
    "法学院",
    "经济管理学院",
    "医学院",
    "教育学院",
    "土木工程学院",
    "环境科学学院",
    "计算机学院",
    "农学院",
)
WORKER_POSTS = ("一线工人", "技术员", "车间主任", "班组长", "高级技师", "质检员")
# A township government's offices, each with the department whose field it shares.
TOWNSHIP_OFFICES = (
    "农业农村办公室主任|农业农村局", "社会事务办公室主任|民政局", "经济发展办公室主任|发改委",
    "综合行政执法队队长|城管局", "党政综合办公室主任|司法局", "退役军人服务站站长|退役军人局",
)  # fmt: skip
VENUES = ("博物馆", "图书馆", "文化馆", "美术馆", "大剧院")


def _core(area: str) -> str:
    """湖滨街道 → 湖滨, 青石镇 → 青石, 石桥乡 → 石桥."""
    for suffix in ("街道", "镇", "乡"):
        if area.endswith(suffix):
            return area[: -len(suffix)]
    return area


def _numeral(n: int) -> str:
    if n <= 10:
        return N.NUMERALS[n - 1]
    if n < 20:
        return "十" + (N.NUMERALS[n - 11] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return N.NUMERALS[tens - 1] + "十" + (N.NUMERALS[ones - 1] if ones else "")


class Planner:
    """Plans a tree of congresses and everything under it, from one seeded random generator."""

    def __init__(self, seed: int, *, taken_mobiles=frozenset(), unique_names: bool = True):
        self.rng = random.Random(seed)
        self.plan = Plan()
        self.taken_mobiles = taken_mobiles
        self.mobiles: set[str] = set()
        self.person_names: set[str] = set()
        self.unique_names = unique_names
        self.reserved: set[int] = set()  # persons the lifecycle changes must leave alone
        self.mandates_of_congress: dict[int, list[int]] = {}
        self.person_mandates: dict[int, list[int]] = {}
        self.sc_persons: set[int] = set()
        self.leaders_of: dict[int, dict[str, int]] = {}  # congress → tag → person
        self.unassigned: set[int] = set()

    # -- small draws ----------------------------------------------------------------------------------
    def person_name(self, gender: str) -> str:
        rng = self.rng
        for _ in range(50):
            if rng.random() < 0.006:
                surname = rng.choice(N.COMPOUND_SURNAMES)
            else:
                surname = rng.choices(N.SURNAMES, _SURNAME_WEIGHTS)[0]
            pool = N.MALE_GIVEN if gender == "M" else N.FEMALE_GIVEN
            given = rng.choice(pool)
            if rng.random() < 0.62:
                given += rng.choice(pool)
            name = surname + given
            if not self.unique_names or name not in self.person_names:
                break
        self.person_names.add(name)
        return name

    def mobile(self) -> str:
        rng = self.rng
        while True:
            number = rng.choice(N.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if number.startswith(RESERVED_MOBILE_PREFIX) or number[3:8] == "00000":
                continue  # the demo's fixed accounts and the test factories' numbers (13900000001 …)
            if number not in self.mobiles and number not in self.taken_mobiles:
                self.mobiles.add(number)
                return number

    def phone(self) -> str:
        return f"0999-{self.rng.randrange(81000000, 89999999)}"

    def date_between(self, start: D, end: D) -> D:
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    # -- structure --------------------------------------------------------------------------------------
    def add_congress(self, **kw) -> CongressPlan:
        c = CongressPlan(key=len(self.plan.congresses), **kw)
        self.plan.congresses.append(c)
        if c.parent is not None:
            self.plan.congresses[c.parent].children.append(c.key)
        self.mandates_of_congress[c.key] = []
        self.leaders_of[c.key] = {}
        return c

    def ancestors(self, key: int) -> list[int]:
        """`key` and every congress above it, nearest first."""
        chain = []
        while key is not None:
            chain.append(key)
            key = self.plan.congresses[key].parent
        return chain

    def county_area(self, person: PersonPlan) -> str:
        home = self.plan.congresses[person.home]
        return home.region_name if home.level == TOWNSHIP else person.area

    def plan_electoral_units(self) -> None:
        self.eunits_by_area: dict[tuple[int, str], list[int]] = {}
        self.eunit_of_lower: dict[tuple[int, int], int] = {}
        for c in self.plan.congresses:
            if c.level in (COUNTY, TOWNSHIP):
                count = max(1, (c.seats + 2) // 3)
                areas = c.areas or [c.region_name]
                for i in range(count):
                    area = areas[i % len(areas)]
                    idx = len(self.plan.eunits)
                    self.plan.eunits.append(
                        EunitPlan(c.key, "district", f"第{i + 1}选区（{area}）", area=area)
                    )
                    self.eunits_by_area.setdefault((c.key, area), []).append(idx)
            else:
                for child in c.children:
                    lower = self.plan.congresses[child]
                    idx = len(self.plan.eunits)
                    self.plan.eunits.append(EunitPlan(c.key, "unit", lower.name, lower=child))
                    self.eunit_of_lower[(c.key, child)] = idx

    # -- people ---------------------------------------------------------------------------------------
    def new_person(self, c: CongressPlan, home: int, area: str, occupation: str, category: str, **kw):
        rng = self.rng
        fields, grassroots_chance = CATEGORIES[category]
        fields = list(kw.pop("fields", None) or fields)
        if rng.random() < 0.35 and category not in ("leader", "official"):
            extra = rng.choice(["economy", "urban", "social", "law", "culture", "environment", "transport"])
            if extra not in fields:
                fields.append(extra)
        gender = kw.pop("gender", None) or ("F" if rng.random() < 0.32 else "M")
        senior = category in ("leader", "official", "hospital", "professor", "business")
        birth = self.date_between(D(1962, 1, 1), D(1976, 12, 31) if senior else D(1996, 12, 31))
        p = PersonPlan(
            name=self.person_name(gender),
            gender=gender,
            birth=birth,
            ethnicity=rng.choices(*_ETHNICITIES)[0],
            party="中共党员" if category == "leader" else rng.choices(*_PARTIES)[0],
            occupation=occupation,
            mobile=self.mobile(),
            congress=c.key,
            home=home,
            area=area,
            fields=fields,
            grassroots=rng.random() < grassroots_chance,
        )
        self.plan.persons.append(p)
        return len(self.plan.persons) - 1

    def random_home(self, c: CongressPlan) -> tuple[int, str]:
        """A place to live under `c`: (county or township key, street or village)."""
        rng = self.rng
        while c.level in (PROVINCE, CITY):
            kids = [self.plan.congresses[k] for k in c.children] or [c]
            if kids == [c]:
                return c.key, c.region_name
            c = rng.choices(kids, [max(1, k.seats) for k in kids])[0]
        if c.level == COUNTY:
            area = rng.choice(c.areas or [c.region_name])
            township = next((self.plan.congresses[k] for k in c.children
                             if self.plan.congresses[k].region_name == area), None)  # fmt: skip
            if township is None:
                return c.key, area
            c = township
        return c.key, rng.choice(c.areas or [c.region_name])

    def occupation(self, c: CongressPlan, home: int, area: str) -> tuple[str, str, list[str] | None]:
        """An employer and position that fits the congress's level and where the person lives, with the
        fields of expertise it brings (None: those of its category)."""
        rng = self.rng
        h = self.plan.congresses[home]
        county = h if h.level == COUNTY else self.plan.congresses[h.parent] if h.parent is not None else h
        s = area if h.level == COUNTY else h.region_name  # the street, or the township, they live in
        city = self._city_of(home)
        company = rng.choice(N.COMPANY_WORDS) + rng.choice(N.INDUSTRIES)
        community = rng.choice(N.COMMUNITY_WORDS)
        if c.level == TOWNSHIP or (h.level == TOWNSHIP and c.level == COUNTY and rng.random() < 0.5):
            t, v = h.region_name, area
            options = [
                ("village", 22, f"{t}{v}党支部书记、村委会主任"),
                ("farmer", 14, f"{t}{v}村民"),
                ("coop", 6, f"{t}{v}{rng.choice(N.CROPS)}种植专业合作社理事长"),
                ("teacher", 8, f"{t}中心小学教师"),
                ("principal", 2, f"{t}中学校长"),
                ("doctor", 6, f"{t}卫生院医生"),
                ("worker", 10, f"{t}{company}有限公司职工"),
                ("self_employed", 6, f"{t}个体工商户"),
                ("official", 8, f"{t}人民政府{rng.choice(TOWNSHIP_OFFICES)}"),
                ("police", 3, f"{county.region_name}公安分局{_core(t)}派出所所长"),
                ("community", 5, f"{t}{community}社区党支部书记"),
                ("elderly", 2, f"{t}敬老院院长"),
            ]
        elif c.level == COUNTY:
            r = county.region_name
            dept, short = rng.choice(N.COUNTY_DEPARTMENTS)
            options = [
                ("community", 15, f"{s}{community}社区党委书记、居委会主任"),
                ("teacher", 8, f"{r}第{_numeral(rng.randint(1, 12))}中学教师"),
                ("principal", 3, f"{r}{_core(s)}小学校长"),
                ("principal", 1, f"{r}实验小学校长"),
                ("doctor", 7, f"{r}人民医院{rng.choice(HOSPITAL_DEPTS)}主任医师"),
                ("doctor", 3, f"{s}社区卫生服务中心主任"),
                ("worker", 10, f"{city}{company}有限公司{rng.choice(WORKER_POSTS)}"),
                ("business", 8, f"{city}{company}有限公司董事长"),
                ("lawyer", 3, f"{r}{rng.choice(N.COMPANY_WORDS)}律师事务所主任"),
                (
                    "police",
                    3,
                    f"{r}公安局{_core(s)}派出所所长"
                    if r.endswith("县")
                    else f"{city}公安局{r}分局{_core(s)}派出所所长",
                ),
                ("official", 8, f"{r}{dept}局长|{short}"),
                ("official", 4, f"{s}党工委书记|民政局"),
                ("elderly", 3, f"{r}{_core(s)}养老服务中心负责人"),
                ("culture", 2, f"{r}文化馆馆长"),
                ("transport", 3, f"{city}公交集团有限公司驾驶员"),
                ("environment", 2, f"{city}{rng.choice(N.COMPANY_WORDS)}环保科技有限公司总经理"),
                ("self_employed", 4, f"{s}个体工商户"),
            ]
        else:
            top = c.region_name
            dept, short, prov = rng.choice(N.DEPARTMENTS)
            if c.level == PROVINCE and prov:
                official = f"{top}{prov}{'主任' if prov.endswith('委员会') else '厅长'}|{short}"
            else:
                official = f"{top}{dept}{'主任' if dept.endswith('委员会') else '局长'}|{short}"
            options = [
                ("professor", 8, f"{top}大学{rng.choice(COLLEGES)}教授"),
                ("hospital", 6, f"{top}第{_numeral(rng.randint(1, 6))}人民医院院长"),
                ("doctor", 4, f"{top}中心医院{rng.choice(HOSPITAL_DEPTS)}主任医师"),
                ("business", 14, f"{top}{company}集团有限公司董事长"),
                ("official", 12, official),
                ("lawyer", 4, f"{top}{rng.choice(N.COMPANY_WORDS)}律师事务所主任"),
                ("model_worker", 6, f"全国劳动模范、{top}{company}有限公司高级技师"),
                ("principal", 4, f"{top}第{_numeral(rng.randint(1, 15))}中学校长"),
                ("culture", 3, f"{top}{rng.choice(VENUES)}馆长"),
                ("transport", 3, f"{top}港务集团有限公司{rng.choice(WORKER_POSTS)}"),
                ("environment", 2, f"{top}生态环境监测中心高级工程师"),
                ("community", 4, f"{county.region_name}{s}{community}社区党委书记"),
            ]
        category, _, occupation = rng.choices(options, [o[1] for o in options])[0]
        occupation, _, short = occupation.partition("|")
        fields = [DEPARTMENT_FIELDS.get(short, "economy")] if short else None
        return occupation, category, fields

    def _city_of(self, key: int) -> str:
        for k in self.ancestors(key):
            c = self.plan.congresses[k]
            if c.level == CITY:
                return c.region_name
        return self.plan.congresses[key].region_name

    def leader_positions(self, c: CongressPlan) -> list[tuple[str, str, str | None, str, list[str]]]:
        """(occupation, category, standing-committee position, tag, fields) of the congress's leaders."""
        r = c.region_name
        if c.level == TOWNSHIP:
            head = "乡长" if r.endswith("乡") else "镇长"
            return [
                (f"中共{r}委员会书记", "leader", None, "secretary", ["economy"]),
                (f"{r}人民政府{head}", "leader", None, "head", ["economy"]),
                (f"{r}人大主席", "leader", None, "sc_chair", ["law"]),
                (f"{r}人大副主席", "leader", None, "sc_vice", ["agriculture"]),
            ]
        suffix = {PROVINCE: "省", CITY: "市", COUNTY: "县" if r.endswith("县") else "区"}[c.level]
        head = {PROVINCE: "省长", CITY: "市长", COUNTY: suffix + "长"}[c.level]
        sc = f"{r}人大常委会"
        party = f"中共{r}委书记" if c.level != PROVINCE else f"中共{r}委书记"
        out = [
            (party, "leader", None, "secretary", ["economy"]),
            (f"{r}人民政府{head}", "leader", None, "head", ["economy"]),
            (f"{sc}主任", "leader", "chair", "sc_chair", ["law"]),
        ]
        vices = {PROVINCE: 6, CITY: 5, COUNTY: 3}[c.level]
        for i in range(vices):
            out.append((f"{sc}副主任", "leader", "vice_chair", f"sc_vice{i}", ["law"]))
        if c.level != COUNTY:
            out.append((f"{sc}秘书长", "leader", "secretary_general", "sc_sg", ["law"]))
        for i, (name, _short, fields) in enumerate(c.special):
            title = f"{sc}委员、{r}人大{name}主任委员"
            out.append((title, "leader", "member", f"special{i}", list(fields) or ["other"]))
        for i, (name, _short, fields) in enumerate(c.working):
            out.append((f"{sc}{name}主任", "leader", "member", f"working{i}", list(fields) or ["law"]))
        return out

    def plan_deputies(self) -> None:
        """Seats of every congress, bottom-up: leaders, deputies reused from one level down, new people."""
        rng, plan = self.rng, self.plan
        order = sorted(plan.congresses, key=lambda c: (-DEPTH[c.level], c.key))
        for c in order:
            term_start = c.term[1]
            seated: list[int] = []
            for occupation, category, _position, tag, fields in self.leader_positions(c):
                home, area = self.random_home(c)
                gender = "F" if rng.random() < 0.2 else "M"
                pid = self.new_person(c, home, area, occupation, category, fields=fields, gender=gender)
                self.leaders_of[c.key][tag] = pid
                self.reserved.add(pid)
                seated.append(pid)
            pool = [
                m
                for child in c.children
                for m in self.mandates_of_congress[child]
                if plan.mandates[m].end is None and plan.mandates[m].start == plan.congresses[child].term[1]
            ]
            wanted = min(len(pool), round(c.seats * c.reuse), max(0, c.seats - len(seated)))
            reused = [plan.mandates[m].person for m in rng.sample(pool, wanted)] if wanted else []
            seated.extend(reused)
            for _ in range(max(0, c.seats - len(seated))):
                home, area = self.random_home(c)
                occupation, category, fields = self.occupation(c, home, area)
                seated.append(self.new_person(c, home, area, occupation, category, fields=fields))
            for pid in seated:
                self.add_mandate(pid, c, term_start)

    def add_mandate(self, pid: int, c: CongressPlan, start: D) -> int:
        person = self.plan.persons[pid]
        if c.level in (COUNTY, TOWNSHIP):
            area = self.county_area(person) if c.level == COUNTY else person.area
            options = self.eunits_by_area.get((c.key, area)) or [
                i for (k, _a), ids in self.eunits_by_area.items() if k == c.key for i in ids
            ]
            eunit = self.rng.choice(options)
        else:
            chain = self.ancestors(person.home)
            child = chain[chain.index(c.key) - 1] if c.key in chain[1:] else c.children[0]
            eunit = self.eunit_of_lower[(c.key, child)]
        idx = len(self.plan.mandates)
        self.plan.mandates.append(MandatePlan(person=pid, congress=c.key, eunit=eunit, start=start))
        self.mandates_of_congress[c.key].append(idx)
        self.person_mandates.setdefault(pid, []).append(idx)
        return idx

    # -- committees -------------------------------------------------------------------------------------
    def plan_committees(self) -> None:
        plan, rng = self.plan, self.rng
        for c in plan.congresses:
            if not c.has_sc:
                continue
            start = c.term[1]
            leaders = self.leaders_of[c.key]
            positions = {tag: pos for _o, _c, pos, tag, _f in self.leader_positions(c)}
            sc = len(plan.committees)
            plan.committees.append(
                CommitteePlan(
                    c.key,
                    "standing",
                    f"{c.region_name}人民代表大会常务委员会",
                    f"{c.region_name}人大常委会",
                    [],
                )
            )
            members = [(pid, positions[tag]) for tag, pid in leaders.items() if positions.get(tag)]
            others = [
                plan.mandates[m].person
                for m in self.mandates_of_congress[c.key]
                if plan.mandates[m].person not in self.reserved
            ]
            extra = rng.sample(others, min(len(others), max(0, c.sc_size - len(members))))
            members += [(pid, "member") for pid in extra]
            for pid, position in members:
                plan.committee_members.append((sc, pid, position, start))
                self.sc_persons.add(pid)
            self.reserved.update(extra)
            candidates = [p for p in others if p not in self.sc_persons]
            for kind, entries in (("special", c.special), ("working", c.working)):
                for i, (name, short, fields) in enumerate(entries):
                    ci = len(plan.committees)
                    plan.committees.append(CommitteePlan(c.key, kind, name, short, list(fields)))
                    plan.committee_members.append((ci, leaders[f"{kind}{i}"], "chair", start))
                    if kind == "working":
                        continue
                    fitting = [p for p in candidates if set(plan.persons[p].fields) & set(fields)]
                    size = 6 if c.level != COUNTY else 4
                    chosen = rng.sample(fitting, min(len(fitting), size))
                    for j, pid in enumerate(chosen):
                        plan.committee_members.append((ci, pid, "vice_chair" if j == 0 else "member", start))
                        self.reserved.add(pid)

    # -- groups ---------------------------------------------------------------------------------------
    def plan_groups(self) -> None:
        plan = self.plan
        for c in plan.congresses:
            mandates = self.mandates_of_congress[c.key]
            if c.level == TOWNSHIP:
                rank = {a: i for i, a in enumerate(c.areas)}
                ordered = sorted(
                    mandates, key=lambda m: (rank.get(plan.persons[plan.mandates[m].person].area, 0), m)
                )
                chunks = max(1, round(len(ordered) / 10))
                for i in range(chunks):
                    part = ordered[i * len(ordered) // chunks : (i + 1) * len(ordered) // chunks]
                    self._group(c, "group", f"{c.region_name}第{_numeral(i + 1)}代表小组", part)
            elif c.level == COUNTY:
                by_area: dict[str, list[int]] = {a: [] for a in c.areas}
                for m in mandates:
                    by_area.setdefault(self.county_area(plan.persons[plan.mandates[m].person]), []).append(m)
                for area, part in by_area.items():
                    if not part:
                        continue
                    chunks = max(1, -(-len(part) // 40))
                    for i in range(chunks):
                        piece = part[i * len(part) // chunks : (i + 1) * len(part) // chunks]
                        suffix = f"第{_numeral(i + 1)}代表小组" if chunks > 1 else "代表小组"
                        self._group(c, "group", f"{area}{suffix}", piece)
            else:
                by_unit: dict[int, list[int]] = {}
                for m in mandates:
                    by_unit.setdefault(plan.mandates[m].eunit, []).append(m)
                for eunit, part in by_unit.items():
                    lower = plan.congresses[plan.eunits[eunit].lower]
                    self._group(c, "contact", f"{lower.region_name}联系组", part)
                for name, fields in N.PROFESSIONAL_GROUPS:
                    part = [
                        m for m in mandates if set(plan.persons[plan.mandates[m].person].fields) & set(fields)
                    ]
                    self._group(c, "professional", name, part[:30])

    def _group(self, c: CongressPlan, kind: str, name: str, members: list[int]) -> None:
        if not members:
            return
        plain = [m for m in members if self.plan.mandates[m].person not in self.reserved]
        leader = self.rng.choice(plain or members)
        self.reserved.add(self.plan.mandates[leader].person)
        self.plan.groups.append(GroupPlan(c.key, kind, name, list(members), leader))

    # -- the changes a term brings -----------------------------------------------------------------------
    def plan_lifecycle(self, *, ended: float = 0.01, mid_term: float = 0.02, leaves: float = 0.008) -> None:
        """Some deputies resigned or left, some were elected in by-elections, some are on leave."""
        plan, rng = self.plan, self.rng
        # Only people with one mandate, so a by-election or a resignation does not contradict another seat.
        plain = [
            i
            for i, m in enumerate(plan.mandates)
            if m.person not in self.reserved and len(self.person_mandates[m.person]) == 1
        ]
        total = len(plan.mandates)
        picked = rng.sample(
            plain, min(len(plain), max(3, round(total * ended)) + max(3, round(total * mid_term)))
        )
        n_end = min(len(picked), max(3, round(total * ended)))
        for m in picked[:n_end]:
            mandate = plan.mandates[m]
            mandate.end = self.date_between(D(2023, 3, 1), D(2026, 10, 30))
            mandate.end_reason = "resigned" if rng.random() < 0.75 else "terminated"
        for m in picked[n_end:]:
            mandate = plan.mandates[m]
            term_start = plan.congresses[mandate.congress].term[1]
            mandate.start = self.date_between(term_start + dt.timedelta(days=200), D(2026, 6, 30))
        taken = set(picked)
        rest = [m for m in plain if m not in taken]
        for m in rng.sample(rest, min(len(rest), max(3, round(total * leaves)))):
            reason = rng.choice(N.LEAVE_REASONS)
            if rng.random() < 0.4:
                start, end = D(2026, 10, 1), D(2026, 12, 31)  # on leave now
            else:
                start = self.date_between(D(2023, 3, 1), D(2025, 12, 1))
                end = start + dt.timedelta(days=rng.randrange(30, 180))
            plan.leaves.append((m, start, end, reason))
            self.reserved.add(plan.mandates[m].person)

    # -- stations ---------------------------------------------------------------------------------------
    def plan_stations(self, counts: dict[int, int]) -> None:
        plan, rng = self.plan, self.rng
        for c in plan.congresses:
            n = counts.get(c.key, 0)
            if n <= 0:
                continue
            names: set[str] = set()
            r = c.region_name
            entries: list[tuple[str, str, str, str, str]] = []  # kind, name, address, hours, area

            def add(kind, name, address, hours, area="", _names=names, _entries=entries):
                if name not in _names:
                    _names.add(name)
                    _entries.append((kind, name, address, hours, area))

            def road(area: str) -> str:
                return f"{_core(area)}{rng.choice(N.ROAD_SUFFIXES)}{rng.randint(1, 299)}号"

            if c.level in (PROVINCE, CITY):
                add("home", f"{r}人大代表之家", f"{r}人民路{rng.randint(1, 99)}号市民中心三楼", N.HOURS_HOME)
                add("legislative", f"{r}人大常委会基层立法联系点", f"{r}大学法学院一楼", N.HOURS_LEGISLATIVE)
                i = 0
                while len(entries) < n:
                    i += 1
                    add("room", f"{r}人大代表活动室（{_numeral(i)}）", f"{r}人民路{i}号", N.HOURS_ROOM)
            elif c.level == COUNTY:
                streets = c.streets or [r]
                add("home", f"{r}人大代表之家", f"{r}{road(streets[0])}", N.HOURS_HOME)
                for s in streets[: max(0, n - 1)]:
                    add("station", f"{s}人大代表联络站", f"{r}{s}{road(s)}", N.HOURS_STATION, s)
                if n >= 4:
                    s = streets[-1]
                    w = rng.choice(N.COMMUNITY_WORDS)
                    add(
                        "legislative",
                        f"{s}{w}社区基层立法联系点",
                        f"{r}{s}{w}社区服务中心",
                        N.HOURS_LEGISLATIVE,
                        s,
                    )
                attempts = 0
                while len(entries) < n and attempts < 50 * n:
                    attempts += 1
                    s = streets[len(entries) % len(streets)]
                    w = rng.choice(N.COMMUNITY_WORDS)
                    building = f"{rng.randint(1, 30)}号楼一层"
                    add("room", f"{s}{w}社区代表小组活动室", f"{r}{s}{w}社区{building}", N.HOURS_ROOM, s)
            else:
                villages = c.areas or [r]
                add("home", f"{r}人大代表之家", f"{r}{road(r)}{r}人民政府院内", N.HOURS_HOME)
                for v in villages[: max(0, n - 1)]:
                    add("station", f"{r}{v}代表联络站", f"{r}{v}村民委员会", N.HOURS_STATION, v)
                i = 0
                while len(entries) < n:
                    i += 1
                    v = villages[i % len(villages)]
                    add(
                        "room",
                        f"{r}{v}代表小组活动室（{_numeral(i)}）",
                        f"{r}{v}文化活动中心",
                        N.HOURS_ROOM,
                        v,
                    )
            for kind, name, address, hours, area in entries[:n]:
                plan.stations.append(StationPlan(c.key, kind, name, address, hours, self.phone(), area))

    def assign_stations(self, *, unassigned: int = 0, empty_station: str | None = None) -> None:
        """Every deputy into a station near home (进家入站), mixing levels; leave a few out on purpose."""
        plan, rng = self.plan, self.rng
        by_area: dict[tuple[int, str], list[int]] = {}
        by_congress: dict[int, list[int]] = {}
        homes: dict[int, list[int]] = {}
        for i, s in enumerate(plan.stations):
            if s.name == empty_station:
                s.keep_empty = True
                continue
            by_congress.setdefault(s.congress, []).append(i)
            if s.kind == "home":
                homes.setdefault(s.congress, []).append(i)
            if s.area:
                by_area.setdefault((s.congress, s.area), []).append(i)
        plain = [i for i, m in enumerate(plan.mandates) if m.person not in self.reserved and m.end is None]
        self.unassigned = set(rng.sample(plain, min(len(plain), unassigned)))

        def near_home(person: PersonPlan) -> list[int]:
            home = plan.congresses[person.home]
            if home.level == TOWNSHIP:
                return (
                    by_area.get((home.key, person.area))
                    or homes.get(home.key)
                    or by_congress.get(home.key, [])
                )
            return by_area.get((home.key, person.area)) or homes.get(home.key) or []

        for i, m in enumerate(plan.mandates):
            if i in self.unassigned:
                continue
            person = plan.persons[m.person]
            c = plan.congresses[m.congress]
            options: list[int] = []
            roll = rng.random()
            if c.level in (PROVINCE, CITY) and roll < 0.12:
                options = by_congress.get(c.key, [])  # the city's own home and contact point
            elif c.level in (PROVINCE, CITY) and roll < 0.5:
                county = next(
                    (k for k in self.ancestors(person.home) if plan.congresses[k].level == COUNTY), None
                )
                options = homes.get(county, []) if county is not None else []
            elif c.level == COUNTY and rng.random() < 0.15:
                options = homes.get(c.key, [])
            options = options or near_home(person)
            for k in self.ancestors(person.home):
                if options:
                    break
                options = by_congress.get(k, [])
            if options:
                plan.stations[rng.choice(options)].deputies.append(i)

    # -- units ------------------------------------------------------------------------------------------
    def unit_candidates(self, c: CongressPlan) -> list[UnitPlan]:
        r = c.region_name
        out: list[UnitPlan] = []
        if c.level in (PROVINCE, CITY):
            prefix = "省" if c.level == PROVINCE else "市"
            for city_suffix, short, prov_suffix in N.DEPARTMENTS:
                suffix = prov_suffix if c.level == PROVINCE else city_suffix
                if not suffix:
                    continue
                if c.level == PROVINCE:
                    short = short[:-1] + "厅" if suffix.endswith("厅") and short.endswith("局") else short
                    short = "交警总队" if short == "交警支队" else short
                out.append(UnitPlan(c.key, "department", f"{r}{suffix}", f"{prefix}{short}"))
            col = 5 if c.level == PROVINCE else 1
        elif c.level == COUNTY:
            prefix = "县" if r.endswith("县") else "区"
            out = [
                UnitPlan(c.key, "department", f"{r}{s}", f"{prefix}{short}")
                for s, short in N.COUNTY_DEPARTMENTS
            ]
            col = 3
        else:
            return []
        for kind, *names in N.JUDICIAL:
            suffix, short = names[col - 1], names[col]
            out.append(UnitPlan(c.key, kind, f"{r}{suffix}", f"{prefix}{short}"))
        for child in c.children:
            lower = self.plan.congresses[child]
            out.append(
                UnitPlan(
                    c.key, "government", f"{lower.region_name}人民政府", f"{lower.region_name}政府"[-30:]
                )
            )
        return out


# --- the demo city -------------------------------------------------------------------------------------
DEMO_CITY = "示范市"
DEMO_DISTRICTS = (
    # region, code, term number, streets, townships (name, villages), seats, SC size, special committees
    ("东湖区", "990102", 18, ["湖滨街道", "东城街道", "文昌街道", "新华街道"],
     [("青石镇", ["大柳村", "石门村", "前进村", "凤凰村"]), ("柳塘镇", ["柳塘村", "荷花村", "南湾村", "新丰村"])],
     140, 25, 4),
    ("西岭区", "990103", 17, ["岭南街道", "西山街道", "枫林街道", "翠屏街道"],
     [("云岭镇", ["云峰村", "松岗村", "茶园村", "龙潭村"]), ("石桥乡", ["石桥村", "杏林村", "高坪村", "双河村"])],
     130, 23, 5),
    ("南港区", "990104", 9, ["港湾街道", "南湖街道", "滨海街道", "新港街道"],
     [("海口镇", ["渔港村", "沙洲村", "海丰村", "东滩村"]), ("盐田镇", ["盐场村", "北塘村", "潮音村", "永安村"])],
     125, 21, 3),
)  # fmt: skip
DEMO_TOWNSHIP_SEATS = (42, 38, 40, 36, 44, 40)
DEMO_STATION_COUNTS = {"示范市": 2, "东湖区": 9, "西岭区": 8, "南港区": 9}  # each township: 2
DEMO_EMPTY_STATION_AREA = "新港街道"  # a newly opened room in 南港区 has no deputies yet

CITY_TERM = (16, D(2022, 1, 8), D(2027, 1, 7))
CITY_PREV_TERM = (15, D(2017, 1, 6), D(2022, 1, 7))
CITY_SESSIONS = [
    (1, D(2022, 1, 8), D(2022, 1, 11)),
    (2, D(2023, 1, 7), D(2023, 1, 10)),
    (3, D(2024, 1, 13), D(2024, 1, 16)),
    (4, D(2025, 1, 11), D(2025, 1, 14)),
    (5, D(2026, 1, 10), D(2026, 1, 13)),
]
DISTRICT_SESSION_DAYS = [D(2022, 1, 5), D(2023, 1, 4), D(2024, 1, 9), D(2025, 1, 7), D(2026, 1, 6)]
TOWNSHIP_SESSION_DAYS = [D(2022, 1, 3), D(2023, 2, 10), D(2024, 2, 23), D(2025, 2, 13), D(2026, 2, 26)]


def _county_term(number: int, start: D) -> tuple[tuple[int, D, D], tuple[int, D, D]]:
    end = D(start.year + 5, start.month, start.day) - dt.timedelta(days=1)
    prev = (number - 1, D(start.year - 5, start.month, start.day), start - dt.timedelta(days=1))
    return (number, start, end), prev


def plan_demo(seed: int = 2026) -> Plan:
    """The demo city's plan: 示范市, three districts, six townships, about 600 deputies. Pure Python."""
    p = Planner(seed)
    city = p.add_congress(
        name="示范市人民代表大会", short_name="示范市人大", level=CITY, region_name=DEMO_CITY,
        region_code="990100", parent=None, term=CITY_TERM, prev_term=CITY_PREV_TERM, sessions=CITY_SESSIONS,
        seats=120, reuse=0.6, special=list(N.SPECIAL_COMMITTEES), working=list(N.WORKING_COMMITTEES), sc_size=35,
    )  # fmt: skip
    township_seats = iter(DEMO_TOWNSHIP_SEATS)
    for d, (region, code, number, streets, townships, seats, sc_size, n_special) in enumerate(DEMO_DISTRICTS):
        shift = dt.timedelta(days=d)
        term, prev = _county_term(number, DISTRICT_SESSION_DAYS[0] + shift)
        district = p.add_congress(
            name=f"{region}人民代表大会", short_name=f"{region}人大", level=COUNTY, region_name=region,
            region_code=code, parent=city.key, term=term, prev_term=prev,
            sessions=[(i + 1, day + shift, day + shift + dt.timedelta(days=2))
                      for i, day in enumerate(DISTRICT_SESSION_DAYS)],
            seats=seats, reuse=0.15, streets=list(streets), areas=list(streets) + [t for t, _v in townships],
            special=list(N.SPECIAL_COMMITTEES[:n_special]),
            working=list(N.WORKING_COMMITTEES[:2]), sc_size=sc_size,
        )  # fmt: skip
        for t, (township, villages) in enumerate(townships):
            tshift = dt.timedelta(days=t)
            tterm, tprev = _county_term(20 - d, TOWNSHIP_SESSION_DAYS[0] + tshift)
            p.add_congress(
                name=f"{township}人民代表大会", short_name=f"{township}人大", level=TOWNSHIP,
                region_name=township, region_code=f"{code}{101 + t}", parent=district.key, term=tterm,
                prev_term=tprev, sessions=[(i + 1, day + tshift, day + tshift + dt.timedelta(days=1))
                                           for i, day in enumerate(TOWNSHIP_SESSION_DAYS)],
                seats=next(township_seats), areas=list(villages),
            )  # fmt: skip
    p.plan_electoral_units()
    p.plan_deputies()
    p.plan_committees()
    p.plan_groups()
    accounts = _designate_demo_people(p)
    p.plan_lifecycle()
    counts = {}
    for c in p.plan.congresses:
        counts[c.key] = DEMO_STATION_COUNTS.get(c.region_name, 2)
    p.plan_stations(counts)
    empty = next(s.name for s in p.plan.stations if s.kind == "room" and s.area == DEMO_EMPTY_STATION_AREA)
    p.assign_stations(unassigned=6, empty_station=empty)
    _plan_demo_units(p)
    xiling, nangang = p.plan.congress_named("西岭区"), p.plan.congress_named("南港区")
    p.plan.settings += [
        (xiling.key, "return_window_working_days", 7),
        (nangang.key, "result_classes", "ABCD"),  # replaced by the list when written
    ]
    _plan_demo_accounts(p, accounts)
    return p.plan


def _plan_demo_units(p: Planner) -> None:
    for c in p.plan.congresses:
        candidates = p.unit_candidates(c)
        if c.level == COUNTY:
            keep = {"教育局", "住房和城乡建设局", "卫生健康局", "城市管理局", "交通运输局"}
            candidates = [
                u for u in candidates
                if u.kind == "government" or u.name[len(c.region_name):] in keep
            ]  # fmt: skip
        p.plan.units.extend(candidates)


def _designate_demo_people(p: Planner) -> dict[str, int]:
    """Pick the persons behind the demo accounts, before lifecycle changes could touch them."""
    plan = p.plan
    city = plan.congress_named(DEMO_CITY)
    a, b = plan.congress_named("东湖区"), plan.congress_named("西岭区")
    people = {
        "city_chair": p.leaders_of[city.key]["sc_chair"],
        "chair_a": p.leaders_of[a.key]["sc_chair"],
        "chair_b": p.leaders_of[b.key]["sc_chair"],
    }
    sc_part_time = {}
    for ci, pid, position, _start in plan.committee_members:
        committee = plan.committees[ci]
        if committee.kind == "standing" and position == "member":
            tags = {v: k for k, v in p.leaders_of[committee.congress].items()}
            if pid not in tags:
                sc_part_time.setdefault(committee.congress, []).append(pid)
    leaders = {plan.mandates[g.leader].person for g in plan.groups if g.leader is not None}
    people["member_a"] = next(x for x in sc_part_time[a.key] if x not in leaders)
    people["member_b"] = next(x for x in sc_part_time[b.key] if x not in leaders)
    for key, congress, area in (("leader_a", a, "湖滨街道"), ("leader_b", b, "岭南街道")):
        group = next(g for g in plan.groups if g.congress == congress.key and g.name == f"{area}代表小组")
        people[key] = plan.mandates[group.leader].person
    in_committee = {pid for _ci, pid, _pos, _s in plan.committee_members}

    def plain(pid: int) -> bool:
        return pid not in p.reserved and pid not in in_committee and pid not in leaders

    levels: dict[int, set[int]] = {}
    for m in plan.mandates:
        levels.setdefault(m.person, set()).add(m.congress)
    people["deputy_a"] = next(pid for pid, cs in levels.items() if cs == {a.key, city.key} and plain(pid))
    people["deputy_b"] = next(pid for pid, cs in levels.items() if cs == {b.key} and plain(pid))
    p.reserved.update(people.values())
    return people


DEMO_STAFF_NAMES_SEED = 7


def _plan_demo_accounts(p: Planner, people: dict[str, int]) -> None:
    plan = p.plan
    city = plan.congress_named(DEMO_CITY)
    a, b = plan.congress_named("东湖区"), plan.congress_named("西岭区")

    def committee(congress, name):
        return next(i for i, c in enumerate(plan.committees) if c.congress == congress.key and c.name == name)

    def station(congress, name):
        return next(i for i, s in enumerate(plan.stations) if s.congress == congress.key and s.name == name)

    def unit(name):
        return next(i for i, u in enumerate(plan.units) if u.name == name)

    staff_names = Planner(DEMO_STAFF_NAMES_SEED)
    staff_names.person_names = set(p.person_names)
    rows = [
        # username, congress, person, roles (role, congress, committee, station, unit)
        ("admin", city, None, []),
        ("city_staff", city, None, [("staff", city.key, None, None, None)]),
        ("city_chair", city, people["city_chair"], [("chair", city.key, None, None, None)]),
        ("staff_a", a, None, [("staff", a.key, None, None, None)]),
        ("staff_b", b, None, [("staff", b.key, None, None, None)]),
        ("chair_a", a, people["chair_a"], [("chair", a.key, None, None, None)]),
        ("chair_b", b, people["chair_b"], [("chair", b.key, None, None, None)]),
        ("member_a", a, people["member_a"], [("sc_member", a.key, None, None, None)]),
        ("member_b", b, people["member_b"], [("sc_member", b.key, None, None, None)]),
        ("committee_a", city, None, [("committee_staff", city.key, committee(city, "财政经济委员会"), None, None)]),
        ("committee_b", city, None,
         [("committee_staff", city.key, committee(city, "教育科学文化卫生委员会"), None, None)]),
        ("station_a", a, None, [("station_staff", a.key, None, station(a, "湖滨街道人大代表联络站"), None)]),
        ("station_b", b, None, [("station_staff", b.key, None, station(b, "岭南街道人大代表联络站"), None)]),
        ("handler_a", city, None, [("unit_handler", city.key, None, None, unit("示范市教育局"))]),
        ("handler_b", city, None, [("unit_handler", city.key, None, None, unit("示范市住房和城乡建设局"))]),
        ("deputy_a", a, people["deputy_a"], []),
        ("deputy_b", b, people["deputy_b"], []),
        ("leader_a", a, people["leader_a"], []),
        ("leader_b", b, people["leader_b"], []),
    ]  # fmt: skip
    linked = set()
    for n, (username, congress, pid, roles) in enumerate(rows):
        if pid is None:
            full_name = (
                "系统管理员"
                if username == "admin"
                else staff_names.person_name("F" if staff_names.rng.random() < 0.5 else "M")
            )
            mobile = f"{RESERVED_MOBILE_PREFIX}{n:04d}"
        else:
            full_name, mobile = plan.persons[pid].name, plan.persons[pid].mobile
            linked.add(pid)
        plan.accounts.append(
            AccountPlan(username, full_name, mobile, congress.key, pid, must_change=False,
                        superuser=username == "admin", roles=list(roles))
        )  # fmt: skip
    # Accounts for a share of the other deputies; they change the initial password at first sign-in.
    for pid, person in enumerate(plan.persons):
        if pid in linked or p.rng.random() > 0.45:
            continue
        plan.accounts.append(AccountPlan(f"dep{pid:04d}", person.name, person.mobile, person.congress, pid))


# --- the seed: any size --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SeedShape:
    province: bool
    cities: int
    counties: int
    townships: int


def seed_shape(deputies: int, province: bool) -> SeedShape:
    cities = max(1, round(deputies / 7000)) if province else 1
    counties = max(cities, round(deputies * 0.27 / 170))
    townships = max(counties, round(deputies * 0.62 / 45))
    return SeedShape(province, cities, counties, townships)


def _split_evenly(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _allocate(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders), each at most its cap."""
    n = len(weights)
    caps = caps or [total] * n
    out = [0] * n
    remaining = total
    active = [i for i in range(n) if caps[i] > 0 and weights[i] > 0]
    while remaining > 0 and active:
        wsum = sum(weights[i] for i in active)
        shares = {i: remaining * weights[i] / wsum for i in active}
        given = 0
        for i in active:
            add = min(int(shares[i]), caps[i] - out[i])
            out[i] += add
            given += add
        if given == 0:
            for i in sorted(active, key=lambda i: -(shares[i] - int(shares[i]))):
                if given >= remaining:
                    break
                if out[i] < caps[i]:
                    out[i] += 1
                    given += 1
        remaining -= given
        active = [i for i in active if out[i] < caps[i]]
    return out


def plan_seed(
    *,
    deputies: int,
    stations: int | None = None,
    units: int | None = None,
    seed: int = 1,
    province: bool = False,
    taken_places=frozenset(),
    taken_mobiles=frozenset(),
    username_prefix: str = "seed",
) -> Plan:
    """A generated province or city holding about `deputies` deputies (people), pure Python."""
    p = Planner(seed, taken_mobiles=taken_mobiles, unique_names=False)
    rng = p.rng
    shape = seed_shape(deputies, province)
    used = set(taken_places)

    def place(suffix: str) -> str:
        for length in (2, 2, 2, 3, 3, 3, 4):
            for _ in range(40):
                name = "".join(rng.choice(N.PLACE_SYLLABLES) for _ in range(length)) + suffix
                if name not in used:
                    used.add(name)
                    return name
        raise RuntimeError("ran out of place names")

    top = None
    if province:
        region = place("省")
        top = p.add_congress(
            name=f"{region}人民代表大会", short_name=f"{region}人大", level=PROVINCE, region_name=region,
            region_code="99", parent=None, term=(14, D(2023, 1, 13), D(2028, 1, 12)),
            prev_term=(13, D(2018, 1, 25), D(2023, 1, 12)),
            sessions=[(i + 1, D(2023 + i, 1, 13 + i), D(2023 + i, 1, 17 + i)) for i in range(4)],
            seats=0, reuse=0.5, special=list(N.SPECIAL_COMMITTEES), working=list(N.WORKING_COMMITTEES),
            sc_size=60,
        )  # fmt: skip
    city_counties = _split_evenly(shape.counties, shape.cities)
    county_townships = _split_evenly(shape.townships, shape.counties)
    county_index = 0
    for ci in range(shape.cities):
        region = place("市")
        start = D(2022, 1, rng.randint(6, 12))
        city = p.add_congress(
            name=f"{region}人民代表大会", short_name=f"{region}人大", level=CITY, region_name=region,
            region_code=f"99{ci + 1:02d}", parent=top.key if top else None,
            term=(rng.randint(14, 17), start, D(2027, 1, start.day - 1)), prev_term=None,
            sessions=_sessions(rng, CITY, start), reuse=0.5, special=list(N.SPECIAL_COMMITTEES),
            working=list(N.WORKING_COMMITTEES), sc_size=35,
        )  # fmt: skip
        city.prev_term = (city.term[0] - 1, D(2017, 1, start.day), start - dt.timedelta(days=1))
        for ki in range(city_counties[ci]):
            urban = rng.random() < 0.35
            region = place("区" if urban else "县")
            streets = [place("街道") for _ in range(rng.randint(3, 5) if urban else rng.randint(1, 2))]
            term, prev = _county_term(
                rng.randint(16, 19), D(2022, 1, 3) + dt.timedelta(days=rng.randint(0, 7))
            )
            county = p.add_congress(
                name=f"{region}人民代表大会", short_name=f"{region}人大", level=COUNTY, region_name=region,
                region_code=f"99{ci + 1:02d}{ki + 1:02d}", parent=city.key, term=term, prev_term=prev,
                sessions=_sessions(rng, COUNTY, term[1]), reuse=0.18, streets=streets, areas=list(streets),
                special=list(N.SPECIAL_COMMITTEES[:4]), working=list(N.WORKING_COMMITTEES[:2]), sc_size=23,
            )  # fmt: skip
            for ti in range(county_townships[county_index]):
                region = place("镇" if rng.random() < 0.8 else "乡")
                villages: list[str] = []
                while len(villages) < rng.randint(5, 9):
                    v = rng.choice(N.VILLAGE_SYLLABLES) + rng.choice(N.VILLAGE_SYLLABLES) + "村"
                    if v not in villages:
                        villages.append(v)
                tterm, tprev = _county_term(
                    rng.randint(18, 21), D(2022, 1, 2) + dt.timedelta(days=rng.randint(0, 5))
                )
                p.add_congress(
                    name=f"{region}人民代表大会", short_name=f"{region}人大", level=TOWNSHIP, region_name=region,
                    region_code=f"99{ci + 1:02d}{ki + 1:02d}{ti + 101:03d}", parent=county.key, term=tterm,
                    prev_term=tprev, sessions=_sessions(rng, TOWNSHIP, tterm[1]), areas=villages,
                )  # fmt: skip
                county.areas.append(region)
            county_index += 1

    _size_seats(p, deputies)
    p.plan_electoral_units()
    p.plan_deputies()
    p.plan_committees()
    p.plan_groups()
    p.plan_lifecycle()
    _plan_seed_stations(p, deputies if stations is None else stations, default=stations is None)
    p.assign_stations(unassigned=max(1, len(p.plan.mandates) // 200))
    _plan_seed_units(p, units)
    _plan_seed_accounts(p, username_prefix)
    return p.plan


def _sessions(rng: random.Random, level: str, start: D) -> list[tuple[int, D, D]]:
    length = {CITY: 3, COUNTY: 2, TOWNSHIP: 1}[level]
    out = [(1, start, start + dt.timedelta(days=length))]
    for i, year in enumerate(range(start.year + 1, 2027)):
        if level == TOWNSHIP:
            day = SPRING_FESTIVAL[year] + dt.timedelta(days=rng.randint(9, 20))
        else:
            day = D(year, 1, rng.randint(4, 18))
        out.append((i + 2, day, day + dt.timedelta(days=length)))
    return out


def _size_seats(p: Planner, deputies: int) -> None:
    """Seats per congress so that about `deputies` people hold a mandate (upper levels reuse lower ones)."""
    plan = p.plan
    by_level = {lvl: [c for c in plan.congresses if c.level == lvl] for lvl in DEPTH}
    provinces, cities, counties, townships = (by_level[lvl] for lvl in (PROVINCE, CITY, COUNTY, TOWNSHIP))
    for c in provinces:
        c.seats = max(len(p.leader_positions(c)) + 5, min(900, round(deputies * 0.035)))
    for c in cities:
        c.seats = max(len(p.leader_positions(c)) + 5, min(650, round(deputies * 0.08 / len(cities))))
    for c in counties:
        c.seats = max(len(p.leader_positions(c)) + 5, min(350, round(deputies * 0.27 / len(counties))))
    new_upper = sum(
        c.seats - round(c.seats * c.reuse) for c in provinces + cities + counties
    )  # reused seats add no person
    rest = max(len(townships) * 8, deputies - new_upper)
    for c, seats in zip(townships, _split_evenly(rest, len(townships)), strict=True):
        c.seats = seats


def _plan_seed_stations(p: Planner, total: int, *, default: bool) -> None:
    plan = p.plan
    if default:
        total = max(1, total // 6)
    upper = [c for c in plan.congresses if c.level in (PROVINCE, CITY)]
    lower = [c for c in plan.congresses if c.level in (COUNTY, TOWNSHIP)]
    counts: dict[int, int] = {}
    for c in upper:
        give = min(2, max(0, total - sum(counts.values()) - len(lower)))
        counts[c.key] = give
    rest = total - sum(counts.values())
    # In proportion to the deputies who live there, since deputies enter the station nearest home.
    residents: dict[int, int] = {}
    for m in plan.mandates:
        home = plan.persons[m.person].home
        residents[home] = residents.get(home, 0) + 1
    weights = [residents.get(c.key, 0) + 0.5 for c in lower]
    for c, n in zip(lower, _allocate(rest, weights), strict=True):
        counts[c.key] = n
    p.plan_stations(counts)


def _plan_seed_units(p: Planner, total: int | None) -> None:
    plan = p.plan
    candidates = [p.unit_candidates(c) for c in plan.congresses]
    if total is None:
        for c, cands in zip(plan.congresses, candidates, strict=True):
            keep = cands if c.level != COUNTY else cands[:12]
            plan.units.extend(keep)
        return
    capacity = sum(len(c) for c in candidates)
    if total > capacity:
        raise ValueError(f"at most {capacity} undertaking units fit this many congresses")
    # The government's own departments first, the others in proportion to what each congress has.
    counts = _allocate(total, [len(c) for c in candidates], [len(c) for c in candidates])
    for cands, n in zip(candidates, counts, strict=True):
        plan.units.extend(cands[:n])


def _plan_seed_accounts(p: Planner, prefix: str) -> None:
    plan = p.plan
    for c in plan.congresses:
        if c.has_sc:
            plan.accounts.append(
                AccountPlan(f"{prefix}_staff{c.key}", f"{c.short_name}工作人员", None, c.key, must_change=False,
                            roles=[("staff", c.key, None, None, None)])
            )  # fmt: skip
    for pid, person in enumerate(plan.persons):
        if p.rng.random() < 0.2:
            plan.accounts.append(
                AccountPlan(f"{prefix}_d{pid}", person.name, person.mobile, person.congress, pid)
            )


# --- writing ---------------------------------------------------------------------------------------------
class _Writer:
    """bulk_create in batches, one "created" event per row, a progress bar on request."""

    BATCH = 2000

    def __init__(self, *, total: int, progress: bool, desc: str):
        from django.utils import timezone

        self.now = timezone.now()
        from lvzhi.core.audit import EventBatch

        self.events = EventBatch()
        self.bar = None
        if progress:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=desc, unit=" rows", dynamic_ncols=True, leave=True)

    def create(self, model, objs: list, kind: str, congress_of, payload_of=None, security: bool = False):
        if not objs:
            return objs
        model.objects.bulk_create(objs, batch_size=self.BATCH)
        for o in objs:
            self.events.add(
                o,
                kind,
                congress_id=congress_of(o),
                payload=payload_of(o) if payload_of else None,
                is_security=security,
            )
        self.tick(len(objs))
        if len(self.events.rows) >= 10000:
            self.flush()
        return objs

    def flush(self) -> None:
        if self.events.rows:
            self.tick(self.events.flush())

    def tick(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def write_plan(plan: Plan, *, progress: bool = False, desc: str = "") -> dict[str, int]:
    """Write `plan` to the database in one transaction; return the counts written."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from lvzhi.org.congress_settings import RESULT_CLASSES_ABC, RESULT_CLASSES_ABCD
    from lvzhi.org.models import (
        Committee,
        CommitteeMembership,
        CongressSetting,
        DeputyGroup,
        ElectoralUnit,
        GroupMembership,
        Mandate,
        MandateLeave,
        Person,
        RoleAssignment,
        Session,
        Term,
        Unit,
        User,
    )
    from lvzhi.org.services.structure import congress_create
    from lvzhi.stations.models import Station, StationDeputy

    counts = plan.counts()
    rows = sum(counts.values())
    w = _Writer(total=rows * 2, progress=progress, desc=desc)
    try:
        with transaction.atomic():
            # Congresses through the service: each needs its own id in its path.
            congresses = []
            for c in plan.congresses:
                congresses.append(
                    congress_create(
                        actor=None, name=c.name, short_name=c.short_name, level=c.level,
                        region_name=c.region_name, region_code=c.region_code,
                        parent=congresses[c.parent] if c.parent is not None else None,
                        has_standing_committee=c.has_sc, system=True,
                    )
                )  # fmt: skip
            w.tick(len(congresses) * 2)
            cid = [c.pk for c in congresses]

            terms, current = [], []
            for c in plan.congresses:
                if c.prev_term:
                    n, s, e = c.prev_term
                    terms.append(Term(congress_id=cid[c.key], number=n, start_date=s, end_date=e))
                n, s, e = c.term
                current.append(Term(congress_id=cid[c.key], number=n, start_date=s, end_date=e))
                terms.append(current[-1])
            w.create(Term, terms, "term.created", lambda o: o.congress_id)
            term_congress = {t.pk: t.congress_id for t in current}
            sessions = [
                Session(term_id=current[c.key].pk, number=n, start_date=s, end_date=e)
                for c in plan.congresses
                for n, s, e in c.sessions
            ]
            w.create(Session, sessions, "session.created", lambda o: term_congress[o.term_id])

            eunits = w.create(
                ElectoralUnit,
                [
                    ElectoralUnit(
                        congress_id=cid[e.congress], kind=e.kind, name=e.name,
                        lower_congress_id=cid[e.lower] if e.lower is not None else None,
                    )
                    for e in plan.eunits
                ],
                "electoral_unit.created",
                lambda o: o.congress_id,
            )  # fmt: skip
            persons = w.create(
                Person,
                [
                    Person(
                        name=p.name, gender=p.gender, birth_date=p.birth, ethnicity=p.ethnicity, party=p.party,
                        occupation=p.occupation, mobile=p.mobile, congress_id=cid[p.congress],
                    )
                    for p in plan.persons
                ],
                "person.created",
                lambda o: o.congress_id,
            )  # fmt: skip
            mandates = w.create(
                Mandate,
                [
                    Mandate(
                        person_id=persons[m.person].pk, congress_id=cid[m.congress],
                        term_id=current[m.congress].pk, electoral_unit_id=eunits[m.eunit].pk,
                        start_date=m.start, end_date=m.end, end_reason=m.end_reason,
                        is_grassroots=plan.persons[m.person].grassroots, fields=plan.persons[m.person].fields,
                    )
                    for m in plan.mandates
                ],
                "mandate.created",
                lambda o: o.congress_id,
                lambda o: {"person": o.person_id, "term": o.term_id},
            )  # fmt: skip
            mandate_congress = {m.pk: m.congress_id for m in mandates}
            w.create(
                MandateLeave,
                [
                    MandateLeave(mandate_id=mandates[m].pk, start_date=s, end_date=e, reason=r)
                    for m, s, e, r in plan.leaves
                ],
                "mandate_leave.created",
                lambda o: mandate_congress[o.mandate_id],
                lambda o: {"mandate": o.mandate_id},
            )
            committees = w.create(
                Committee,
                [
                    Committee(congress_id=cid[c.congress], kind=c.kind, name=c.name, short_name=c.short,
                              fields=c.fields)
                    for c in plan.committees
                ],
                "committee.created",
                lambda o: o.congress_id,
            )  # fmt: skip
            committee_congress = {c.pk: c.congress_id for c in committees}
            w.create(
                CommitteeMembership,
                [
                    CommitteeMembership(committee_id=committees[ci].pk, person_id=persons[pid].pk,
                                        position=pos, start_date=start)
                    for ci, pid, pos, start in plan.committee_members
                ],
                "committee_membership.created",
                lambda o: committee_congress[o.committee_id],
                lambda o: {"committee": o.committee_id, "person": o.person_id},
            )  # fmt: skip
            groups = w.create(
                DeputyGroup,
                [
                    DeputyGroup(congress_id=cid[g.congress], kind=g.kind, name=g.name,
                                leader_id=mandates[g.leader].pk if g.leader is not None else None)
                    for g in plan.groups
                ],
                "group.created",
                lambda o: o.congress_id,
                lambda o: {"leader": o.leader_id},
            )  # fmt: skip
            group_congress = {g.pk: g.congress_id for g in groups}
            w.create(
                GroupMembership,
                [
                    GroupMembership(group_id=groups[gi].pk, mandate_id=mandates[m].pk,
                                    joined_on=max(plan.mandates[m].start, plan.congresses[g.congress].term[1]))
                    for gi, g in enumerate(plan.groups)
                    for m in g.members
                ],
                "group_membership.created",
                lambda o: group_congress[o.group_id],
                lambda o: {"group": o.group_id, "mandate": o.mandate_id},
            )  # fmt: skip
            stations = w.create(
                Station,
                [
                    Station(congress_id=cid[s.congress], kind=s.kind, name=s.name, address=s.address,
                            opening_hours=s.hours, phone=s.phone)
                    for s in plan.stations
                ],
                "station.created",
                lambda o: o.congress_id,
            )  # fmt: skip
            station_congress = {s.pk: s.congress_id for s in stations}
            w.create(
                StationDeputy,
                [
                    StationDeputy(station_id=stations[si].pk, mandate_id=mandates[m].pk,
                                  assigned_on=plan.mandates[m].start + dt.timedelta(days=30))
                    for si, s in enumerate(plan.stations)
                    for m in s.deputies
                ],
                "station_deputy.created",
                lambda o: station_congress[o.station_id],
                lambda o: {"station": o.station_id, "mandate": o.mandate_id},
            )  # fmt: skip
            units = w.create(
                Unit,
                [
                    Unit(congress_id=cid[u.congress], kind=u.kind, name=u.name, short_name=u.short)
                    for u in plan.units
                ],
                "unit.created",
                lambda o: o.congress_id,
            )
            named = {"ABCD": RESULT_CLASSES_ABCD, "ABC": RESULT_CLASSES_ABC}
            w.create(
                CongressSetting,
                [
                    CongressSetting(congress_id=cid[c], key=key, value=named.get(value, value) if isinstance(value, str) else value)
                    for c, key, value in plan.settings
                ],
                "congress_setting.created",
                lambda o: o.congress_id,
                lambda o: {"key": o.key},
            )  # fmt: skip
            password = make_password(PASSWORD) if plan.accounts else ""  # hashed once, shared
            users = w.create(
                User,
                [
                    User(
                        username=a.username, full_name=a.full_name, mobile=a.mobile, password=password,
                        person_id=persons[a.person].pk if a.person is not None else None,
                        congress_id=cid[a.congress], must_change_password=a.must_change,
                        is_superuser=a.superuser, is_staff=a.superuser,
                    )
                    for a in plan.accounts
                ],
                "account.created",
                lambda o: o.congress_id,
                lambda o: {"person": o.person_id},
            )  # fmt: skip
            w.create(
                RoleAssignment,
                [
                    RoleAssignment(
                        user_id=users[ai].pk, role=role, congress_id=cid[c],
                        committee_id=committees[ci].pk if ci is not None else None,
                        station_id=stations[si].pk if si is not None else None,
                        unit_id=units[ui].pk if ui is not None else None,
                    )
                    for ai, a in enumerate(plan.accounts)
                    for role, c, ci, si, ui in a.roles
                ],
                "role.granted",
                lambda o: o.congress_id,
                lambda o: {"user": o.user_id, "role": o.role},
                security=True,
            )  # fmt: skip
            w.flush()
    finally:
        w.close()
    return counts
