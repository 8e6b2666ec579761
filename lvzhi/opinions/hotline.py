"""12345 hotline files: reading and checking the tickets staff upload (CSV or Excel .xlsx). Writes nothing.

`opinions.services.hotline.hotline_import` saves what passed, all or nothing. The columns (the Chinese header
is the one the template carries; English headers and the common variants below are accepted too; a trailing
"*" or "(必填)" is ignored; a title line or two above the headers is fine):

    工单编号 *   the hotline's ticket number; a ticket already imported is skipped, never stored twice
    受理时间 *   when the hotline received the call: 2026-03-05 14:23, 2026/3/5 14:23, 2026年3月5日, an Excel date
    问题分类     the hotline's category words (城市管理, 交通出行, 物业管理 …), mapped to the opinion categories;
                 words it does not know become 其他 (other), with a note in the report
    所属区县     a district (or township) of the uploading congress, e.g. 东湖区; empty: the uploading congress
    事发地点     where the matter is (a street, an estate)
    诉求内容 *   what the caller said
    来电人       the caller's name (personal data: shown masked, purged after the retention time)
    联系电话     the caller's number: a mobile (11 digits) or a landline (0531-12345678)
    办理状态     待处理 / 已受理 / 办理中 (imported as new), 已答复 (answered), 已办结 / 已解决 (solved),
                 不予受理 / 已关闭 / 无效 (closed); empty means new
    答复内容     the hotline's answer to the caller; required for 已答复
    答复时间     when it was answered (the time to first answer counts only tickets that give it)
    办结时间     when it was finished; empty for a finished ticket: the time of the import
    是否紧急     是 / 否; empty means 否

CSV files may be UTF-8 (with or without a byte-order mark) or GBK/GB18030 (what Excel and WPS save in
Chinese), separated by commas, tabs or semicolons. A CSV file is turned into a one-sheet workbook and read by
the same code as an Excel file (lvzhi.org.roster.read_sheet), so both kinds follow the same rules.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lvzhi.core.errors import ServiceError
from lvzhi.org import roster
from lvzhi.org.models import Congress
from lvzhi.org.privacy import mask_mobile, normalise_mobile
from lvzhi.org.roster import CellError, Column, text

from .models import Opinion
from .workflow import State

MAX_FILE_BYTES = roster.MAX_FILE_BYTES
XLSX_CONTENT_TYPE = roster.XLSX_CONTENT_TYPE
CONTENT_MAX = 2000
PLACE_MAX = 100
NAME_MAX = 40
ANSWER_MAX = 2000
SIGNED_AS = "12345热线"  # how the citizen's status page signs the hotline's own answer

COLUMNS: tuple[Column, ...] = (
    Column(
        "ticket",
        "工单编号",
        ("工单号", "工单编码", "编号", "ticket number", "ticket no", "ticket"),
        True,
        gettext_lazy(
            "The hotline's ticket number. A ticket already imported is skipped, never stored twice."
        ),
        "12345-20260305-0001",
    ),
    Column(
        "received_at",
        "受理时间",
        ("来电时间", "登记时间", "创建时间", "工单时间", "received at", "received", "call time"),
        True,
        gettext_lazy("When the hotline received the call, e.g. 2026-03-05 14:23; a date alone is accepted."),
        dt.datetime(2026, 3, 5, 14, 23),
    ),
    Column(
        "category",
        "问题分类",
        ("分类", "诉求分类", "诉求类型", "问题类型", "类别", "category"),
        False,
        gettext_lazy(
            "The hotline's category words (城市管理, 交通出行, 物业管理 …); words not recognised are "
            "counted as 其他 (other)."
        ),
        "城市管理",
    ),
    Column(
        "district",
        "所属区县",
        ("区县", "所属区域", "区域", "所属街镇", "district"),
        False,
        gettext_lazy(
            "A district or township of your congress, e.g. 东湖区; empty: the congress you import into."
        ),
        "",
    ),
    Column(
        "place",
        "事发地点",
        ("地点", "事发地址", "问题地点", "place", "location"),
        False,
        gettext_lazy("Where the matter is: a street, an estate, a crossing."),
        "湖滨路与东湖大道交叉口",
    ),
    Column(
        "content",
        "诉求内容",
        ("内容", "来电内容", "问题描述", "诉求", "工单内容", "content"),
        True,
        gettext_lazy("What the caller said (at most 2,000 characters)."),
        "路灯损坏，夜间出行不便，请尽快维修。",
    ),
    Column(
        "name",
        "来电人",
        ("来电人姓名", "姓名", "市民姓名", "联系人", "caller", "caller name"),
        False,
        gettext_lazy("The caller's name. Personal data: shown masked, removed after the retention time."),
        "李女士",
    ),
    Column(
        "phone",
        "联系电话",
        ("来电号码", "电话", "手机", "手机号码", "联系方式", "caller phone", "phone"),
        False,
        gettext_lazy("A mobile (11 digits) or a landline (0531-12345678). Personal data, like the name."),
        "13800000000",
    ),
    Column(
        "status",
        "办理状态",
        ("状态", "工单状态", "处理状态", "status"),
        False,
        gettext_lazy(
            "待处理, 已受理 or 办理中 (imported as new); 已答复 (answered); 已办结 or 已解决 (solved); "
            "不予受理, 已关闭 or 无效 (closed). Empty means new."
        ),
        "已办结",
    ),
    Column(
        "answer",
        "答复内容",
        ("办理结果", "处理结果", "回复内容", "答复", "answer", "reply"),
        False,
        gettext_lazy("The hotline's answer to the caller; required when the status is 已答复."),
        "已联系路灯管理所更换灯具，现已恢复照明。",
    ),
    Column(
        "answered_at",
        "答复时间",
        ("回复时间", "反馈时间", "answered at"),
        False,
        gettext_lazy("When it was answered; the time to first answer counts only tickets that give it."),
        dt.datetime(2026, 3, 6, 10, 0),
    ),
    Column(
        "finished_at",
        "办结时间",
        ("结案时间", "完成时间", "finished at", "closed at"),
        False,
        gettext_lazy("When it was finished; empty for a finished ticket means the time of the import."),
        dt.datetime(2026, 3, 8, 16, 30),
    ),
    Column(
        "urgent",
        "是否紧急",
        ("紧急", "紧急程度", "urgent"),
        False,
        gettext_lazy("是 or 否; empty means 否."),
        "否",
    ),
)

C = Opinion.Category
# The hotline's words for each category, tried in this order as parts of the category text (a hotline's
# categories are often paths such as "城市管理-市容环境-占道经营": the first part that matches decides).
CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (C.HEALTH, ("医疗", "医保", "医院", "卫生健康", "卫健", "疫苗", "药品", "诊所")),
    (C.TRAFFIC, ("交通", "出行", "公交", "道路通行", "停车", "出租车", "地铁", "交警")),
    (C.HOUSING, ("物业", "小区", "住房", "房屋", "房产", "加装电梯", "业委会", "租房")),
    (C.EDUCATION, ("教育", "学校", "幼儿园", "入学", "学位", "校外培训")),
    (C.ELDERLY, ("养老", "社保", "社会保障", "低保", "民政", "救助", "残疾", "退休", "老年")),
    (C.JOBS, ("就业", "劳动", "欠薪", "工资", "招聘", "人社", "职业培训")),
    (C.MARKET, ("市场", "消费", "价格", "物价", "食品安全", "商品", "维权", "预付")),
    (C.SAFETY, ("治安", "安全", "消防", "公安", "诈骗", "应急")),
    (C.ENVIRONMENT, ("环境", "环保", "污染", "噪音", "噪声", "垃圾", "扬尘", "油烟", "河道", "绿化")),
    (
        C.CITY,
        ("城市管理", "城管", "市政", "市容", "路灯", "供水", "供电", "供气", "供暖", "燃气", "城建", "占道"),
    ),
    (C.RURAL, ("农业", "农村", "农民", "水利", "灌溉", "村")),
)
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    State.NEW: (
        "待处理",
        "待受理",
        "已受理",
        "受理",
        "处理中",
        "办理中",
        "已派单",
        "已转办",
        "待办",
        "new",
        "open",
    ),
    State.REPLIED: ("已答复", "已回复", "已反馈", "答复", "回复", "replied", "answered"),
    State.SOLVED: ("已办结", "办结", "已解决", "已完成", "结案", "已结案", "solved", "done", "finished"),
    State.CLOSED: ("不予受理", "无效", "无效工单", "已撤销", "撤单", "重复工单", "已关闭", "关闭", "closed"),
}
STATUS_CHOICES_TEXT = "待处理、已受理、办理中、已答复、已办结、已解决、不予受理、已关闭、无效"
YES = {"是", "y", "yes", "true", "1", "√", "紧急", "特急"}
NO = {"否", "n", "no", "false", "0", "×", "一般", "普通", "不紧急"}
_PHONE_RE = re.compile(r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?|[0-9]{7,8})$")
_DATETIME_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?\s*秒?)?$"
)
EARLIEST = dt.datetime(2000, 1, 1)


@dataclass
class TicketRow:
    """One ticket of the file: what it says, what it resolved to, and what is wrong with it."""

    number: int  # the row number in the sheet
    ticket: str = ""
    received_at: dt.datetime | None = None
    category: str = C.OTHER
    category_text: str = ""
    congress: Congress | None = None
    place: str = ""
    content: str = ""
    citizen_name: str = ""
    phone: str = ""
    state: str = State.NEW
    answer: str = ""
    answered_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    urgent: bool = False
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    already_imported: bool = False  # set by the service: skipped, not stored again

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)


@dataclass
class HotlineReport:
    """What an import found and did: every row with its errors or notes, and the counts."""

    rows: list[TicketRow]
    saved: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rejected(self) -> list[TicketRow]:
        return [r for r in self.rows if r.errors]

    @property
    def skipped(self) -> list[TicketRow]:
        return [r for r in self.rows if r.ok and r.already_imported]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.rejected


# --- reading the file ---------------------------------------------------------------------------


def _file_bytes(file) -> tuple[str, bytes]:
    name = str(getattr(file, "name", "") or "")
    size = getattr(file, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise _too_large()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_large()
    return name, data


def _too_large() -> ServiceError:
    return ServiceError(
        "file_too_large",
        _("The file is larger than %(mb)s MB; split the tickets into several files.")
        % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
        field="file",
    )


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ServiceError(
        "file_type",
        _("The CSV file could not be read: save it as “CSV UTF-8” or as an Excel workbook (.xlsx)."),
        field="file",
    )


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_to_workbook(data: bytes) -> bytes:
    """A CSV file as a one-sheet .xlsx, every cell kept as text (a cell starting with "=" is no formula)."""
    from openpyxl import Workbook

    content = _decode(data)
    # The separator that splits some line of the first few into the most cells (a title line has none).
    head = content.splitlines()[: roster.HEADER_SCAN_ROWS]
    delimiter = max((",", "\t", ";"), key=lambda d: max((line.count(d) for line in head), default=0))
    wb = Workbook()
    ws = wb.active
    for r, values in enumerate(csv.reader(io.StringIO(content), delimiter=delimiter), start=1):
        if r > roster.MAX_ROWS + roster.HEADER_SCAN_ROWS + 1:
            break  # read_sheet reports "too many rows"
        for c, value in enumerate(values, start=1):
            value = _ILLEGAL.sub("", value)
            if value:
                cell = ws.cell(row=r, column=c)
                cell.value = value
                cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_rows(file) -> list[tuple[int, dict[str, Any]]]:
    """The tickets of a CSV or .xlsx upload: [(row number, {column key: raw value})].

    Raises ServiceError (field "file") on a file that cannot be read, is empty, or lacks required columns.
    """
    name, data = _file_bytes(file)
    lower = name.lower()
    if not data:
        raise ServiceError("file_empty", _("The file is empty."), field="file")
    if lower.endswith(".xls") or data[:4] == b"\xd0\xcf\x11\xe0":
        raise ServiceError(
            "file_type",
            _(
                "This is an old-format .xls file. Open it in Excel or WPS and save it as "
                "“Excel workbook (.xlsx)” or as CSV, then upload that."
            ),
            field="file",
        )
    if data[:4] == b"PK\x03\x04":
        if lower and not lower.endswith((".xlsx", ".xlsm")):
            name = "upload.xlsx"
        upload = io.BytesIO(data)
        upload.name = name or "upload.xlsx"
    elif lower.endswith((".csv", ".txt")) or not lower:
        upload = io.BytesIO(csv_to_workbook(data))
        upload.name = "upload.xlsx"
    else:
        raise ServiceError(
            "file_type",
            _("Upload a CSV file or an Excel workbook (.xlsx) exported from the hotline's system."),
            field="file",
        )
    try:
        return roster.read_sheet(upload, COLUMNS)
    except ServiceError as exc:
        exc.field = "file"
        raise


# --- cell values --------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_datetime(value: Any) -> dt.datetime:
    """An aware time from an Excel date/time cell, an Excel serial number, or text in the usual forms.
    A date alone is the start of that day (Asia/Shanghai)."""
    if isinstance(value, dt.datetime):
        naive = value.replace(tzinfo=None) if timezone.is_aware(value) else value
    elif isinstance(value, dt.date):
        naive = dt.datetime.combine(value, dt.time())
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value <= 80_000:
            raise CellError(_("“%(value)s” is not a date and time.") % {"value": value})
        from openpyxl.utils.datetime import from_excel

        naive = from_excel(value)
    else:
        raw = text(value)
        match = _DATETIME_RE.match(raw)
        if match is None:
            try:
                day = roster.parse_date(raw)
            except CellError:
                raise CellError(
                    _("“%(value)s” is not a date and time; write it as 2026-03-05 14:23.") % {"value": raw}
                ) from None
            naive = dt.datetime.combine(day, dt.time())
        else:
            y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
            try:
                naive = dt.datetime(y, mo, d, h, mi, s)
            except ValueError:
                raise CellError(_("“%(value)s” is not a real date and time.") % {"value": raw}) from None
    if naive < EARLIEST:
        raise CellError(_("%(value)s is too long ago.") % {"value": naive.date().isoformat()})
    return timezone.make_aware(naive.replace(microsecond=0), timezone.get_current_timezone())


def _normalise(word: str) -> str:
    return re.sub(r"[\s\u3000]", "", word).lower()


def category_of(value: Any) -> tuple[str, bool]:
    """The opinion category for the hotline's words, and whether it was recognised (else: other)."""
    raw = text(value)
    if not raw:
        return C.OTHER, True
    wanted = _normalise(raw)
    for code, label in C.choices:  # the platform's own words, in either language, or its codes
        if wanted == code:
            return code, True
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                if wanted == _normalise(str(label)):
                    return code, True
    if wanted in ("其他", "其它", "other"):
        return C.OTHER, True
    for part in re.split(r"[-－/／>＞|、,，;；]+", raw):
        part = _normalise(part)
        if not part:
            continue
        for code, words in CATEGORY_WORDS:
            if any(w in part for w in words):
                return code, True
    return C.OTHER, False


