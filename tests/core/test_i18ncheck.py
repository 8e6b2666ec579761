"""`lvzhi manage i18ncheck`: fails, listing them, on strings without Chinese, on a stale compiled catalog and
on Chinese text outside {% translate %}; passes on a complete catalog; never touches the repository's files.

Run on a small package of its own in a temporary directory, so the test does not depend on the state of the
real catalog (CI checks that one in its own step).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lvzhi.core.management.commands import i18ncheck

pytestmark = pytest.mark.skipif(
    not (shutil.which("msgfmt") and shutil.which("xgettext")), reason="GNU gettext is not installed"
)

HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: zh_Hans\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"""


def entry(msgid: str, msgstr: str, *, fuzzy: bool = False) -> str:
    flag = "#, fuzzy\n" if fuzzy else ""
    return f'\n{flag}msgid "{msgid}"\nmsgstr "{msgstr}"\n'


@pytest.fixture
def package(tmp_path, monkeypatch) -> Path:
    """A package with one Python string, one template string and a zh_Hans catalog."""
    root = tmp_path / "pkg"
    (root / "templates").mkdir(parents=True)
    (root / "views.py").write_text(
        'from django.utils.translation import gettext as _\n\nMESSAGE = _("Deputy saved.")\n',
        encoding="utf-8",
    )
    (root / "templates" / "page.html").write_text(
        '{% load i18n %}<h1>{% translate "Stations" %}</h1><pre>日期,类型,名称</pre>\n', encoding="utf-8"
    )
    (root / "locale" / "zh_Hans" / "LC_MESSAGES").mkdir(parents=True)
    monkeypatch.setattr(i18ncheck, "PACKAGE_DIR", root)
    return root


def write_catalog(root: Path, *entries: str, compile_it: bool = True) -> Path:
    po = root / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po.write_text(HEADER + "".join(entries), encoding="utf-8")
    if compile_it:
        subprocess.run(["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    return po


def run_check(capsys) -> tuple[bool, str]:
    try:
        call_command("i18ncheck")
    except CommandError as exc:
        captured = capsys.readouterr()
        return False, captured.err + str(exc)
    return True, capsys.readouterr().out


def test_a_complete_catalog_passes_and_no_file_changes(package, capsys):
    # given every msgid translated and compiled
    po = write_catalog(package, entry("Deputy saved.", "代表信息已保存。"), entry("Stations", "联络站"))
    before = {p: p.read_bytes() for p in package.rglob("*") if p.is_file()}

    # when the check runs
    ok, output = run_check(capsys)

    # then it passes, and the package's files are exactly as they were
    assert ok, output
    assert "translations complete: zh_Hans" in output
    assert {p: p.read_bytes() for p in package.rglob("*") if p.is_file()} == before
    assert po.exists()


def test_a_string_missing_from_the_catalog_fails_and_is_listed(package, capsys):
    # given a catalog that lacks the template's string
    write_catalog(package, entry("Deputy saved.", "代表信息已保存。"))

    ok, output = run_check(capsys)

    assert not ok
    assert "not in the catalog yet: 'Stations'" in output
    assert "templates/page.html" in output
    assert "Deputy saved." not in output


def test_an_empty_or_fuzzy_translation_fails(package, capsys):
    write_catalog(package, entry("Deputy saved.", ""), entry("Stations", "站点", fuzzy=True))

    ok, output = run_check(capsys)

    assert not ok
    assert "untranslated: 'Deputy saved.'" in output
    assert "fuzzy translation: 'Stations'" in output


def test_a_compiled_catalog_that_differs_from_the_po_fails(package, capsys):
    # given a .mo compiled before the last translation changed
    po = write_catalog(package, entry("Deputy saved.", "已保存。"), entry("Stations", "联络站"))
    po.write_text(
        HEADER + entry("Deputy saved.", "代表信息已保存。") + entry("Stations", "联络站"), encoding="utf-8"
    )

    ok, output = run_check(capsys)

    assert not ok
    assert "django.mo is stale" in output


def test_a_missing_compiled_catalog_fails(package, capsys):
    write_catalog(
        package, entry("Deputy saved.", "代表信息已保存。"), entry("Stations", "联络站"), compile_it=False
    )

    ok, output = run_check(capsys)

    assert not ok
    assert "django.mo is missing" in output


def test_chinese_text_outside_translate_in_a_template_fails(package, capsys):
    # given a template that writes Chinese directly (the <pre> example data is fine)
    write_catalog(package, entry("Deputy saved.", "代表信息已保存。"), entry("Stations", "联络站"))
    (package / "templates" / "other.html").write_text("<p>暂无数据</p>\n", encoding="utf-8")

    ok, output = run_check(capsys)

    assert not ok
    assert "untranslatable Chinese text in a template" in output
    assert "暂无数据" in output and "templates/other.html:1" in output
    assert "日期,类型,名称" not in output


def test_a_chinese_msgid_fails(package, capsys):
    # given a msgid written in Chinese instead of English
    (package / "more.py").write_text(
        'from django.utils.translation import gettext as _\n\nX = _("代表")\n', encoding="utf-8"
    )
    write_catalog(
        package,
        entry("Deputy saved.", "代表信息已保存。"),
        entry("Stations", "联络站"),
        entry("代表", "代表"),
    )

    ok, output = run_check(capsys)

    assert not ok
    assert "a Chinese msgid (msgids are English): '代表'" in output


def test_the_po_reader_reads_plurals_contexts_and_continued_lines(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        HEADER
        + '\n#: a.py:1\n#, python-format\nmsgctxt "menu"\nmsgid ""\n"Long %(n)s "\n"text"\n'
        + 'msgid_plural "Long %(n)s texts"\nmsgstr[0] "长文本 %(n)s"\n'
        + '\n#~ msgid "Gone"\n#~ msgstr "已删"\n',
        encoding="utf-8",
    )

    entries = [e for e in i18ncheck.parse_po(po) if e.msgid]

    assert len(entries) == 2
    long, gone = entries
    assert (long.msgctxt, long.msgid, long.msgid_plural) == ("menu", "Long %(n)s text", "Long %(n)s texts")
    assert (
        long.msgstr == {0: "长文本 %(n)s"} and "python-format" in long.flags and long.references == ["a.py:1"]
    )
    assert gone.obsolete and gone.msgid == "Gone"
