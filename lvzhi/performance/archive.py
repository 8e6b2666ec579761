"""The deputy's performance archive (履职档案): everything one deputy mandate did, read from each app.

For a year of the mandate's term it gathers a timeline (confirmed activities, suggestions and their results,
citizens' opinions answered, reports to the electors), the confirmed counts of each kind in the year and in
the term, the evaluation against the congress's rules (with the pro-rating note), the trainings and the
reports of the term, and — for the deputy and staff — what is not counted yet (awaiting confirmation or
rejected). The same data builds the draft report to the electors (report_docs.py).

Who reads it: the deputy (its own person's mandates) and the staff and chairs of the congress tree that
holds it (`archive_mandates_visible_to`); anyone else gets a 404. The public reads `public=True` archives
through an unguessable key (PublicArchive), and they hold only what is marked public:
- confirmed activities of kinds shown to the public (ActivityKind.is_public), typed in by the deputy or
  staff — never those the platform recorded from another record, whose titles come from that record;
  date, kind, title and place only (no description, no evidence files);
- suggestions that are closed AND whose redacted copy is published, under the published title, linked to
  the public copy — never a pending, returned, rejected or undisclosed one;
- counts only of citizens' opinions (never their content, names or phones);
- reports to the electors (date, electors present, the evaluation counts);
- the confirmed counts per kind; not the rule verdicts (short by …), which are the office's tool.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from lvzhi.org.models import DeputyGroup, Mandate
from lvzhi.org.scope import scope_for

from . import kinds as K
from .evaluation import DeputyResult, evaluate
from .models import ActivityKind, ElectorReport, Participation, PublicArchive

CONFIRMED = Participation.Status.CONFIRMED
# Participations the platform recorded from these sources are shown as their source's own entry.
OWN_ENTRIES = ("suggestions.suggestion", "opinions.opinion", "performance.electorreport")
TIMELINE_LIMIT = 500


def archive_mandates_visible_to(*, user) -> QuerySet[Mandate]:
    """Mandates whose archive the user may open.

    # SECURITY: the reader's own person's mandates (ended ones too), and those of the congresses it reads as
    # staff or chair (its own and all below). Station staff, committee staff and members read deputies'
    # details elsewhere but not their archives.
    """
    s = scope_for(user)
    qs = Mandate.objects.select_related("person", "congress", "term", "electoral_unit")
    if s.is_admin:
        return qs
    return qs.filter(s.in_tree("congress") | Q(pk__in=s.mandate_ids))


@dataclass
class Entry:
    """One line of the timeline."""

    date: dt.date
    what: str  # "activity" | "suggestion" | "opinion" | "report"
    label: str  # the kind of entry in words
    title: str
    detail: str = ""
    url: str = ""
    place: str = ""
    kind_id: int | None = None


@dataclass
class KindCount:
    kind: ActivityKind
    year: int
    term: int


@dataclass
class SuggestionLine:
    suggestion_id: int
    date: dt.date | None
    title: str
    number: int | None
    kind_label: str
    role: str
    state: str
    state_label: str
    result: str  # the latest reply's result class, "" before a reply
    rating: str  # the deputy's own latest evaluation, "" if none
    url: str = ""


@dataclass
class OpinionLine:
    number: str
    category: str
    state: str
    received: dt.date
    answered: dt.date | None
    url: str = ""


@dataclass
class Archive:
    mandate: Mandate
    year: int
    years: list[int]
    public: bool
    period_start: dt.date  # of the year shown, within the mandate's service
    period_end: dt.date
    result: DeputyResult | None
    kind_counts: list[KindCount]
    entries: list[Entry]
    suggestions: list[SuggestionLine]
    opinions: dict[str, int]
    opinion_lines: list[OpinionLine]
    trainings: list[Participation]
    reports: list[ElectorReport]
    not_counted: list[Participation] = field(default_factory=list)
    groups: list[DeputyGroup] = field(default_factory=list)
    stations: list = field(default_factory=list)
    truncated: bool = False

    def count_of(self, code: str, *, term: bool = False) -> int:
        for kc in self.kind_counts:
            if kc.kind.code == code and kc.kind.congress_id is None:
                return kc.term if term else kc.year
        return 0

    @property
    def recess_year(self) -> list[KindCount]:
        return [kc for kc in self.kind_counts if kc.kind.is_recess and kc.year]

    @property
    def suggestions_year(self) -> list[SuggestionLine]:
        return [s for s in self.suggestions if s.date and s.date.year == self.year]


def archive_years(mandate: Mandate, today: dt.date | None = None) -> list[int]:
    """The years of the mandate's service up to this one, newest first."""
    today = today or timezone.localdate()
    first = mandate.start_date.year
    last = min((mandate.end_date or mandate.term.end_date or today).year, today.year)
    return list(range(max(first, last), first - 1, -1)) if last >= first else [first]


