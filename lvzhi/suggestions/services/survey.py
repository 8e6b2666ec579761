"""The third-party satisfaction survey: the staff export the deputies to phone (with their mobile numbers,
recorded as a security event) and import the answers back, all or nothing.

A dissatisfied survey answer does not move the workflow: a REPLIED suggestion is left to its evaluation
round (the answer is recorded as an event), and the workflow has no step out of CLOSED, so a closed one is
listed on the survey page ("consider re-handling") and the office is told.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lvzhi.core.audit import record_event, record_security_event
from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Congress, Mandate
from lvzhi.org.permissions import can_manage_congress

from .. import events
from ..models import Assignment, Evaluation, Suggestion, SurveyAnswer
from ..security_events import EXPORT
from ..workflow import State
from . import notices

SURVEY_STATES = (State.REPLIED, State.CLOSED)
IMPORTED = events.SURVEY_IMPORTED
DISSATISFIED = events.SURVEY_DISSATISFIED

# The file's layout (fixed columns; row 1 a title, row 2 the headers, the data from row 3).
HEADERS = (
    gettext_lazy("Suggestion ID"),
    gettext_lazy("No."),
    gettext_lazy("Title"),
    gettext_lazy("Lead unit"),
    gettext_lazy("Result class"),
    gettext_lazy("Deputy ID"),
    gettext_lazy("Deputy"),
    gettext_lazy("Mobile"),
    gettext_lazy("Satisfaction"),
    gettext_lazy("Survey date"),
    gettext_lazy("Note"),
)
FIRST_ROW = 3


def _require_staff(actor, congress: Congress) -> None:
    if not can_manage_congress(actor, congress.pk):
        raise ServiceError(
            "not_permitted", _("The survey is run by the deputy-affairs staff of the congress."), status=403
        )


def survey_suggestions(
    *, congress: Congress, session_id: int | None = None, year: int | None = None
) -> QuerySet[Suggestion]:
    """The replied and closed suggestions of a session, or of a recess year (no session, received that year)."""
    qs = Suggestion.objects.filter(congress=congress, state__in=SURVEY_STATES)
    if session_id:
        qs = qs.filter(session_id=session_id)
    elif year:
        qs = qs.filter(session__isnull=True, received_on__year=year)
    return qs.order_by("series", "number", "pk")


def _lead_name(s: Suggestion) -> str:
    a = (
        Assignment.objects.filter(suggestion=s, role=Assignment.Role.LEAD, is_active=True)
        .select_related("unit")
        .first()
    )
    return a.unit.name if a else ""


def survey_rows(suggestions) -> list[dict]:
    """One row per suggestion and deputy concerned, with the deputy's latest evaluation and survey answer."""
    rows = []
    for s in suggestions:
        ids = notices.concerned_mandate_ids(s)
        mandates = {m.pk: m for m in Mandate.objects.filter(pk__in=ids).select_related("person")}
        latest = s.replies.order_by("-round").first()
        evals = {}
        if latest:
            for e in Evaluation.objects.filter(reply=latest, stage=Evaluation.Stage.REPLY):
                evals[e.mandate_id] = e
        answers = {a.mandate_id: a for a in SurveyAnswer.objects.filter(suggestion=s)}
        lead = _lead_name(s)
        for mid in ids:
            m = mandates[mid]
            rows.append(
                {
                    "suggestion": s,
                    "mandate": m,
                    "name": m.person.name,
                    "mobile": m.person.mobile,
                    "lead": lead,
                    "result": (latest.result_label or latest.result_code) if latest else "",
                    "evaluation": evals.get(mid),
                    "answer": answers.get(mid),
                }
            )
    return rows


def survey_export(*, actor, congress: Congress, session_id=None, year=None, request=None) -> bytes:
    """The Excel file the survey company fills in; the export (with mobile numbers) is recorded."""
    from openpyxl import Workbook

    _require_staff(actor, congress)
    suggestions = list(survey_suggestions(congress=congress, session_id=session_id, year=year))
    rows = survey_rows(suggestions)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Survey")[:31]
    ws.append([f"{congress.name} · {_('Satisfaction survey')}"])
    ws.append([str(h) for h in HEADERS])
    for r in rows:
        s = r["suggestion"]
        ws.append(
            [s.pk, s.number or "", s.title, r["lead"], r["result"], r["mandate"].pk, r["name"], r["mobile"]]
        )
    for column, width in zip("ABCDEFGHIJK", (8, 8, 40, 24, 12, 8, 12, 14, 12, 12, 24), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    record_security_event(
        actor=actor,
        kind=EXPORT,
        target=congress,
        request=request,
        payload={
            "what": "survey",
            "session": session_id,
            "year": year,
            "suggestion_ids": [s.pk for s in suggestions],
            "rows": len(rows),
            "mobiles": sum(1 for r in rows if r["mobile"]),
            "format": "xlsx",
        },
    )
    return out.getvalue()


def _rating_words() -> dict[str, str]:
    words = {}
    for value, label in Evaluation.Rating.choices:
        words[value] = value
        words[str(label).strip().lower()] = value
    words.update({"满意": "satisfied", "基本满意": "basic", "不满意": "dissatisfied"})
    return words


def _date(raw) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw or "").strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        try:
            y, m, d = (int(x) for x in text.split("-"))
            return dt.date(y, m, d)
        except ValueError:
            return None


