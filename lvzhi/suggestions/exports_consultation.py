"""A recess consultation list as an Excel file: its items (issue, source, units, meetings, outcome) on one
sheet, its meetings on another. The export is recorded as a security event, like every export."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_security_event

from .models import ConsultationItem, ConsultationList, ConsultationMeeting
from .security_events import EXPORT
from .selectors_consultation import items_of, meetings_of


def source_text(item: ConsultationItem) -> str:
    if item.suggestion_id:
        s = item.suggestion
        number = _("No. %(number)s") % {"number": s.number} if s.number else ""
        return " ".join(x for x in (_("Suggestion"), number, s.title) if x)
    return item.source or _("Gathered opinion")


def units_text(units) -> str:
    return "、".join(u.name for u in units)


def item_headers() -> list[str]:
    return [
        _("No."),
        _("Issue"),
        _("Source"),
        _("Units concerned"),
        _("Discussed at meetings"),
        _("Outcome"),
        _("Outcome recorded"),
    ]


def meeting_headers() -> list[str]:
    return [
        _("Held on"),
        _("Items discussed"),
        _("Who attended"),
        _("Units whose heads attended"),
        _("Notes"),
    ]


def workbook_bytes(
    consultation_list: ConsultationList,
    items: list[ConsultationItem],
    meetings: list[ConsultationMeeting],
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Items")[:31]
    lst = consultation_list
    ws.append([f"{lst.congress.name} · {lst.title}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Year"), lst.year, _("Status"), lst.get_status_display()])
    ws.append(item_headers())
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for item in items:
        recorded = item.outcome_recorded_at
        ws.append(
            [
                item.position,
                item.summary,
                source_text(item),
                units_text(item.units.all()),
                "、".join(m.held_on.isoformat() for m in item.meetings.all()),
                item.outcome,
                timezone.localdate(recorded) if recorded else None,
            ]
        )
    for column, width in zip("ABCDEFG", (6, 48, 36, 36, 20, 48, 14), strict=True):
        ws.column_dimensions[column].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = wrap

    ws2 = wb.create_sheet(_("Meetings")[:31])
    ws2.append(meeting_headers())
    for cell in ws2[1]:
        cell.font = Font(bold=True)
    for m in meetings:
        ws2.append(
            [
                m.held_on,
                "、".join(str(i.position) for i in m.items.all()),
                m.attendees,
                units_text(m.units.all()),
                m.notes,
            ]
        )
    for column, width in zip("ABCDE", (12, 14, 40, 40, 60), strict=True):
        ws2.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_list(*, actor, consultation_list: ConsultationList, request=None) -> bytes:
    items = list(items_of(consultation_list))
    meetings = list(meetings_of(consultation_list))
    data = workbook_bytes(consultation_list, items, meetings)
    record_security_event(
        actor=actor,
        kind=EXPORT,
        target=consultation_list,
        request=request,
        payload={
            "what": "consultation_list",
            "list": consultation_list.pk,
            "rows": len(items),
            "format": "xlsx",
        },
    )
    return data
