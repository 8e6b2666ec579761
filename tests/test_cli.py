"""The `lvzhi` command answers bad configuration with a clear message, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from lvzhi import cli


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


# --- numbers from the environment --------------------------------------------------------------
@pytest.mark.parametrize("name", ["PORT", "WEB_CONCURRENCY"])
def test_a_bad_serve_number_breaks_only_serve_and_is_explained(name, tmp_path):
    # Given PORT (or WEB_CONCURRENCY) set to something that is not a number
    env = {name: "eighty", "SECRET_KEY": "x", "LVZHI_HOME": str(tmp_path)}
    # Then other commands still work
    other = run("manage", "check", **env)
    assert other.returncode == 0, other.stderr
    assert run("worker", "--help", **env).returncode == 0
    # And serve says what is wrong, without a traceback
    result = run("serve", **env)
    assert result.returncode == 2
    assert name in result.stderr and "'eighty'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["LVZHI_MAX_FAILED_SIGNINS", "LVZHI_LOCKOUT_MINUTES", "LVZHI_IDLE_MINUTES"])
@pytest.mark.parametrize("value", ["five", "0", "-3"])
def test_a_bad_security_number_is_explained(name, value, tmp_path):
    result = run("manage", "check", SECRET_KEY="x", LVZHI_HOME=str(tmp_path), **{name: value})
    assert result.returncode == 2
    assert f"{name} must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr


# --- where lvzhi writes --------------------------------------------------------------------------
def test_an_unwritable_home_is_explained(tmp_path):
    # Given a working directory where ./var cannot be created (a file is in the way), and no LVZHI_HOME
    (tmp_path / "var").write_text("not a directory")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LVZHI_DEMO", "LVZHI_HOME"}}
    env.update(SECRET_KEY="x", LVZHI_TESTING="0", PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    result = subprocess.run(
        [sys.executable, "-m", "lvzhi.cli", "manage", "check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    # Then the command says which directory and what to do
    assert result.returncode == 2
    assert "set LVZHI_HOME to a writable directory" in result.stderr
    assert str(tmp_path / "var") in result.stderr
    assert "Traceback" not in result.stderr


# --- which hosts the site answers to ---------------------------------------------------------------
def _allowed_hosts(tmp_path, **env) -> list[str]:
    code = "from django.conf import settings; print(','.join(settings.ALLOWED_HOSTS))"
    result = run("manage", "shell", "-c", code, LVZHI_HOME=str(tmp_path), **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split(",")  # after the shell's own notice


def test_outside_demo_the_site_answers_only_to_this_machine_unless_told(tmp_path):
    assert _allowed_hosts(tmp_path, SECRET_KEY="x") == ["localhost", "127.0.0.1", "[::1]"]
    named = _allowed_hosts(tmp_path, SECRET_KEY="x", ALLOWED_HOSTS="lvzhi.example.gov.cn, 10.0.0.5")
    assert named == ["lvzhi.example.gov.cn", "10.0.0.5"]
    assert _allowed_hosts(tmp_path, LVZHI_DEMO="1") == ["*"]


# --- the demo is always embedded ---------------------------------------------------------------------
class _Stop(Exception):
    pass


def test_the_demo_ignores_an_exported_database_and_redis(monkeypatch, tmp_path, capsys):
    # Given a shell where a real installation's DATABASE_URL and REDIS_URL are exported
    monkeypatch.setenv("DATABASE_URL", "postgres://lvzhi@db.example:5432/lvzhi")
    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/0")
    monkeypatch.setenv("LVZHI_HOME", str(tmp_path))
    (tmp_path / "lvzhi.sqlite3").write_text("old demo data")
    seen = {}

    def setup(demo=False):
        seen.update(demo=demo, database=os.environ.get("DATABASE_URL"), redis=os.environ.get("REDIS_URL"))
        raise _Stop

    monkeypatch.setattr(cli, "_setup", setup)
    # When `lvzhi demo --reset` starts
    with pytest.raises(_Stop):
        cli.main(["demo", "--reset"])
    # Then Django is set up in demo mode without them, the user is told, and the embedded data is reset
    assert seen == {"demo": True, "database": None, "redis": None}
    out = capsys.readouterr().out
    assert "ignoring DATABASE_URL and REDIS_URL" in out
    assert not (tmp_path / "lvzhi.sqlite3").exists()


def test_the_demo_says_nothing_when_nothing_is_exported(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("LVZHI_HOME", str(tmp_path))
    monkeypatch.setattr(cli, "_setup", mock.Mock(side_effect=_Stop))
    with pytest.raises(_Stop):
        cli.main(["demo"])
    assert "ignoring" not in capsys.readouterr().out
