"""Reading and writing the calendar exchange file: CSV or .xlsx with the columns 日期, 类型, 名称.

日期 (date) is 2027-01-01, 2027/1/1 or 2027年1月1日 (or a date cell in Excel); 类型 (kind) is 休 or holiday
for a public holiday, 班 or workday for a make-up working day; 名称 (name) is optional ("春节").
English headers (date, kind or type, name) are accepted too. A CSV may be UTF-8 (with or without BOM) or
GB18030, which is what Excel on a Chinese Windows writes.

Reading only turns the file into raw rows with their line numbers; the import service checks each row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .errors import ServiceError
from .models import CalendarDay

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 400  # a year has at most 366 days

HEADERS = ("日期", "类型", "名称")
_HEADER_ALIASES = {
    "日期": "date",
    "date": "date",
    "类型": "kind",
    "kind": "kind",
    "type": "kind",
    "名称": "name",
    "name": "name",
    "节日": "name",
}
KIND_WORDS = {
    "休": CalendarDay.Kind.HOLIDAY,
    "假": CalendarDay.Kind.HOLIDAY,
    "休息": CalendarDay.Kind.HOLIDAY,
    "holiday": CalendarDay.Kind.HOLIDAY,
    "班": CalendarDay.Kind.WORKDAY,
    "上班": CalendarDay.Kind.WORKDAY,
    "workday": CalendarDay.Kind.WORKDAY,
}
EXPORT_WORDS = {CalendarDay.Kind.HOLIDAY: "休", CalendarDay.Kind.WORKDAY: "班"}


@dataclass(frozen=True)
class RawRow:
    line: int  # as the user sees it in the file (the header is line 1)
    date: object  # str, or a date/datetime from an Excel cell
    kind: str
    name: str


def parse_kind(value) -> str | None:
    return KIND_WORDS.get(str(value or "").strip().lower())


_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    # Excel sometimes hands over "2027-01-01 00:00:00".
    text = re.sub(r"\s+00:00(:00)?$", "", text)
    match = _DATE.match(text)
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def read_calendar_file(uploaded) -> list[RawRow]:
    """The data rows of an uploaded CSV or .xlsx file; a file that cannot be read raises ServiceError."""
    name = (getattr(uploaded, "name", "") or "").lower()
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise ServiceError(
            "calendar.file_too_large", _("The file is larger than 2 MB; a year's calendar is far smaller.")
        )
    data = uploaded.read()
    if len(data) > MAX_FILE_BYTES:
        raise ServiceError(
            "calendar.file_too_large", _("The file is larger than 2 MB; a year's calendar is far smaller.")
        )
    if name.endswith(".xlsx"):
        table = _xlsx_rows(data)
    elif name.endswith((".csv", ".txt")):
        table = _csv_rows(data)
    else:
        raise ServiceError("calendar.file_type", _("Upload a .csv or .xlsx file."), field="file")
    return _rows_from_table(table)


def _csv_rows(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ServiceError("calendar.file_unreadable", _("The file could not be read as text."))
    try:
        return [row for row in csv.reader(io.StringIO(text))]
    except csv.Error:
        raise ServiceError(
            "calendar.file_unreadable", _("The file could not be read as CSV."), field="file"
        ) from None


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise ServiceError(
            "calendar.file_unreadable",
            _("The file could not be read as an Excel workbook (.xlsx)."),
            field="file",
        ) from None
    try:
        # Read-only workbooks parse the sheet lazily, so a damaged sheet only fails here, row by row.
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 50)]
    except Exception:  # as above: a damaged sheet raises many kinds
        raise ServiceError(
            "calendar.file_unreadable",
            _("The file could not be read as an Excel workbook (.xlsx)."),
            field="file",
        ) from None
    finally:
        book.close()


def _rows_from_table(table: list[list]) -> list[RawRow]:
    # Skip blank lines before the header.
    start = 0
    while start < len(table) and not any(str(c or "").strip() for c in table[start]):
        start += 1
    if start >= len(table):
        raise ServiceError("calendar.file_empty", _("The file is empty."), field="file")
    columns: dict[str, int] = {}
    for index, cell in enumerate(table[start]):
        key = _HEADER_ALIASES.get(str(cell or "").strip().lower())
        if key and key not in columns:
            columns[key] = index
    if "date" not in columns or "kind" not in columns:
        raise ServiceError(
            "calendar.bad_header",
            _("The first row must name the columns 日期, 类型 and 名称 (名称 may be left empty)."),
            field="file",
        )

    def cell(row, key):
        index = columns.get(key)
        if index is None or index >= len(row):
            return ""
        value = row[index]
        return "" if value is None else value

    rows = []
    for offset, row in enumerate(table[start + 1 :], start=start + 2):
        if not any(str(c or "").strip() for c in row):
            continue
        rows.append(
            RawRow(
                line=offset,
                date=cell(row, "date"),
                kind=str(cell(row, "kind")).strip(),
                name=str(cell(row, "name")).strip(),
            )
        )
    if not rows:
        raise ServiceError("calendar.file_empty", _("The file has a header but no rows."), field="file")
    if len(rows) > MAX_ROWS:
        raise ServiceError(
            "calendar.too_many_rows",
            _("The file has %(n)d rows; a year's calendar has at most %(max)d.")
            % {"n": len(rows), "max": MAX_ROWS},
            field="file",
        )
    return rows


def calendar_year_csv(year: int) -> str:
    """The year's rows in the import format, so a file exported and edited can be imported again."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for day in CalendarDay.objects.filter(date__year=year).order_by("date"):
        writer.writerow([day.date.isoformat(), EXPORT_WORDS[day.kind], day.name])
    return out.getvalue()
