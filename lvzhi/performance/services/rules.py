"""Rule sets as data: apply a preset to a congress, edit its items and star points in the pages, add a
congress's own activity kinds. Each change raises the set's version, is recorded with what changed, and
applies to the next evaluation (evaluations read the rules as they are when they run).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Congress

from .. import events
from ..models import ActivityKind, Period, RuleItem, RuleSet, StarPoint, StarRule
from ..permissions import can_manage_rules
from ..presets import PRESETS, RECESS
from .common import clean_text, kind_by_code, kind_usable, kinds_for, refuse


def _check_staff(actor, congress_id: int) -> None:
    if not can_manage_rules(actor, congress_id):
        raise refuse("not_permitted", _("Only the deputy-affairs office of this congress edits its rules."))


def _lock_set(rule_set: RuleSet) -> RuleSet:
    return RuleSet.objects.select_for_update().select_related("congress").get(pk=rule_set.pk)


def _bump(rule_set: RuleSet, actor) -> None:
    rule_set.version += 1
    rule_set.updated_at = timezone.now()
    rule_set.updated_by = actor
    rule_set.save(update_fields=["version", "updated_at", "updated_by"])


@transaction.atomic
def preset_apply(*, actor, congress: Congress, preset: str) -> RuleSet:
    """Make the preset the congress's active rule set of its kind (the one it replaces stays, inactive)."""
    _check_staff(actor, congress.pk)
    spec = PRESETS.get(preset)
    if spec is None:
        raise ServiceError("preset_unknown", _("Choose a preset."), field="preset")
    kind = spec["kind"]
    replaced = list(RuleSet.objects.select_for_update().filter(congress=congress, kind=kind, is_active=True))
    RuleSet.objects.filter(pk__in=[r.pk for r in replaced]).update(is_active=False, updated_at=timezone.now())
    today = timezone.localdate()
    rule_set = RuleSet.objects.create(
        congress=congress,
        kind=kind,
        name=spec["name"],
        preset=preset,
        is_active=True,
        effective_from=today,
        updated_by=actor,
    )
    available = kinds_for(congress)
    if kind == RuleSet.Kind.MINIMUMS:
        for order, (name, codes, minimum, period) in enumerate(spec["items"], start=1):
            item = RuleItem.objects.create(
                rule_set=rule_set, name=name, minimum=minimum, period=period, sort_order=order
            )
            chosen = []
            for code in codes:
                if code == RECESS:
                    chosen += [k for k in available if k.is_recess]
                else:
                    chosen.append(kind_by_code(code, congress))
            item.kinds.set(chosen)
    else:
        one, two, three, four, five = spec["thresholds"]
        star = StarRule.objects.create(
            rule_set=rule_set, period=spec["period"], one=one, two=two, three=three, four=four, five=five
        )
        StarPoint.objects.bulk_create(
            [
                StarPoint(star_rule=star, kind=kind_by_code(code), points=p)
                for code, p in spec["points"].items()
            ]
        )
    record_event(
        actor=actor,
        kind=events.PRESET_APPLIED,
        target=rule_set,
        payload={"preset": preset, "replaced": [r.pk for r in replaced]},
    )
    return rule_set


@transaction.atomic
def rule_set_update(*, actor, rule_set: RuleSet, name: str, effective_from) -> RuleSet:
    rule_set = _lock_set(rule_set)
    _check_staff(actor, rule_set.congress_id)
    name = clean_text(name, field="name", max_length=80, required=True)
    if effective_from is None:
        raise ServiceError("bad_date", _("Enter a valid date."), field="effective_from")
    changes = {
        f: [str(getattr(rule_set, f)), str(v)]
        for f, v in (("name", name), ("effective_from", effective_from))
        if getattr(rule_set, f) != v
    }
    rule_set.name, rule_set.effective_from = name, effective_from
    rule_set.save(update_fields=["name", "effective_from"])
    _bump(rule_set, actor)
    record_event(
        actor=actor,
        kind=events.RULE_SET_CHANGED,
        target=rule_set,
        payload={"changes": changes, "version": rule_set.version},
    )
    return rule_set


