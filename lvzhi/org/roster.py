"""Roster files: reading and checking Excel (.xlsx) sheets of deputies and of undertaking units with handlers.

This module reads and checks; it writes nothing. `org.services.roster` saves what passed, all or nothing.

The two sheet kinds and their column headers (the Chinese header is the one the template carries; the English
headers and a few common variants are accepted too; a trailing "*" or "(必填)" is ignored):

Deputies (代表名册), one row per deputy of the congress in the chosen term:
    姓名 *            name (Name)
    性别 *            男 / 女 (Gender)
    出生日期          a date; also "1975年3月", "1975.03" (Date of birth)
    民族              (Ethnicity)
    政治面貌          (Political affiliation)
    工作单位及职务    (Employer and position)
    手机号码 *        11 digits starting with 1; also the sign-in name of the deputy's account (Mobile)
    选区/选举单位 *   an electoral district or unit of this congress, spelled as registered (Electoral unit)
    当选日期          within the term; empty means the term's first day (Date elected)
    基层代表          是 / 否, empty means 否 (Grassroots deputy)
    专业领域          subject fields separated by "、" or "," (Fields of expertise)
    所属联络站        a station of this congress or one below it (Station)

Units (承办单位), one row per handler (a unit with two handlers takes two rows; a row without a handler
registers the unit only):
    单位全称 *        (Full name)
    单位简称 *        (Short name)
    单位类别          政府部门 / 监察委员会 / 人民法院 / 人民检察院 / 下级政府 / 其他; empty: 政府部门 (Kind)
    经办人姓名        (Handler name)
    经办人手机号码    (Handler mobile)
    经办人用户名      the handler's sign-in name; empty means the mobile number (Handler username)

Dates may be Excel dates or text in the usual forms (2022-01-05, 2022/1/5, 2022.1.5, 2022年1月5日, 20220105).
Each row gets a list of errors in the user's language; a row with no errors is accepted.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lvzhi.core.errors import ServiceError

from .fields import SubjectField
from .models import Congress, ElectoralUnit, Mandate, Person, RoleAssignment, Term, Unit, User
from .permissions import can_manage_congress
from .privacy import MOBILE_RE, mask_mobile, normalise_mobile
from .roles import Role

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
HEADER_SCAN_ROWS = 10  # a title line or two above the headers is common in real rosters
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- columns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the header the template carries
    aliases: tuple[str, ...]  # other accepted headers (English and common variants)
    required: bool
    help: Any  # lazily translated explanation for the template's instructions sheet
    example: Any = ""


DEPUTY_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("name", "代表姓名"), True, gettext_lazy("Full name."), "张三"),
    Column("gender", "性别", ("gender", "sex"), True, gettext_lazy("男 or 女."), "男"),
    Column(
        "birth_date",
        "出生日期",
        ("出生年月", "date of birth", "birth date", "birthday"),
        False,
        gettext_lazy("A date, e.g. 1975-03-08; year and month alone (1975年3月) is accepted."),
        dt.date(1975, 3, 8),
    ),
    Column("ethnicity", "民族", ("ethnicity", "ethnic group"), False, gettext_lazy("E.g. 汉族."), "汉族"),
    Column(
        "party",
        "政治面貌",
        ("political affiliation", "party"),
        False,
        gettext_lazy("E.g. 中共党员, 群众."),
        "中共党员",
    ),
    Column(
        "occupation",
        "工作单位及职务",
        ("工作单位和职务", "单位及职务", "employer and position", "occupation"),
        False,
        gettext_lazy("Employer and position."),
        "示范市第一中学教师",
    ),
    Column(
        "mobile",
        "手机号码",
        ("手机号", "手机", "联系电话", "mobile", "mobile number", "phone"),
        True,
        gettext_lazy("11 digits starting with 1. It is also the sign-in name of the deputy's account."),
        "13800000000",
    ),
    Column(
        "electoral_unit",
        "选区/选举单位",
        ("选区", "选举单位", "选区选举单位", "electoral unit", "electoral district"),
        True,
        gettext_lazy("An electoral district or unit of this congress, spelled as registered."),
    ),
    Column(
        "elected_on",
        "当选日期",
        ("date elected", "elected on", "elected"),
        False,
        gettext_lazy("A date within the term; leave empty for the term's first day."),
    ),
    Column(
        "grassroots",
        "基层代表",
        ("是否基层代表", "grassroots deputy", "grassroots"),
        False,
        gettext_lazy("是 or 否; empty means 否."),
        "否",
    ),
    Column(
        "fields",
        "专业领域",
        ("fields of expertise", "fields", "expertise"),
        False,
        gettext_lazy("Subject fields separated by 、 or commas."),
        "教育科技、文化旅游体育",
    ),
    Column(
        "station",
        "所属联络站",
        ("联络站", "进站", "station"),
        False,
        gettext_lazy("A station of this congress or of one below it; may be left empty."),
    ),
)

UNIT_COLUMNS: tuple[Column, ...] = (
    Column(
        "unit_name",
        "单位全称",
        ("单位名称", "full name", "unit full name", "unit name", "unit"),
        True,
        gettext_lazy("The unit's full name, e.g. 示范市教育局."),
        "示范市教育局",
    ),
    Column(
        "unit_short",
        "单位简称",
        ("short name", "unit short name"),
        True,
        gettext_lazy("The short name used in lists, e.g. 教育局."),
        "教育局",
    ),
    Column(
        "unit_kind",
        "单位类别",
        ("kind", "unit kind", "category"),
        False,
        gettext_lazy("政府部门, 监察委员会, 人民法院, 人民检察院, 下级政府 or 其他; empty means 政府部门."),
        "政府部门",
    ),
    Column(
        "handler_name",
        "经办人姓名",
        ("经办人", "handler name", "handler"),
        False,
        gettext_lazy("The person who handles the unit's suggestions; one row per handler."),
        "李四",
    ),
    Column(
        "handler_mobile",
        "经办人手机号码",
        ("经办人手机号", "经办人手机", "handler mobile", "handler mobile number"),
        False,
        gettext_lazy("11 digits starting with 1; the handler can also sign in with it."),
        "13900000000",
    ),
    Column(
        "handler_username",
        "经办人用户名",
        ("handler username", "username"),
        False,
        gettext_lazy("The sign-in name of the handler's account; empty means the mobile number."),
    ),
)

# Chinese names a roster uses for the subject fields and unit kinds (input spellings, not UI text).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    SubjectField.ECONOMY: ("经济建设与财政", "经济建设", "经济", "财政"),
    SubjectField.URBAN: ("城乡建设与管理", "城乡建设", "城建", "城市管理"),
    SubjectField.TRANSPORT: ("交通",),
    SubjectField.EDUCATION: ("教育科技", "教育", "科技", "教育科学"),
    SubjectField.CULTURE: ("文化旅游体育", "文化", "旅游", "体育", "文旅"),
    SubjectField.HEALTH: ("卫生健康与医保", "卫生健康", "卫生", "医疗", "医保"),
    SubjectField.SOCIAL: ("社会保障与民政", "社会保障", "社保", "民政"),
    SubjectField.AGRICULTURE: ("农业农村与水利", "农业农村", "农业", "农村", "水利"),
    SubjectField.ENVIRONMENT: ("生态环境", "环境保护", "环保", "生态"),
    SubjectField.LAW: ("政法与社会治理", "政法", "社会治理", "法律", "法治"),
    SubjectField.OTHER: ("其他", "其它"),
}
UNIT_KIND_ALIASES: dict[str, tuple[str, ...]] = {
    Unit.Kind.DEPARTMENT: ("政府部门", "政府工作部门", "部门"),
    Unit.Kind.SUPERVISORY: ("监察委员会", "监委", "监察委"),
    Unit.Kind.COURT: ("人民法院", "法院"),
    Unit.Kind.PROCURATORATE: ("人民检察院", "检察院"),
    Unit.Kind.GOVERNMENT: ("下级政府", "人民政府", "政府"),
    Unit.Kind.OTHER: ("其他", "其它"),
}
UNIT_KIND_TEMPLATE_CHOICES = ("政府部门", "监察委员会", "人民法院", "人民检察院", "下级政府", "其他")
YES = {"是", "y", "yes", "true", "1", "√", "✓", "是的"}
NO = {"否", "n", "no", "false", "0", "×", "不是"}
GENDERS = {"男": "M", "男性": "M", "m": "M", "male": "M", "女": "F", "女性": "F", "f": "F", "female": "F"}


# --- the rows -----------------------------------------------------------------------------------


@dataclass
class DeputyRow:
    """One deputy row: what the file says, what it resolved to in the records, and what is wrong with it."""

    number: int
    name: str = ""
    gender: str = ""
    birth_date: dt.date | None = None
    ethnicity: str = ""
    party: str = ""
    occupation: str = ""
    mobile: str = ""
    electoral_unit_name: str = ""
    elected_on: dt.date | None = None
    is_grassroots: bool = False
    fields: list[str] = field(default_factory=list)
    station_name: str = ""
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Resolved against the records by check_deputies.
    electoral_unit: ElectoralUnit | None = None
    station: Any = None
    person: Person | None = None
    account: User | None = None
    re_elected: bool = False
    mandate: Mandate | None = None  # set when saved

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def label(self) -> str:
        return self.name

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


@dataclass
class UnitRow:
    """One unit row (with at most one handler)."""

    number: int
    unit_name: str = ""
    unit_short: str = ""
    unit_kind: str = Unit.Kind.DEPARTMENT
    handler_name: str = ""
    handler_mobile: str = ""
    handler_username: str = ""
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Resolved against the records by check_units.
    unit: Unit | None = None
    person: Person | None = None
    account: User | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_handler(self) -> bool:
        return bool(self.handler_name or self.handler_mobile)

    @property
    def label(self) -> str:
        return f"{self.unit_name} · {self.handler_name}" if self.handler_name else self.unit_name

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.handler_mobile)


@dataclass
class Credential:
    """A new account's initial password, shown once to the staff who imported it; never stored."""

    username: str
    name: str
    password: str
    role: str


