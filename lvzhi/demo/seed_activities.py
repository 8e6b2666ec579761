"""Performance activities at scale for generated data (`lvzhi seed --activities N`): N activities spread over
the deputies of a generated tree and their current terms, with each deputy's part, most confirmed, some
waiting for the office, a few rejected; one in twenty is a group activity with several participants. The
top congress gets Chongqing's 341 311 rules and the five-star rating, through the service, so an
evaluation has rules to apply (bench/performance_eval.py measures it).

Written in chunks with PostgreSQL's COPY (or plain multi-row inserts on SQLite), not through the model
layer: two million rows through bulk_create would take most of an hour. Same seed, same rows.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

CHUNK = 100_000
STATUS_WEIGHTS = (("confirmed", 85), ("registered", 10), ("rejected", 5))
# (kind code, weight) of a deputy's own activities; group activities are of kind "group".
KIND_WEIGHTS = (
    ("speech", 12),
    ("suggestion", 8),
    ("inspection", 8),
    ("research", 12),
    ("law_enforcement", 3),
    ("inquiry", 2),
    ("attend_sc", 5),
    ("reception", 25),
    ("training", 10),
    ("good_deed", 7),
    ("report", 3),
)
TITLES = {
    "speech": "审议政府工作报告",
    "suggestion": "提出建议",
    "inspection": "视察重点项目建设",
    "research": "调研社区养老服务",
    "law_enforcement": "执法检查",
    "inquiry": "专题询问",
    "attend_sc": "列席常委会会议",
    "reception": "联络站接待选民",
    "training": "代表履职培训",
    "good_deed": "为群众办实事",
    "report": "向选民述职",
    "group": "代表小组集中活动",
}
PLACES = ("代表联络站", "代表之家", "人大常委会会议室", "社区活动中心", "乡镇政府会议室")
REASON = "缺少活动照片或签到表，请补充后重新登记"


def _staff_of(congress):
    from lvzhi.org.models import RoleAssignment

    ra = (
        RoleAssignment.objects.filter(congress=congress, role="staff", is_active=True)
        .select_related("user")
        .first()
    )
    return ra.user if ra else None


def apply_rules(top) -> bool:
    """The 341 311 minimums and the five-star rating for the tree's top congress (unless it has rules)."""
    from lvzhi.performance.models import RuleSet
    from lvzhi.performance.services.rules import preset_apply

    if RuleSet.objects.filter(congress=top, is_active=True).exists():
        return False
    staff = _staff_of(top)
    if staff is None:
        return False
    preset_apply(actor=staff, congress=top, preset="cq341311")
    preset_apply(actor=staff, congress=top, preset="stars5")
    return True


