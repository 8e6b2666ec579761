"""Check that every user-facing string has its translation (run by .ci/run).

The msgids in code and templates are English, so English needs no catalog of its own; every other language in
LANGUAGES (today zh-hans) has one in lvzhi/locale/<locale>/LC_MESSAGES/django.po with a compiled django.mo
beside it, both committed so that a fresh `pip install -e .` shows Chinese without gettext installed.

The check extracts the current msgids with `makemessages` into a temporary copy of the package (the repository's
files are left alone) and fails, listing them, when
  - a msgid has no translation, or only a fuzzy one, in a catalog;
  - a catalog does not compile (`msgfmt --check-format`: e.g. a placeholder missing from a translation);
  - the committed .mo is missing or does not hold what the .po holds (compiled to a temporary file and compared
    message by message, not byte by byte);
  - a msgid is Chinese rather than English (Chinese words inside an English sentence, e.g. the column names
    of an import file, are fine), or a template shows Chinese text outside {% translate %}: either would show
    untranslated on the English pages.

`--update` first refreshes the repository's catalogs (makemessages, then compilemessages), run from the package
directory whatever the current directory is; translate what it then lists and run it again.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils.translation import to_locale

PACKAGE_DIR = Path(settings.BASE_DIR)
IGNORE = ["tests/*", "bench/*"]
LATIN = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Template text outside tags: drop comments, {% ... %}, {{ ... }}, blocktranslate blocks, and <code>/<pre>
# (literal data, e.g. the Chinese column names an import file must have, is the same in every language).
TEMPLATE_NOISE = re.compile(
    r"<!--.*?-->|<code\b.*?</code>|<pre\b.*?</pre>|{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}"
    r"|{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}|{%.*?%}|{{.*?}}",
    re.DOTALL,
)


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def label(self) -> str:
        where = ", ".join(self.references[:3]) + (" …" if len(self.references) > 3 else "")
        ctx = f" (context {self.msgctxt!r})" if self.msgctxt else ""
        return f"{self.msgid!r}{ctx}  [{where}]"


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    escapes = {
        "n": "\n",
        "t": "\t",
        "r": "\r",
        '"': '"',
        "\\": "\\",
        "a": "\a",
        "b": "\b",
        "f": "\f",
        "v": "\v",
    }
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), body)


def parse_po(path: Path) -> list[Entry]:
    """A small reader for the .po files that xgettext and msgmerge write: one entry per blank-line block."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, current = Entry(), None
        for raw in block.splitlines():
            line = raw.strip()
            if line.startswith("#~"):
                entry.obsolete, line = True, line[2:].strip()
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(","))
            elif line.startswith("#:"):
                entry.references.extend(line[2:].split())
            elif line.startswith("#") or not line:
                continue
            elif line.startswith('"') and current:
                kind, index = current
                if kind == "msgstr":
                    entry.msgstr[index] += _unquote(line)
                else:
                    setattr(entry, kind, getattr(entry, kind) + _unquote(line))
            else:
                keyword, _space, value = line.partition(" ")
                if keyword.startswith("msgstr["):
                    current = ("msgstr", int(keyword[7:-1]))
                    entry.msgstr[current[1]] = _unquote(value)
                elif keyword == "msgstr":
                    current = ("msgstr", 0)
                    entry.msgstr[0] = _unquote(value)
                elif keyword in {"msgid", "msgid_plural", "msgctxt"}:
                    current = (keyword, 0)
                    setattr(entry, keyword, _unquote(value))
        if entry.msgstr:
            entries.append(entry)
    return entries


def _catalog(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)


