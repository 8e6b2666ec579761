"""The liaison lists as Excel files (every row of the filtered list, not only the page shown).

An export is a recorded security event, as every export of the platform is.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_security_event
from lvzhi.suggestions.security_events import EXPORT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_response(
    *,
    request,
    filename: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    what: dict,
    widths: Sequence[int] = (),
) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = (title or _("List"))[:31].replace("/", "-").replace(":", "-")
    ws.append([title])
    ws.append([str(h) for h in headers])
    n = 0
    for row in rows:
        ws.append([_cell(v) for v in row])
        n += 1
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    out = io.BytesIO()
    wb.save(out)
    record_security_event(
        actor=request.user, kind=EXPORT, request=request, payload={**what, "rows": n, "format": "xlsx"}
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    # A cell starting with = + - @ would be read as a formula by a spreadsheet: keep it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
