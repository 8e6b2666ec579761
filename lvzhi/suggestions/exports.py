"""The rows of a figure's list, for the page, the Excel export and the API: one suggestion per row with its
number, authors, units, reply dates, result class and evaluations. Never a mobile number.

Related records are fetched with prefetches (a fixed number of queries, whatever the list's length).
"""

from __future__ import annotations

import io
from collections import Counter

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lvzhi.core.audit import record_security_event
from lvzhi.org.fields import SubjectField

from .models import Assignment, Consultation, Evaluation, Reply, Signer, Suggestion, SurveyAnswer
from .security_events import EXPORT
from .workflow import State

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLE_ORDER = {Signer.Role.AUTHOR: 0, Signer.Role.COSIGNER: 1, Signer.Role.MERGED: 2}
FIELD_LABELS = dict(SubjectField.choices)  # lazy labels: each reads in the language of the request
STATE_LABELS = dict(State.choices)


# The suggestion's own columns a list page shows (summary_of); the export and the API read them all.
PAGE_COLUMNS = ("id", "number", "series", "title", "field", "state", "congress_id")


def _shown() -> list[Prefetch]:
    """The related records summary_of reads: authors, active units, replies and their ratings — only the
    columns shown (a province's page builds a few hundred objects, not a thousand), into lists (to_attr: a
    related manager's .all() would build a queryset for every row)."""
    signers = (
        Signer.objects.filter(declined_at__isnull=True)
        .exclude(role=Signer.Role.COSIGNER, confirmed_at__isnull=True)
        .select_related("mandate__person")
        .only("suggestion_id", "role", "mandate__person__name")
        .order_by("pk")
    )
    assignments = (
        Assignment.objects.filter(is_active=True)
        .select_related("unit")
        .only("suggestion_id", "unit__name", "role", "assigned_on", "reply_due", "extended_due")
        .order_by("role", "pk")
    )
    ratings = Evaluation.objects.only("reply_id", "stage", "rating", "mandate_id").order_by("stage", "pk")
    replies = (
        Reply.objects.only(
            "suggestion_id", "round", "replied_at", "on_time", "result_code", "result_label", "is_solved",
            "is_promise", "is_reference",
        )
        .order_by("round")
        .prefetch_related(Prefetch("evaluations", queryset=ratings, to_attr="ratings"))
    )  # fmt: skip
    return [
        Prefetch("signers", queryset=signers, to_attr="concerned"),
        Prefetch("assignments", queryset=assignments, to_attr="active_assignments"),
        Prefetch("replies", queryset=replies, to_attr="all_replies"),
    ]


