"""Suggestions at scale for generated data (`lvzhi seed --suggestions N`).

N suggestions by the deputies of the congresses that have undertaking units (province, cities, counties: a
township's government is a unit of its county), about a third handed in during the term's sessions and the
rest in recess, over the months of the current term up to today. Each runs the real loop as far as its age
allows, with the rows the services would have written: submitted, accepted and numbered (第Z号 per session or
per recess year), assigned to a lead unit of its own congress (some with co-units) by the assignment meeting,
acknowledged, consulted with the deputy (most face to face, some by phone), replied to with a result class of
the congress's set and on time or late against the reply deadline, evaluated by every deputy concerned
(satisfied, basically satisfied, dissatisfied), handled again after a dissatisfied first evaluation, the
promise of a "being solved" reply reported and evaluated, closed; a few returned, merged or withdrawn, and
many closed ones disclosed to the public. Every unit gets a handler account (who acknowledges, consults and
replies); the office's staff account of the congress assigns and prepares disclosures.

Planned with one random.Random (same seed, same rows) and written in chunks with COPY on PostgreSQL. No
events: like the seed's activities, the workflow history of tens of thousands of suggestions would be
millions of event rows that no figure reads (the suggestions' figures read the rows themselves).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .seed_bulk import BulkTable, analyze, next_id, reset_sequence

CHUNK = 10_000
TOPICS = (
    ("economy", "优化营商环境支持民营企业发展"), ("economy", "加大对小微企业的金融支持力度"),
    ("urban", "加快老旧小区改造和加装电梯"), ("urban", "推进城市排水防涝设施建设"),
    ("transport", "优化城区公交线路和站点设置"), ("transport", "加强农村公路养护管理"),
    ("education", "增加普惠性幼儿园学位供给"), ("education", "推进城乡义务教育优质均衡发展"),
    ("culture", "加强历史文化街区保护利用"), ("health", "提升基层医疗卫生服务能力"),
    ("health", "完善医保异地就医结算"), ("social", "完善居家社区养老服务体系"),
    ("agriculture", "加快高标准农田建设"), ("agriculture", "加强农村饮水安全保障"),
    ("environment", "加强餐饮油烟污染治理"), ("environment", "推进河道综合治理"),
    ("law", "加强基层矛盾纠纷多元化解"), ("other", "加强志愿服务体系建设"),
)  # fmt: skip
BODY = (
    "{topic}问题群众反映强烈。经实地调研，主要原因是规划滞后、投入不足、部门之间协调不够。"
    "建议：一是摸清底数，制定三年行动计划；二是加大财政投入，明确责任单位和完成时限；"
    "三是建立长效管理机制，定期向人大代表和群众通报进展。"
)
REPLY = (
    "关于《{title}》的建议收悉。我单位高度重视，主要负责同志专题研究，并与代表当面沟通。"
    "现将办理情况答复如下：{label}。感谢您对我们工作的关心和支持。"
)
CLASS_WEIGHTS = {"A": 52, "B": 24, "C": 14, "D": 10}
FACE_TO_FACE = ("visit", "meeting", "site")
WHO = "分管负责同志、承办科室负责人、领衔代表"


def seed_suggestions(*, top, total: int, seed: int = 1, progress: bool = False) -> dict[str, int]:
    """Write `total` suggestions for the deputies of `top`'s tree; returns the counts written."""
    from django.contrib.auth.hashers import make_password

    from lvzhi.core.calendar import add_working_days, due_after_months
    from lvzhi.demo.generator import PASSWORD
    from lvzhi.org.congress_settings import settings_for
    from lvzhi.org.models import Congress, Mandate, RoleAssignment, Session, Unit, User
    from lvzhi.org.roles import Role
    from lvzhi.suggestions.figure_columns import keep_all
    from lvzhi.suggestions.models import (
        Assignment,
        Consultation,
        Disclosure,
        Evaluation,
        Reply,
        Signer,
        Suggestion,
    )

    rng = random.Random(seed * 15_485_863 + total)
    written = {"suggestions": 0, "assignments": 0, "replies": 0, "evaluations": 0, "consultations": 0}
    if total <= 0:
        return written
    started = time.monotonic()
    tz = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    today = timezone.localdate()

    units: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, cid, name in (
        Unit.objects.filter(congress__path__startswith=top.path, is_active=True)
        .order_by("pk")
        .values_list("pk", "congress_id", "name")
    ):
        units[cid].append((pk, name))
    staff = {}
    for cid, uid in (
        RoleAssignment.objects.filter(congress__path__startswith=top.path, role=Role.STAFF, is_active=True)
        .order_by("pk")
        .values_list("congress_id", "user_id")
    ):
        staff.setdefault(cid, uid)
    eligible = {cid for cid in units if cid in staff}
    by_congress: dict[int, list[int]] = defaultdict(list)
    mandates = []
    for pk, cid, m_start, m_end, t_start, t_end in (
        Mandate.objects.filter(congress_id__in=eligible)
        .order_by("pk")
        .values_list("pk", "congress_id", "start_date", "end_date", "term__start_date", "term__end_date")
    ):
        start = max(m_start, t_start)
        end = min(d for d in (m_end, t_end, today) if d is not None)
        if end <= start:
            continue
        by_congress[cid].append(len(mandates))
        mandates.append((pk, cid, start, (end - start).days))
    if not mandates:
        return written
    terms = dict(
        Mandate.objects.filter(pk__in=[mandates[by_congress[c][0]][0] for c in by_congress]).values_list(
            "congress_id", "term_id"
        )
    )
    sessions: dict[int, list[tuple[int, dt.date, dt.date]]] = defaultdict(list)
    for pk, cid, s_start, s_end in Session.objects.filter(
        term_id__in=terms.values(), start_date__lte=today
    ).values_list("pk", "term__congress_id", "start_date", "end_date"):
        sessions[cid].append((pk, s_start, min(s_end, today)))
    rules = {}
    for cid in by_congress:
        rules[cid] = settings_for(Congress.objects.get(pk=cid))

    # A handler account for every unit that has none (the unit's side of the loop is done by someone).
    handlers = dict(
        RoleAssignment.objects.filter(unit_id__isnull=False, role=Role.UNIT_HANDLER, is_active=True)
        .filter(unit__congress__path__startswith=top.path)
        .values_list("unit_id", "user_id")
    )
    prefix = _prefix(User, staff)
    with transaction.atomic():
        missing = [(u, cid) for cid in eligible for u, _n in units[cid] if u not in handlers]
        if missing:
            password = make_password(PASSWORD)
            unit_names = {u: n for cid in eligible for u, n in units[cid]}
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"{prefix}_h{u}", full_name=f"{unit_names[u][:20]}承办人", password=password,
                        congress_id=cid, must_change_password=False,
                    )
                    for u, cid in missing
                ],
                batch_size=2000,
            )  # fmt: skip
            RoleAssignment.objects.bulk_create(
                [
                    RoleAssignment(user_id=user.pk, role=Role.UNIT_HANDLER, congress_id=cid, unit_id=u)
                    for user, (u, cid) in zip(users, missing, strict=True)
                ],
                batch_size=2000,
            )
            handlers.update({u: user.pk for user, (u, _c) in zip(users, missing, strict=True)})

    @cache
    def working(day: dt.date, n: int) -> dt.date:
        return add_working_days(day, n)

    @cache
    def months(day: dt.date, n: int) -> dt.date:
        return due_after_months(day, n)

    def at(day: dt.date, lo: int = 9, hi: int = 17) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, rng.randint(lo, hi), rng.randrange(60), tzinfo=tz)

    def local(moment: dt.datetime) -> dt.date:
        return moment.astimezone(tz).date()

    numbers: dict[tuple[int, str], int] = defaultdict(int)
    for cid, series, last in _last_numbers(Suggestion, top):
        numbers[(cid, series)] = last
    accepted_of: dict[int, list[int]] = defaultdict(list)  # congress → accepted suggestions (merge targets)
    congress_list = sorted(by_congress)
    weights = [len(by_congress[c]) for c in congress_list]

    t = {
        m: BulkTable(m, now=now)
        for m in (Suggestion, Signer, Assignment, Consultation, Reply, Evaluation, Disclosure)
    }
    ids = {m: next_id(m) for m in t}

    def new_id(model) -> int:
        ids[model] += 1
        return ids[model] - 1

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, desc="suggestions", unit=" rows", dynamic_ncols=True)
    with transaction.atomic():
        for n in range(total):
            cid = rng.choices(congress_list, weights)[0]
            pool = by_congress[cid]
            mi = rng.choice(pool)
            mandate, _c, w_start, w_days = mandates[mi]
            r = rules[cid]
            session = None
            if sessions[cid] and rng.random() < 0.35:
                session, s_start, s_end = rng.choice(sessions[cid])
                received = s_start + dt.timedelta(days=rng.randint(0, max(0, (s_end - s_start).days)))
            else:
                received = w_start + dt.timedelta(days=rng.randint(0, w_days))
            field, topic = rng.choice(TOPICS)
            title = f"关于{topic}的建议"
            submitted = min(at(received), now - dt.timedelta(minutes=5))
            age = (today - received).days
            sid = new_id(Suggestion)
            row = {
                "id": sid, "congress_id": cid, "term_id": terms[cid], "session_id": session, "kind": "suggestion",
                "title": title, "field": field, "body": BODY.format(topic=topic), "author_id": mandate,
                "submitted_at": submitted, "received_on": received,
                "created_at": submitted - dt.timedelta(days=rng.randint(0, 10), hours=rng.randint(0, 8)),
            }  # fmt: skip
            if session is None:
                row["assign_due"] = working(received, r["recess_assign_working_days"])
            concerned = [mandate]
            t[Signer].add(
                id=new_id(Signer), suggestion_id=sid, mandate_id=mandate, role="author",
                invited_at=row["created_at"], confirmed_at=row["created_at"],
            )  # fmt: skip
            if rng.random() < 0.25 and len(pool) > 3:
                for other in rng.sample(pool, min(len(pool) - 1, rng.randint(1, 4))):
                    if mandates[other][0] not in concerned:
                        concerned.append(mandates[other][0])
                        t[Signer].add(
                            id=new_id(Signer), suggestion_id=sid, mandate_id=mandates[other][0], role="cosigner",
                            invited_at=row["created_at"], confirmed_at=row["created_at"] + dt.timedelta(hours=5),
                        )  # fmt: skip
            state = _walk(
                rng, row, t, new_id, r, concerned,
                cid=cid, age=age, received=received, submitted=submitted, today=today, now=now,
                units=units[cid], handlers=handlers, staff=staff[cid], numbers=numbers,
                accepted_of=accepted_of, working=working, months=months, at=at, local=local,
                models=(Suggestion, Assignment, Consultation, Reply, Evaluation, Disclosure),
            )  # fmt: skip
            row["state"] = state
            t[Suggestion].add(**row)
            if len(t[Suggestion].rows) >= CHUNK or n == total - 1:
                # Merged suggestions point at earlier ones: the targets are in this chunk or before.
                flushed = t[Suggestion].flush()
                written["suggestions"] += flushed
                for model, key in (
                    (Signer, None), (Assignment, "assignments"), (Consultation, "consultations"),
                    (Reply, "replies"), (Evaluation, "evaluations"), (Disclosure, None),
                ):  # fmt: skip
                    done = t[model].flush()
                    if key:
                        written[key] += done
                if bar is not None:
                    bar.update(flushed)
        reset_sequence(*t)
        # The rows went in without the services: derive the figures' columns as they would have (with the
        # planner's statistics first: it reads the new rows through correlated subqueries).
        analyze(*t)
        keep_all(Suggestion.objects.filter(congress__path__startswith=top.path))
    if bar is not None:
        bar.close()
    analyze(*t)
    written["seconds"] = round(time.monotonic() - started, 1)
    return written


