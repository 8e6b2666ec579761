"""Pages of performance registration: the deputy's "my activities" (register, list, status, this year's
counts against the rules), an activity's page and its evidence, the office's confirmation queue and
registration for all participants, the rule sets, and the shortfall list with its Excel export.

Records are fetched through the scoped selectors (404 outside the reader's scope). A POST parses its form,
calls one service and redirects; a refused step shows again with what was typed and the service's message.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lvzhi.core.audit import timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import clean_query, parse_id, parse_year
from lvzhi.org.models import Mandate
from lvzhi.org.scope import scope_for
from lvzhi.org.selectors import group_list_visible_to
from lvzhi.stations.selectors import station_list_visible_to

from . import exports
from .evaluation import evaluate
from .forms import (
    ActivityForm,
    EvidenceForm,
    GroupActivityForm,
    KindForm,
    PresetForm,
    RejectForm,
    RuleItemForm,
    RuleSetForm,
    StarForm,
)
from .models import ActivityKind, Evidence, Participation, RuleItem, RuleSet
from .permissions import can_manage_rules, is_staffish
from .selectors import (
    activities_visible_to,
    confirmation_queue,
    congresses_read_by,
    congresses_run_by,
    my_participations,
    participations_visible_to,
    rule_sets_visible_to,
    shortfall,
)
from .services import activities as activity_services
from .services import rules as rule_services
from .services.common import kinds_for

PAGE_SIZE = 30
SHORTFALL_PAGE = 50


def _refuse_on_form(form, exc: ServiceError) -> None:
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _require_staffish(user) -> None:
    if not is_staffish(user):
        raise PermissionDenied


def _require_office(user) -> None:
    if not congresses_run_by(user=user).exists():
        raise PermissionDenied


# --- the deputy's own activities ---------------------------------------------------------------------
def _my_mandates(user):
    s = scope_for(user)
    return list(
        Mandate.objects.filter(pk__in=s.mandate_ids)
        .current()
        .select_related("congress")
        .order_by("congress__path")
    )


def _kinds_of(mandates) -> list[ActivityKind]:
    seen: dict[int, ActivityKind] = {}
    for m in mandates:
        for k in kinds_for(m.congress):
            seen.setdefault(k.pk, k)
    return sorted(seen.values(), key=lambda k: (k.sort_order, k.pk))


@login_required
def mine(request):
    """The deputy's activities: register one, see each one's status, and this year's counts."""
    mandates = _my_mandates(request.user)
    if not mandates and not scope_for(request.user).mandate_ids:
        raise PermissionDenied
    kinds = _kinds_of(mandates)
    status = 200
    if request.method == "POST":
        form = ActivityForm(request.POST, request.FILES, mandates=mandates, kinds=kinds)
        if form.is_valid():
            data = form.cleaned_data
            by_pk = {m.pk: m for m in mandates}
            kind = next((k for k in kinds if k.pk == data["kind"]), None)
            try:
                activity_services.activity_register(
                    actor=request.user,
                    mandate=by_pk.get(data["mandate"]),
                    kind=kind,
                    date=data["date"],
                    title=data["title"],
                    place=data["place"],
                    description=data["description"],
                    files=data["files"],
                )
            except ServiceError as exc:
                _refuse_on_form(form, exc)
            else:
                messages.success(request, _("Registered. It counts once the office confirms it."))
                return redirect("performance:mine")
        status = 400
    else:
        form = ActivityForm(mandates=mandates, kinds=kinds, initial={"date": timezone.localdate()})
    show = request.GET.get("status") or ""
    rows = my_participations(user=request.user)
    if show in Participation.Status.values:
        rows = rows.filter(status=show)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    year = timezone.localdate().year
    results = evaluate(mandates=mandates, year=year, stars=True) if mandates else []
    congress_of = {m.pk: m.congress for m in mandates}
    return render(
        request,
        "performance/mine.html",
        {
            "form": form if mandates else None,
            "page": page,
            "show": show,
            "statuses": Participation.Status.choices,
            "year": year,
            "results": [(congress_of[r.mandate_id], r) for r in results],
        },
        status=status,
    )