@contextmanager
def _cwd(path: Path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


class Command(BaseCommand):
    help = "Fail when a user-facing string lacks its translation or a compiled catalog is stale."
    requires_system_checks = []  # reads files only; like makemessages it must run while the code is mid-change

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="first run makemessages and compilemessages on the repository's catalogs",
        )

    def handle(self, *args, update: bool, **options):
        if not shutil.which("msgfmt") or not shutil.which("xgettext"):
            raise CommandError("GNU gettext is needed (msgfmt, xgettext): apt-get install gettext")
        locales = [to_locale(code) for code, _name in settings.LANGUAGES if not code.startswith("en")]
        if update:
            self._update(locales)
        problems: list[str] = []
        with tempfile.TemporaryDirectory(prefix="lvzhi-i18n-") as tmp:
            copy = Path(tmp) / PACKAGE_DIR.name
            shutil.copytree(
                PACKAGE_DIR,
                copy,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "node_modules", ".*"),
            )
            with _cwd(copy), override_settings(LOCALE_PATHS=[copy / "locale"]):
                call_command("makemessages", locale=locales, ignore_patterns=IGNORE, verbosity=0)
            for locale in locales:
                problems += self._check_locale(locale, copy, Path(tmp))
        problems += self._check_templates()
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(
                f"{len(problems)} translation problem(s). Fix: `lvzhi manage i18ncheck --update`, translate the "
                "listed msgids in the .po (remove `#, fuzzy` once checked), then `lvzhi manage i18ncheck --update` "
                "again to compile (see README, Translations)."
            )
        self.stdout.write(f"translations complete: {', '.join(locales)}")

    def _update(self, locales: list[str]) -> None:
        with _cwd(PACKAGE_DIR):
            call_command("makemessages", locale=locales, ignore_patterns=IGNORE, verbosity=1)
            call_command("compilemessages", locale=locales, ignore_patterns=IGNORE, verbosity=1)

    def _check_locale(self, locale: str, copy: Path, tmp: Path) -> list[str]:
        problems: list[str] = []
        committed_po = PACKAGE_DIR / "locale" / locale / "LC_MESSAGES" / "django.po"
        committed_mo = committed_po.with_suffix(".mo")
        if not committed_po.exists():
            return [f"{locale}: no catalog at {committed_po.relative_to(PACKAGE_DIR.parent)}"]
        known = {(e.msgctxt, e.msgid) for e in parse_po(committed_po) if not e.obsolete and e.msgid}
        merged = copy / "locale" / locale / "LC_MESSAGES" / "django.po"
        for entry in parse_po(merged):
            if entry.obsolete or not entry.msgid:
                continue
            translated = all(entry.msgstr.get(i) for i in range(max(len(entry.msgstr), 1)))
            if (entry.msgctxt, entry.msgid) not in known:
                problems.append(f"{locale}: not in the catalog yet: {entry.label}")
            elif "fuzzy" in entry.flags:
                problems.append(f"{locale}: fuzzy translation: {entry.label}")
            elif not translated:
                problems.append(f"{locale}: untranslated: {entry.label}")
            if CJK.search(entry.msgid) and not LATIN.search(entry.msgid):
                problems.append(f"{locale}: a Chinese msgid (msgids are English): {entry.label}")

        compiled = tmp / f"{locale}.mo"
        result = subprocess.run(
            ["msgfmt", "--check-format", "-o", str(compiled), str(committed_po)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            problems.append(f"{locale}: the catalog does not compile:\n{result.stderr.strip()}")
        elif not committed_mo.exists():
            problems.append(f"{locale}: {committed_mo.name} is missing: compile the catalog")
        elif _catalog(compiled) != _catalog(committed_mo):
            problems.append(
                f"{locale}: {committed_mo.name} is stale (differs from the .po): compile the catalog"
            )
        return problems

    def _check_templates(self) -> list[str]:
        """Chinese text in a template outside {% translate %} would show untranslated on the English pages."""
        problems: list[str] = []
        for path in sorted(PACKAGE_DIR.rglob("templates/**/*.html")):
            text = path.read_text(encoding="utf-8")
            stripped = TEMPLATE_NOISE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
            for number, line_text in enumerate(stripped.splitlines(), start=1):
                if CJK.search(line_text):
                    problems.append(
                        f"untranslatable Chinese text in a template (wrap it in {{% translate %}} with an English "
                        f"msgid): {line_text.strip()[:60]!r}  [{self._rel(path)}:{number}]"
                    )
        return problems

    @staticmethod
    def _rel(path: Path) -> str:
        return str(path.relative_to(PACKAGE_DIR.parent))
