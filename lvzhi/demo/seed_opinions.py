"""Citizens' opinions at scale for generated data (`lvzhi seed --opinions N`).

N opinions spread over the deputies and stations of a generated tree and the months of the current term up to
today: most through a deputy's or a station's QR code (a contact code is issued to every deputy and station
that has none), others given at a station visit or a reception day and typed in by staff, or imported from
the 12345 hotline. Each is taken to a state that fits its age — the last days' mostly new or acknowledged,
older ones answered, assigned to a unit, solved or closed, a share rated by the citizen — with the answer the
citizen reads and the rating, and the times the figures read (acknowledged against the acknowledgement clock,
first answered, finished).

Planned with one random.Random (same seed, same rows) and written in chunks with COPY on PostgreSQL, not
through the model layer. Events: the solve step only ("opinion.solve", which the solved figure reads for an
opinion rated after it was solved); the other steps' history is left out, like the seed's activities, since
half a million opinions would add millions of event rows nothing counts.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import random
import time
from collections import defaultdict
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .seed_bulk import BulkTable, analyze, next_id, reset_sequence

CHUNK = 50_000
# (category, weight, place words, what the citizen says)
TOPICS = (
    (
        "city",
        14,
        ("路口", "人行道", "背街小巷"),
        "{place}路灯不亮、路面破损，晚上出行很不方便，希望尽快维修。",
    ),
    (
        "traffic",
        14,
        ("学校门口", "公交站", "菜市场路口"),
        "{place}早晚高峰车辆乱停乱放，行人过马路很危险，建议加强疏导。",
    ),
    (
        "environment",
        10,
        ("小区垃圾站", "河道", "农贸市场"),
        "{place}垃圾清运不及时，气味很大，希望加强环境卫生管理。",
    ),
    (
        "housing",
        12,
        ("老旧小区", "安置小区", "商品房小区"),
        "{place}物业服务差，楼道堆放杂物，消防通道被占用，反映多次无果。",
    ),
    ("education", 8, ("幼儿园", "小学", "初中"), "附近{place}学位紧张，孩子入学难，希望增加学位供给。"),
    (
        "health",
        8,
        ("社区卫生服务中心", "乡镇卫生院", "村卫生室"),
        "{place}周末不开门、药品不全，老人看病配药要跑很远。",
    ),
    (
        "elderly",
        9,
        ("社区老年食堂", "养老服务站", "日间照料中心"),
        "{place}开放时间太短，很多老人吃不上饭，希望延长服务时间。",
    ),
    (
        "jobs",
        5,
        ("工业园区", "人力资源市场", "社区"),
        "希望在{place}多举办技能培训和招聘会，帮助大龄人员就业。",
    ),
    (
        "market",
        4,
        ("培训机构", "超市", "农贸市场"),
        "{place}预收费多、价格不透明，担心权益受损，希望加强监管。",
    ),
    (
        "safety",
        6,
        ("小区楼下", "地下车库", "沿街商铺"),
        "{place}电动车飞线充电，存在火灾隐患，建议建设集中充电桩。",
    ),
    (
        "rural",
        7,
        ("村道", "灌溉渠", "田间道路"),
        "{place}年久失修，雨天泥泞难行，影响农业生产，希望纳入改造计划。",
    ),
    ("other", 3, ("社区", "街道", "村"), "关于{place}公共服务的其他意见，希望有关部门研究解决。"),
)
# (source, through, weight): through "deputy" or "station" (a QR code), "reception" (a deputy at a station),
# "station_only" (typed in at the station), "hotline" or "staff" (the congress).
SOURCES = (
    ("qr", "deputy", 42),
    ("qr", "station", 14),
    ("reception", "reception", 16),
    ("station", "station_only", 10),
    ("hotline", "congress", 12),
    ("staff", "deputy", 6),
)
# States by the opinion's age: (days younger than, [(state, weight)]).
BY_AGE = (
    (3, (("new", 55), ("acknowledged", 33), ("replied", 12))),
    (
        30,
        (("new", 4), ("acknowledged", 14), ("replied", 24), ("assigned_to_unit", 14), ("passed_to_station", 4),
         ("meeting", 3), ("solved", 22), ("closed", 5), ("rated", 10)),
    ),
    (
        100_000,
        (("new", 0.5), ("acknowledged", 2), ("replied", 21), ("assigned_to_unit", 2), ("passed_to_station", 0.5),
         ("meeting", 0.5), ("solved", 40), ("closed", 10), ("rated", 23.5)),
    ),
)  # fmt: skip
RATED_FROM = (("replied", 35), ("solved", 55), ("closed", 10))
SCORES = {
    "solved": (("satisfied", 76), ("basic", 17), ("dissatisfied", 7)),
    "replied": (("satisfied", 55), ("basic", 27), ("dissatisfied", 18)),
    "closed": (("satisfied", 35), ("basic", 30), ("dissatisfied", 35)),
}
ANSWERS = {
    "replied": "您反映的问题已收悉，已转相关部门研究处理，处理进展将及时告知您。",
    "solved": "您反映的问题已协调有关部门解决，感谢您的监督和支持。",
    "closed": "您反映的问题已有明确处理意见，不属于本次办理范围，已向您说明。",
    "assigned_to_unit": "已交有关单位办理，单位将在规定时间内答复。",
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def _weighted(pairs, at: int = -1):
    """(items, weights): the weight is the tuple's element `at`; the item is the rest (or its one value)."""
    items = []
    for p in pairs:
        rest = p[:at] + p[at:][1:] if at != -1 else p[:-1]
        items.append(rest[0] if len(rest) == 1 else rest)
    return items, [p[at] for p in pairs]