def state_of(value: Any) -> str:
    raw = _normalise(text(value))
    if not raw:
        return State.NEW
    for state, words in STATUS_WORDS.items():
        if raw in words:
            return state
    raise CellError(
        _("“%(value)s” is not a status the import knows; use one of %(choices)s.")
        % {"value": text(value), "choices": STATUS_CHOICES_TEXT}
    )


def parse_phone(value: Any) -> str:
    raw = text(value)
    cleaned = normalise_mobile(re.sub(r"[\s()（）]", "", raw.replace("＋", "+").replace("－", "-"))) or ""
    if cleaned.startswith("86") and len(cleaned) == 13:
        cleaned = cleaned[2:]
    if not _PHONE_RE.match(cleaned):
        raise CellError(
            _("“%(value)s” is not a phone number: a mobile of 11 digits or a landline such as 0531-12345678.")
            % {"value": raw}
        )
    return cleaned


def parse_yes_no(value: Any) -> bool:
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    raw = _normalise(text(value))
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise CellError(_("“%(value)s” should be 是 or 否.") % {"value": text(value)})


def _district_table(congress: Congress) -> dict[str, Congress]:
    """Every spelling of the congresses in the importing congress's tree: name, short name, region."""
    table: dict[str, Congress] = {}
    for c in Congress.objects.filter(path__startswith=congress.path).order_by("path"):
        for spelling in (c.region_name, c.short_name, c.name):
            if spelling:
                table.setdefault(_normalise(spelling), c)
    return table


