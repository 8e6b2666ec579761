"""Deputy groups as Excel files: the group list, every group's activities, and one group's year (plan,
log, members' attendance). Each export is a recorded security event, as the other lists' are."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from lvzhi.core.audit import record_security_event
from lvzhi.suggestions.security_events import EXPORT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20000


def _sheet(wb, title: str, headers: list[str], rows, widths: list[int], first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title[:31]
    ws.append(headers)
    for r in rows:
        ws.append(list(r))
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    return ws


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rate(value) -> str:
    return "—" if value is None else f"{value}%"


def groups_workbook(*, actor, groups, year: int, request=None) -> bytes:
    """`groups` come with selectors_groups.with_year_figures and their `year_rate` set."""
    from openpyxl import Workbook

    wb = Workbook()
    rows = [
        (
            g.name,
            g.get_kind_display(),
            g.congress.name,
            g.leader.person.name if g.leader_id else "",
            g.member_count,
            g.year_planned,
            g.year_planned_held,
            g.year_held,
            _rate(g.year_rate),
        )
        for g in groups
    ]
    headers = [
        _("Name"),
        _("Kind"),
        _("Congress"),
        _("Leader"),
        _("Members"),
        _("Planned in %(year)s") % {"year": year},
        _("Planned and held"),
        _("Activities held"),
        _("Attendance rate"),
    ]
    _sheet(wb, _("Deputy groups"), headers, rows, [26, 12, 20, 10, 8, 12, 12, 12, 12], first=True)
    record_security_event(
        actor=actor,
        kind=EXPORT,
        request=request,
        payload={"list": "groups", "year": year, "rows": len(rows), "format": "xlsx"},
    )
    return _save(wb)


def activities_workbook(*, actor, activities, filters, request=None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    rows = [
        (
            a.date.isoformat(),
            a.group.name,
            a.group.congress.name,
            a.get_kind_display(),
            a.topic,
            a.place,
            a.n_present,
            a.n_leave,
            a.n_absent,
            _("Yes") if a.plan_item_id else _("No"),
        )
        for a in activities
    ]
    headers = [
        _("Date"),
        _("Deputy group"),
        _("Congress"),
        _("Kind"),
        _("Topic"),
        _("Place"),
        _("Present"),
        _("Absent with leave"),
        _("Absent"),
        _("In the plan"),
    ]
    _sheet(wb, _("Group activities"), headers, rows, [12, 24, 18, 12, 34, 22, 8, 10, 8, 10], first=True)
    record_security_event(
        actor=actor,
        kind=EXPORT,
        request=request,
        payload={
            "list": "group_activities",
            "year": filters.year,
            "congress": filters.congress_id,
            "group": filters.group_id,
            "rows": len(rows),
            "format": "xlsx",
        },
    )
    return _save(wb)


def group_year_workbook(*, actor, year, request=None) -> bytes:
    """`year` is a selectors_groups.GroupYear: only what the reader may read is in it."""
    from openpyxl import Workbook

    wb = Workbook()
    states = {"held": _("Held"), "due": _("Not held"), "coming": _("Coming")}
    plan = [
        (
            f"{r.item.year}-{r.item.month:02d}",
            r.item.get_kind_display(),
            r.item.topic,
            states[r.state],
            "、".join(a.date.isoformat() for a in r.held),
            r.item.note,
        )
        for r in year.plan
    ]
    _sheet(
        wb,
        _("Yearly plan"),
        [_("Month"), _("Kind"), _("Topic"), _("State"), _("Held on"), _("Note")],
        plan,
        [10, 12, 34, 10, 20, 30],
        first=True,
    )
    log = [
        (
            a.date.isoformat(),
            a.get_kind_display(),
            a.topic,
            a.place,
            a.n_present,
            a.n_leave,
            a.n_absent,
            "、".join(a.present_names),
            "、".join(a.leave_names),
        )
        for a in year.activities
    ]
    _sheet(
        wb,
        _("Activity log"),
        [
            _("Date"),
            _("Kind"),
            _("Topic"),
            _("Place"),
            _("Present"),
            _("Absent with leave"),
            _("Absent"),
            _("Present (names)"),
            _("On leave (names)"),
        ],
        log,
        [12, 12, 34, 22, 8, 10, 8, 40, 24],
    )
    members = [
        (
            m.membership.mandate.person.name,
            m.membership.mandate.congress.name,
            m.present,
            m.leave,
            m.absent,
            _rate(m.rate),
        )
        for m in year.members
    ]
    _sheet(
        wb,
        _("Members' attendance"),
        [_("Name"), _("Congress"), _("Present"), _("Absent with leave"), _("Absent"), _("Attendance rate")],
        members,
        [12, 20, 8, 10, 8, 12],
    )
    record_security_event(
        actor=actor,
        kind=EXPORT,
        request=request,
        payload={
            "list": "group_year",
            "group": year.group.pk,
            "year": year.year,
            "rows": len(log) + len(plan) + len(members),
        },
    )
    return _save(wb)