def _term_window(mandate: Mandate) -> tuple[dt.date, dt.date]:
    start = max(mandate.term.start_date, mandate.start_date)
    end = min(d for d in (mandate.term.end_date, mandate.end_date) if d is not None)
    return start, end


def build_archive(*, mandate: Mandate, year: int, viewer=None, public: bool = False) -> Archive:
    """The archive of `mandate` for `year`. `viewer` decides the links (each one only where the viewer may
    follow it); `public=True` keeps only the parts marked public (see the module's docstring)."""
    today = timezone.localdate()
    y_start, y_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    t_start, t_end = _term_window(mandate)
    result_list = evaluate(mandates=Mandate.objects.filter(pk=mandate.pk), year=year, stars=True)
    result = result_list[0] if result_list else None

    parts = Participation.objects.filter(mandate=mandate).select_related("activity", "kind")
    # Counts: confirmed, by kind, in the year and in the term.
    by_kind_year: Counter = Counter()
    by_kind_term: Counter = Counter()
    for kind_id, day in parts.filter(status=CONFIRMED, date__gte=min(t_start, y_start)).values_list(
        "kind_id", "date"
    ):
        if y_start <= day <= y_end:
            by_kind_year[kind_id] += 1
        if t_start <= day <= t_end:
            by_kind_term[kind_id] += 1
    used = set(by_kind_year) | set(by_kind_term)
    kinds = ActivityKind.objects.filter(pk__in=used).order_by("sort_order", "pk")
    kind_counts = [
        KindCount(kind=k, year=by_kind_year.get(k.pk, 0), term=by_kind_term.get(k.pk, 0))
        for k in kinds
        if not public or k.is_public or k.code in (K.SUGGESTION,)
    ]

    entries: list[Entry] = []
    year_parts = parts.filter(status=CONFIRMED, date__gte=y_start, date__lte=y_end).exclude(
        source_type__in=OWN_ENTRIES
    )
    if public:
        # SECURITY: only kinds marked public, and never what the platform copied from another record.
        year_parts = year_parts.filter(kind__is_public=True).exclude(activity__origin="source")
    for p in year_parts.order_by("-date", "-pk")[: TIMELINE_LIMIT + 1]:
        entries.append(
            Entry(
                date=p.date,
                what="activity",
                label=p.kind.label,
                title=p.activity.title,
                place=p.activity.place,
                url="" if public else reverse("performance:activity", args=[p.activity_id]),
                kind_id=p.kind_id,
            )
        )

    suggestions = _suggestion_lines(mandate, viewer=viewer, public=public)
    for s in suggestions:
        if s.date and y_start <= s.date <= y_end:
            detail = s.state_label + (f" · {s.result}" if s.result else "")
            entries.append(
                Entry(
                    date=s.date,
                    what="suggestion",
                    label=s.kind_label,
                    title=s.title,
                    detail=detail,
                    url=s.url,
                )
            )

    opinions, opinion_lines = _opinions(mandate, year, viewer=viewer, public=public)
    for o in opinion_lines:
        if o.answered:
            entries.append(
                Entry(
                    date=o.answered,
                    what="opinion",
                    label=str(K.BUILTIN[K.RECEPTION][0]),
                    title=o.number,
                    detail=o.category,
                    url=o.url,
                )
            )

    reports = list(ElectorReport.objects.filter(mandate=mandate).order_by("-held_on", "-pk"))
    for r in reports:
        if y_start <= r.held_on <= y_end:
            entries.append(
                Entry(
                    date=r.held_on,
                    what="report",
                    label=str(K.BUILTIN[K.REPORT][0]),
                    title=str(r.year),
                    place=r.place,
                    detail=f"{r.electors_present}",
                )
            )
    entries.sort(key=lambda e: e.date, reverse=True)
    truncated = len(entries) > TIMELINE_LIMIT
    entries = entries[:TIMELINE_LIMIT]

    trainings = list(
        parts.filter(status=CONFIRMED, kind__code=K.TRAINING, kind__congress__isnull=True)
        .filter(date__gte=t_start, date__lte=t_end)
        .order_by("-date", "-pk")
    )
    not_counted: list[Participation] = []
    if not public:
        not_counted = list(
            parts.exclude(status=CONFIRMED)
            .filter(date__gte=y_start, date__lte=y_end)
            .order_by("-date", "-pk")
        )
    groups = list(mandate.groups.select_related("congress").order_by("name", "pk"))
    stations = list(mandate.stations.order_by("name", "pk"))
    return Archive(
        mandate=mandate,
        year=year,
        years=archive_years(mandate, today),
        public=public,
        period_start=max(y_start, mandate.start_date),
        period_end=min(y_end, mandate.end_date or y_end, max(today, y_start)),
        result=result,
        kind_counts=kind_counts,
        entries=entries,
        suggestions=suggestions,
        opinions=opinions,
        opinion_lines=[] if public else opinion_lines,
        trainings=trainings,
        reports=reports,
        not_counted=not_counted,
        groups=groups,
        stations=stations,
        truncated=truncated,
    )


