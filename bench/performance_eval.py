#!/usr/bin/env python3
"""Time the performance evaluation against its floor on PostgreSQL (not part of the test suite).

    python bench/performance_eval.py                                  # 10,000 deputies, 300,000 activities
    python bench/performance_eval.py --deputies 60000 --activities 2000000   # the issue's full size
    python bench/performance_eval.py --reuse                          # time again on the data built before

It builds a fresh database (dropped and created; its name is in --database-url, default
postgres://postgres@127.0.0.1:5432/lvzhi_bench) with `lvzhi seed --province --deputies N --activities M`,
which also gives the top congress the 341 311 rules and the five-star rating, then times, in this process:

- the floor: the one query that counts confirmed activities by (mandate, kind) over the period the rules
  read (the term windows, which hold the year) — `confirmed_counts` — and over the year alone;
- the evaluation: `evaluate(mandates=<every deputy>, year=…, stars=True)` — its queries plus applying
  every rule to every deputy in Python;
- writing the results (one EvaluationResult row per deputy and rule item), separately.

Each is run --repeat times; the best run is reported (the first run also reads the table into the cache),
with the ratio evaluation ÷ floor (aim: at most 2). Target at full size: under 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from urllib.parse import urlparse, urlunparse


def _admin_url(url: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path="/postgres"))


def build(url: str, deputies: int, activities: int, seed: int) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"bench: the database name must be letters, digits and _: {name!r}")
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "LVZHI_DEMO": "1"}
    started = time.monotonic()
    subprocess.run(["lvzhi", "manage", "migrate", "--verbosity", "0"], check=True, env=env)
    print(f"migrated in {time.monotonic() - started:.1f} s", flush=True)
    started = time.monotonic()
    subprocess.run(
        [
            "lvzhi", "seed", "--province", "--deputies", str(deputies), "--activities", str(activities),
            "--seed", str(seed), "--no-progress",
        ],
        check=True,
        env=env,
    )  # fmt: skip
    print(f"seeded in {time.monotonic() - started:.1f} s", flush=True)


def best(fn, repeat: int) -> tuple[float, float, object]:
    """(first run, best run, last result) in seconds."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times[0], min(times), result


def measure(url: str, year: int | None, repeat: int) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LVZHI_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lvzhi.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from lvzhi.org.models import Congress, Mandate, Term
    from lvzhi.performance.evaluation import confirmed_counts, evaluate, year_window
    from lvzhi.performance.models import Participation, RuleSet
    from lvzhi.performance.services.results import results_write

    year = year or timezone.localdate().year
    congress_ids = list(Congress.objects.values_list("pk", flat=True))
    mandates = Mandate.objects.count()
    confirmed = Participation.objects.filter(status="confirmed").count()
    terms = Term.objects.filter(mandates__isnull=False).distinct()
    w_start = min(t.start_date for t in terms)
    w_end = max(t.end_date for t in terms)
    y_start, y_end = year_window(year)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE performance_participation")
        cursor.execute("SELECT count(*) FROM performance_activity")
        activities = cursor.fetchone()[0]
    print(
        f"data: {mandates:,} deputy mandates, {activities:,} activities, "
        f"{Participation.objects.count():,} deputies' parts ({confirmed:,} confirmed); "
        f"evaluating {year}, term windows {w_start} – {w_end}",
        flush=True,
    )

    def floor_window():
        return confirmed_counts(congress_ids=congress_ids, start=w_start, end=w_end)

    def floor_year():
        return confirmed_counts(congress_ids=congress_ids, start=y_start, end=y_end)

    def full():
        return evaluate(mandates=Mandate.objects.all(), year=year, stars=True)

    f_first, f_best, counts = best(floor_window, repeat)
    y_first, y_best, _ = best(floor_year, repeat)
    e_first, e_best, results = best(full, repeat)
    items = sum(len(r.items) for r in results)
    short = sum(1 for r in results if r.is_short)

    versions = dict(RuleSet.objects.values_list("pk", "version"))

    def write():
        with transaction.atomic():
            return results_write(results, versions, congress_ids=congress_ids)[0]

    w_first, w_best, written = best(write, 1)

    print(
        f"floor, term windows:  {f_best:7.2f} s  (first {f_first:.2f} s; {len(counts):,} (deputy, kind) counts)"
    )
    print(f"floor, year only:     {y_best:7.2f} s  (first {y_first:.2f} s)")
    print(
        f"evaluation:           {e_best:7.2f} s  (first {e_first:.2f} s; {len(results):,} deputies, "
        f"{items:,} rule results, {short:,} deputies short)"
    )
    print(f"ratio evaluation / floor (term windows): {e_best / f_best:.2f}×   (aim ≤ 2×)")
    print(f"writing the results:  {w_best:7.2f} s  ({written:,} rows)")
    print(f"evaluation + writing: {e_best + w_best:7.2f} s  (target at 60,000 deputies: < 30 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deputies", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=None, help="the year evaluated (default: this year)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lvzhi_bench"),
        help="a PostgreSQL database this script may DROP and create (default lvzhi_bench)",
    )
    parser.add_argument("--reuse", action="store_true", help="time the data already in the database")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench: PostgreSQL only (--database-url postgres://…)")
    if not args.reuse:
        build(args.database_url, args.deputies, args.activities, args.seed)
    measure(args.database_url, args.year, args.repeat)


if __name__ == "__main__":
    sys.exit(main())
