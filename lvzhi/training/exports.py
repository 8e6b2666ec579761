"""Training as Excel files: the class list, a class's enrolment roster (a sign-in sheet), and each deputy's
training count in the term. Each export is a recorded security event, as the other lists' are."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from lvzhi.core.audit import record_security_event
from lvzhi.suggestions.security_events import EXPORT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20000


def _book(title: str, headers: list[str], rows: list, widths: list[int]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(headers)
    for r in rows:
        ws.append(list(r))
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _record(actor, request, payload: dict) -> None:
    record_security_event(actor=actor, kind=EXPORT, request=request, payload={**payload, "format": "xlsx"})


def classes_workbook(*, actor, classes, request=None, what: dict) -> bytes:
    rows = [
        (
            c.title,
            c.congress.name,
            c.get_mode_display(),
            c.place or c.video_url,
            c.starts_on.isoformat(),
            c.ends_on.isoformat(),
            float(c.hours),
            c.capacity if c.capacity is not None else _("No limit"),
            c.enrol_closes_on.isoformat(),
            c.n_enrolled,
            c.n_done,
            c.get_status_display(),
            c.audience,
        )
        for c in classes
    ]
    headers = [
        _("Title"),
        _("Congress"),
        _("Mode"),
        _("Place or link"),
        _("First day"),
        _("Last day"),
        _("Class hours"),
        _("Capacity"),
        _("Enrolment closes"),
        _("Enrolled"),
        _("Attended or completed"),
        _("Status"),
        _("For whom"),
    ]
    data = _book(_("Training classes"), headers, rows, [30, 16, 12, 30, 12, 12, 8, 8, 12, 8, 10, 8, 20])
    _record(actor, request, {"list": "training_classes", "rows": len(rows), **what})
    return data


def roster_workbook(*, actor, training_class, enrolments, request=None) -> bytes:
    rows = [
        (
            i,
            e.mandate.person.name,
            e.mandate.congress.name,
            e.get_status_display(),
            _("Self") if e.by_self else _("Office"),
            e.enrolled_at.date().isoformat(),
            "",
        )
        for i, e in enumerate(enrolments, start=1)
    ]
    headers = [
        _("No."),
        _("Name"),
        _("Congress"),
        _("Status"),
        _("Enrolled by"),
        _("Enrolled on"),
        _("Signature"),
    ]
    data = _book(training_class.title, headers, rows, [6, 12, 16, 14, 10, 12, 16])
    _record(actor, request, {"list": "training_roster", "class": training_class.pk, "rows": len(rows)})
    return data


def report_workbook(*, actor, term, rows, request=None) -> bytes:
    out = [
        (
            m.person.name,
            m.congress.name,
            _("Yes") if m.is_grassroots else _("No"),
            m.trainings,
            float(m.hours or 0),
        )
        for m in rows
    ]
    headers = [_("Name"), _("Congress"), _("Grassroots deputy"), _("Trainings this term"), _("Class hours")]
    data = _book(_("Trainings per deputy"), headers, out, [12, 18, 10, 12, 10])
    _record(actor, request, {"list": "training_report", "term": term.pk, "rows": len(out)})
    return data