# --- an activity, its evidence -------------------------------------------------------------------------
def _activity(request, pk: int):
    return get_object_or_404(
        activities_visible_to(user=request.user).select_related("kind", "congress", "group", "registered_by"),
        pk=pk,
    )


def _render_activity(request, activity, *, evidence_form=None, status=200):
    user = request.user
    participations = (
        participations_visible_to(user=user)
        .filter(activity=activity)
        .select_related("mandate__person", "mandate__congress", "decided_by")
        .order_by("mandate__person__name", "pk")
    )
    s = scope_for(user)
    from lvzhi.org.permissions import can_manage_congress

    office = can_manage_congress(user, activity.congress_id)
    waiting_own = any(p.mandate_id in s.mandate_ids and p.status == "registered" for p in participations)
    return render(
        request,
        "performance/activity.html",
        {
            "activity": activity,
            "participations": participations,
            "evidence": activity.evidence.order_by("uploaded_at", "pk"),
            "evidence_form": evidence_form or (EvidenceForm() if (office or waiting_own) else None),
            "events": timeline_for(activity)[:50] if is_staffish(user) else None,
            "reject_form": RejectForm(),
        },
        status=status,
    )


@login_required
def activity_detail(request, pk: int):
    return _render_activity(request, _activity(request, pk))


@login_required
@require_POST
def evidence_add(request, pk: int):
    activity = _activity(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            activity_services.evidence_add(
                actor=request.user, activity=activity, file=form.cleaned_data["file"]
            )
        except ServiceError as exc:
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("File added."))
            return redirect("performance:activity", pk=activity.pk)
    return _render_activity(request, activity, evidence_form=form, status=400)


