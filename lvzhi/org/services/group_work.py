"""Writes of a deputy group's year of work: its yearly plan, the activities it held and who attended.

The group's leader and the deputy-affairs staff of the group's congress record; everyone else is refused
(403). Each member present at an activity counts once as a group activity (代表小组活动) in performance,
through the sources hook inside the same transaction; a correction from present to absent takes the count
back. Every step writes an event on the group.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import EARLIEST_DATE

from .. import events
from ..models import DeputyGroup, GroupMembership, Mandate
from ..models_groups import GroupActivity, GroupAttendance, GroupPlanItem, GroupWorkKind
from ..permissions import can_manage_congress
from ..scope import scope_for

Status = GroupAttendance.Status
DUPLICATE_WINDOW = dt.timedelta(minutes=10)
TOPIC_MAX, PLACE_MAX, NOTE_MAX, NOTES_MAX, LEAVE_NOTE_MAX = 120, 120, 300, 5000, 200


def can_record_for_group(user, group: DeputyGroup) -> bool:
    """The group's leader, or the deputy-affairs staff of its congress (or a site administrator)."""
    return can_manage_congress(user, group.congress_id) or group.pk in scope_for(user).led_group_ids


def require_record(actor, group: DeputyGroup) -> None:
    if not can_record_for_group(actor, group):
        raise ServiceError(
            "not_allowed",
            _("Only the group's leader or the deputy-affairs staff of its congress may record its work."),
            status=403,
        )


