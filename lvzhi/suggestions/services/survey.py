"""The third-party satisfaction survey: the staff export the deputies to phone (with their mobile numbers,
recorded as a security event) and import the answers back, all or nothing: any bad row refuses the whole
file, and every workflow step the answers cause is taken in the import's one transaction.

How the answers act on the loop depends on the congress setting `reply_rating` (org.congress_settings):
- "survey" (Zhangdian: the deputies do not rate, so none is "pressed into satisfied"): a REPLIED suggestion
  waits for the survey; importing answers about its current reply ends the round through the same system
  steps as the deputies' evaluations (replies.conclude_round): all satisfied or basically satisfied → closed,
  or promise tracking for a promise-type reply, whose second evaluation (PROMISE_REPORTED) is again by the
  survey; any dissatisfied → handled again once (a new reply round), after that the office decides.
- "deputies" (the default) and "both": the deputies rate as usual; a dissatisfied survey answer counts like a
  dissatisfied rating and ends the round at once (any dissatisfied rating decides the round's outcome).
  Satisfied answers leave the deputies' round alone.
- In every mode, a dissatisfied answer that arrives after the suggestion was closed reopens it the same way:
  handled again if it has not been re-handled yet (its latest reply is the first), otherwise the office
  decides (STAFF_DECISION: close again or handle again). About a promise carried out, the office decides.

Which round an answer is about: the model keeps one answer per deputy and suggestion (the latest), so an
answer counts for the suggestion's latest reply when it was given on or after that reply's day (on or after
the promise report's day: the promise carried out), and for nothing when it is older. Only answers that are
new or changed by an import move the loop, so importing the same file twice does nothing the second time.
Dissatisfied answers the loop cannot act on (a promise being carried out, a suggestion already handled again
or waiting for the office) are recorded, listed on the survey page and, for a promise being carried out,
told to the office.
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
from lvzhi.org.congress_settings import RATING_SURVEY, setting_for
from lvzhi.org.models import Congress, Mandate
from lvzhi.org.permissions import can_manage_congress

from .. import events
from ..models import Assignment, Evaluation, Reply, Suggestion, SurveyAnswer
from ..security_events import EXPORT
from ..workflow import State
from . import notices, replies
from .common import lock

# What the survey asks about (the export): a reply or a promise carried out, and closed suggestions.
SURVEY_STATES = (State.REPLIED, State.PROMISE_REPORTED, State.CLOSED)
# What an import accepts answers for: every suggestion with a reply, also one that has moved on since the
# export (the answer is kept; only the states above let it move the loop).
ANSWER_STATES = (
    State.REPLIED,
    State.REHANDLING,
    State.STAFF_DECISION,
    State.PROMISED,
    State.PROMISE_REPORTED,
    State.CLOSED,
)
BAD = Evaluation.Rating.DISSATISFIED
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
    *,
    congress: Congress,
    session_id: int | None = None,
    year: int | None = None,
    states: tuple[str, ...] = SURVEY_STATES,
) -> QuerySet[Suggestion]:
    """The suggestions to survey (replied, promise reported, closed) of a session, or of a recess year (no
    session, received that year); `states=ANSWER_STATES` for every replied one."""
    qs = Suggestion.objects.filter(congress=congress, state__in=states)
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
        result = r["result"]
        if s.state == State.PROMISE_REPORTED:  # ask about the promise carried out (the second evaluation)
            result = f"{result} · {_('Promise carried out')}"
        ws.append([s.pk, s.number or "", s.title, r["lead"], result, r["mandate"].pk, r["name"], r["mobile"]])
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
    moved: dict[int, str] = field(default_factory=dict)  # suggestion id -> the state the answers moved it to


def answer_stage(reply: Reply | None, day: dt.date) -> str | None:
    """What an answer given on `day` rates of the suggestion's latest reply: the promise carried out (on or
    after its report), the reply itself (on or after it), or nothing (older: an earlier round's answer)."""
    if reply is None or day < timezone.localdate(reply.replied_at):
        return None
    if reply.promise_reported_at and day >= timezone.localdate(reply.promise_reported_at):
        return Evaluation.Stage.PROMISE
    return Evaluation.Stage.REPLY


@transaction.atomic
def survey_import(*, actor, congress: Congress, file) -> ImportResult:
    """Read the filled-in file back; any bad row refuses the whole file (nothing saved, every row listed).
    The answers then move the loop as the module's docstring says, in this same transaction."""
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
    wanted: dict[tuple[int, int], tuple[Suggestion, str, dt.date, str]] = {}
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
            s = survey_suggestions(congress=congress, states=ANSWER_STATES).filter(pk=sid).first()
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
        wanted[(sid, mid)] = (suggestion, rating, day, str(note or "").strip()[:2000])  # a repeated row: last
    if result.errors:
        return result
    if not wanted:
        raise ServiceError("survey.empty", _("The file holds no survey answers."), field="file")
    before = {
        (a.suggestion_id, a.mandate_id): (a.rating, a.surveyed_on)
        for a in SurveyAnswer.objects.filter(suggestion_id__in={sid for sid, _mid in wanted})
    }
    now = timezone.now()
    fresh: dict[int, list[SurveyAnswer]] = {}  # suggestion id -> its answers new or changed by this file
    for (sid, mid), (suggestion, rating, day, note) in wanted.items():
        answer, created = SurveyAnswer.objects.update_or_create(
            suggestion=suggestion,
            mandate_id=mid,
            defaults={"rating": rating, "surveyed_on": day, "note": note, "imported_at": now},
        )
        result.created += created
        result.updated += not created
        if before.get((sid, mid)) == (rating, day):
            continue  # the same answer imported again: it has already done what it does
        fresh.setdefault(sid, []).append(answer)
        if rating == BAD:
            record_event(
                actor=actor,
                kind=DISSATISFIED,
                target=suggestion,
                payload={"mandate_id": mid, "state": suggestion.state},
            )
    mode = setting_for(congress, "reply_rating")
    for sid in sorted(fresh):  # a fixed order of row locks
        state = _answers_act(actor=actor, suggestion=allowed[sid][0], answers=fresh[sid], mode=mode)
        if state:
            result.moved[sid] = state
    record_event(
        actor=actor,
        kind=IMPORTED,
        target=congress,
        payload={"created": result.created, "updated": result.updated, "moved": result.moved},
    )
    return result


def _answers_act(*, actor, suggestion: Suggestion, answers: list[SurveyAnswer], mode: str) -> str | None:
    """Let one suggestion's new answers move the loop (see the module's docstring); the state it moved to,
    or None when it stays where it is."""
    suggestion = lock(suggestion)
    reply = replies.current_reply(suggestion)
    staged = [(a, answer_stage(reply, a.surveyed_on)) for a in answers]
    staged = [(a, stage) for a, stage in staged if stage is not None]
    if suggestion.state in (State.REPLIED, State.PROMISE_REPORTED):
        stage = replies.round_stage(suggestion)
        current = [a for a, st in staged if st == stage]
        if not current:
            return None
        if mode == RATING_SURVEY:
            # The survey is the round: all its answers on this stage, from this file or an earlier one.
            current = [
                a
                for a in SurveyAnswer.objects.filter(suggestion=suggestion)
                if answer_stage(reply, a.surveyed_on) == stage
            ]
        elif not any(a.rating == BAD for a in current):
            return None  # the deputies' own round goes on; the answers are kept beside it
    elif suggestion.state == State.CLOSED:
        bad = {st for a, st in staged if a.rating == BAD}
        if not bad:
            return None
        stage = Evaluation.Stage.REPLY if Evaluation.Stage.REPLY in bad else Evaluation.Stage.PROMISE
        current = [a for a, st in staged if st == stage]
    else:
        if suggestion.state == State.PROMISED and any(a.rating == BAD for a, _st in staged):
            notices.tell(
                notices.staff_of(suggestion.congress_id),
                suggestion=suggestion,
                cause=f"survey_dissatisfied:{timezone.localdate():%Y%m%d}",
                subject=_("A deputy was dissatisfied in the survey: consider re-handling"),
            )
        return None
    replies.conclude_round(
        suggestion,
        reply,
        stage,
        dissatisfied=any(a.rating == BAD for a in current),
        actor=actor,
        payload={
            "reply": reply.pk,
            "stage": stage,
            "source": "survey",
            "answers": {str(a.mandate_id): a.rating for a in current},
        },
        reason=_("dissatisfied in the third-party survey"),
        source="survey",
    )
    return suggestion.state


def needs_attention(suggestions) -> QuerySet[Suggestion]:
    """Suggestions with a dissatisfied survey answer that wait for the office (its decision, or a promise
    still being carried out that the loop cannot send back)."""
    return (
        Suggestion.objects.filter(
            pk__in=[s.pk for s in suggestions], state__in=[State.STAFF_DECISION, State.PROMISED]
        )
        .filter(survey_answers__rating=BAD)
        .distinct()
        .order_by("series", "number", "pk")
    )