def _suggestion_lines(mandate: Mandate, *, viewer, public: bool) -> list[SuggestionLine]:
    from lvzhi.suggestions.models import Disclosure, Evaluation, Reply, Signer
    from lvzhi.suggestions.selectors import suggestion_list_visible_to
    from lvzhi.suggestions.workflow import State

    signers = (
        Signer.objects.filter(mandate=mandate, declined_at__isnull=True)
        .filter(
            Q(role=Signer.Role.AUTHOR)
            | Q(role=Signer.Role.MERGED)
            | Q(role=Signer.Role.COSIGNER, confirmed_at__isnull=False)
        )
        .exclude(suggestion__state__in=[State.DRAFT, State.WITHDRAWN])
        .select_related("suggestion")
    )
    if public:
        # SECURITY: closed and disclosed only; anything pending, returned or undisclosed stays internal.
        signers = signers.filter(suggestion__state=State.CLOSED, suggestion__disclosure__is_published=True)
    rows = {}
    for sg in signers.order_by("suggestion__submitted_at", "suggestion_id"):
        rows.setdefault(sg.suggestion_id, sg)
    if not rows:
        return []
    ids = list(rows)
    latest: dict[int, Reply] = {}
    for reply in Reply.objects.filter(suggestion_id__in=ids).order_by("suggestion_id", "round", "pk"):
        latest[reply.suggestion_id] = reply
    ratings: dict[int, str] = {}
    if not public:
        for sid, rating in (
            Evaluation.objects.filter(mandate=mandate, reply__suggestion_id__in=ids)
            .order_by("evaluated_at", "pk")
            .values_list("reply__suggestion_id", "rating")
        ):
            ratings[sid] = rating
    rating_labels = dict(Evaluation.Rating.choices)
    disclosures = {}
    if public:
        disclosures = {
            d.suggestion_id: d for d in Disclosure.objects.filter(suggestion_id__in=ids, is_published=True)
        }
    readable = set()
    if viewer is not None and not public:
        readable = set(
            suggestion_list_visible_to(user=viewer).filter(pk__in=ids).values_list("pk", flat=True)
        )
    lines = []
    for sid, sg in rows.items():
        s = sg.suggestion
        reply = latest.get(sid)
        result = f"{reply.result_code} {reply.result_label}".strip() if reply else ""
        if public:
            d = disclosures[sid]
            title, url = d.title, reverse("portal:detail", args=[d.pk])
        else:
            title = s.title
            url = reverse("suggestions:detail", args=[sid]) if sid in readable else ""
        lines.append(
            SuggestionLine(
                suggestion_id=sid,
                date=timezone.localdate(s.submitted_at) if s.submitted_at else None,
                title=title,
                number=s.number,
                kind_label=s.get_kind_display(),
                role=sg.get_role_display(),
                state=s.state,
                state_label=s.get_state_display(),
                result=result,
                rating=str(rating_labels.get(ratings.get(sid), "")),
                url=url,
            )
        )
    lines.sort(key=lambda line: (line.date or dt.date.min, line.suggestion_id), reverse=True)
    return lines