@login_required
def evidence_download(request, pk: int):
    """A file, sent only to those who may read its activity (404 otherwise); always as a download."""
    visible = activities_visible_to(user=request.user).values("pk")
    evidence = get_object_or_404(Evidence.objects.filter(activity__in=visible), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("The file is missing from the storage.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- the office: confirmation queue ---------------------------------------------------------------------
def _render_queue(request, *, bound: dict | None = None, status=200):
    _require_office(request.user)
    rows = confirmation_queue(user=request.user).prefetch_related(
        Prefetch("activity__evidence", queryset=Evidence.objects.order_by("pk"))
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    bound = bound or {}
    for p in page:
        p.reject_form = bound.get(p.pk) or RejectForm(prefix=f"r{p.pk}")
    return render(request, "performance/queue.html", {"page": page}, status=status)


@login_required
def queue(request):
    return _render_queue(request)


def _participation(request, pk: int) -> Participation:
    return get_object_or_404(participations_visible_to(user=request.user), pk=pk)


@login_required
@require_POST
def confirm(request, pk: int):
    participation = _participation(request, pk)
    try:
        activity_services.participation_confirm(actor=request.user, participation=participation)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Confirmed: it now counts."))
    return redirect("performance:queue")


@login_required
@require_POST
def reject(request, pk: int):
    participation = _participation(request, pk)
    form = RejectForm(request.POST, prefix=f"r{participation.pk}")
    if form.is_valid():
        try:
            activity_services.participation_reject(
                actor=request.user, participation=participation, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            if exc.status == 409:
                messages.error(request, exc.message)
                return redirect("performance:queue")
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("Rejected; the deputy is told why."))
            return redirect("performance:queue")
    return _render_queue(request, bound={participation.pk: form}, status=400)


# --- the office: registration for all participants -------------------------------------------------------
@login_required
def register_for_participants(request):
    congresses = list(congresses_run_by(user=request.user).order_by("path"))
    if not congresses:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    chosen = parse_id(source.get("congress"))
    congress = next((c for c in congresses if c.pk == chosen), congresses[0])
    kinds = kinds_for(congress)
    groups = list(congress.groups.order_by("name"))
    mandates = list(
        Mandate.objects.current().filter(congress=congress).select_related("person").order_by("person__name")
    )
    options = {"congresses": congresses, "kinds": kinds, "groups": groups, "mandates": mandates}
    status = 200
    if request.method == "POST":
        form = GroupActivityForm(request.POST, request.FILES, **options)
        if form.is_valid():
            data = form.cleaned_data
            wanted = set(data["mandates"])
            try:
                activity = activity_services.activity_register_for_participants(
                    actor=request.user,
                    congress=congress,
                    kind=next((k for k in kinds if k.pk == data["kind"]), None),
                    date=data["date"],
                    title=data["title"],
                    place=data["place"],
                    description=data["description"],
                    group=next((g for g in groups if g.pk == data["group"]), None),
                    mandates=[m for m in mandates if m.pk in wanted],
                    files=data["files"],
                )
            except ServiceError as exc:
                _refuse_on_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Registered and confirmed for %(n)s deputies.")
                    % {"n": activity.participations.count()},
                )
                return redirect("performance:activity", pk=activity.pk)
        status = 400
    else:
        form = GroupActivityForm(initial={"congress": congress.pk, "date": timezone.localdate()}, **options)
    return render(
        request,
        "performance/register.html",
        {"form": form, "congress": congress, "congresses": congresses},
        status=status,
    )


# --- rule sets -----------------------------------------------------------------------------------------------
def _render_rules(request, *, preset_form=None, kind_form=None, status=200):
    _require_staffish(request.user)
    run = list(congresses_run_by(user=request.user).order_by("path"))
    sets = (
        rule_sets_visible_to(user=request.user)
        .select_related("congress")
        .order_by("congress__path", "kind", "-is_active", "-pk")
    )
    kinds = ActivityKind.objects.filter(congress__in=congresses_read_by(user=request.user)).select_related(
        "congress"
    )
    return render(
        request,
        "performance/rules.html",
        {
            "rule_sets": sets,
            "own_kinds": kinds,
            "preset_form": (preset_form or PresetForm(congresses=run)) if run else None,
            "kind_form": (kind_form or KindForm(congresses=run)) if run else None,
        },
        status=status,
    )


@login_required
def rules(request):
    return _render_rules(request)


@login_required
@require_POST
def preset_apply(request):
    run = list(congresses_run_by(user=request.user).order_by("path"))
    if not run:
        raise PermissionDenied
    form = PresetForm(request.POST, congresses=run)
    if form.is_valid():
        congress = next(c for c in run if c.pk == form.cleaned_data["congress"])
        try:
            rule_set = rule_services.preset_apply(
                actor=request.user, congress=congress, preset=form.cleaned_data["preset"]
            )
        except ServiceError as exc:
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("Applied. The next evaluation uses these rules."))
            return redirect("performance:rule_set", pk=rule_set.pk)
    return _render_rules(request, preset_form=form, status=400)


@login_required
@require_POST
def kind_add(request):
    run = list(congresses_run_by(user=request.user).order_by("path"))
    if not run:
        raise PermissionDenied
    form = KindForm(request.POST, congresses=run)
    if form.is_valid():
        congress = next(c for c in run if c.pk == form.cleaned_data["congress"])
        try:
            rule_services.activity_kind_add(
                actor=request.user,
                congress=congress,
                name=form.cleaned_data["name"],
                is_recess=form.cleaned_data["is_recess"],
            )
        except ServiceError as exc:
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("Activity kind added."))
            return redirect("performance:rules")
    return _render_rules(request, kind_form=form, status=400)


def _rule_set(request, pk: int) -> RuleSet:
    return get_object_or_404(rule_sets_visible_to(user=request.user).select_related("congress"), pk=pk)


def _item_initial(item: RuleItem) -> dict:
    return {
        "name": item.name,
        "kinds": [k.pk for k in item.kinds.all()],
        "minimum": item.minimum,
        "period": item.period,
        "applies_to": item.applies_to,
        "level": item.level,
    }