def _prefix(User, staff: dict) -> str:
    """The seed's username prefix (seed1_staff3 → seed1), so the handlers' accounts read as the same tree's."""
    first = User.objects.filter(pk__in=list(staff.values())).order_by("pk").values_list("username", flat=True)
    name = next(iter(first), "")
    return name.split("_staff")[0] if "_staff" in name else f"seedh{min(staff, default=0)}"


def _last_numbers(Suggestion, top):
    from django.db.models import Max

    return (
        Suggestion.objects.filter(congress__path__startswith=top.path, number__isnull=False)
        .values("congress_id", "series")
        .annotate(last=Max("number"))
        .values_list("congress_id", "series", "last")
    )


def _walk(rng, row, t, new_id, r, concerned, *, cid, age, received, submitted, today, now, units, handlers,
          staff, numbers, accepted_of, working, months, at, local, models) -> str:  # fmt: skip
    """Take one suggestion through its loop as far as its age allows; add the rows; return its state."""
    Suggestion, Assignment, Consultation, Reply, Evaluation, Disclosure = models
    x = rng.random()
    if x < 0.01:
        return "withdrawn"
    if age < 4 and rng.random() < 0.6:
        return "submitted"
    if x < 0.025:
        row["return_reason"] = "请补充问题发生的具体区域和相关数据。"
        return "returned"
    accepted = min(submitted + dt.timedelta(days=rng.uniform(0.2, 4)), now - dt.timedelta(minutes=4))
    row["accepted_at"] = accepted
    if x < 0.045 and accepted_of[cid]:
        row["merged_into_id"] = rng.choice(accepted_of[cid][-50:])
        return "merged"
    series = f"S{row['session_id']}" if row["session_id"] else f"R{local(accepted).year}"
    numbers[(cid, series)] += 1
    row["series"], row["number"] = series, numbers[(cid, series)]
    accepted_of[cid].append(row["id"])
    # Session suggestions are assigned at the meeting after the session; recess ones within the window.
    if row["session_id"]:
        assigned_on = received + dt.timedelta(days=rng.randint(14, 40))
    else:
        days = r["recess_assign_working_days"]
        k = rng.randint(days + 1, days + 8) if rng.random() < 0.07 else rng.randint(1, days)
        assigned_on = max(local(accepted), working(received, k))
    if assigned_on > today or (age < 10 and rng.random() < 0.5):
        return "accepted"
    unit, unit_name = rng.choice(units)
    handler = handlers[unit]
    lead = new_id(Assignment)
    batch = f"{assigned_on.year}年{'大会' if row['session_id'] else '闭会期间'}建议交办会"
    reply_due = months(assigned_on, r["reply_months"])
    acked = at(assigned_on + dt.timedelta(days=rng.randint(0, 3)))
    t[Assignment].add(
        id=lead, suggestion_id=row["id"], unit_id=unit, role="lead", assigned_on=assigned_on, assigned_by_id=staff,
        batch=batch, return_due=working(assigned_on, r["return_window_working_days"]), reply_due=reply_due,
        acknowledged_at=min(acked, now),
    )  # fmt: skip
    lead_row = len(t[Assignment].rows) - 1
    if rng.random() < 0.25 and len(units) > 2:
        for co, _name in rng.sample([u for u in units if u[0] != unit], rng.randint(1, 2)):
            t[Assignment].add(
                id=new_id(Assignment), suggestion_id=row["id"], unit_id=co, role="co", assigned_on=assigned_on,
                assigned_by_id=staff, batch=batch, return_due=working(assigned_on, r["return_window_working_days"]),
                opinion_due=months(assigned_on, r["co_unit_opinion_months"]), acknowledged_at=min(acked, now),
            )  # fmt: skip
    # The reply: mostly before its deadline, some late; not yet when that day is still to come.
    span = (reply_due - assigned_on).days
    late = rng.random() < 0.09
    reply_day = assigned_on + dt.timedelta(
        days=rng.randint(span + 1, span + 45) if late else rng.randint(min(20, span), span)
    )
    if rng.random() < 0.82:
        for k in range(2 if rng.random() < 0.12 else 1):
            method = "phone" if (k == 0 and rng.random() < 0.15) else rng.choice(FACE_TO_FACE)
            held = assigned_on + dt.timedelta(days=rng.randint(3, max(4, (reply_day - assigned_on).days - 2)))
            if held > today:
                break
            t[Consultation].add(
                id=new_id(Consultation), assignment_id=lead, held_on=held, method=method, participants=WHO,
                deputy_view="代表对办理思路表示认可，希望加快进度。", recorded_by_id=handler, recorded_at=min(at(held), now),
            )  # fmt: skip
    if reply_day > today:
        return "assigned"
    classes = r["result_classes"]
    survey_only = r["reply_rating"] == "survey"
    closed = None
    state = "replied"
    for rnd in (1, 2):
        cls = rng.choices(classes, [CLASS_WEIGHTS.get(c["code"], 10) for c in classes])[0]
        replied_at = min(at(reply_day), now - dt.timedelta(minutes=3))
        due = reply_due
        reply = new_id(Reply)
        t[Reply].add(
            id=reply, suggestion_id=row["id"], assignment_id=lead, round=rnd,
            text=REPLY.format(title=row["title"], label=cls["label"]), result_code=cls["code"],
            result_label=cls["label"], is_solved=cls["solved"], is_promise=cls["promise"],
            is_reference=cls["reference"], signed_by=f"{unit_name[:10]}负责人",
            promised_work="完成项目立项并开工建设" if cls["promise"] else "",
            promised_by=reply_day + dt.timedelta(days=240) if cls["promise"] else None,
            reference_reason="受资金和用地条件限制，列入远期规划研究。" if cls["reference"] else "",
            replied_at=replied_at, replied_by_id=handler, on_time=reply_day <= due,
        )  # fmt: skip
        if survey_only:
            state = "closed"
            closed = replied_at + dt.timedelta(days=30)
            break
        eval_day = reply_day + dt.timedelta(days=rng.randint(3, 25))
        if eval_day > today:
            state = "replied" if rnd == 1 else "replied"
            break
        bad = rng.random() < (0.06 if cls["solved"] else 0.16 if cls["reference"] else 0.09) * (
            2.5 if rnd == 2 else 1
        )
        _evaluate(rng, t, new_id, reply, concerned, "reply", bad, at(eval_day), now, Evaluation)
        if bad and rnd == 1:
            state = "rehandling"
            reply_due = months(eval_day, r["rereply_months"])  # the clock restarts (replies._restart_clock)
            rows = t[Assignment].rows
            rows[lead_row] = _with(t[Assignment], rows[lead_row], reply_due=reply_due)
            reply_day = eval_day + dt.timedelta(days=rng.randint(10, 40))
            if reply_day > today:
                break
            continue
        if bad:
            state = "staff_decision"
            decided = eval_day + dt.timedelta(days=rng.randint(5, 30))
            if decided <= today and rng.random() < 0.7:
                state, closed = "closed", at(decided)
            break
        if not cls["promise"]:
            state, closed = "closed", at(eval_day)
            break
        state = "promised"
        reported = reply_day + dt.timedelta(days=rng.randint(60, 300))
        if reported > today:
            break
        # The promise carried out, reported on this reply, then rated again (两次评价).
        t[Reply].rows[-1] = _with(
            t[Reply], t[Reply].rows[-1], promise_report="承诺事项已按期完成，项目已开工建设。",
            promise_reported_at=at(reported),
        )  # fmt: skip
        state = "promise_reported"
        second = reported + dt.timedelta(days=rng.randint(3, 25))
        if second > today:
            break
        bad = rng.random() < 0.05
        _evaluate(rng, t, new_id, reply, concerned, "promise", bad, at(second), now, Evaluation)
        state, closed = ("staff_decision", None) if bad else ("closed", at(second))
        break
    if closed is not None:
        row["closed_at"] = min(closed, now - dt.timedelta(minutes=1))
        if rng.random() < 0.4:
            t[Disclosure].add(
                id=new_id(Disclosure), suggestion_id=row["id"], title=row["title"], body=row["body"],
                reply_text=REPLY.format(title=row["title"], label="已按建议办理"), is_published=True,
                published_at=row["closed_at"], prepared_by_id=staff,
            )  # fmt: skip
    return state


def _with(table, row: tuple, **values) -> tuple:
    out = list(row)
    for key, value in values.items():
        out[table.index[key]] = value
    return tuple(out)


def _evaluate(rng, t, new_id, reply, concerned, stage, bad, moment, now, Evaluation) -> None:
    """Every deputy concerned rates; when the round is dissatisfied, the lead author is among the dissatisfied."""
    for i, mandate in enumerate(concerned):
        if bad and (i == 0 or rng.random() < 0.3):
            rating, comment = "dissatisfied", "答复内容空泛，没有具体措施和时间表。"
        else:
            rating, comment = ("satisfied" if rng.random() < 0.8 else "basic"), ""
        t[Evaluation].add(
            id=new_id(Evaluation), reply_id=reply, mandate_id=mandate, stage=stage, rating=rating,
            comment=comment, evaluated_at=min(moment + dt.timedelta(hours=i), now),
        )  # fmt: skip


def describe(counts: dict) -> str:
    return (
        f"{counts['suggestions']:,} suggestions ({counts['assignments']:,} assignments, "
        f"{counts['consultations']:,} consultations, {counts['replies']:,} replies, "
        f"{counts['evaluations']:,} evaluations) in {counts.get('seconds', 0)} s"
    )
