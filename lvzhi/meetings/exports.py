"""The meetings' lists as Excel files (all rows of the filtered list, not only the page shown); each export is
recorded as a security event.

Observers' identity details go into a file only for the office running the meeting (the same people who read
them on the page); every other reader's file carries them masked, as its pages do.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_security_event
from lvzhi.org.privacy import mask_mobile, mask_name
from lvzhi.suggestions.security_events import EXPORT

from .checks import mask_id_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def workbook_response(
    *,
    actor,
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
    ws.title = title[:31]
    ws.append([title])
    ws.append([str(h) for h in headers])
    n = 0
    for row in rows:
        ws.append(["" if v is None else v for v in row])
        n += 1
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[_letter(i)].width = width
    out = io.BytesIO()
    wb.save(out)
    record_security_event(
        actor=actor, kind=EXPORT, request=request, payload={**what, "rows": n, "format": "xlsx"}
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def meetings_rows(meetings) -> tuple[list[str], list[list]]:
    headers = [
        _("Title"),
        _("Kind"),
        _("Inviting body"),
        _("Congress"),
        _("From"),
        _("To"),
        _("Time"),
        _("Place"),
        _("State"),
        _("On the list"),
        _("Invited"),
        _("Accepted"),
        _("Declined"),
        _("Attended"),
        _("Observers approved"),
    ]
    rows = [
        [
            m.title,
            m.get_kind_display(),
            m.host_name,
            m.congress.name,
            m.starts_on,
            m.ends_on,
            m.time_text,
            m.place,
            m.get_state_display(),
            m.n_listed,
            m.n_invited,
            m.n_accepted,
            m.n_declined,
            m.n_attended,
            m.n_observers,
        ]
        for m in meetings
    ]
    return headers, rows


def invitation_rows(invitations, *, with_meeting: bool = False) -> tuple[list[str], list[list]]:
    headers = [_("Name"), _("Congress"), _("Electoral unit"), _("Grassroots deputy"), _("State")]
    headers += [_("Why proposed"), _("Invited"), _("Answered"), _("Reason for declining"), _("Speeches")]
    if with_meeting:
        headers = [_("Activity"), _("Kind"), _("From"), _("Place"), *headers]
    rows = []
    for inv in invitations:
        m = inv.mandate
        row = [
            m.person.name,
            m.congress.name,
            m.electoral_unit.name if m.electoral_unit_id else "",
            _("yes") if m.is_grassroots else _("no"),
            inv.get_state_display(),
            "；".join(inv.reasons or []),
            _local(inv.invited_at),
            _local(inv.answered_at),
            inv.decline_reason,
            "\n".join(f"{s.topic}：{s.summary}" for s in inv.speeches.all()),
        ]
        if with_meeting:
            meeting = inv.meeting
            row = [meeting.title, meeting.get_kind_display(), meeting.starts_on, meeting.place, *row]
        rows.append(row)
    return headers, rows


def coverage_rows(report) -> tuple[list[str], list[list]]:
    headers = [
        _("Name"),
        _("Electoral unit"),
        _("Grassroots deputy"),
        _("Standing-committee meetings attended this term"),
        _("Last attended"),
        _("Invitation under way"),
    ]
    rows = [
        [
            r.mandate.person.name,
            r.mandate.electoral_unit.name if r.mandate.electoral_unit_id else "",
            _("yes") if r.mandate.is_grassroots else _("no"),
            r.attended,
            r.last_date,
            f"{r.coming.meeting.title}（{r.coming.meeting.starts_on:%Y-%m-%d}，{r.coming.get_state_display()}）"
            if r.coming
            else "",
        ]
        for r in report.rows
    ]
    return headers, rows


def application_rows(applications, *, full_for) -> tuple[list[str], list[list], int]:
    """Rows of observers' applications; identity in full only where `full_for(application)` is true. Also
    returns how many rows carried identity details in full (for the security event)."""
    headers = [
        _("Application number"),
        _("Meeting"),
        _("Name"),
        _("ID card number"),
        _("Mobile"),
        _("Employer"),
        _("Why they wish to observe"),
        _("Applied"),
        _("State"),
        _("Reason"),
    ]
    rows, full = [], 0
    for a in applications:
        shown = full_for(a)
        full += shown
        rows.append(
            [
                a.number,
                a.meeting.title,
                a.name if shown else mask_name(a.name),
                a.id_number if shown else mask_id_number(a.id_number),
                a.phone if shown else mask_mobile(a.phone),
                a.employer,
                a.reason,
                _local(a.created_at),
                a.get_state_display(),
                a.decision_note,
            ]
        )
    return headers, rows, full
