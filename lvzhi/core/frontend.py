"""The browser libraries (ECharts), pinned in package.json and package-lock.json, installed by `npm ci`.

They are never copied into the repository: `lvzhi demo`, `lvzhi serve` and the tests that need them call
ensure_frontend_packages(), which installs them when missing (one install at a time across processes; a
failure is remembered for the rest of the process). Without Node.js or the network the pages still
work: every chart has its numbers in a table beside it, so a missing chart is a message, not a crash.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

# package.json sits at the project's root, beside the lvzhi package (an editable install or a checkout).
PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
NODE_MODULES = PROJECT_DIR / "node_modules"
ECHARTS_DIST = NODE_MODULES / "echarts" / "dist"
# Served as /static/vendor/echarts/echarts.min.js (FrontendFinder, in settings.STATICFILES_FINDERS).
ECHARTS_STATIC_PREFIX = "vendor/echarts"
ECHARTS_STATIC_PATH = f"{ECHARTS_STATIC_PREFIX}/echarts.min.js"


def echarts_installed() -> bool:
    return (ECHARTS_DIST / "echarts.min.js").is_file()


class FrontendFinder(BaseFinder):
    """A static files finder for the one built file the pages load (echarts.min.js), not the package's 50 MB
    of sources and maps (collectstatic would copy and compress them all). It looks at the disk on each call,
    so a library installed after start-up (the tests' fixture, a later `npm ci`) is served at once."""

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        # As Django's own finders: the path when found ([path] for find_all), else an empty list.
        find_all = find_all or kwargs.get("all", False)
        if path != ECHARTS_STATIC_PATH or not echarts_installed():
            return []
        match = str(ECHARTS_DIST / "echarts.min.js")
        return [match] if find_all else match

    def list(self, ignore_patterns):
        if echarts_installed():
            storage = FileSystemStorage(location=str(ECHARTS_DIST))
            storage.prefix = ECHARTS_STATIC_PREFIX  # collectstatic puts it under vendor/echarts/
            yield "echarts.min.js", storage


# npm's own waits, kept short: offline, each fetch gives up after 20 s and one retry (its defaults: 5 minutes
# and two retries) instead of holding `lvzhi demo` or a test run for minutes.
NPM_CI = ["ci", "--prefer-offline", "--fetch-timeout=20000", "--fetch-retries=1", "--no-audit", "--no-fund"]
# Why npm ci failed in this process: the next call says so at once rather than trying again (a test run or a
# server asks more than once; offline, each try costs its whole timeout).
_failure: str | None = None


@contextmanager
def _install_lock():
    """One `npm ci` at a time per checkout, across processes: npm ci deletes node_modules first, so two at
    once (the SQLite and PostgreSQL test runs, a `lvzhi demo`) would delete each other's files."""
    digest = hashlib.sha256(str(PROJECT_DIR).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"lvzhi-npm-{digest}.lock"
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # waits for the other install to end
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_frontend_packages(*, quiet: bool = False, timeout: int = 120) -> bool:
    """Run `npm ci` when ECharts is missing; True when it is installed. Problems are printed, never raised."""
    global _failure
    if echarts_installed():
        return True

    def say(message: str) -> None:
        if not quiet:
            print(f"lvzhi: {message}", flush=True)

    if _failure is not None:
        say(f"{_failure} (not tried again in this process)")
        return False
    if not (PROJECT_DIR / "package.json").is_file():
        say(f"no package.json in {PROJECT_DIR}; charts are off (the tables beside them show the numbers).")
        return False
    npm = shutil.which("npm")
    if npm is None:
        say(
            "npm not found: install Node.js (with npm) for the dashboards' charts; the tables still show the numbers."
        )
        return False
    with _install_lock():
        if echarts_installed():  # installed by another process while this one waited
            return True
        say("installing the charting library (npm ci) …")
        try:
            # --ignore-scripts: no install scripts run; ECharts needs none.
            done = subprocess.run(
                [npm, *NPM_CI, "--ignore-scripts"],
                cwd=PROJECT_DIR,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            _failure = f"npm ci did not finish ({exc}); charts are off (the tables show the numbers)"
            say(_failure + ".")
            return False
        if done.returncode != 0:
            lines = (done.stderr or done.stdout or "").strip().splitlines()
            detail = lines[-1] if lines else f"exit status {done.returncode}"
            _failure = f"npm ci failed ({detail}); charts are off (offline?); the tables show the numbers"
            say(_failure + ".")
            return False
        return echarts_installed()