def _opinions(
    mandate: Mandate, year: int, *, viewer, public: bool
) -> tuple[dict[str, int], list[OpinionLine]]:
    """Citizens' opinions that reached this mandate in `year`: counts, and (not public) one line each —
    number, category, state and dates; never the citizen's name, phone or words."""
    from lvzhi.opinions.models import Opinion

    qs = Opinion.objects.filter(mandate=mandate, created_at__year=year)
    counts = {"received": 0, "answered": 0, "finished": 0}
    lines: list[OpinionLine] = []
    rows = list(
        qs.order_by("-created_at", "-pk").values_list(
            "pk", "number", "category", "state", "created_at", "answered_at", "finished_at"
        )
    )
    categories = dict(Opinion.Category.choices)
    states = dict(Opinion._meta.get_field("state").choices)
    inbox, triage = set(), set()
    if viewer is not None and not public and rows:
        from lvzhi.opinions.selectors_inbox import inbox_visible_to
        from lvzhi.opinions.selectors_triage import triage_list_visible_to

        ids = [r[0] for r in rows]
        inbox = set(inbox_visible_to(user=viewer).filter(pk__in=ids).values_list("pk", flat=True))
        triage = set(triage_list_visible_to(user=viewer).filter(pk__in=ids).values_list("pk", flat=True))
    for pk, number, category, state, created, answered, finished in rows:
        counts["received"] += 1
        counts["answered"] += answered is not None
        counts["finished"] += finished is not None
        if public:
            continue
        url = ""
        if pk in inbox:
            url = reverse("opinion_inbox:item", args=[pk])
        elif pk in triage:
            url = reverse("opinion_triage:detail", args=[pk])
        lines.append(
            OpinionLine(
                number=number,
                category=str(categories.get(category, category)),
                state=str(states.get(state, state)),
                received=timezone.localdate(created),
                answered=timezone.localdate(answered) if answered else None,
                url=url,
            )
        )
    return counts, lines


def public_archive_by_key(key: str) -> PublicArchive | None:
    """The published public page for `key`, or None (an unknown, malformed or hidden key alike)."""
    key = str(key or "")
    if not key or len(key) > 24 or not key.isascii():
        return None
    return (
        PublicArchive.objects.filter(key=key, is_published=True)
        .select_related("mandate__person", "mandate__congress", "mandate__term", "mandate__electoral_unit")
        .first()
    )


def public_archive_of(mandate: Mandate) -> PublicArchive:
    """The mandate's public page address, made on first use (a random key, never the mandate's id)."""
    found = PublicArchive.objects.filter(mandate=mandate).first()
    if found is not None:
        return found
    obj, _created = PublicArchive.objects.get_or_create(mandate=mandate)
    return obj
