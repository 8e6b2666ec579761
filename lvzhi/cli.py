"""The `lvzhi` command: demo, serve, worker, seed, manage."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path


def _setup(demo: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lvzhi.settings")
    if demo:
        os.environ["LVZHI_DEMO"] = "1"
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        print(f"lvzhi: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


def _check_database() -> None:
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        if connection.vendor == "postgresql":
            # A plain connection with a short timeout first: the pool would retry for 30 s, noisily.
            import psycopg

            params = connection.get_connection_params()
            keys = ("dbname", "user", "password", "host", "port")
            try:
                psycopg.connect(**{k: params[k] for k in keys if params.get(k)}, connect_timeout=5).close()
            except psycopg.Error as exc:
                raise OperationalError(str(exc)) from None
        connection.ensure_connection()
    except OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        print(f"lvzhi: cannot reach the database: {first}", file=sys.stderr)
        sys.exit(2)


def _prepare_database(verbosity: int = 0) -> None:
    from django.core.management import call_command

    _check_database()
    call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("createcachetable", verbosity=0)


def _env_int(name: str, default: int) -> int:
    """A whole number from the environment, read when a command needs it: a bad value is explained."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        print(
            f"lvzhi: configuration error: {name} must be a whole number of 1 or more, not {raw!r}.",
            file=sys.stderr,
        )
        sys.exit(2)
    return value


def _ensure_frontend() -> None:
    """ECharts from package-lock.json (`npm ci`) when missing; without npm the pages show tables only."""
    from lvzhi.core.frontend import ensure_frontend_packages

    ensure_frontend_packages()


def cmd_demo(args) -> None:
    # The demo is always embedded: an exported DATABASE_URL or REDIS_URL (of a real installation) is ignored,
    # so the demo city never lands in a real database and --reset really starts over.
    ignored = [name for name in ("DATABASE_URL", "REDIS_URL") if os.environ.pop(name, None)]
    if ignored:
        print(
            f"lvzhi demo: ignoring {' and '.join(ignored)}; the demo always runs on its own embedded database.",
            flush=True,
        )
    home = Path(os.environ.get("LVZHI_HOME") or Path.cwd() / "var")
    if args.reset and home.exists():
        for name in ("lvzhi.sqlite3", "lvzhi.sqlite3-wal", "lvzhi.sqlite3-shm", "jobs.sqlite3", "media"):
            target = home / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    os.environ["LVZHI_HOME"] = str(home)
    _ensure_frontend()  # the charts' library (npm ci) when missing; without it the pages show tables only
    _setup(demo=True)
    print(f"lvzhi demo: data in {home}", flush=True)
    _prepare_database()

    from lvzhi.demo.city import build_demo_city, demo_is_loaded, print_demo_accounts

    if not demo_is_loaded():
        print("lvzhi demo: building the demo city (示范市) …", flush=True)
        build_demo_city(progress=True)
    print_demo_accounts()

    from django.conf import settings
    from django.core.servers.basehttp import WSGIServer, get_internal_wsgi_application, run
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")  # every app's jobs, daily sweeps included (as `lvzhi worker` does)
    consumer = HUEY.create_consumer(workers=2, worker_type="thread", periodic=True)
    consumer.start()  # background job consumer in this same process, in threads
    # The consumer installs signal handlers meant for its own run loop; here the web server is the loop.
    import signal

    def _stop(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not interrupt the shutdown
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    address = f"http://{args.host}:{args.port}/"
    print(f"lvzhi demo: serving {address}  (DEBUG={settings.DEBUG}; Ctrl-C to stop)", flush=True)
    try:
        run(args.host, args.port, get_internal_wsgi_application(), threading=True, server_cls=WSGIServer)
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"lvzhi: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        sys.exit(2)
    finally:
        consumer.stop(graceful=False)


def cmd_serve(args) -> None:
    port = args.port if args.port is not None else _env_int("PORT", 8000)
    workers = args.workers if args.workers is not None else _env_int("WEB_CONCURRENCY", 2)
    _ensure_frontend()
    _setup()
    from django.core.management import call_command

    if not args.no_migrate:
        _prepare_database()
    else:
        _check_database()
    call_command("collectstatic", interactive=False, verbosity=0)
    # gunicorn: a mature pre-fork server; WSGI is all Django's synchronous views need, and it is pure Python.
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "lvzhi.wsgi:application",
        "--bind",
        f"{args.host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--timeout",
        "60",
    ]
    os.execv(sys.executable, argv)


def cmd_worker(args) -> None:
    _setup()
    _check_database()
    from django.core.management import call_command

    call_command("run_huey", workers=args.workers, worker_type="thread")


def cmd_seed(args, rest: list[str]) -> None:
    # Seeding the embedded database is a demo and benchmark task, so it needs no SECRET_KEY of its own.
    _setup(demo=not os.environ.get("DATABASE_URL"))
    _prepare_database()
    from django.core.management import execute_from_command_line

    # Through Django's command line, so a refusal prints its message (no traceback) and `--help` works.
    execute_from_command_line(["lvzhi", "seed", *rest])


def cmd_manage(rest: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lvzhi.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["lvzhi manage", *rest])
    except ImproperlyConfigured as exc:
        print(f"lvzhi: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="lvzhi", description="履职 — deputy work platform")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="migrate an embedded SQLite database, load the demo city, serve it")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--reset", action="store_true", help="delete the demo data and start over")

    serve = sub.add_parser("serve", help="run the site under gunicorn (production)")
    serve.add_argument("--host", default="0.0.0.0")
    # Defaults from $PORT and $WEB_CONCURRENCY, read by `serve` itself: a bad value must not break other commands.
    serve.add_argument("--port", type=int, default=None, help="default: $PORT, or 8000")
    serve.add_argument("--workers", type=int, default=None, help="default: $WEB_CONCURRENCY, or 2")
    serve.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")

    worker = sub.add_parser("worker", help="run background jobs")
    worker.add_argument("--workers", type=int, default=2)

    sub.add_parser("seed", help="build data of any size (see `lvzhi seed --help`)", add_help=False)
    sub.add_parser("manage", help="Django's management commands", add_help=False)

    if argv and argv[0] in {"manage", "seed"}:
        command, rest = argv[0], argv[1:]
        if command == "manage":
            cmd_manage(rest)
        else:
            cmd_seed(None, rest)
        return
    args = parser.parse_args(argv)
    {"demo": cmd_demo, "serve": cmd_serve, "worker": cmd_worker}[args.command](args)


if __name__ == "__main__":
    main()