def _text(value, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    value = str(value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError("required", _("%(label)s is required.") % {"label": label}, field=field)
    if len(value) > max_length:
        raise ServiceError(
            "too_long",
            _("%(label)s may have at most %(n)s characters.") % {"label": label, "n": max_length},
            field=field,
        )
    return value


def _kind(kind) -> str:
    if kind not in GroupWorkKind.values:
        raise ServiceError("bad_kind", _("Choose a kind from the list."), field="kind")
    return kind


def _year(year) -> int:
    today = timezone.localdate()
    if not isinstance(year, int) or not (today.year - 10 <= year <= today.year + 1):
        raise ServiceError(
            "bad_year",
            _("Plan a year between %(first)s and %(last)s.")
            % {"first": today.year - 10, "last": today.year + 1},
            field="year",
        )
    return year


def _month(month) -> int:
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise ServiceError("bad_month", _("Choose a month from 1 to 12."), field="month")
    return month


# --- the yearly plan ---------------------------------------------------------------------------------
@transaction.atomic
def group_plan_item_add(
    *, actor, group: DeputyGroup, year: int, month: int, kind: str, topic: str, note: str = ""
) -> GroupPlanItem:
    group = DeputyGroup.objects.select_for_update().get(pk=group.pk)
    require_record(actor, group)
    item = GroupPlanItem.objects.create(
        group=group,
        year=_year(year),
        month=_month(month),
        kind=_kind(kind),
        topic=_text(topic, field="topic", label=_("Topic"), max_length=TOPIC_MAX, required=True),
        note=_text(note, field="note", label=_("Note"), max_length=NOTE_MAX),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(
        actor=actor,
        kind=events.GROUP_PLAN_ITEM_ADDED,
        target=group,
        payload={"plan_item": item.pk, "year": item.year, "month": item.month, "kind": item.kind},
    )
    return item


def _lock_item(item: GroupPlanItem) -> GroupPlanItem:
    return GroupPlanItem.objects.select_for_update().select_related("group").get(pk=item.pk)


@transaction.atomic
def group_plan_item_update(
    *, actor, item: GroupPlanItem, month: int, kind: str, topic: str, note: str = ""
) -> GroupPlanItem:
    item = _lock_item(item)
    require_record(actor, item.group)
    new = {
        "month": _month(month),
        "kind": _kind(kind),
        "topic": _text(topic, field="topic", label=_("Topic"), max_length=TOPIC_MAX, required=True),
        "note": _text(note, field="note", label=_("Note"), max_length=NOTE_MAX),
    }
    changes = {f: [getattr(item, f), v] for f, v in new.items() if getattr(item, f) != v}
    if changes:
        for f, (_old, v) in changes.items():
            setattr(item, f, v)
        item.save(update_fields=list(changes))
        record_event(
            actor=actor,
            kind=events.GROUP_PLAN_ITEM_CHANGED,
            target=item.group,
            payload={"plan_item": item.pk, "changes": changes},
        )
    return item


@transaction.atomic
def group_plan_item_remove(*, actor, item: GroupPlanItem) -> None:
    item = _lock_item(item)
    require_record(actor, item.group)
    if item.activities.exists():
        raise ServiceError(
            "plan_item_held",
            _("This planned activity has been held; it stays in the plan with its record."),
            status=409,
        )
    group, payload = item.group, {"plan_item": item.pk, "year": item.year, "month": item.month}
    item.delete()
    record_event(actor=actor, kind=events.GROUP_PLAN_ITEM_REMOVED, target=group, payload=payload)


# --- activities and attendance -----------------------------------------------------------------------
def roster_on(group: DeputyGroup, day: dt.date) -> list[Mandate]:
    """The members of the group on `day`: joined by then, and holding their mandate that day."""
    ids = GroupMembership.objects.filter(group=group, joined_on__lte=day).values("mandate_id")
    return list(
        Mandate.objects.filter(pk__in=ids, start_date__lte=day)
        .exclude(end_date__lt=day)
        .select_related("person")
        .order_by("person__name", "pk")
    )


def _date(value) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime) or value < EARLIEST_DATE:
        raise ServiceError("bad_date", _("Enter a valid date."), field="date")
    if value > timezone.localdate():
        raise ServiceError(
            "future_date", _("An activity is recorded once it has been held, not before."), field="date"
        )
    return value


def _plan_item(group: DeputyGroup, plan_item, day: dt.date) -> GroupPlanItem | None:
    if plan_item is None:
        return None
    if plan_item.group_id != group.pk:
        raise ServiceError(
            "plan_item_outside", _("Choose a planned activity of this group."), field="plan_item"
        )
    if plan_item.year != day.year:
        raise ServiceError(
            "plan_item_year",
            _("The planned activity is in the plan of %(year)s; the activity was held in another year.")
            % {"year": plan_item.year},
            field="plan_item",
        )
    return plan_item


def _marks(
    roster: list[Mandate], present: Iterable[int], on_leave: Iterable[int], leave_notes: Mapping | None
) -> dict[int, tuple[str, str]]:
    """Each member's (status, note); refuses ids that are not members on the day, and a member marked twice."""
    present, on_leave = {int(i) for i in present}, {int(i) for i in on_leave}
    members = {m.pk for m in roster}
    if not members:
        raise ServiceError("no_members", _("The group had no serving member on that date."), field="date")
    if (present | on_leave) - members:
        raise ServiceError(
            "not_member_that_day",
            _("Only members of the group on the activity's date can be marked."),
            field="present",
        )
    if present & on_leave:
        raise ServiceError(
            "marked_twice", _("A member is either present or absent with leave, not both."), field="present"
        )
    if not present:
        raise ServiceError("nobody_present", _("Tick at least one member who attended."), field="present")
    notes = {int(k): str(v or "") for k, v in (leave_notes or {}).items()}
    marks = {}
    for pk in members:
        if pk in present:
            marks[pk] = (Status.PRESENT, "")
        elif pk in on_leave:
            note = _text(
                notes.get(pk, ""), field="present", label=_("Reason for leave"), max_length=LEAVE_NOTE_MAX
            )
            marks[pk] = (Status.LEAVE, note)
        else:
            marks[pk] = (Status.ABSENT, "")
    return marks


def _title(activity: GroupActivity) -> str:
    return f"{activity.group.name}：{activity.topic}"


def _count(activity: GroupActivity, mandate: Mandate, actor) -> None:
    from lvzhi.performance.kinds import GROUP
    from lvzhi.performance.services.sources import activity_record_from_source

    activity_record_from_source(
        source=activity,
        mandate=mandate,
        kind=GROUP,
        date=activity.date,
        title=_title(activity),
        place=activity.place,
        actor=actor,
        group=activity.group,
    )


def _uncount(activity: GroupActivity, mandate: Mandate, actor) -> None:
    from lvzhi.performance.services.sources import activity_unrecord_from_source

    activity_unrecord_from_source(
        source=activity, mandate=mandate, actor=actor, note=_("Attendance corrected in the group's log.")
    )


@transaction.atomic
def group_activity_record(
    *,
    actor,
    group: DeputyGroup,
    date: dt.date,
    kind: str,
    topic: str,
    place: str = "",
    notes: str = "",
    plan_item: GroupPlanItem | None = None,
    present: Iterable[int] = (),
    on_leave: Iterable[int] = (),
    leave_notes: Mapping | None = None,
) -> GroupActivity:
    """Record an activity the group held, with each member's attendance; those present count at once."""
    group = DeputyGroup.objects.select_for_update().get(pk=group.pk)
    require_record(actor, group)
    date = _date(date)
    kind = _kind(kind)
    topic = _text(topic, field="topic", label=_("Topic"), max_length=TOPIC_MAX, required=True)
    place = _text(place, field="place", label=_("Place"), max_length=PLACE_MAX)
    notes = _text(notes, field="notes", label=_("Notes"), max_length=NOTES_MAX)
    plan_item = _plan_item(group, plan_item, date)
    roster = roster_on(group, date)
    marks = _marks(roster, present, on_leave, leave_notes)
    # A double tap or a resubmitted form records one activity (the group's row is locked above).
    earlier = (
        GroupActivity.objects.filter(
            group=group,
            date=date,
            kind=kind,
            topic=topic,
            recorded_at__gte=timezone.now() - DUPLICATE_WINDOW,
        )
        .order_by("-pk")
        .first()
    )
    if earlier is not None:
        return earlier
    activity = GroupActivity.objects.create(
        group=group,
        plan_item=plan_item,
        date=date,
        kind=kind,
        topic=topic,
        place=place,
        notes=notes,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    GroupAttendance.objects.bulk_create(
        [
            GroupAttendance(activity=activity, mandate_id=pk, status=st, note=note)
            for pk, (st, note) in marks.items()
        ]
    )
    for m in roster:
        if marks[m.pk][0] == Status.PRESENT:
            _count(activity, m, actor)
    tally = {s: sum(1 for st, _n in marks.values() if st == s) for s in Status.values}
    record_event(
        actor=actor,
        kind=events.GROUP_ACTIVITY_RECORDED,
        target=group,
        payload={
            "group_activity": activity.pk,
            "date": date.isoformat(),
            "kind": kind,
            "plan_item": plan_item.pk if plan_item else None,
            **tally,
        },
    )
    return activity


def _lock_activity(activity: GroupActivity) -> GroupActivity:
    return GroupActivity.objects.select_for_update().select_related("group").get(pk=activity.pk)


@transaction.atomic
def group_activity_update(
    *,
    actor,
    activity: GroupActivity,
    kind: str,
    topic: str,
    place: str = "",
    notes: str = "",
    plan_item: GroupPlanItem | None = None,
) -> GroupActivity:
    """Correct what an activity was (not its date: the attendance and the counts hang on it)."""
    activity = _lock_activity(activity)
    require_record(actor, activity.group)
    new = {
        "kind": _kind(kind),
        "topic": _text(topic, field="topic", label=_("Topic"), max_length=TOPIC_MAX, required=True),
        "place": _text(place, field="place", label=_("Place"), max_length=PLACE_MAX),
        "notes": _text(notes, field="notes", label=_("Notes"), max_length=NOTES_MAX),
        "plan_item": _plan_item(activity.group, plan_item, activity.date),
    }
    changes = {}
    for f, v in new.items():
        old = getattr(activity, f)
        if old != v:
            changes[f] = [getattr(old, "pk", old), getattr(v, "pk", v)]
            setattr(activity, f, v)
    if not changes:
        return activity
    activity.save(update_fields=list(changes))
    if {"topic", "place"} & set(changes):
        from lvzhi.performance.services.sources import activity_describe_from_source

        activity_describe_from_source(source=activity, title=_title(activity), place=activity.place)
    if "notes" in changes:
        changes["notes"] = True  # long free text: the event says it changed, the record holds it
    record_event(
        actor=actor,
        kind=events.GROUP_ACTIVITY_CHANGED,
        target=activity.group,
        payload={"group_activity": activity.pk, "changes": changes},
    )
    return activity


@transaction.atomic
def group_attendance_set(
    *,
    actor,
    activity: GroupActivity,
    present: Iterable[int] = (),
    on_leave: Iterable[int] = (),
    leave_notes: Mapping | None = None,
) -> dict[int, list[str]]:
    """Correct who attended: newly present members count, members no longer present stop counting.

    Returns {mandate id: [old status, new status]} of what changed."""
    activity = _lock_activity(activity)
    require_record(actor, activity.group)
    rows = {
        r.mandate_id: r
        for r in GroupAttendance.objects.select_for_update()
        .filter(activity=activity)
        .select_related("mandate")
    }
    roster = [r.mandate for r in rows.values()]
    marks = _marks(roster, present, on_leave, leave_notes)
    changed: dict[int, list[str]] = {}
    for pk, row in rows.items():
        status, note = marks[pk]
        if (row.status, row.note) == (status, note):
            continue
        if row.status != status:
            changed[pk] = [row.status, status]
            if status == Status.PRESENT:
                _count(activity, row.mandate, actor)
            elif row.status == Status.PRESENT:
                _uncount(activity, row.mandate, actor)
        row.status, row.note = status, note
        row.save(update_fields=["status", "note"])
    if changed:
        record_event(
            actor=actor,
            kind=events.GROUP_ATTENDANCE_CHANGED,
            target=activity.group,
            payload={"group_activity": activity.pk, "changes": {str(k): v for k, v in changed.items()}},
        )
    return changed
