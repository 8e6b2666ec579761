"""The reception lists as Excel files: reception days, deputies in no station, stations with no reception day in a
month. Each holds the rows of the page's filter (all pages); no phone and no citizen's data; each export is a
recorded security event."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_security_event
from lvzhi.suggestions.security_events import EXPORT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(*, title: str, headers: list[str], rows: list[list], widths: list[int]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


def days_response(*, actor, days, title: str, what: dict, request=None) -> HttpResponse:
    rows = []
    for d in days:
        rows.append(
            [
                d.date,
                d.start_time.strftime("%H:%M"),
                d.end_time.strftime("%H:%M"),
                d.station.name,
                d.congress.name,
                d.theme,
                d.get_status_display(),
                d.cancel_reason,
                d.scheduled_count,
                d.came_count if d.status == "held" else None,
                d.citizens_count,
                d.opinion_count,
            ]
        )
    headers = [
        _("Date"),
        _("Starts"),
        _("Ends"),
        _("Station"),
        _("Congress"),
        _("Theme"),
        _("Status"),
        _("Reason for cancelling"),
        _("Deputies scheduled"),
        _("Deputies who came"),
        _("Citizens received"),
        _("Opinions taken"),
    ]
    data = _workbook(
        title=title, headers=headers, rows=rows, widths=[12, 8, 8, 28, 20, 24, 8, 24, 10, 10, 10, 10]
    )
    record_security_event(
        actor=actor, kind=EXPORT, request=request, payload={**what, "rows": len(rows), "format": "xlsx"}
    )
    return _response(data, "reception-days.xlsx")


def unassigned_response(*, actor, mandates, title: str, what: dict, request=None) -> HttpResponse:
    rows = [
        [m.person.name, m.congress.name, m.electoral_unit.name if m.electoral_unit_id else "", m.start_date]
        for m in mandates
    ]
    headers = [_("Name"), _("Congress"), _("Electoral unit"), _("Mandate starts")]
    data = _workbook(title=title, headers=headers, rows=rows, widths=[12, 24, 24, 12])
    record_security_event(
        actor=actor, kind=EXPORT, request=request, payload={**what, "rows": len(rows), "format": "xlsx"}
    )
    return _response(data, "deputies-in-no-station.xlsx")


def stations_response(*, actor, stations, title: str, what: dict, request=None) -> HttpResponse:
    rows = [[s.name, s.get_kind_display(), s.congress.name, s.address, s.deputy_count] for s in stations]
    headers = [_("Name"), _("Kind"), _("Congress"), _("Address"), _("Deputies")]
    data = _workbook(title=title, headers=headers, rows=rows, widths=[28, 14, 20, 32, 8])
    record_security_event(
        actor=actor, kind=EXPORT, request=request, payload={**what, "rows": len(rows), "format": "xlsx"}
    )
    return _response(data, "stations-without-reception.xlsx")