@dataclass
class ImportReport:
    """What an import found (dry run) or did: every row with its errors or notes, and the counts."""

    kind: str  # "deputies", "units" or "term_change"
    rows: list
    dry_run: bool
    saved: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    credentials: list[Credential] = field(default_factory=list)

    @property
    def rejected(self) -> list:
        return [r for r in self.rows if r.errors]

    @property
    def accepted(self) -> list:
        return [r for r in self.rows if not r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.rejected


# --- reading the file ---------------------------------------------------------------------------


def _file_bytes(file) -> tuple[str, bytes]:
    if isinstance(file, (bytes, bytearray)):
        return "", bytes(file)
    name = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise _too_large()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_large()
    return str(name), data


def _too_large() -> ServiceError:
    return ServiceError(
        "file_too_large",
        _("The file is larger than %(mb)s MB; split the roster into several files.")
        % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
    )


def _wrong_type() -> ServiceError:
    return ServiceError(
        "file_type",
        _(
            "This is not an Excel .xlsx file. Open it in Excel or WPS and save it as “Excel workbook (.xlsx)”."
        ),
    )


def _open_workbook(file):
    """Check the upload is a readable .xlsx and open it (read-only, cached values of formulas)."""
    import openpyxl

    name, data = _file_bytes(file)
    lower = name.lower()
    if lower.endswith(".xls") or data[:4] == b"\xd0\xcf\x11\xe0":
        raise ServiceError(
            "file_type",
            _(
                "This is an old-format .xls file. Open it in Excel or WPS and save it as "
                "“Excel workbook (.xlsx)”, then upload that."
            ),
        )
    if lower and not lower.endswith((".xlsx", ".xlsm")):
        raise _wrong_type()
    if not data:
        raise ServiceError("file_empty", _("The file is empty."))
    if data[:4] != b"PK\x03\x04":
        raise _wrong_type() if not lower else _corrupt()
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, Exception):  # openpyxl raises many kinds on a damaged file; one answer
        raise _corrupt() from None


