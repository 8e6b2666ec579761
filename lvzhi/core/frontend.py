"""The browser libraries (ECharts), pinned in package.json and package-lock.json, installed by `npm ci`.

They are never copied into the repository: `lvzhi demo`, `lvzhi serve` and the tests that need them call
ensure_frontend_packages(), which installs them when missing. Without Node.js or the network the pages still
work: every chart has its numbers in a table beside it, so a missing chart is a message, not a crash.
"""

from __future__ import annotations

import shutil
import subprocess
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


def ensure_frontend_packages(*, quiet: bool = False, timeout: int = 300) -> bool:
    """Run `npm ci` when ECharts is missing; True when it is installed. Problems are printed, never raised."""
    if echarts_installed():
        return True

    def say(message: str) -> None:
        if not quiet:
            print(f"lvzhi: {message}", flush=True)

    if not (PROJECT_DIR / "package.json").is_file():
        say(f"no package.json in {PROJECT_DIR}; charts are off (the tables beside them show the numbers).")
        return False
    npm = shutil.which("npm")
    if npm is None:
        say(
            "npm not found: install Node.js (with npm) for the dashboards' charts; the tables still show the numbers."
        )
        return False
    say("installing the charting library (npm ci) …")
    try:
        done = subprocess.run(
            # --ignore-scripts: no install scripts run; ECharts needs none.
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        say(f"npm ci did not finish ({exc}); charts are off until it does (the tables show the numbers).")
        return False
    if done.returncode != 0:
        lines = (done.stderr or done.stdout or "").strip().splitlines()
        detail = lines[-1] if lines else f"exit status {done.returncode}"
        say(
            f"npm ci failed ({detail}); charts are off until it succeeds (offline?); the tables show the numbers."
        )
        return False
    return echarts_installed()