def _int(raw) -> int | None:
    if isinstance(raw, int | float) and not isinstance(raw, bool) and int(raw) == raw:
        return int(raw)
    text = str(raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number in the file, message)
    dissatisfied_closed: list[int] = field(default_factory=list)  # suggestion ids


@transaction.atomic
def survey_import(*, actor, congress: Congress, file) -> ImportResult:
    """Read the filled-in file back; any bad row refuses the whole file (nothing saved, every row listed)."""
    from openpyxl import load_workbook

    _require_staff(actor, congress)
    try:
        ws = load_workbook(file, read_only=True, data_only=True).active
        lines = list(ws.iter_rows(min_row=FIRST_ROW, values_only=True))
    except Exception as exc:  # a file that is not an Excel workbook
        raise ServiceError(
            "survey.bad_file", _("The file is not an Excel workbook (.xlsx)."), field="file"
        ) from exc
    words = _rating_words()
    today = timezone.localdate()
    result = ImportResult()
    wanted = []
    allowed: dict[int, tuple[Suggestion, set[int]]] = {}
    for number, line in enumerate(lines, start=FIRST_ROW):
        cells = list(line) + [None] * (len(HEADERS) - len(line))
        if not any(c not in (None, "") for c in cells):
            continue
        sid, mid, rating_raw, date_raw, note = cells[0], cells[5], cells[8], cells[9], cells[10]
        rating_text = str(rating_raw or "").strip()
        if not rating_text:
            continue  # not reached by the survey
        sid, mid = _int(sid), _int(mid)
        if sid not in allowed and sid is not None:
            s = survey_suggestions(congress=congress).filter(pk=sid).first()
            if s:
                allowed[sid] = (s, set(notices.concerned_mandate_ids(s)))
        if sid not in allowed:
            result.errors.append((number, _("Unknown suggestion.")))
            continue
        suggestion, mandate_ids = allowed[sid]
        if mid not in mandate_ids:
            result.errors.append((number, _("Unknown deputy for this suggestion.")))
            continue
        rating = words.get(rating_text.lower())
        if not rating:
            result.errors.append((number, _("Bad rating: use 满意, 基本满意 or 不满意.")))
            continue
        day = _date(date_raw)
        if day is None or day > today:
            result.errors.append((number, _("Bad survey date.")))
            continue
        wanted.append((suggestion, mid, rating, day, str(note or "").strip()[:2000]))
    if result.errors:
        return result
    if not wanted:
        raise ServiceError("survey.empty", _("The file holds no survey answers."), field="file")
    now = timezone.now()
    told = set()
    for suggestion, mid, rating, day, note in wanted:
        _answer, created = SurveyAnswer.objects.update_or_create(
            suggestion=suggestion,
            mandate_id=mid,
            defaults={"rating": rating, "surveyed_on": day, "note": note, "imported_at": now},
        )
        result.created += created
        result.updated += not created
        if rating == Evaluation.Rating.DISSATISFIED:
            record_event(
                actor=actor,
                kind=DISSATISFIED,
                target=suggestion,
                payload={"mandate_id": mid, "state": suggestion.state},
            )
            if suggestion.state == State.CLOSED and suggestion.pk not in told:
                told.add(suggestion.pk)
                result.dissatisfied_closed.append(suggestion.pk)
                notices.tell(
                    notices.staff_of(suggestion.congress_id),
                    suggestion=suggestion,
                    cause="survey_dissatisfied",
                    subject=_("A deputy was dissatisfied in the survey: consider re-handling"),
                )
    record_event(
        actor=actor,
        kind=IMPORTED,
        target=congress,
        payload={
            "created": result.created,
            "updated": result.updated,
            "dissatisfied_closed": sorted(told),
        },
    )
    return result


def dissatisfied_closed(suggestions) -> QuerySet[Suggestion]:
    """Closed suggestions with a dissatisfied survey answer: the office should consider re-handling."""
    return (
        Suggestion.objects.filter(pk__in=[s.pk for s in suggestions], state=State.CLOSED)
        .filter(survey_answers__rating=Evaluation.Rating.DISSATISFIED)
        .distinct()
        .order_by("series", "number", "pk")
    )
