#!/usr/bin/env python3
"""Load-test the dashboards and the public deputy page on a generated province (not part of the test suite).

    python bench/dashboard_load.py                      # the issue's full size: build, refresh, measure
    python bench/dashboard_load.py --deputies 5000 --stations 800 --activities 150000 \\
        --opinions 40000 --suggestions 4000            # a smaller province
    python bench/dashboard_load.py --reuse              # measure again on the data built before
    python bench/dashboard_load.py --build-only         # build (and refresh) now, measure later with --reuse

PostgreSQL only. Without --reuse it DROPs and creates the database named in --database-url (default
postgres://postgres@127.0.0.1:5432/lvzhi_bench_dash; or BENCH_DATABASE_URL), migrates it and builds the
province with `lvzhi seed --province …`. Then it migrates (other work may have added tables since), refreshes
the dashboards' summary tables (`lvzhi manage refresh_dashboards`), gives the bench a chair of the province
congress (bench_chair, created when missing), starts `lvzhi serve --workers 2` (gunicorn) on a free port with
LVZHI_BENCH=1 (which adds /bench/minimal/: one view rendering a small template, same middleware), signs in
through the real sign-in form, and runs wrk (16 connections, 2 threads, --duration seconds) against:

- every dashboard view and drill-down: the index and each figure page, rotating over the province, its
  cities, counties and townships and several periods (a Lua script picks the next path per request);
  target p95 < 200 ms;
- the public deputy page, rotating over many deputies, against the minimal view: target ratio ≥ 0.5.

It prints a table: view, p95 ms, requests per second, PASS/FAIL.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

FULL = {
    "deputies": 60_000,
    "stations": 10_000,
    "activities": 2_000_000,
    "opinions": 500_000,
    "suggestions": 50_000,
}
P95_TARGET_MS = 200.0
RATIO_TARGET = 0.5
CHAIR = "bench_chair"
PASSWORD = "Lvzhi@2026"
ROOT = Path(__file__).resolve().parent.parent


def _admin_url(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/postgres"))


def _env(url: str, **extra) -> dict:
    return {**os.environ, "DATABASE_URL": url, "LVZHI_DEMO": "1", **extra}


def build(url: str, sizes: dict, seed: int) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"bench: the database name must be letters, digits and _: {name!r}")
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    subprocess.run(["lvzhi", "manage", "migrate", "--verbosity", "0"], check=True, env=_env(url))
    print(f"migrated in {time.monotonic() - started:.1f} s", flush=True)
    started = time.monotonic()
    args = ["lvzhi", "seed", "--province", "--seed", str(seed), "--no-progress"]
    for key in ("deputies", "stations", "activities", "opinions", "suggestions"):
        args += [f"--{key}", str(sizes[key])]
    subprocess.run(args, check=True, env=_env(url))
    print(f"seeded in {time.monotonic() - started:.1f} s", flush=True)


def prepare(url: str) -> None:
    """Migrate (new tables since the build), refresh the dashboards' summaries, make the bench's chair."""
    env = _env(url)
    subprocess.run(["lvzhi", "manage", "migrate", "--verbosity", "0"], check=True, env=env)
    started = time.monotonic()
    done = subprocess.run(["lvzhi", "manage", "refresh_dashboards"], env=env)
    if done.returncode == 0:
        print(f"dashboards refreshed in {time.monotonic() - started:.1f} s", flush=True)
    else:
        print(
            "bench: `lvzhi manage refresh_dashboards` failed or is missing; measuring without it", flush=True
        )
    script = f"""
from lvzhi.org.models import Congress, RoleAssignment, User
top = Congress.objects.filter(parent__isnull=True).order_by("pk").first()
user = User.objects.filter(username={CHAIR!r}).first()
if user is None:
    user = User.objects.create_user(username={CHAIR!r}, password={PASSWORD!r}, full_name="压测主任",
                                    congress=top, must_change_password=False)