def seed_activities(*, top, total: int, seed: int = 1, progress: bool = False) -> dict[str, int]:
    """Write `total` activities for the mandates of `top`'s tree; returns the counts written."""
    from lvzhi.org.models import Mandate
    from lvzhi.performance.kinds import ensure_builtin_kinds
    from lvzhi.performance.models import ActivityKind

    ensure_builtin_kinds()
    apply_rules(top)
    rng = random.Random(seed * 7919 + total)
    today = timezone.localdate()
    kinds = {k.code: k.pk for k in ActivityKind.objects.filter(congress__isnull=True)}
    rows = list(
        Mandate.objects.filter(congress__path__startswith=top.path)
        .order_by("pk")
        .values_list("pk", "congress_id", "start_date", "end_date", "term__start_date", "term__end_date")
    )
    if not rows or total <= 0:
        return {"activities": 0, "participations": 0}
    # Each mandate's window: its service within its term, up to today.
    windows = []
    by_congress: dict[int, list[int]] = defaultdict(list)
    for i, (pk, cid, m_start, m_end, t_start, t_end) in enumerate(rows):
        start = max(m_start, t_start)
        end = min(d for d in (m_end, t_end, today) if d is not None)
        windows.append((pk, cid, start, max(0, (end - start).days)))
        by_congress[cid].append(i)
    codes = [c for c, _w in KIND_WEIGHTS]
    weights = [w for _c, w in KIND_WEIGHTS]
    statuses = [s for s, _w in STATUS_WEIGHTS]
    status_weights = [w for _s, w in STATUS_WEIGHTS]
    now = timezone.now()
    written = {"activities": 0, "participations": 0}
    started = time.monotonic()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, desc="activities", unit=" rows", dynamic_ncols=True)
    with transaction.atomic():
        next_id = _max_id("performance_activity") + 1
        while written["activities"] < total:
            n = min(CHUNK, total - written["activities"])
            activities, parts = [], []
            for _ in range(n):
                i = rng.randrange(len(windows))
                pk, cid, start, span = windows[i]
                day = start + dt.timedelta(days=rng.randint(0, span))
                group = rng.random() < 0.05
                code = "group" if group else rng.choices(codes, weights)[0]
                aid = next_id
                next_id += 1
                activities.append(
                    (
                        aid,
                        cid,
                        kinds[code],
                        day,
                        rng.choice(PLACES),
                        TITLES[code],
                        "staff" if group else "deputy",
                        now,
                    )
                )
                people = [pk]
                if group:
                    for j in rng.sample(by_congress[cid], min(len(by_congress[cid]), rng.randint(2, 8))):
                        other = windows[j]
                        if other[0] != pk and other[2] <= day <= other[2] + dt.timedelta(days=other[3]):
                            people.append(other[0])
                for m in people:
                    st = "confirmed" if group else rng.choices(statuses, status_weights)[0]
                    decided = st != "registered"
                    parts.append(
                        (
                            aid,
                            m,
                            cid,
                            kinds[code],
                            day,
                            st,
                            REASON if st == "rejected" else "",
                            now if decided else None,
                            now,
                        )
                    )
            _write(activities, parts)
            written["activities"] += len(activities)
            written["participations"] += len(parts)
            if bar is not None:
                bar.update(len(activities))
        _reset_sequence("performance_activity")
    if bar is not None:
        bar.close()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE performance_activity")
            cursor.execute("ANALYZE performance_participation")
    written["seconds"] = round(time.monotonic() - started, 1)
    return written


ACTIVITY_COLUMNS = ("id", "congress_id", "kind_id", "date", "place", "title", "origin", "registered_at")
PART_COLUMNS = (
    "activity_id",
    "mandate_id",
    "congress_id",
    "kind_id",
    "date",
    "status",
    "reject_reason",
    "decided_at",
    "created_at",
)


def _max_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - a constant table name
        return cursor.fetchone()[0]


def _reset_sequence(table: str) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's rowid follows the largest id by itself
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
        )


def _defaults() -> dict[str, tuple]:
    # Columns with no database default that the rows leave out.
    return {
        "performance_activity": (("description", ""), ("source_type", "")),
        "performance_participation": (("source_type", ""),),
    }


def _write(activities: list[tuple], parts: list[tuple]) -> None:
    extra = _defaults()
    a_cols = ACTIVITY_COLUMNS + tuple(c for c, _v in extra["performance_activity"])
    a_vals = tuple(v for _c, v in extra["performance_activity"])
    p_cols = PART_COLUMNS + tuple(c for c, _v in extra["performance_participation"])
    p_vals = tuple(v for _c, v in extra["performance_participation"])
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cur:
            with cur.copy(f"COPY performance_activity ({', '.join(a_cols)}) FROM STDIN") as copy:
                for row in activities:
                    copy.write_row(row + a_vals)
            with cur.copy(f"COPY performance_participation ({', '.join(p_cols)}) FROM STDIN") as copy:
                for row in parts:
                    copy.write_row(row + p_vals)
        return
    ops = connection.ops
    with connection.cursor() as cursor:
        for table, cols, rows, tail in (
            ("performance_activity", a_cols, activities, a_vals),
            ("performance_participation", p_cols, parts, p_vals),
        ):
            marks = ", ".join(["%s"] * len(cols))
            adapted = [
                tuple(
                    ops.adapt_datefield_value(v)
                    if isinstance(v, dt.date) and not isinstance(v, dt.datetime)
                    else ops.adapt_datetimefield_value(v)
                    if isinstance(v, dt.datetime)
                    else v
                    for v in row + tail
                )
                for row in rows
            ]
            cursor.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", adapted)  # noqa: S608


def describe(counts: dict) -> str:
    return (
        f"{counts['activities']:,} activities ({counts['participations']:,} deputies' parts) "
        f"in {counts.get('seconds', 0)} s"
    )
