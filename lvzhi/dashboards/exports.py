"""A dashboard table as the page shows it, as the chart beside it draws it, and as an Excel file.

Each table of the dashboard pages is built once as a Table of Cells; the template renders it, chart_data()
gives the chart the same numbers, and workbook() writes them to a file (a rate as its percentage, numerator
and denominator, so the file can be recomputed). Every export is a recorded security event of its own kind
("dashboard table exported"), as the other lists' exports are.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lvzhi.core.audit import record_security_event

from .security_events import EXPORT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Column:
    label: str
    key: str = ""  # the figure's key, for the chart's series
    numeric: bool = False
    rate: bool = False  # a rate: the file adds its numerator and denominator columns
    title: str = ""  # the figure's definition, the header's tooltip on the page


@dataclass
class Cell:
    text: str = ""
    href: str | None = None
    number: float | int | None = None  # what the chart draws and the file holds
    numerator: int | None = None
    denominator: int | None = None
    note: str = ""  # "17/20" under a rate
    n: bool = False  # right-aligned (a number column)
    # The lists behind a rate's numerator and denominator (the "17" and the "20" of its note).
    num_href: str | None = None
    den_href: str | None = None

    @classmethod
    def of_value(cls, value, href: str | None = None) -> Cell:
        """A figures.Value (a count, or a rate with its numerator and denominator), or a plain number."""
        if value is None:
            return cls("—")
        if isinstance(value, int | float):
            return cls(f"{value}", href=href, number=value)
        if value.is_count:
            return cls(f"{value.numerator}", href=href, number=value.numerator)
        rate = value.rate
        return cls(
            "—" if rate is None else f"{rate:.1f}%",
            href=href,
            number=rate,
            numerator=value.numerator,
            denominator=value.denominator,
            note=f"{value.numerator}/{value.denominator}",
        )

    @classmethod
    def count(cls, n: int | None, href: str | None = None) -> Cell:
        return cls("—" if n is None else f"{n}", href=href if n else None, number=n)


@dataclass
class Row:
    cells: list[Cell]
    is_total: bool = False


@dataclass
class Table:
    name: str  # ?table=<name>&format=xlsx
    title: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    chart: str = ""  # "line" or "bar"; empty: no chart
    chart_keys: list[str] = field(default_factory=list)
    note: str = ""
    more_url: str = ""  # a longer list than the table shows (the units page)
    more_label: str = ""

    def add(self, cells: list[Cell], *, is_total: bool = False) -> None:
        for column, cell in zip(self.columns, cells, strict=True):
            cell.n = column.numeric or column.rate
        self.rows.append(Row(cells, is_total))

    def chart_data(self) -> dict | None:
        """The chart's categories and series, read from the table's own cells (totals left out)."""
        picked = [(i, c) for i, c in enumerate(self.columns) if c.key and c.key in self.chart_keys]
        rows = [r for r in self.rows if not r.is_total]
        if not self.chart or not picked or not rows:
            return None
        return {
            "type": self.chart,
            "percent": all(c.rate for _, c in picked),
            "categories": [r.cells[0].text for r in rows],
            "series": [{"name": c.label, "data": [r.cells[i].number for r in rows]} for i, c in picked],
        }


def workbook(table: Table, *, heading: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = table.title[:31]
    ws.append([heading])
    headers: list[str] = []
    numerator, denominator = _("numerator"), _("denominator")
    for c in table.columns:
        headers.append(f"{c.label} (%)" if c.rate else c.label)
        if c.rate:
            headers += [f"{c.label} · {numerator}", f"{c.label} · {denominator}"]
    ws.append(headers)
    for row in table.rows:
        values: list = []
        for c, cell in zip(table.columns, row.cells, strict=True):
            if c.rate:
                values += [cell.number, cell.numerator, cell.denominator]
            elif c.numeric:
                values.append(cell.number)
            else:
                values.append(cell.text)
        ws.append(values)
    ws.column_dimensions["A"].width = 24
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export(table: Table, *, actor, request, region, heading: str, what: dict) -> bytes:
    data = workbook(table, heading=heading)
    record_security_event(
        actor=actor,
        kind=EXPORT,
        target=region,
        request=request,
        payload={**what, "table": table.name, "rows": len(table.rows), "format": "xlsx"},
    )
    return data