def _render_rule_set(request, rule_set: RuleSet, *, bound=None, status=200):
    bound = bound or {}
    editable = can_manage_rules(request.user, rule_set.congress_id)
    kinds = kinds_for(rule_set.congress)
    items = list(rule_set.items.prefetch_related("kinds"))
    star = getattr(rule_set, "star_rule", None) if rule_set.kind == RuleSet.Kind.STARS else None
    ctx = {"rule_set": rule_set, "items": items, "editable": editable, "star": star}
    if star is not None:
        points = {p.kind_id: p.points for p in star.points.all()}
        ctx["star_points"] = [(k.label, points.get(k.pk, 0)) for k in kinds if points.get(k.pk)]
    if editable:
        ctx["set_form"] = bound.get("set") or RuleSetForm(
            initial={"name": rule_set.name, "effective_from": rule_set.effective_from}
        )
        if rule_set.kind == RuleSet.Kind.MINIMUMS:
            ctx["add_form"] = bound.get("add") or RuleItemForm(kinds=kinds, prefix="new")
            for item in items:
                item.form = bound.get(item.pk) or RuleItemForm(
                    kinds=kinds, prefix=f"i{item.pk}", initial=_item_initial(item)
                )
        else:
            initial = {"period": "year"}
            if star is not None:
                initial = {
                    "period": star.period,
                    **dict(zip(("one", "two", "three", "four", "five"), star.thresholds(), strict=True)),
                }
                points = {p.kind_id: p.points for p in star.points.all()}
                initial |= {f"points_{k.pk}": points.get(k.pk, 0) for k in kinds}
            ctx["star_form"] = bound.get("star") or StarForm(kinds=kinds, initial=initial)
    if is_staffish(request.user):
        ctx["events"] = timeline_for(rule_set)[:50]
    return render(request, "performance/rule_set.html", ctx, status=status)


@login_required
def rule_set_detail(request, pk: int):
    _require_staffish(request.user)
    return _render_rule_set(request, _rule_set(request, pk))


def _require_rules_office(request, rule_set: RuleSet) -> None:
    if not can_manage_rules(request.user, rule_set.congress_id):
        raise PermissionDenied


@login_required
@require_POST
def rule_set_update(request, pk: int):
    rule_set = _rule_set(request, pk)
    _require_rules_office(request, rule_set)
    form = RuleSetForm(request.POST)
    if form.is_valid():
        try:
            rule_services.rule_set_update(actor=request.user, rule_set=rule_set, **form.cleaned_data)
        except ServiceError as exc:
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("Saved. The next evaluation uses these rules."))
            return redirect("performance:rule_set", pk=rule_set.pk)
    return _render_rule_set(request, rule_set, bound={"set": form}, status=400)


@login_required
@require_POST
def rule_item_save(request, pk: int):
    """Add an item (prefix "new") or change one (prefix "i<id>", its id in the form)."""
    rule_set = _rule_set(request, pk)
    _require_rules_office(request, rule_set)
    kinds = kinds_for(rule_set.congress)
    item_id = parse_id(request.POST.get("item_id"))
    item = rule_set.items.filter(pk=item_id).first() if item_id else None
    if item_id and item is None:
        raise Http404
    form = RuleItemForm(request.POST, kinds=kinds, prefix=f"i{item.pk}" if item else "new")
    if form.is_valid():
        data = form.cleaned_data
        chosen = [k for k in kinds if k.pk in set(data["kinds"])]
        values = {
            "name": data["name"],
            "kinds": chosen,
            "minimum": data["minimum"],
            "period": data["period"],
            "applies_to": data["applies_to"],
            "level": data["level"],
        }
        try:
            if item is None:
                rule_services.rule_item_add(actor=request.user, rule_set=rule_set, **values)
            else:
                rule_services.rule_item_update(actor=request.user, item=item, **values)
        except ServiceError as exc:
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("Saved. The next evaluation uses these rules."))
            return redirect("performance:rule_set", pk=rule_set.pk)
    return _render_rule_set(request, rule_set, bound={item.pk if item else "add": form}, status=400)


@login_required
@require_POST
def rule_item_remove(request, pk: int):
    rule_set = _rule_set(request, pk)
    _require_rules_office(request, rule_set)
    item = get_object_or_404(rule_set.items, pk=parse_id(request.POST.get("item_id")) or 0)
    try:
        rule_services.rule_item_remove(actor=request.user, item=item)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Rule removed."))
    return redirect("performance:rule_set", pk=rule_set.pk)


