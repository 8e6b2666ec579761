"""The `lvzhi` command answers bad configuration with a clear message, never a traceback."""

import os
import subprocess
import sys

import pytest


def run(*args, **env):
    full = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "LVZHI_DEMO"}}
    full.update(env)
    full["LVZHI_TESTING"] = "0"
    return subprocess.run(
        [sys.executable, "-m", "lvzhi.cli", *args], capture_output=True, text=True, env=full, timeout=60
    )


@pytest.mark.parametrize(
    "url",
    ["notaurl", "mysqlx://x", "postgres://"],
)
def test_malformed_database_url_is_explained(url, tmp_path):
    result = run("serve", DATABASE_URL=url, SECRET_KEY="x", LVZHI_HOME=str(tmp_path))
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_explained(tmp_path):
    result = run(
        "worker", DATABASE_URL="postgres://nobody@127.0.0.1:9/none", SECRET_KEY="x", LVZHI_HOME=str(tmp_path)
    )
    assert result.returncode == 2
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_secret_key_is_required_outside_demo(tmp_path):
    result = run("manage", "check", LVZHI_HOME=str(tmp_path))
    assert result.returncode == 2
    assert "SECRET_KEY is required" in result.stderr
    assert "Traceback" not in result.stderr


def test_manage_passes_through_to_django(tmp_path):
    result = run("manage", "check", SECRET_KEY="x", LVZHI_HOME=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
