"""The browser libraries (ECharts), pinned in package.json and package-lock.json, installed by `npm ci`.

They are never copied into the repository: `lvzhi demo`, `lvzhi serve` and the tests that need them call
ensure_frontend_packages(), which installs them when missing. Without Node.js or the network the pages still
work: every chart has its numbers in a table beside it, so a missing chart is a message, not a crash.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

# package.json sits at the project's root, beside the lvzhi package (an editable install or a checkout).
PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
NODE_MODULES = PROJECT_DIR / "node_modules"
ECHARTS_DIST = NODE_MODULES / "echarts" / "dist"
# Served as /static/vendor/echarts/echarts.min.js (settings.STATICFILES_DIRS).
ECHARTS_STATIC_PREFIX = "vendor/echarts"
ECHARTS_STATIC_PATH = f"{ECHARTS_STATIC_PREFIX}/echarts.min.js"


def echarts_installed() -> bool:
    return (ECHARTS_DIST / "echarts.min.js").is_file()


def staticfiles_dirs() -> list[tuple[str, str]]:
    """The STATICFILES_DIRS entry of the installed libraries (none while they are missing)."""
    return [(ECHARTS_STATIC_PREFIX, str(ECHARTS_DIST))] if echarts_installed() else []


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