@login_required
@require_POST
def star_update(request, pk: int):
    rule_set = _rule_set(request, pk)
    _require_rules_office(request, rule_set)
    kinds = kinds_for(rule_set.congress)
    form = StarForm(request.POST, kinds=kinds)
    if form.is_valid():
        try:
            rule_services.star_rule_update(
                actor=request.user,
                rule_set=rule_set,
                period=form.cleaned_data["period"],
                thresholds=form.thresholds(),
                points=form.points(),
            )
        except ServiceError as exc:
            if exc.field == "thresholds":
                form.add_error("one", exc.message)
            else:
                _refuse_on_form(form, exc)
        else:
            messages.success(request, _("Saved. The next evaluation uses these rules."))
            return redirect("performance:rule_set", pk=rule_set.pk)
    return _render_rule_set(request, rule_set, bound={"star": form}, status=400)


# --- the shortfall list ------------------------------------------------------------------------------------
@login_required
def shortfall_list(request):
    """Deputies short of their rules this year (or another), by congress, group or station; Excel export."""
    _require_staffish(request.user)
    user = request.user
    today = timezone.localdate()
    year = parse_year(request.GET.get("year"), 2000, 2100) or today.year
    congresses = list(congresses_read_by(user=user).order_by("path"))
    congress_id = parse_id(request.GET.get("congress"))
    congress = next((c for c in congresses if c.pk == congress_id), None)
    if congress is None and congress_id is None and request.GET.get("congress") is None:
        run = scope_for(user).act_congress_ids
        congress = next((c for c in congresses if c.pk in run), congresses[0] if congresses else None)
    groups = (
        group_list_visible_to(user=user).filter(congress=congress)
        if congress
        else group_list_visible_to(user=user).none()
    )
    group = groups.filter(pk=parse_id(request.GET.get("group")) or 0).first()
    stations = station_list_visible_to(user=user)
    stations = stations.filter(congress=congress) if congress else stations.none()
    station = stations.filter(pk=parse_id(request.GET.get("station")) or 0).first()
    query = clean_query(request.GET.get("q"), 40)
    show_all = request.GET.get("show") == "all"
    rule_sets = {}
    if congress is not None:
        from .evaluation import active_rule_sets

        rule_sets = active_rule_sets([congress.pk], RuleSet.Kind.MINIMUMS)
    items = list(RuleItem.objects.filter(rule_set__in=list(rule_sets.values())).order_by("sort_order", "pk"))
    item_id = parse_id(request.GET.get("item"))
    item = next((i for i in items if i.pk == item_id), None)
    rows = shortfall(
        user=user,
        year=year,
        congress=congress,
        group=group,
        station=station,
        only_short=not show_all,
        item_id=item.pk if item else None,
        query=query,
    )
    if request.GET.get("format") == "xlsx":
        data = exports.shortfall_workbook(
            actor=user,
            rows=rows,
            year=year,
            title=_("Deputies short of the rules, %(year)s") % {"year": year}
            + (f" · {congress.name}" if congress else ""),
            request=request,
            what={
                "list": "performance_shortfall",
                "year": year,
                "congress": congress.pk if congress else None,
            },
        )
        response = HttpResponse(data, content_type=exports.XLSX)
        response["Content-Disposition"] = f'attachment; filename="shortfall-{year}.xlsx"'
        return response
    page = Paginator(rows, SHORTFALL_PAGE).get_page(request.GET.get("page"))
    deputies_short = len({r.mandate.pk for r in rows if r.item is not None and not r.item.met})
    return render(
        request,
        "performance/shortfall.html",
        {
            "page": page,
            "year": year,
            "years": [year - 1, year, year + 1] if year < today.year else [year - 2, year - 1, year],
            "congresses": congresses,
            "congress": congress,
            "groups": groups,
            "group": group,
            "stations": stations.order_by("name"),
            "station": station,
            "items": items,
            "item": item,
            "query": query,
            "show_all": show_all,
            "rule_set": next(iter(rule_sets.values()), None),
            "deputies_short": deputies_short,
            "queue_count": confirmation_queue(user=user).count(),
            "period_end": dt.date(year, 12, 31),
        },
    )