def _corrupt() -> ServiceError:
    return ServiceError(
        "file_corrupt",
        _("The file could not be read: it may be damaged. Open it in Excel or WPS, save it again and retry."),
    )


_NOTE_RE = re.compile(r"[（(](必填|选填|可选|可空|required|optional)[)）]", re.IGNORECASE)
_HEADER_STRIP_RE = re.compile(r"[\s*＊()（）【】\[\]:：]")


def _normalise_header(value: Any) -> str:
    text = _NOTE_RE.sub("", str(value or ""))
    return _HEADER_STRIP_RE.sub("", text).replace("／", "/").lower()


def _header_map(columns: tuple[Column, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for col in columns:
        for h in (col.header, *col.aliases):
            out.setdefault(_normalise_header(h), col.key)
    return out


def read_sheet(file, columns: tuple[Column, ...]) -> list[tuple[int, dict[str, Any]]]:
    """The data rows of the first sheet that carries the headers: [(Excel row number, {key: raw value})].

    Raises ServiceError on a file that is not a readable .xlsx, is empty, or lacks required columns.
    """
    workbook = _open_workbook(file)
    try:
        return _read_rows(workbook, columns)
    except ServiceError:
        raise
    except Exception:  # a damaged sheet part surfaces only while rows are read
        raise _corrupt() from None
    finally:
        workbook.close()


def _read_rows(workbook, columns: tuple[Column, ...]) -> list[tuple[int, dict[str, Any]]]:
    known = _header_map(columns)
    anchor = columns[0].key
    sheets = list(workbook.worksheets)
    active = workbook.active
    if active in sheets:
        sheets.remove(active)
        sheets.insert(0, active)

    best: tuple[int, set[str]] | None = None  # the most header-like row seen, for the error message
    any_content = False
    for sheet in sheets:
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some writers record a wrong sheet size; read every row
        rows = sheet.iter_rows(values_only=True)
        header: dict[int, str] | None = None
        header_row = 0
        for number, values in enumerate(rows, start=1):
            if number > HEADER_SCAN_ROWS:
                break
            if all(_blank(v) for v in values or ()):
                continue
            any_content = True
            mapping: dict[int, str] = {}
            for index, value in enumerate(values):
                key = known.get(_normalise_header(value))
                if key and key not in mapping.values():
                    mapping[index] = key
            found = set(mapping.values())
            if best is None or len(found) > best[0]:
                best = (len(found), found)
            if anchor in found and len(found) >= 2:
                header, header_row = mapping, number
                break
        if header is None:
            continue
        missing = [c.header for c in columns if c.required and c.key not in header.values()]
        if missing:
            raise _missing_columns(missing)
        data: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(
            sheet.iter_rows(min_row=header_row + 1, values_only=True), header_row + 1
        ):
            values = values or ()
            record = {key: values[i] if i < len(values) else None for i, key in header.items()}
            if all(_blank(v) for v in record.values()):
                continue
            data.append((number, record))
            if len(data) > MAX_ROWS:
                raise ServiceError(
                    "too_many_rows",
                    _("The sheet has more than %(max)s rows; split it into several files.")
                    % {"max": MAX_ROWS},
                )
        if not data:
            raise ServiceError("file_empty", _("The sheet has its column headers but no rows below them."))
        return data

    if not any_content:
        raise ServiceError("file_empty", _("The file has no data: every sheet is empty."))
    found = best[1] if best else set()
    raise _missing_columns([c.header for c in columns if c.required and c.key not in found])


def _missing_columns(headers: list[str]) -> ServiceError:
    return ServiceError(
        "missing_columns",
        _(
            "The sheet lacks the required columns: %(columns)s. Use the template: its first row holds the "
            "column headers."
        )
        % {"columns": "、".join(headers)},
    )


# --- cell values --------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """A cell as one line of text: integral numbers without ".0", whitespace (also 全角) collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).replace("\u3000", " ").split())


def person_name(value: Any) -> str:
    name = text(value)
    # Rosters pad two-character names for alignment ("张  三"); a Chinese name has no spaces.
    if re.search(r"[\u4e00-\u9fff]", name):
        name = name.replace(" ", "")
    return name


_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


class CellError(ValueError):
    pass


def parse_date(value: Any, *, month_only_ok: bool = False) -> dt.date | None:
    """A date from an Excel date cell, an Excel serial number, or text in the usual forms."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            # 1975.03 typed into a number cell: Excel keeps 1975.03 but shows 1975.3 as 1975.3 too.
            raise CellError(_("“%(value)s” is ambiguous: write the date as 1975-03-01.") % {"value": value})
        number = int(value)
        compact = _COMPACT_DATE_RE.match(str(number))
        if compact:
            return _make_date(*compact.groups())
        if 1 <= number <= 80_000:  # an Excel serial date (1900–2119)
            from openpyxl.utils.datetime import from_excel

            return from_excel(number).date()
        raise CellError(_("“%(value)s” is not a date.") % {"value": value})
    raw = text(value)
    for pattern in (_DATE_RE, _COMPACT_DATE_RE):
        match = pattern.match(raw)
        if match:
            return _make_date(*match.groups())
    if month_only_ok:
        match = _MONTH_RE.match(raw)
        if match:
            return _make_date(match.group(1), match.group(2), "1")
    raise CellError(_("“%(value)s” is not a date; write it as 2022-01-05.") % {"value": raw})


def _make_date(year: str, month: str, day: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(
            _("%(year)s-%(month)s-%(day)s is not a calendar date.")
            % {"year": year, "month": month, "day": day}
        ) from None


def parse_mobile(value: Any) -> str:
    """11 ASCII digits: full-width digits (１３８…) are converted; spaces, dashes, brackets and +86 dropped."""
    raw = text(value)
    digits = normalise_mobile(re.sub(r"[\s\-－()（）]", "", raw.replace("＋", "+"))) or ""
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not MOBILE_RE.match(digits):
        raise CellError(_("“%(value)s” is not a mobile number (11 digits starting with 1).") % {"value": raw})
    return digits


def parse_yes_no(value: Any) -> bool:
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise CellError(_("“%(value)s” should be 是 or 否.") % {"value": text(value)})


def parse_gender(value: Any) -> str:
    raw = text(value).lower()
    if raw in GENDERS:
        return GENDERS[raw]
    raise CellError(_("“%(value)s” should be 男 or 女.") % {"value": text(value)})


def _label_table(choices, aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Every accepted spelling → value: the value, its label in each language, and the roster aliases."""
    table: dict[str, str] = {}
    for value, label in choices.choices:
        table[value.lower()] = value
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                table[_normalise_header(str(label))] = value
    for value, spellings in aliases.items():
        for spelling in spellings:
            table[_normalise_header(spelling)] = value
    return table


def parse_fields(value: Any) -> list[str]:
    raw = text(value)
    if not raw:
        return []
    table = _label_table(SubjectField, FIELD_ALIASES)
    chosen, unknown = [], []
    for part in re.split(r"[,，、;；/|\n]+", raw):
        part = part.strip()
        if not part:
            continue
        code = table.get(_normalise_header(part))
        if code is None:
            unknown.append(part)
        elif code not in chosen:
            chosen.append(code)
    if unknown:
        raise CellError(
            _("Unknown field(s): %(fields)s. Use the names listed in the template.")
            % {"fields": "、".join(unknown)}
        )
    return [c for c in SubjectField.values if c in chosen]  # kept in the list's order


def parse_unit_kind(value: Any) -> str:
    if _blank(value):
        return Unit.Kind.DEPARTMENT
    code = _label_table(Unit.Kind, UNIT_KIND_ALIASES).get(_normalise_header(text(value)))
    if code is None:
        raise CellError(
            _("“%(value)s” is not a unit kind; use one of %(kinds)s.")
            % {"value": text(value), "kinds": "、".join(UNIT_KIND_TEMPLATE_CHOICES)}
        )
    return code


def _cell(errors: list[str], label: str, parse, raw, *, required: bool = False, **kwargs):
    """Parse one cell; a problem becomes a row error naming the column."""
    if required and _blank(raw):
        errors.append(_("%(column)s is required.") % {"column": label})
        return None
    if not required and _blank(raw):
        return None
    try:
        return parse(raw, **kwargs)
    except CellError as exc:
        errors.append(f"{label}: {exc}")
        return None


def _bounded(errors: list[str], label: str, value: str, limit: int) -> str:
    if len(value) > limit:
        errors.append(_("%(column)s is longer than %(max)s characters.") % {"column": label, "max": limit})
    return value


# --- deputies -----------------------------------------------------------------------------------


def parse_deputies(file) -> list[DeputyRow]:
    """The deputy rows of a file, each checked on its own (the records are not consulted yet)."""
    rows = []
    for number, raw in read_sheet(file, DEPUTY_COLUMNS):
        r = DeputyRow(number=number)
        e = r.errors
        r.name = _bounded(e, "姓名", person_name(raw.get("name")), Person._meta.get_field("name").max_length)
        if not r.name:
            e.append(_("%(column)s is required.") % {"column": "姓名"})
        r.gender = _cell(e, "性别", parse_gender, raw.get("gender"), required=True) or ""
        r.birth_date = _cell(e, "出生日期", parse_date, raw.get("birth_date"), month_only_ok=True)
        if r.birth_date and not (dt.date(1900, 1, 1) <= r.birth_date <= timezone.localdate()):
            e.append(
                _("%(column)s: %(date)s is not a plausible date of birth.")
                % {"column": "出生日期", "date": r.birth_date}
            )
        r.ethnicity = _bounded(e, "民族", text(raw.get("ethnicity")), 20)
        r.party = _bounded(e, "政治面貌", text(raw.get("party")), 30)
        r.occupation = _bounded(e, "工作单位及职务", text(raw.get("occupation")), 120)
        r.mobile = _cell(e, "手机号码", parse_mobile, raw.get("mobile"), required=True) or ""
        r.electoral_unit_name = text(raw.get("electoral_unit"))
        if not r.electoral_unit_name:
            e.append(_("%(column)s is required.") % {"column": "选区/选举单位"})
        r.elected_on = _cell(e, "当选日期", parse_date, raw.get("elected_on"))
        r.is_grassroots = bool(_cell(e, "基层代表", parse_yes_no, raw.get("grassroots")))
        r.fields = _cell(e, "专业领域", parse_fields, raw.get("fields")) or []
        r.station_name = text(raw.get("station"))
        rows.append(r)
    return rows


def stations_in_reach(congress: Congress):
    """Stations a congress may put its deputies into: its own and those of the congresses below it."""
    from lvzhi.stations.models import Station

    return Station.objects.filter(congress__path__startswith=congress.path, is_active=True)


def _outside_error() -> str:
    return _(
        "This mobile number belongs to someone outside your congress; ask the staff of their congress or a "
        "site administrator to check the records."
    )


def may_change_account(actor, account: User) -> bool:
    """Whether an import may link, reactivate or give a role to `account`: only accounts of a congress the
    actor manages, and never a site administrator's."""
    return not account.is_superuser and can_manage_congress(actor, account.congress_id)


def _people_by_mobile(actor, mobiles: set[str]) -> tuple[dict[str, list[Person]], set[str]]:
    """People with these mobile numbers whom the actor can see, and the numbers also held by someone the
    actor cannot see (a sibling's deputy is never matched, shown or written to)."""
    from .selectors import person_list_visible_to

    if not mobiles:
        return {}, set()
    visible = set(person_list_visible_to(user=actor).filter(mobile__in=mobiles).values_list("pk", flat=True))
    people: dict[str, list[Person]] = defaultdict(list)
    hidden: set[str] = set()
    for p in Person.objects.filter(mobile__in=mobiles).order_by("pk"):
        if p.pk in visible:
            people[p.mobile].append(p)
        else:
            hidden.add(p.mobile)
    return people, hidden


def check_deputies(
    rows: list[DeputyRow],
    *,
    actor,
    congress: Congress,
    term: Term | None,
    start: dt.date,
    end: dt.date,
    old_term: Term | None = None,
) -> None:
    """Check deputy rows against each other and the records; resolve units, stations, people, accounts.

    `term` is the term the mandates go into (None for a new term not yet created); `start`/`end` its dates.
    `old_term`, on a term change, marks who is re-elected.

    SECURITY: a row matches only people `actor` can see, and changes only accounts of a congress `actor`
    manages; a mobile number held by anyone else is a row error, so a sibling's records are never shown in
    the preview nor written to.
    """
    _check_duplicate_mobiles(rows, "mobile", "手机号码")

    units = {u.name: u for u in ElectoralUnit.objects.filter(congress=congress)}
    stations: dict[str, list] = defaultdict(list)
    for s in stations_in_reach(congress).only("pk", "name", "congress_id"):
        stations[s.name].append(s)

    mobiles = {r.mobile for r in rows if r.mobile}
    people_by_mobile, hidden_mobiles = _people_by_mobile(actor, mobiles)
    accounts = list(
        User.objects.filter(Q(mobile__in=mobiles) | Q(username__in=mobiles)).select_related("person")
    )
    visible_ids = [p.pk for people in people_by_mobile.values() for p in people]
    account_by_person = {
        a.person_id: a for a in User.objects.filter(person_id__in=visible_ids).select_related("person")
    }

    for r in rows:
        if r.electoral_unit_name:
            r.electoral_unit = units.get(r.electoral_unit_name)
            if r.electoral_unit is None:
                r.errors.append(
                    _(
                        "Unknown electoral unit “%(unit)s”: it must be one of this congress's, spelled as registered."
                    )
                    % {"unit": r.electoral_unit_name}
                )
        if r.station_name:
            found = stations.get(r.station_name, [])
            if not found:
                r.errors.append(
                    _(
                        "Unknown station “%(station)s”: it must be an active station of this congress or one below."
                    )
                    % {"station": r.station_name}
                )
            elif len(found) > 1:
                r.errors.append(
                    _("Station “%(station)s” is ambiguous: several congresses have a station of that name.")
                    % {"station": r.station_name}
                )
            else:
                r.station = found[0]
        if r.elected_on is not None and not (start <= r.elected_on <= end):
            r.errors.append(
                _("%(column)s: %(date)s is outside the term (%(start)s – %(end)s).")
                % {"column": "当选日期", "date": r.elected_on, "start": start, "end": end}
            )
        if not r.mobile or not r.name:
            continue
        if r.mobile in hidden_mobiles:
            r.errors.append(_outside_error())
            continue
        same_mobile = people_by_mobile.get(r.mobile, [])
        matches = [p for p in same_mobile if p.name == r.name]
        if same_mobile and not matches:
            r.errors.append(
                _(
                    "This mobile number belongs to another person in the records; check the name and the number."
                )
            )
            continue
        if matches:
            # Several rows for one person (old duplicates): take the one that has an account, else the oldest.
            r.person = next((p for p in matches if p.pk in account_by_person), matches[0])
            r.account = account_by_person.get(r.person.pk)
        _resolve_deputy_account(r, accounts, actor)

    matched = {r.person.pk: r for r in rows if r.person is not None}
    if matched:
        mandates = (
            Mandate.objects.filter(person_id__in=matched)
            .select_related("congress", "term")
            .order_by("congress__path", "pk")
        )
        today = timezone.localdate()
        for m in mandates:
            r = matched[m.person_id]
            if term is not None and m.term_id == term.pk:
                r.errors.append(_("Already a deputy of this congress in this term."))
            elif old_term is not None and m.term_id == old_term.pk and m.end_date is None:
                r.re_elected = True
            elif m.congress_id == congress.pk and m.end_date is None:
                # One seat per congress at a time: an earlier term's seat closes by a term change.
                r.errors.append(
                    _(
                        "Still holds an open mandate of this congress (%(term)s); end it first, or bring in "
                        "the new term with “New term (换届)”."
                    )
                    % {"term": m.term}
                )
            elif m.congress_id != congress.pk and m.is_current(today):
                r.notes.append(
                    _("Also a deputy of %(congress)s: gets a second mandate.") % {"congress": m.congress}
                )

    for r in rows:
        if r.errors:
            continue
        if r.person is None:
            r.notes.insert(0, _("New person."))
        elif r.re_elected:
            r.notes.insert(0, _("Re-elected: keeps the person's record and history."))
        else:
            r.notes.insert(0, _("Already in the records."))
        if r.station is not None:
            r.notes.append(_("Enters station %(station)s.") % {"station": r.station.name})


def _resolve_deputy_account(r: DeputyRow, accounts: list[User], actor) -> None:
    """The account the deputy signs in with: theirs, an unlinked one of the same name and mobile, or a new one
    named after the mobile. A mobile or username held by someone else is an error.

    The deputy's own account is used as it is wherever it is managed; linking or reactivating an account
    needs the actor to manage its congress."""
    if r.account is not None:
        if not r.account.is_active:
            if not may_change_account(actor, r.account):
                r.errors.append(
                    _(
                        "This deputy's account is deactivated and managed by another congress; ask its staff "
                        "to reactivate it, then import again."
                    )
                )
                return
            r.notes.append(_("Account %(username)s is reactivated.") % {"username": r.account.username})
        else:
            r.notes.append(
                _("Signs in with the existing account %(username)s.") % {"username": r.account.username}
            )
        return
    by_mobile = next((a for a in accounts if a.mobile == r.mobile), None)
    if by_mobile is not None:
        if not may_change_account(actor, by_mobile):
            r.errors.append(_outside_error())
            return
        same_person = by_mobile.person_id is None and by_mobile.display_name == r.name
        if not same_person:
            r.errors.append(_("This mobile number is already used by another account."))
            return
        r.account = by_mobile
        r.notes.append(
            _("The existing account %(username)s is linked to the deputy.") % {"username": by_mobile.username}
        )
        return
    if any(a.username == r.mobile for a in accounts):
        r.errors.append(
            _("An account with the username %(username)s already exists.") % {"username": r.mobile}
        )
        return
    r.notes.append(_("New account: username %(username)s.") % {"username": r.mobile})


def _check_duplicate_mobiles(rows, attr: str, label: str) -> None:
    first: dict[str, int] = {}
    for r in rows:
        mobile = getattr(r, attr)
        if not mobile:
            continue
        if mobile in first:
            r.errors.append(
                _("%(column)s: the same number as row %(row)s.") % {"column": label, "row": first[mobile]}
            )
        else:
            first[mobile] = r.number


# --- units --------------------------------------------------------------------------------------

_username_validator = UnicodeUsernameValidator()


def parse_units(file) -> list[UnitRow]:
    rows = []
    for number, raw in read_sheet(file, UNIT_COLUMNS):
        r = UnitRow(number=number)
        e = r.errors
        r.unit_name = _bounded(e, "单位全称", text(raw.get("unit_name")), 100)
        if not r.unit_name:
            e.append(_("%(column)s is required.") % {"column": "单位全称"})
        r.unit_short = _bounded(e, "单位简称", text(raw.get("unit_short")), 30)
        if not r.unit_short:
            e.append(_("%(column)s is required.") % {"column": "单位简称"})
        r.unit_kind = _cell(e, "单位类别", parse_unit_kind, raw.get("unit_kind")) or Unit.Kind.DEPARTMENT
        r.handler_name = _bounded(e, "经办人姓名", person_name(raw.get("handler_name")), 40)
        r.handler_mobile = _cell(e, "经办人手机号码", parse_mobile, raw.get("handler_mobile")) or ""
        r.handler_username = text(raw.get("handler_username"))
        given_mobile = not _blank(raw.get("handler_mobile"))
        if (r.handler_name or r.handler_username) and not given_mobile:
            e.append(_("%(column)s is required for a handler.") % {"column": "经办人手机号码"})
        if given_mobile and not r.handler_name:
            e.append(_("%(column)s is required for a handler.") % {"column": "经办人姓名"})
        if r.handler_username:
            try:
                _username_validator(r.handler_username)
                if len(r.handler_username) > 150:
                    raise ValidationError("too long")
            except ValidationError:
                e.append(
                    _("%(column)s: “%(value)s” may hold only letters, digits and @.+-_ (150 at most).")
                    % {"column": "经办人用户名", "value": r.handler_username}
                )
        rows.append(r)
    return rows


def check_units(rows: list[UnitRow], *, actor, congress: Congress) -> None:
    """Check unit rows against each other and the records; resolve existing units, people and accounts.

    SECURITY: a handler's existing account gets the role only when `actor` manages its congress (never a site
    administrator's); a new account is linked only to a person `actor` can see.
    """
    first_of_unit: dict[str, UnitRow] = {}
    handler_pairs: dict[tuple[str, str], int] = {}
    name_of_mobile: dict[str, tuple[str, int]] = {}
    username_of_mobile: dict[str, tuple[str, int]] = {}
    mobile_of_username: dict[str, tuple[str, int]] = {}
    for r in rows:
        if r.unit_name:
            first = first_of_unit.setdefault(r.unit_name, r)
            if first is not r and (first.unit_short, first.unit_kind) != (r.unit_short, r.unit_kind):
                r.errors.append(
                    _("Row %(row)s gives this unit another short name or kind.") % {"row": first.number}
                )
        if not r.handler_mobile:
            continue
        pair = (r.unit_name, r.handler_mobile)
        if pair in handler_pairs:
            r.errors.append(
                _("The same handler of the same unit as row %(row)s.") % {"row": handler_pairs[pair]}
            )
        handler_pairs.setdefault(pair, r.number)
        name, row = name_of_mobile.setdefault(r.handler_mobile, (r.handler_name, r.number))
        if name != r.handler_name:
            r.errors.append(
                _("%(column)s: the same number as row %(row)s, with another name.")
                % {"column": "经办人手机号码", "row": row}
            )
        username = r.handler_username or r.handler_mobile
        known, row = username_of_mobile.setdefault(r.handler_mobile, (username, r.number))
        if known != username and r.handler_username:
            r.errors.append(
                _("%(column)s: row %(row)s gives this handler another username.")
                % {"column": "经办人用户名", "row": row}
            )
        other, row = mobile_of_username.setdefault(username, (r.handler_mobile, r.number))
        if other != r.handler_mobile:
            r.errors.append(
                _("%(column)s: row %(row)s gives the same username to another handler.")
                % {"column": "经办人用户名", "row": row}
            )

    existing = {u.name: u for u in Unit.objects.filter(congress=congress, name__in=list(first_of_unit))}
    mobiles = {r.handler_mobile for r in rows if r.handler_mobile}
    usernames = {r.handler_username or r.handler_mobile for r in rows if r.handler_mobile}
    # A username and a mobile number share one sign-in box, so neither may repeat the other's value.
    clash = Q(mobile__in=mobiles | usernames) | Q(username__in=mobiles) | Q(person__mobile__in=mobiles)
    for username in usernames:
        clash |= Q(username__iexact=username)
    accounts = list(User.objects.filter(clash).select_related("person").distinct())
    people_by_mobile, _hidden = _people_by_mobile(actor, mobiles)
    held = set(
        RoleAssignment.objects.filter(
            role=Role.UNIT_HANDLER, is_active=True, unit__in=list(existing.values())
        ).values_list("user_id", "unit_id")
    )

    for r in rows:
        r.unit = existing.get(r.unit_name)
        if r.unit is not None and not r.errors:
            if (r.unit.short_name, r.unit.kind) != (r.unit_short, r.unit_kind):
                r.notes.append(_("Existing unit: its names and kind in the records are kept."))
            else:
                r.notes.append(_("Existing unit."))
        elif not r.errors:
            r.notes.append(_("New unit."))
        if not r.handler_mobile or r.errors:
            continue
        _resolve_handler_account(r, accounts, people_by_mobile, actor)
        if r.account is not None and r.unit is not None and (r.account.pk, r.unit.pk) in held:
            r.errors.append(_("Already a handler of this unit."))


def _resolve_handler_account(r: UnitRow, accounts: list[User], people_by_mobile: dict, actor) -> None:
    matches = [p for p in people_by_mobile.get(r.handler_mobile, []) if p.name == r.handler_name]
    person_ids = {p.pk for p in matches}
    own = next((a for a in accounts if a.person_id in person_ids), None) if person_ids else None
    by_mobile = next((a for a in accounts if a.mobile == r.handler_mobile), None)
    account = own or by_mobile
    if account is not None:
        if not may_change_account(actor, account):
            r.errors.append(f"经办人手机号码: {_outside_error()}")
            return
        if account.display_name != r.handler_name and account.person_id not in person_ids:
            r.errors.append(
                _("%(column)s: this number is already used by another account.")
                % {"column": "经办人手机号码"}
            )
            return
        r.account = account
        if r.handler_username and r.handler_username != account.username:
            r.notes.append(
                _("The handler already has the account %(username)s; it is used instead of %(given)s.")
                % {"username": account.username, "given": r.handler_username}
            )
        elif not account.is_active:
            r.notes.append(_("Account %(username)s is reactivated.") % {"username": account.username})
        else:
            r.notes.append(
                _("Handler signs in with the existing account %(username)s.") % {"username": account.username}
            )
        return
    username = r.handler_username or r.handler_mobile
    if any(a.username.lower() == username.lower() or a.mobile == username for a in accounts):
        r.errors.append(
            _("An account with the username %(username)s already exists.") % {"username": username}
        )
        return
    r.person = matches[0] if matches else None
    r.notes.append(_("New handler account: username %(username)s.") % {"username": username})


# --- templates ----------------------------------------------------------------------------------


def template_workbook(kind: str, congress: Congress | None = None) -> bytes:
    """The .xlsx a user fills in: the header row and one example row, an instructions sheet, and (for
    deputies) the electoral units and stations the congress may use."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = DEPUTY_COLUMNS if kind == "deputies" else UNIT_COLUMNS
    wb = Workbook()
    ws = wb.active
    ws.title = "代表名册" if kind == "deputies" else "承办单位"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F3D9D7")
    examples = dict(_examples(kind, congress))
    for index, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=col.header + (" *" if col.required else ""))
        cell.font, cell.fill = bold, fill
        value = examples.get(col.key, col.example)
        example = ws.cell(row=2, column=index, value=value if value != "" else None)
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(12, len(col.header) * 2 + 4)
        if col.key in {"mobile", "handler_mobile"}:
            for row in range(2, 502):  # text cells, so Excel keeps all 11 digits
                ws.cell(row=row, column=index).number_format = "@"
        if col.key in {"birth_date", "elected_on"}:
            example.number_format = "yyyy-mm-dd"
        choices = {
            "gender": '"男,女"',
            "grassroots": '"是,否"',
            "unit_kind": '"' + ",".join(UNIT_KIND_TEMPLATE_CHOICES) + '"',
        }.get(col.key)
        if choices:
            dv = DataValidation(type="list", formula1=choices, allow_blank=not col.required)
            dv.add(f"{letter}2:{letter}5000")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"

    info = wb.create_sheet(_("Instructions")[:31])
    info.append([_("Column"), _("Required"), _("What to enter")])
    for cell in info[1]:
        cell.font = bold
    for col in columns:
        info.append([col.header, _("yes") if col.required else _("no"), str(col.help)])
    info.append([])
    info.append([_("Headers in English are accepted too. Delete the example row before importing.")])
    info.append([_("Nothing is saved unless every row is correct; the preview lists each rejected row.")])
    if kind == "deputies":
        info.append([])
        info.append(
            [_("Fields of expertise"), "", "、".join(FIELD_ALIASES[c][0] for c in SubjectField.values)]
        )
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 10
    info.column_dimensions["C"].width = 80

    if kind == "deputies" and congress is not None:
        values = wb.create_sheet(_("Valid names")[:31])
        values.append([_("Electoral units"), _("Stations")])
        for cell in values[1]:
            cell.font = bold
        units = list(ElectoralUnit.objects.filter(congress=congress).values_list("name", flat=True))
        stations = list(
            stations_in_reach(congress).order_by("congress__path", "name").values_list("name", flat=True)
        )
        for i in range(max(len(units), len(stations))):
            values.append([units[i] if i < len(units) else None, stations[i] if i < len(stations) else None])
        values.column_dimensions["A"].width = 30
        values.column_dimensions["B"].width = 30

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _examples(kind: str, congress: Congress | None):
    if kind != "deputies" or congress is None:
        return
    unit = ElectoralUnit.objects.filter(congress=congress).values_list("name", flat=True).first()
    if unit:
        yield "electoral_unit", unit
    term = congress.terms.order_by("-start_date").first()
    if term:
        yield "elected_on", term.start_date


def credentials_workbook(credentials: list[Credential]) -> bytes:
    """The new accounts and their initial passwords, for the staff to hand over (generated once, not kept)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("New accounts")[:31]
    ws.append([_("Name"), _("Username"), _("Initial password"), _("Role")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for c in credentials:
        ws.append([c.name, c.username, c.password, c.role])
    for letter, width in zip("ABCD", (16, 20, 18, 24), strict=True):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
