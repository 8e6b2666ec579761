"""The charting library is installed by the run command itself; without npm the site still starts."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from lvzhi.core import frontend

ROOT = Path(frontend.__file__).resolve().parent.parent.parent


def test_echarts_is_pinned_to_one_version_from_the_npm_registry():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    version = package["dependencies"]["echarts"]
    assert package["private"] is True
    assert version[0].isdigit() and all(part.isdigit() for part in version.split("."))
    assert lock["packages"]["node_modules/echarts"]["version"] == version
    # Every package comes with its checksum, and from nowhere but the registry
    for name, entry in lock["packages"].items():
        if name:
            assert entry["integrity"].startswith("sha512-")
            assert entry.get("resolved", "https://registry.npmjs.org/").startswith(
                "https://registry.npmjs.org/"
            )


def test_without_npm_the_command_says_so_and_goes_on(monkeypatch, capsys):
    monkeypatch.setattr(frontend, "echarts_installed", lambda: False)
    monkeypatch.setattr(frontend.shutil, "which", lambda name: None)
    assert frontend.ensure_frontend_packages() is False
    assert "npm not found" in capsys.readouterr().out
    assert finders.find(frontend.ECHARTS_STATIC_PATH) is None  # the page's script tag simply finds nothing


def fake_npm(tmp_path, script: str) -> Path:
    """An `npm` that logs each call to tmp_path/calls, then runs `script`."""
    fake = tmp_path / "npm"
    fake.write_text(f'#!/bin/sh\necho "$@" >> "{tmp_path}/calls"\n{script}\n')
    fake.chmod(0o755)
    return fake


def calls(tmp_path) -> list[str]:
    log = tmp_path / "calls"
    return log.read_text().splitlines() if log.exists() else []


def test_a_failing_npm_is_a_message_not_a_crash_and_is_not_retried(monkeypatch, capsys, tmp_path):
    fake = fake_npm(tmp_path, "echo 'npm ERR! network request failed' >&2\nexit 1")
    monkeypatch.setattr(frontend, "_failure", None)
    monkeypatch.setattr(frontend, "echarts_installed", lambda: False)
    monkeypatch.setattr(frontend.shutil, "which", lambda name: str(fake))
    assert frontend.ensure_frontend_packages() is False
    assert "network request failed" in capsys.readouterr().out
    # Offline, each try would cost npm's timeouts: the second call says why at once
    assert frontend.ensure_frontend_packages() is False
    assert "not tried again" in capsys.readouterr().out
    assert len(calls(tmp_path)) == 1
    assert "--prefer-offline" in calls(tmp_path)[0] and "--fetch-retries=1" in calls(tmp_path)[0]


def test_two_installs_at_once_run_npm_ci_once(monkeypatch, tmp_path):
    # npm ci deletes node_modules first: a second run beside the first would delete the first's files
    project = tmp_path / "project"
    dist = project / "node_modules" / "echarts" / "dist"
    project.mkdir()
    (project / "package.json").write_text("{}")
    fake = fake_npm(tmp_path, f'sleep 0.5\nmkdir -p "{dist}"\ntouch "{dist}/echarts.min.js"')
    monkeypatch.setattr(frontend, "_failure", None)
    monkeypatch.setattr(frontend, "PROJECT_DIR", project)
    monkeypatch.setattr(frontend, "ECHARTS_DIST", dist)
    monkeypatch.setattr(frontend.shutil, "which", lambda name: str(fake))
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(frontend.ensure_frontend_packages(quiet=True)))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True, True]
    assert len(calls(tmp_path)) == 1


def test_only_the_built_file_is_served_and_collected():
    if not frontend.ensure_frontend_packages(quiet=True):
        pytest.skip("npm could not install ECharts here")
    assert finders.find(frontend.ECHARTS_STATIC_PATH) == str(frontend.ECHARTS_DIST / "echarts.min.js")
    finder = frontend.FrontendFinder()
    collected = [(storage.prefix, path) for path, storage in finder.list([])]
    assert collected == [("vendor/echarts", "echarts.min.js")]  # not the package's sources and maps