def _item_values(
    rule_set: RuleSet, *, name, kinds, minimum, period, applies_to, level
) -> tuple[dict, list[ActivityKind]]:
    name = clean_text(name, field="name", max_length=80, required=True)
    kinds = list(kinds or [])
    if not kinds or any(not kind_usable(k, rule_set.congress) for k in kinds):
        raise ServiceError("kinds_required", _("Choose at least one activity kind."), field="kinds")
    if isinstance(minimum, bool) or not isinstance(minimum, int) or not 1 <= minimum <= 999:
        raise ServiceError("bad_minimum", _("Enter a whole number from 1 to 999."), field="minimum")
    if period not in Period.values:
        raise ServiceError("bad_period", _("Choose per year or per term."), field="period")
    if applies_to not in RuleItem.Applies.values:
        raise ServiceError("bad_applies", _("Choose which deputies the rule applies to."), field="applies_to")
    level = level or ""
    if applies_to == RuleItem.Applies.LEVEL:
        if level not in Congress.Level.values:
            raise ServiceError("level_required", _("Choose the level."), field="level")
    else:
        level = ""
    values = {"name": name, "minimum": minimum, "period": period, "applies_to": applies_to, "level": level}
    return values, kinds


def _check_minimums(rule_set: RuleSet) -> None:
    if rule_set.kind != RuleSet.Kind.MINIMUMS:
        raise ServiceError("not_minimums", _("This rule set rates in stars; it has no minimums."), status=409)


@transaction.atomic
def rule_item_add(
    *,
    actor,
    rule_set: RuleSet,
    name: str,
    kinds: Iterable[ActivityKind],
    minimum: int,
    period: str,
    applies_to: str = RuleItem.Applies.ALL,
    level: str = "",
) -> RuleItem:
    rule_set = _lock_set(rule_set)
    _check_staff(actor, rule_set.congress_id)
    _check_minimums(rule_set)
    values, kinds = _item_values(
        rule_set, name=name, kinds=kinds, minimum=minimum, period=period, applies_to=applies_to, level=level
    )
    last = rule_set.items.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
    item = RuleItem.objects.create(rule_set=rule_set, sort_order=last + 1, **values)
    item.kinds.set(kinds)
    _bump(rule_set, actor)
    record_event(
        actor=actor,
        kind=events.RULE_ITEM_ADDED,
        target=rule_set,
        payload={
            "item": item.pk,
            **{("title" if f == "name" else f): v for f, v in values.items()},
            "kinds": [k.code for k in kinds],
            "version": rule_set.version,
        },
    )
    return item


@transaction.atomic
def rule_item_update(
    *,
    actor,
    item: RuleItem,
    name: str,
    kinds: Iterable[ActivityKind],
    minimum: int,
    period: str,
    applies_to: str = RuleItem.Applies.ALL,
    level: str = "",
) -> RuleItem:
    rule_set = _lock_set(item.rule_set)
    _check_staff(actor, rule_set.congress_id)
    item = RuleItem.objects.get(pk=item.pk, rule_set=rule_set)
    values, kinds = _item_values(
        rule_set, name=name, kinds=kinds, minimum=minimum, period=period, applies_to=applies_to, level=level
    )
    changes = {
        ("title" if f == "name" else f): [getattr(item, f), v]
        for f, v in values.items()
        if getattr(item, f) != v
    }
    before = sorted(item.kinds.values_list("code", flat=True))
    after = sorted(k.code for k in kinds)
    if before != after:
        changes["kinds"] = [before, after]
    for f, v in values.items():
        setattr(item, f, v)
    item.save(update_fields=list(values))
    item.kinds.set(kinds)
    _bump(rule_set, actor)
    record_event(
        actor=actor,
        kind=events.RULE_ITEM_CHANGED,
        target=rule_set,
        payload={"item": item.pk, "changes": changes, "version": rule_set.version},
    )
    return item


