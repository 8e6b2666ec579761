"""The shortfall list as an Excel file (the page's rows, all pages); the export is a recorded security event."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lvzhi.core.audit import record_security_event
from lvzhi.suggestions.security_events import EXPORT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADERS = (
    gettext_lazy("Name"),
    gettext_lazy("Congress"),
    gettext_lazy("Rule"),
    gettext_lazy("Period"),
    gettext_lazy("Confirmed"),
    gettext_lazy("Minimum"),
    gettext_lazy("Required (pro-rated)"),
    gettext_lazy("Short by"),
    gettext_lazy("Days served"),
    gettext_lazy("Days in period"),
)


def period_text(item) -> str:
    return f"{item.period_start:%Y-%m-%d} – {item.period_end:%Y-%m-%d}"


def shortfall_workbook(*, actor, rows, year: int, title: str, what: dict, request=None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("Shortfall")[:31]
    ws.append([title])
    ws.append([str(h) for h in HEADERS])
    for r in rows:
        i = r.item
        if i is None:
            ws.append([r.mandate.person.name, r.mandate.congress.name, _("No rules apply")])
            continue
        ws.append(
            [
                r.mandate.person.name,
                r.mandate.congress.name,
                i.name,
                period_text(i),
                i.count,
                i.minimum,
                i.required,
                i.short_by,
                i.days_served,
                i.days_in_period,
            ]
        )
    for column, width in zip("ABCDEFGHIJ", (12, 24, 24, 24, 10, 10, 14, 10, 10, 12), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    record_security_event(
        actor=actor, kind=EXPORT, request=request, payload={**what, "rows": len(rows), "format": "xlsx"}
    )
    return data