RoleAssignment.objects.get_or_create(user=user, role="chair", congress=top, defaults={{"is_active": True}})
"""
    subprocess.run(["lvzhi", "manage", "shell", "-c", script], check=True, env=env)


def sample_paths(url: str, limit: int) -> dict:
    """The regions, periods and deputies the requests rotate over, read from the database."""
    os.environ.update(_env(url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lvzhi.settings")
    import django

    django.setup()
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from lvzhi.org.models import Congress, Mandate

    top = Congress.objects.filter(parent__isnull=True).order_by("pk").first()
    by_level: dict[str, list[int]] = {}
    for pk, level in (
        Congress.objects.filter(path__startswith=top.path).order_by("path").values_list("pk", "level")
    ):
        by_level.setdefault(level, []).append(pk)
    today = timezone.localdate()
    periods = [
        {},  # the default: this year up to this month
        {"since": f"{today.year}-01", "until": f"{today.year}-{today.month:02d}"},
        {"since": f"{today.year - 1}-01", "until": f"{today.year - 1}-12"},
        {"since": f"{today.year - 2}-07", "until": f"{today.year}-{today.month:02d}"},
        {"since": f"{today.year}-{today.month:02d}", "until": f"{today.year}-{today.month:02d}"},
    ]
    regions, levels = [], {}
    for level in ("province", "city", "county", "township"):
        ids = by_level.get(level, [])
        step = max(1, len(ids) // max(1, limit // 4))
        levels[level] = ids[::step][: max(1, limit // 4)]
        regions += levels[level]
    figure_keys = []
    try:
        from lvzhi.dashboards import figures

        figure_keys = [getattr(f, "key", None) or f["key"] for f in figures.HEADLINE]
    except Exception as exc:  # the figures module may not be there yet
        print(f"bench: no dashboards figures ({exc}); only the index is measured", flush=True)
    lists, lists_by_level = [], {}
    level_of = {pk: level for level, ids in levels.items() for pk in ids}
    try:
        from lvzhi.dashboards import figures as f

        rows = {c.pk: c for c in Congress.objects.filter(pk__in=regions)}
        for i, region in enumerate(regions):
            period = f.Period.parse(periods[i % len(periods)])
            level_lists = lists_by_level.setdefault(level_of[region], [])
            for key, part in (
                ("satisfied_first", "miss"),
                ("opinions_solved", "num"),
                ("closed", "den"),
                ("activities", "num"),
            ):
                url = f.list_url(key, part, rows[region], period)
                if url:
                    lists.append(url)
                    level_lists.append(url)
    except Exception as exc:  # no figures module (yet)
        print(f"bench: no record lists ({exc})", flush=True)
    mandates = list(
        Mandate.objects.current()
        .filter(congress__path__startswith=top.path)
        .order_by("?")
        .values_list("pk", "person_id")[:limit]
    )
    public = []
    for mandate, _person in mandates:
        try:
            public.append(reverse("portal:deputy", args=[mandate]))  # the public page of one mandate
        except NoReverseMatch:
            break  # the portal is not there yet
    return {
        "regions": regions,
        "levels": levels,
        "periods": periods,
        "figures": figure_keys,
        "public": public,
        "lists": lists,
        "lists_by_level": lists_by_level,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, port: int, redis_url: str = "") -> subprocess.Popen:
    env = _env(url, LVZHI_BENCH="1")
    if redis_url:
        env["REDIS_URL"] = redis_url  # the cache as in production; else Django's database cache
    else:
        env.pop("REDIS_URL", None)
    env.pop("LVZHI_DEMO", None)  # DEBUG off: the server as in production
    env.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    env["SECURE_COOKIES"] = "0"  # plain http on this machine: the cookies must come back without TLS
    proc = subprocess.Popen(
        ["lvzhi", "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(tempfile.gettempdir()) / "bench_serve.log", "w"),  # noqa: SIM115
        start_new_session=True,
    )
    import urllib.request

    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return proc
        except Exception:
            if proc.poll() is not None:
                raise SystemExit(
                    f"bench: the server stopped; see {tempfile.gettempdir()}/bench_serve.log"
                ) from None
            time.sleep(1)
    raise SystemExit("bench: the server did not answer /healthz in two minutes")


def sign_in(base: str) -> str:
    """A session cookie of the bench's chair, through the real sign-in form (CSRF included)."""
    import requests

    s = requests.Session()
    page = s.get(f"{base}/signin/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not token:
        raise SystemExit("bench: no CSRF token on /signin/")
    done = s.post(
        f"{base}/signin/",
        data={"csrfmiddlewaretoken": token.group(1), "username": CHAIR, "password": PASSWORD},
        headers={"Referer": f"{base}/signin/"},
        timeout=30,
        allow_redirects=False,
    )
    if done.status_code not in (301, 302, 303) or "sessionid" not in s.cookies:
        raise SystemExit(f"bench: signing in as {CHAIR} failed (HTTP {done.status_code})")
    return "; ".join(f"{c.name}={c.value}" for c in s.cookies)


LUA = """
paths = {PATHS}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {HEADERS})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT p95_ms=%%.2f rps=%%.2f requests=%%d non2xx=%%d errors=%%d\\n",
    latency:percentile(95) / 1000, summary.requests / (summary.duration / 1e6), summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def wrk(base: str, paths: list[str], *, cookie: str = "", duration: int, connections: int = 16) -> dict:
    headers = '{["Cookie"] = "' + cookie + '"}' if cookie else "nil"
    lua = (
        LUA.replace("%%", "%")
        .replace("{PATHS}", json.dumps(paths).replace("[", "{").replace("]", "}"))
        .replace("{HEADERS}", headers)
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", f.name, base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(f.name)
    drain(base)
    m = re.search(r"RESULT p95_ms=([\d.]+) rps=([\d.]+) requests=(\d+) non2xx=(\d+) errors=(\d+)", out)
    if not m:
        raise SystemExit(f"bench: no result from wrk:\n{out}")
    return {
        "p95": float(m.group(1)),
        "rps": float(m.group(2)),
        "requests": int(m.group(3)),
        "non2xx": int(m.group(4)),
        "errors": int(m.group(5)),
    }


def drain(base: str) -> None:
    """Wait until the workers have finished what the last run left queued (a slow view's requests keep them
    busy after wrk stops), so the next view is measured on idle workers."""
    import requests

    quick = 0
    for _ in range(300):
        started = time.monotonic()
        requests.get(f"{base}/healthz", timeout=120)
        quick = quick + 1 if time.monotonic() - started < 0.05 else 0
        if quick >= 5:
            return
        time.sleep(0.2)


def check_paths(base: str, cookie: str, paths: list[str]) -> list[str]:
    """The paths that answer 200 (a view still missing is reported, not measured)."""
    import requests

    ok = []
    for p in paths:
        r = requests.get(
            base + p, headers={"Cookie": cookie} if cookie else {}, timeout=60, allow_redirects=False
        )
        if r.status_code == 200:
            ok.append(p)
    return ok


def warm(base: str, cookie: str, paths: list[str]) -> tuple[float, float]:
    """Request every path once, one at a time (each a cache miss right after a refresh), and return the median
    and the 95th percentile of those cold requests in ms: after this the pages are in the state they stay in
    until the next refresh of the summary."""
    import requests

    times = []
    for p in paths:
        started = time.monotonic()
        requests.get(base + p, headers={"Cookie": cookie} if cookie else {}, timeout=120)
        times.append(1000 * (time.monotonic() - started))
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]


def measure(
    url: str, *, duration: int, limit: int, only: str = "", redis_url: str = "", warm_first: bool = False
) -> None:
    from urllib.parse import urlencode

    sample = sample_paths(url, limit)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if redis_url:
        # Start from an empty cache: what a previous run left would expire in the middle of this one (all
        # at once, as it was built at once) and be rebuilt under the load.
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    proc = serve(url, port, redis_url)
    print(
        f"cache: {'Redis ' + redis_url + ' (emptied)' if redis_url else 'the database cache (no REDIS_URL)'}"
    )
    rows = []
    try:
        cookie = sign_in(base)
        views: list[tuple[str, list[str]]] = []

        def with_params(path: str, region: int, period: dict) -> str:
            return f"{path}?{urlencode({'region': region, **period})}"

        regions, periods = sample["regions"], sample["periods"]
        combos = [(r, p) for i, r in enumerate(regions) for j, p in enumerate(periods) if (i + j) % 2 == 0]
        views.append(("/dashboards/ (index)", [with_params("/dashboards/", r, p) for r, p in combos]))
        for level, ids in sample["levels"].items():
            # The index at one level of the tree: a province's page sums the most cells and lists the most units.
            paths = [with_params("/dashboards/", r, p) for r in ids for p in periods]
            views.append((f"/dashboards/ (index), {level} only ({len(ids)})", paths))
        for key in sample["figures"]:
            views.append(
                (
                    f"/dashboards/figure/{key}/",
                    [with_params(f"/dashboards/figure/{key}/", r, p) for r, p in combos],
                )
            )
        # The lead units' page (all units, a page at a time), plain and with a figure's columns.
        views.append(
            (
                "/dashboards/units/",
                [
                    with_params("/dashboards/units/", r, p) + ("&figure=satisfied_first" if i % 2 else "")
                    for i, (r, p) in enumerate(combos)
                ],
            )
        )
        if sample["lists"]:
            views.append(("record lists behind the numbers (last drill-down step)", sample["lists"]))
            for level, paths in sample.get("lists_by_level", {}).items():
                views.append((f"record lists, {level} only", paths))
        for name, paths in views:
            if only and only not in name:
                continue
            live = check_paths(base, cookie, paths[:5])
            if not live:
                rows.append((name, None, None, "MISSING"))
                continue
            if warm_first:
                median, p95 = warm(base, cookie, paths)
                print(f"  {name}: cold, one at a time: median {median:.1f} ms, p95 {p95:.1f} ms", flush=True)
            r = wrk(base, paths, cookie=cookie, duration=duration)
            verdict = "PASS" if r["p95"] < P95_TARGET_MS and not r["non2xx"] else "FAIL"
            rows.append(
                (name, r["p95"], r["rps"], verdict + (f" ({r['non2xx']} non-200)" if r["non2xx"] else ""))
            )
            print(f"  {name}: p95 {r['p95']:.1f} ms, {r['rps']:.1f} rps", flush=True)

        ratio_line = ""
        if not only or "public" in only:
            minimal = wrk(base, ["/bench/minimal/"], duration=duration)
            rows.append(("/bench/minimal/ (minimal Django view)", minimal["p95"], minimal["rps"], ""))
            public = sample["public"]
            live = check_paths(base, "", public[:5])
            if live:
                # The page cache's steady state: every rotated page rendered once before the clock runs.
                check_paths(base, "", public)
                pub = wrk(base, public, duration=duration)
                ratio = pub["rps"] / minimal["rps"] if minimal["rps"] else 0
                verdict = "PASS" if ratio >= RATIO_TARGET and not pub["non2xx"] else "FAIL"
                rows.append((f"public deputy page ({len(public)} deputies)", pub["p95"], pub["rps"], verdict))
                ratio_line = (
                    f"public deputy page / minimal view: {pub['rps']:.1f} / {minimal['rps']:.1f} rps = {ratio:.2f} "
                    f"(target ≥ {RATIO_TARGET})"
                )
            else:
                rows.append(("public deputy page", None, None, "MISSING"))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)

    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'view':<{width}}  {'p95 ms':>8}  {'rps':>8}  result (p95 < {P95_TARGET_MS:.0f} ms)")
    for name, p95, rps, verdict in rows:
        p = f"{p95:8.1f}" if p95 is not None else "       –"
        q = f"{rps:8.1f}" if rps is not None else "       –"
        print(f"{name:<{width}}  {p}  {q}  {verdict}")
    if ratio_line:
        print(ratio_line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for key, value in FULL.items():
        parser.add_argument(f"--{key}", type=int, default=value)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=20, help="seconds of wrk per view (default 20)")
    parser.add_argument("--limit", type=int, default=200, help="regions and deputies to rotate over")
    parser.add_argument("--only", default="", help="measure only the views whose name contains this")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lvzhi_bench_dash"),
        help="a PostgreSQL database this script may DROP and create (default lvzhi_bench_dash)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", ""),
        help="serve with this Redis as the cache, as production does (e.g. redis://127.0.0.1:6379/9); the "
        "bench empties that database first",
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="request each dashboard path once before its run (timed: the cold cost), then measure the pages as "
        "they stay until the next refresh",
    )
    parser.add_argument("--reuse", action="store_true", help="measure the data already in the database")
    parser.add_argument("--build-only", action="store_true", help="build and refresh, do not measure")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench: PostgreSQL only (--database-url postgres://…)")
    if not args.reuse:
        build(args.database_url, {k: getattr(args, k) for k in FULL}, args.seed)
    prepare(args.database_url)
    if args.build_only:
        return
    measure(
        args.database_url,
        duration=args.duration,
        limit=args.limit,
        only=args.only,
        redis_url=args.redis_url,
        warm_first=args.warm,
    )


if __name__ == "__main__":
    sys.exit(main())