@transaction.atomic
def rule_item_remove(*, actor, item: RuleItem) -> None:
    rule_set = _lock_set(item.rule_set)
    _check_staff(actor, rule_set.congress_id)
    item = RuleItem.objects.get(pk=item.pk, rule_set=rule_set)
    payload = {"item": item.pk, "minimum": item.minimum, "period": item.period}
    item.delete()
    _bump(rule_set, actor)
    record_event(
        actor=actor,
        kind=events.RULE_ITEM_REMOVED,
        target=rule_set,
        payload={**payload, "version": rule_set.version},
    )


@transaction.atomic
def star_rule_update(
    *, actor, rule_set: RuleSet, period: str, thresholds: list[int], points: dict[int, int]
) -> StarRule:
    """Set the star thresholds (points for one to five stars) and each kind's points (0 drops the kind)."""
    rule_set = _lock_set(rule_set)
    _check_staff(actor, rule_set.congress_id)
    if rule_set.kind != RuleSet.Kind.STARS:
        raise ServiceError("not_stars", _("This rule set counts minimums; it has no stars."), status=409)
    if period not in Period.values:
        raise ServiceError("bad_period", _("Choose per year or per term."), field="period")
    if (
        len(thresholds) != 5
        or any(isinstance(t, bool) or not isinstance(t, int) or t < 1 for t in thresholds)
        or any(b <= a for a, b in zip(thresholds, thresholds[1:], strict=False))
    ):
        raise ServiceError(
            "bad_thresholds",
            _("Enter five whole numbers, each greater than the one before (one star needs at least 1)."),
            field="thresholds",
        )
    usable = {k.pk: k for k in kinds_for(rule_set.congress)}
    for kind_id, p in points.items():
        if kind_id not in usable or isinstance(p, bool) or not isinstance(p, int) or not 0 <= p <= 100:
            raise ServiceError("bad_points", _("Points are whole numbers from 0 to 100."), field="points")
    star, _created = StarRule.objects.get_or_create(
        rule_set=rule_set,
        defaults=dict(zip(("one", "two", "three", "four", "five"), thresholds, strict=True), period=period),
    )
    star.period = period
    star.one, star.two, star.three, star.four, star.five = thresholds
    star.save()
    star.points.all().delete()
    StarPoint.objects.bulk_create(
        [StarPoint(star_rule=star, kind_id=kid, points=p) for kid, p in points.items() if p > 0]
    )
    _bump(rule_set, actor)
    record_event(
        actor=actor,
        kind=events.STAR_RULE_CHANGED,
        target=rule_set,
        payload={
            "period": period,
            "thresholds": thresholds,
            "points": {usable[k].code: p for k, p in points.items() if p > 0},
            "version": rule_set.version,
        },
    )
    return star


@transaction.atomic
def activity_kind_add(*, actor, congress: Congress, name: str, is_recess: bool = False) -> ActivityKind:
    """A congress adds a kind of its own (used by it and the congresses below it)."""
    _check_staff(actor, congress.pk)
    name = clean_text(name, field="name", max_length=60, required=True)
    taken = ActivityKind.objects.filter(Q(congress__isnull=True) | Q(congress_id__in=congress.ancestor_ids()))
    if any(k.name == name or k.label == name for k in taken):
        raise ServiceError("kind_exists", _("A kind of this name already exists."), field="name")
    base = slugify(name, allow_unicode=False) or "kind"
    code = f"c{congress.pk}-{base}"[:34]
    n = 1
    while ActivityKind.objects.filter(congress=congress, code=code).exists():
        n += 1
        code = f"c{congress.pk}-{base}"[:30] + f"-{n}"
    kind = ActivityKind.objects.create(
        congress=congress, code=code, name=name, is_recess=bool(is_recess), is_builtin=False
    )
    record_event(
        actor=actor,
        kind=events.KIND_ADDED,
        target=congress,
        payload={"kind": kind.pk, "code": code, "recess": kind.is_recess},
    )
    return kind