def with_page_details(qs: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    """What a list page shows (summary_of): no text columns, no history."""
    return qs.select_related(None).only(*PAGE_COLUMNS).prefetch_related(*_shown())


def with_details(qs: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    """Everything row_of reads: the page's records and the history the export and the API add."""
    # Every assignment (returned ones too) with its consultations: the assignment and face-to-face figures
    # count them, so the API shows them for anyone recomputing the figures.
    history = Assignment.objects.order_by("assigned_on", "pk").prefetch_related(
        Prefetch("consultations", queryset=Consultation.objects.order_by("held_on", "pk"), to_attr="held")
    )
    return qs.prefetch_related(
        *_shown(),
        Prefetch("assignments", queryset=history, to_attr="every_assignment"),
        Prefetch(
            "survey_answers", queryset=SurveyAnswer.objects.order_by("surveyed_on", "pk"), to_attr="surveyed"
        ),
    )


def number_of(s: Suggestion) -> str:
    return _("No. %(number)s") % {"number": s.number} if s.number else ""


def summary_of(s: Suggestion) -> dict:
    """What a list page shows of one suggestion (read from with_page_details or with_details)."""
    signers = sorted(s.concerned, key=lambda x: (ROLE_ORDER.get(x.role, 9), x.pk))
    lead = next((a for a in s.active_assignments if a.role == Assignment.Role.LEAD), None)
    latest = s.all_replies[-1] if s.all_replies else None
    evaluations = []
    for reply in s.all_replies:
        for e in reply.ratings:
            evaluations.append(
                {"round": reply.round, "stage": e.stage, "rating": e.rating, "mandate_id": e.mandate_id}
            )
    return {
        "id": s.pk,
        "number": s.number,
        "series": s.series,
        "title": s.title,
        "authors": [x.mandate.person.name for x in signers],
        "field": s.field,
        # A dict of the choices, not get_field_display(): Django rebuilds the flat choices on every call.
        "field_label": FIELD_LABELS.get(s.field, s.field),
        "state": s.state,
        "state_label": STATE_LABELS.get(s.state, s.state),
        "units": [
            {"id": a.unit_id, "name": a.unit.name, "role": a.role, "assigned_on": a.assigned_on}
            for a in s.active_assignments
        ],
        "reply_due": lead.due if lead else None,
        "replied_on": timezone.localdate(latest.replied_at) if latest else None,
        "result_class": latest.result_code if latest else "",
        "result_label": latest.result_label if latest else "",
        "evaluations": evaluations,
    }


def row_of(s: Suggestion) -> dict:
    """One suggestion as plain values (the export and the API read these; read from with_details)."""
    return {
        **summary_of(s),
        "submitted_at": s.submitted_at,
        "accepted_at": s.accepted_at,
        "closed_at": s.closed_at,
        "received_on": s.received_on,
        "committee": s.committee.name if s.committee_id else "",
        "first_assigned_on": next(
            (a.assigned_on for a in s.every_assignment if a.role == Assignment.Role.LEAD), None
        ),
        "replies": [
            {
                "round": r.round,
                "replied_on": timezone.localdate(r.replied_at),
                "on_time": r.on_time,
                "result_class": r.result_code,
                "solved": r.is_solved,
                "promise": r.is_promise,
                "reference": r.is_reference,
            }
            for r in s.all_replies
        ],
        "consultations": [
            {
                "unit_id": a.unit_id,
                "held_on": c.held_on,
                "method": c.method,
                "face_to_face": c.is_face_to_face,
            }
            for a in s.every_assignment
            for c in a.held
        ],
        "survey_answers": [
            {"mandate_id": x.mandate_id, "rating": x.rating, "surveyed_on": x.surveyed_on} for x in s.surveyed
        ],
    }


def evaluations_text(evaluations: list[dict]) -> str:
    labels = dict(Evaluation.Rating.choices)
    counts = Counter((e["round"], e["stage"], e["rating"]) for e in evaluations)
    parts = []
    for (round_, stage, rating), n in sorted(counts.items()):
        where = _("round %(round)s") % {"round": round_}
        if stage == Evaluation.Stage.PROMISE:
            where += " " + _("(promise)")
        parts.append(f"{where}: {labels.get(rating, rating)} ×{n}")
    return "; ".join(parts)


def units_text(units: list[dict]) -> str:
    roles = dict(Assignment.Role.choices)
    return "; ".join(f"{roles.get(u['role'], u['role'])}: {u['name']}" for u in units)


HEADERS = (
    gettext_lazy("No."),
    gettext_lazy("Title"),
    gettext_lazy("Authors"),
    gettext_lazy("Field"),
    gettext_lazy("State"),
    gettext_lazy("Units"),
    gettext_lazy("Reply due"),
    gettext_lazy("Replied on"),
    gettext_lazy("Result class"),
    gettext_lazy("Evaluations"),
    gettext_lazy("Supervising committee"),
    gettext_lazy("Received"),
    gettext_lazy("Closed on"),
)


def workbook_bytes(rows: list[dict], *, title: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("Suggestions")[:31]
    ws.append([title])
    ws.append([str(h) for h in HEADERS])
    for r in rows:
        ws.append(
            [
                number_of_row(r),
                r["title"],
                "、".join(r["authors"]),
                str(r["field_label"]),
                str(r["state_label"]),
                units_text(r["units"]),
                r["reply_due"],
                r["replied_on"],
                r["result_label"] or r["result_class"],
                evaluations_text(r["evaluations"]),
                r["committee"],
                r["received_on"],
                timezone.localdate(r["closed_at"]) if r["closed_at"] else None,
            ]
        )
    widths = (10, 40, 24, 16, 14, 36, 12, 12, 12, 30, 24, 12, 12)
    for column, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def number_of_row(r: dict) -> str:
    return _("No. %(number)s") % {"number": r["number"]} if r["number"] else ""


def export_rows(*, actor, rows: list[dict], title: str, what: dict, target=None, request=None) -> bytes:
    """The Excel file of a list; the export is recorded as a security event (who exported what)."""
    data = workbook_bytes(rows, title=title)
    record_security_event(
        actor=actor,
        kind=EXPORT,
        target=target,
        request=request,
        payload={**what, "rows": len(rows), "format": "xlsx"},
    )
    return data