def seed_opinions(*, top, total: int, seed: int = 1, progress: bool = False) -> dict[str, int]:
    """Write `total` opinions for the deputies and stations of `top`'s tree; returns the counts written."""
    from django.contrib.contenttypes.models import ContentType

    from lvzhi.core.calendar import add_working_days
    from lvzhi.core.models import Event
    from lvzhi.opinions.models import CitizenRating, ContactCode, Opinion, OpinionCounter, OpinionReply
    from lvzhi.org.congress_settings import settings_for
    from lvzhi.org.models import Congress, Mandate, Unit
    from lvzhi.stations.models import Station, StationDeputy

    rng = random.Random(seed * 104_729 + total)
    written = {"opinions": 0, "answers": 0, "ratings": 0, "codes": 0}
    if total <= 0:
        return written
    started = time.monotonic()
    tz = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    today = timezone.localdate()

    congresses = {
        pk: (parent, path)
        for pk, parent, path in Congress.objects.filter(path__startswith=top.path).values_list(
            "pk", "parent_id", "path"
        )
    }
    mandates = list(
        Mandate.objects.filter(congress__path__startswith=top.path)
        .order_by("pk")
        .values_list(
            "pk", "person_id", "person__name", "congress_id", "start_date", "end_date",
            "term__start_date", "term__end_date",
        )
    )  # fmt: skip
    stations = list(
        Station.objects.filter(congress__path__startswith=top.path, is_active=True)
        .order_by("pk")
        .values_list("pk", "congress_id", "name")
    )
    if not mandates:
        return written
    in_station: dict[int, list[int]] = defaultdict(list)  # station → its mandates (indexes)
    m_index = {m[0]: i for i, m in enumerate(mandates)}
    for sid, mid in StationDeputy.objects.filter(station__congress__path__startswith=top.path).values_list(
        "station_id", "mandate_id"
    ):
        if mid in m_index:
            in_station[sid].append(m_index[mid])
    windows = []
    for _pk, _person, _name, _cid, m_start, m_end, t_start, t_end in mandates:
        start = max(m_start, t_start)
        end = min(d for d in (m_end, t_end, today) if d is not None)
        windows.append((start, max(0, (end - start).days)))
    term_start = min(w[0] for w in windows)
    span = (today - term_start).days

    units: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, cid, name in Unit.objects.filter(congress__path__startswith=top.path, is_active=True).values_list(
        "pk", "congress_id", "name"
    ):
        units[cid].append((pk, name))

    @cache
    def units_for(cid: int) -> tuple:
        """The units of the nearest congress (itself or above) that has any: a township's go to its county."""
        key = cid
        while key is not None and key in congresses:
            if units.get(key):
                return tuple(units[key])
            key = congresses[key][0]
        return ()

    rules = {}
    for cid in congresses:
        s = settings_for(Congress(pk=cid, path=congresses[cid][1]))
        rules[cid] = (int(s["opinion_ack_days"]), int(s["opinion_unit_days"]))

    @cache
    def working(day: dt.date, n: int) -> dt.date:
        return add_working_days(day, n)

    # Contact codes: one live code per deputy mandate and station that has none yet.
    code_table = BulkTable(ContactCode, now=now)
    live_m = dict(
        ContactCode.objects.filter(revoked_at__isnull=True, mandate__isnull=False).values_list(
            "mandate_id", "pk"
        )
    )
    live_s = dict(
        ContactCode.objects.filter(revoked_at__isnull=True, station__isnull=False).values_list(
            "station_id", "pk"
        )
    )
    code_id = next_id(ContactCode)

    def token() -> str:
        return base64.urlsafe_b64encode(rng.getrandbits(128).to_bytes(16, "big")).rstrip(b"=").decode()

    with transaction.atomic():
        for pk, _person, _name, cid, *_rest in mandates:
            if pk not in live_m:
                code_table.add(id=code_id, token=token(), mandate_id=pk, congress_id=cid, created_at=now)
                live_m[pk] = code_id
                code_id += 1
        for pk, cid, _name in stations:
            if pk not in live_s:
                code_table.add(id=code_id, token=token(), station_id=pk, congress_id=cid, created_at=now)
                live_s[pk] = code_id
                code_id += 1
        written["codes"] = code_table.flush()
        reset_sequence(ContactCode)

    # The follow-up key is an HMAC of the salt (tokens.follow_key), computed here with the key derived once.
    follow_mac_key = hashlib.sha256(b"lvzhi.opinions.follow" + settings.SECRET_KEY.encode()).digest()

    counters = dict(OpinionCounter.objects.values_list("year", "last"))
    topics, topic_w = _weighted(TOPICS, 1)
    sources, source_w = _weighted(SOURCES)
    age_states = [(limit, *_weighted(pairs)) for limit, pairs in BY_AGE]
    rated_from, rated_w = _weighted(RATED_FROM)
    scores = {k: _weighted(v) for k, v in SCORES.items()}
    stations_with_deputies = [i for i, s in enumerate(stations) if in_station.get(s[0])]
    opinion_ct = ContentType.objects.get_for_model(Opinion)

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, desc="opinions", unit=" rows", dynamic_ncols=True)

    ops = BulkTable(Opinion, now=now)
    answers = BulkTable(OpinionReply, now=now)
    ratings = BulkTable(CitizenRating, now=now)
    events = BulkTable(Event, now=now)
    hour = dt.timedelta(hours=1)
    with transaction.atomic():
        oid, aid, rid = next_id(Opinion), next_id(OpinionReply), next_id(CitizenRating)
        eid = next_id(Event)
        for n in range(total):
            source, through = rng.choices(sources, source_w)[0]
            mandate = station = code = None
            person = None
            signer = ""
            if through == "deputy" or (through == "reception" and not stations_with_deputies):
                i = rng.randrange(len(mandates))
                m = mandates[i]
                mandate, person, cid = m[0], m[1], m[3]
                start, days = windows[i]
                signer = f"代表 {m[2]}"
                if source == "qr":
                    code = live_m.get(mandate)
            elif through == "reception":
                si = rng.choice(stations_with_deputies)
                station, cid, signer = stations[si][0], stations[si][1], stations[si][2]
                i = rng.choice(in_station[station])
                mandate, person = mandates[i][0], mandates[i][1]
                start, days = windows[i]
            elif through in ("station", "station_only") and stations:
                station, cid, signer = rng.choice(stations)
                start, days = term_start, span
                if through == "station":
                    code = live_s.get(station)
            else:
                cid = rng.choice(list(congresses))
                start, days = term_start, span
                signer = "人大代表工作室"
            day = start + dt.timedelta(days=rng.randint(0, days))
            created = dt.datetime(
                day.year, day.month, day.day, rng.randint(7, 21), rng.randrange(60), tzinfo=tz
            )
            if created > now:
                created = now - dt.timedelta(minutes=rng.randint(5, 600))
                day = created.astimezone(tz).date()
            age = (today - day).days
            cat, places, text = rng.choices(topics, topic_w)[0]
            place = rng.choice(places)
            kind = "meeting" if rng.random() < 0.04 else "opinion"
            callback = kind == "opinion" and rng.random() < 0.2
            named = kind == "meeting" or callback or rng.random() < 0.25
            phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}" if named else ""
            name = f"{rng.choice(SURNAMES)}{rng.choice('先生女士')}" if named else ""
            if name.endswith("女"):
                name += "士"
            elif name.endswith("先"):
                name += "生"
            for limit, states, weights in age_states:
                if age < limit:
                    state = rng.choices(states, weights)[0]
                    break
            before = state
            if state == "rated":
                before = rng.choices(rated_from, rated_w)[0]
            if source == "hotline" and before in ("meeting", "passed_to_station"):
                before = state = "replied"
            ack_days, unit_days = rules[cid]
            ack_due = working(day, ack_days)
            # How long each step took, squeezed into the opinion's age.
            room = max(age * 24 - 1, 1) * hour
            acked = answered = finished = assigned = escalated = None
            unit = unit_name = unit_due = meeting_at = None
            if state != "new":
                late = rng.random() < 0.08
                delay = (
                    rng.uniform(ack_days * 24, ack_days * 24 + 120)
                    if late
                    else rng.uniform(0.5, ack_days * 20)
                )
                acked = created + min(delay * hour, room * 0.3)
            elif (today - ack_due).days > 0:
                escalated = dt.datetime.combine(ack_due + dt.timedelta(days=1), dt.time(8), tzinfo=tz)
            via_unit = before == "assigned_to_unit" or (before == "solved" and rng.random() < 0.35)
            if via_unit and acked:
                pool = units_for(cid)
                if pool:
                    unit, unit_name = rng.choice(pool)
                    assigned = acked + min(rng.uniform(2, 96) * hour, room * 0.1)
                    unit_due = working(timezone.localtime(assigned, tz).date(), unit_days)
                elif before == "assigned_to_unit":
                    state = before = "acknowledged"  # no unit to take it: it waits with the deputy
                    via_unit = False
            if before in ("replied", "solved", "closed") or (via_unit and before != "assigned_to_unit"):
                base = assigned or acked
                answered = base + min(rng.expovariate(1 / 150) * hour + hour, room * 0.4)
            if before in ("solved", "closed"):
                finished = (answered or acked) + min(rng.uniform(1, 400) * hour, room * 0.15)
            if before == "meeting":
                meeting_at = acked + dt.timedelta(days=rng.randint(2, 14))
            rated_at = None
            if state == "rated":
                rated_at = (finished or answered) + min(rng.uniform(2, 200) * hour, room * 0.05)
                finished = finished or rated_at
            year = created.astimezone(tz).year
            counters[year] = counters.get(year, 0) + 1
            salt = f"{rng.getrandbits(128):032x}"
            key = hmac.new(follow_mac_key, salt.encode(), hashlib.sha256).hexdigest()[:32]
            ops.add(
                id=oid,
                number=f"YJ{year}-{counters[year]:06d}",
                follow_salt=salt,
                follow_hash=hashlib.sha256(key.encode()).hexdigest(),
                source=source,
                code_id=code,
                kind=kind,
                category=cat,
                place=place,
                content=text.format(place=place),
                citizen_name=name,
                phone=phone,
                wants_callback=callback,
                consent_at=created,
                mandate_id=mandate,
                person_id=person,
                station_id=station,
                congress_id=cid,
                state=state,
                created_at=created,
                updated_at=rated_at or finished or answered or acked or created,
                acknowledged_at=acked,
                answered_at=answered,
                finished_at=finished,
                solved_at=finished if before == "solved" else None,  # as the solve step sets it
                urgent=rng.random() < 0.03,
                ack_due_on=ack_due,
                escalated_at=escalated,
                unit_id=unit,
                unit_due_on=unit_due,
                assigned_at=assigned,
                meeting_at=meeting_at,
                meeting_place=signer if meeting_at and station else "",
            )
            if answered:
                body = ANSWERS[
                    "solved" if before == "solved" else "closed" if before == "closed" else "replied"
                ]
                answers.add(
                    id=aid, opinion_id=oid, signed_as=unit_name or signer, body=body, created_at=answered
                )
                aid += 1
            if state == "rated":
                score = rng.choices(*scores[before])[0]
                ratings.add(id=rid, opinion_id=oid, score=score, created_at=rated_at)
                rid += 1
            if before == "solved":
                events.add(
                    id=eid,
                    occurred_at=finished,
                    kind="opinion.solve",
                    target_type_id=opinion_ct.pk,
                    target_id=str(oid),
                    congress_id=cid,
                    from_state="replied" if answered else "acknowledged",
                    to_state="solved",
                )
                eid += 1
            oid += 1
            if len(ops.rows) >= CHUNK or n == total - 1:
                flushed = ops.flush()
                written["opinions"] += flushed
                written["answers"] += answers.flush()
                written["ratings"] += ratings.flush()
                events.flush()
                if bar is not None:
                    bar.update(flushed)
        for year, last in counters.items():
            OpinionCounter.objects.update_or_create(year=year, defaults={"last": last})
        reset_sequence(Opinion, OpinionReply, CitizenRating, Event)
    if bar is not None:
        bar.close()
    analyze(Opinion, OpinionReply, CitizenRating, ContactCode)
    written["seconds"] = round(time.monotonic() - started, 1)
    return written


def describe(counts: dict) -> str:
    return (
        f"{counts['opinions']:,} opinions ({counts['answers']:,} answers, {counts['ratings']:,} ratings) "
        f"in {counts.get('seconds', 0)} s"
    )
