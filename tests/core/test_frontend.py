"""The charting library is installed by the run command itself; without npm the site still starts."""

from __future__ import annotations

import json
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


def test_a_failing_npm_is_a_message_not_a_crash(monkeypatch, capsys, tmp_path):
    fake = tmp_path / "npm"
    fake.write_text("#!/bin/sh\necho 'npm ERR! network request failed' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(frontend, "echarts_installed", lambda: False)
    monkeypatch.setattr(frontend.shutil, "which", lambda name: str(fake))
    assert frontend.ensure_frontend_packages() is False
    assert "network request failed" in capsys.readouterr().out


def test_only_the_built_file_is_served_and_collected():
    if not frontend.ensure_frontend_packages(quiet=True):
        pytest.skip("npm could not install ECharts here")
    assert finders.find(frontend.ECHARTS_STATIC_PATH) == str(frontend.ECHARTS_DIST / "echarts.min.js")
    finder = frontend.FrontendFinder()
    collected = [(storage.prefix, path) for path, storage in finder.list([])]
    assert collected == [("vendor/echarts", "echarts.min.js")]  # not the package's sources and maps
