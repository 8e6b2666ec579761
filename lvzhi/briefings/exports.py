"""Briefing lists as Excel files: the office's list with the share read, one briefing's readers, a deputy's
own list. Each export is a recorded security event; no file carries a phone number."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_security_event
from lvzhi.suggestions.security_events import EXPORT

from .selectors import share

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _percent(read: int, recipients: int) -> str:
    value = share(read, recipients)
    return "" if value is None else f"{value}%"


def _workbook(
    *, actor, title: str, headers: list[str], rows: list[list], widths, what: dict, request
) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("Briefings")[:31]
    ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    for n, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + n)].width = width
    for cells in ws.iter_rows(min_row=3):
        for cell in cells:
            if hasattr(cell.value, "hour"):
                cell.number_format = "yyyy-mm-dd hh:mm"
    out = io.BytesIO()
    wb.save(out)
    record_security_event(
        actor=actor, kind=EXPORT, request=request, payload={**what, "rows": len(rows), "format": "xlsx"}
    )
    return out.getvalue()


def office_workbook(*, actor, briefings, request=None) -> bytes:
    rows = [
        [
            b.title,
            b.get_issuer_kind_display(),
            b.issuer_name,
            b.congress.name,
            b.get_state_display(),
            _local(b.published_at),
            b.recipient_count,
            b.read_count,
            _percent(b.read_count, b.recipient_count),
        ]
        for b in briefings
    ]
    headers = [
        _("Title"),
        _("Issued by"),
        _("Issuer's name"),
        _("Congress"),
        _("State"),
        _("Published on"),
        _("Recipients"),
        _("Read"),
        _("Share read"),
    ]
    return _workbook(
        actor=actor,
        title=_("Briefings to deputies"),
        headers=[str(h) for h in headers],
        rows=rows,
        widths=(40, 14, 24, 22, 10, 18, 10, 10, 10),
        what={"list": "briefings"},
        request=request,
    )


def readers_workbook(*, actor, briefing, receipts, request=None) -> bytes:
    rows = [
        [
            r.person.name,
            r.mandate.congress.name if r.mandate_id else "",
            _("Read") if r.read_at else _("Not read"),
            _local(r.read_at),
        ]
        for r in receipts
    ]
    read = sum(1 for r in receipts if r.read_at)
    title = f"{briefing.title} · " + _("%(read)s of %(total)s read") % {"read": read, "total": len(rows)}
    return _workbook(
        actor=actor,
        title=title,
        headers=[str(_("Name")), str(_("Congress")), str(_("Read")), str(_("Read at"))],
        rows=rows,
        widths=(14, 24, 10, 18),
        what={"list": "briefing_readers", "briefing": briefing.pk},
        request=request,
    )


def mine_workbook(*, actor, receipts, request=None) -> bytes:
    rows = [
        [
            r.briefing.title,
            r.briefing.issuer_name,
            _local(r.briefing.published_at),
            _("Read") if r.read_at else _("Not read"),
            _local(r.read_at),
        ]
        for r in receipts
    ]
    return _workbook(
        actor=actor,
        title=_("My briefings"),
        headers=[
            str(_("Title")),
            str(_("Issued by")),
            str(_("Published on")),
            str(_("Read")),
            str(_("Read at")),
        ],
        rows=rows,
        widths=(40, 24, 18, 10, 18),
        what={"list": "my_briefings"},
        request=request,
    )