# --- checking the rows ----------------------------------------------------------------------------


def _cell(row: TicketRow, label: str, parse, raw, *, required: bool = False):
    if _blank(raw):
        if required:
            row.errors.append(_("%(column)s is required.") % {"column": label})
        return None
    try:
        return parse(raw)
    except CellError as exc:
        row.errors.append(f"{label}: {exc}")
        return None


def _bounded(row: TicketRow, label: str, value: str, limit: int) -> str:
    if len(value) > limit:
        row.errors.append(
            _("%(column)s is longer than %(max)s characters (%(n)s).")
            % {"column": label, "max": limit, "n": len(value)}
        )
    return value


def _long_text(value: Any) -> str:
    """Multi-line text (the content, the answer): lines kept, spaces at the ends trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    lines = [" ".join(line.replace("\u3000", " ").split()) for line in str(value).splitlines()]
    return _ILLEGAL.sub("", "\n".join(line for line in lines if line)).strip()


def check_rows(
    raw_rows: list[tuple[int, dict[str, Any]]], *, congress: Congress, now=None
) -> list[TicketRow]:
    """Every row parsed and checked; the errors are in the user's language and name the column."""
    now = now or timezone.now()
    latest = now + dt.timedelta(hours=1)  # clocks differ a little between systems
    districts = _district_table(congress)
    labels = {c.key: c.header for c in COLUMNS}
    rows: list[TicketRow] = []
    first_row_of: dict[str, int] = {}
    for number, raw in raw_rows:
        r = TicketRow(number=number, congress=congress)
        r.ticket = _bounded(r, labels["ticket"], text(raw.get("ticket")), 40)
        if not r.ticket:
            r.errors.append(_("%(column)s is required.") % {"column": labels["ticket"]})
        elif r.ticket in first_row_of:
            r.errors.append(
                _("Ticket %(ticket)s is already on row %(row)s of this file.")
                % {"ticket": r.ticket, "row": first_row_of[r.ticket]}
            )
        else:
            first_row_of[r.ticket] = number
        r.received_at = _cell(r, labels["received_at"], parse_datetime, raw.get("received_at"), required=True)
        r.category_text = text(raw.get("category"))
        r.category, known = category_of(raw.get("category"))
        if not known:
            r.notes.append(
                _("Category “%(value)s” is not one the import knows: counted as “%(other)s”.")
                % {"value": r.category_text, "other": C.OTHER.label}
            )
        district = text(raw.get("district"))
        if district:
            found = districts.get(_normalise(district))
            if found is None:
                r.errors.append(
                    _("%(column)s: “%(value)s” is not %(congress)s or a district or township below it.")
                    % {"column": labels["district"], "value": district, "congress": congress.short_name}
                )
            else:
                r.congress = found
        r.place = _bounded(r, labels["place"], text(raw.get("place")), PLACE_MAX)
        r.content = _long_text(raw.get("content"))
        if not r.content:
            r.errors.append(_("%(column)s is required.") % {"column": labels["content"]})
        _bounded(r, labels["content"], r.content, CONTENT_MAX)
        r.citizen_name = _bounded(r, labels["name"], roster.person_name(raw.get("name")), NAME_MAX)
        r.phone = _cell(r, labels["phone"], parse_phone, raw.get("phone")) or ""
        r.state = _cell(r, labels["status"], state_of, raw.get("status")) or State.NEW
        r.answer = _long_text(raw.get("answer"))
        _bounded(r, labels["answer"], r.answer, ANSWER_MAX)
        r.answered_at = _cell(r, labels["answered_at"], parse_datetime, raw.get("answered_at"))
        r.finished_at = _cell(r, labels["finished_at"], parse_datetime, raw.get("finished_at"))
        r.urgent = bool(_cell(r, labels["urgent"], parse_yes_no, raw.get("urgent")))
        if r.state == State.REPLIED and not r.answer:
            r.errors.append(
                _("%(column)s is required when the status is 已答复.") % {"column": labels["answer"]}
            )
        for key in ("received_at", "answered_at", "finished_at"):
            when = getattr(r, key)
            if when is not None and when > latest:
                r.errors.append(
                    _("%(column)s is in the future: %(value)s.")
                    % {"column": labels[key], "value": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")}
                )
        if r.received_at is not None:
            for key in ("answered_at", "finished_at"):
                when = getattr(r, key)
                if when is not None and when < r.received_at:
                    r.errors.append(
                        _("%(column)s is before %(received)s.")
                        % {"column": labels[key], "received": labels["received_at"]}
                    )
        if r.state not in (State.SOLVED, State.CLOSED) and r.finished_at is not None:
            r.notes.append(
                _("%(column)s is ignored: the ticket is not finished.") % {"column": labels["finished_at"]}
            )
            r.finished_at = None
        rows.append(r)
    return rows


# --- the template ---------------------------------------------------------------------------------


def template_workbook() -> bytes:
    """The .xlsx a user fills in (or compares the hotline's export with): the headers, one example row and
    an instructions sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "12345工单"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F3D9D7")
    for index, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index, value=col.header + (" *" if col.required else ""))
        cell.font, cell.fill = bold, fill
        example = ws.cell(row=2, column=index, value=col.example if col.example != "" else None)
        if isinstance(col.example, dt.datetime):
            example.number_format = "yyyy-mm-dd hh:mm"
        if col.key == "phone":
            for row in range(2, 502):  # text cells, so Excel keeps all 11 digits
                ws.cell(row=row, column=index).number_format = "@"
        ws.column_dimensions[get_column_letter(index)].width = 30 if col.key in ("content", "answer") else 18
    help_sheet = wb.create_sheet(_("Instructions")[:31])
    help_sheet.append([_("Column"), _("Required"), _("What to enter")])
    for cell in help_sheet[1]:
        cell.font = bold
    for col in COLUMNS:
        help_sheet.append([col.header, _("yes") if col.required else _("no"), str(col.help)])
    help_sheet.column_dimensions["A"].width = 14
    help_sheet.column_dimensions["C"].width = 90
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
