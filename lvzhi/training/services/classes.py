"""Scheduling, changing and cancelling a training class (the office of the class's congress only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import EARLIEST_DATE, LATEST_DATE
from lvzhi.org.models import Congress
from lvzhi.org.permissions import can_manage_congress

from .. import events
from ..models import Enrolment, TrainingClass
from .common import clean_text, require_manage

MAX_HOURS = Decimal("999.9")
MAX_CAPACITY = 100000
FIELDS = (
    "title",
    "description",
    "mode",
    "place",
    "video_url",
    "starts_on",
    "ends_on",
    "hours",
    "capacity",
    "enrol_closes_on",
    "audience",
)


def _date(value, field: str) -> dt.date:
    if (
        not isinstance(value, dt.date)
        or isinstance(value, dt.datetime)
        or not EARLIEST_DATE <= value <= LATEST_DATE
    ):
        raise ServiceError("bad_date", _("Enter a valid date."), field=field)
    return value


def _checked(data: dict) -> dict:
    """The class's fields, checked; refuses with the field named."""
    out = {
        "title": clean_text(
            data.get("title"), field="title", label=_("Title"), max_length=120, required=True
        ),
        "description": clean_text(
            data.get("description"), field="description", label=_("Content"), max_length=5000
        ),
        "audience": clean_text(data.get("audience"), field="audience", label=_("For whom"), max_length=200),
    }
    mode = data.get("mode")
    if mode not in TrainingClass.Mode.values:
        raise ServiceError("bad_mode", _("Choose in person or online."), field="mode")
    out["mode"] = mode
    place = clean_text(data.get("place"), field="place", label=_("Place"), max_length=120)
    link = clean_text(data.get("video_url"), field="video_url", label=_("Video link"), max_length=300)
    if mode == TrainingClass.Mode.IN_PERSON and not place:
        raise ServiceError("place_required", _("A class in person needs a place."), field="place")
    if mode == TrainingClass.Mode.ONLINE:
        if not link:
            raise ServiceError("link_required", _("An online class needs its video link."), field="video_url")
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise ServiceError(
                "bad_link",
                _("Enter the video link as a web address starting with https://."),
                field="video_url",
            ) from None
    out["place"], out["video_url"] = place, link
    starts = _date(data.get("starts_on"), "starts_on")
    ends = _date(data.get("ends_on"), "ends_on")
    closes = _date(data.get("enrol_closes_on"), "enrol_closes_on")
    if ends < starts:
        raise ServiceError("dates_reversed", _("The last day is before the first day."), field="ends_on")
    if closes > ends:
        raise ServiceError(
            "closes_too_late",
            _("Enrolment must close by the last day of the class."),
            field="enrol_closes_on",
        )
    out.update(starts_on=starts, ends_on=ends, enrol_closes_on=closes)
    try:
        hours = Decimal(str(data.get("hours"))).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        raise ServiceError(
            "bad_hours", _("Enter the class hours as a number, e.g. 6 or 1.5."), field="hours"
        ) from None
    if not Decimal("0") < hours <= MAX_HOURS:
        raise ServiceError(
            "bad_hours",
            _("Class hours must be more than 0 and at most %(n)s.") % {"n": MAX_HOURS},
            field="hours",
        )
    out["hours"] = hours
    capacity = data.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY):
        raise ServiceError(
            "bad_capacity",
            _("Capacity is a number from 1 to %(n)s, or empty for no limit.") % {"n": MAX_CAPACITY},
            field="capacity",
        )
    out["capacity"] = capacity
    return out


@transaction.atomic
def class_create(*, actor, congress: Congress, **data) -> TrainingClass:
    if congress is None or not can_manage_congress(actor, congress.pk):
        raise ServiceError(
            "not_allowed", _("Only the deputy-affairs staff of a congress schedule its classes."), status=403
        )
    fields = _checked(data)
    training_class = TrainingClass.objects.create(
        congress=congress, created_by=actor if getattr(actor, "pk", None) else None, **fields
    )
    record_event(
        actor=actor,
        kind=events.CLASS_CREATED,
        target=training_class,
        to_state=TrainingClass.Status.SCHEDULED,
        payload={"mode": training_class.mode, "starts_on": training_class.starts_on.isoformat()},
    )
    return training_class


def _lock(training_class: TrainingClass) -> TrainingClass:
    return TrainingClass.objects.select_for_update().get(pk=training_class.pk)


@transaction.atomic
def class_update(*, actor, training_class: TrainingClass, **data) -> TrainingClass:
    training_class = _lock(training_class)
    require_manage(actor, training_class)
    if training_class.status == TrainingClass.Status.CANCELLED:
        raise ServiceError(
            "cancelled", _("This class was cancelled; it can no longer be changed."), status=409
        )
    fields = _checked(data)
    held = training_class.enrolments.filter(status__in=Enrolment.HOLDS_PLACE).count()
    if fields["capacity"] is not None and fields["capacity"] < held:
        raise ServiceError(
            "capacity_below_enrolled",
            _("%(n)s deputies are already enrolled; the capacity cannot be lower.") % {"n": held},
            field="capacity",
        )
    counted = training_class.enrolments.filter(status__in=Enrolment.COUNTS).exists()
    if counted and (fields["starts_on"] != training_class.starts_on or fields["mode"] != training_class.mode):
        raise ServiceError(
            "already_counted",
            _("Attendance has been recorded: the first day and the mode can no longer change."),
            field="starts_on",
        )
    changes = {}
    for f in FIELDS:
        old, new = getattr(training_class, f), fields[f]
        if old != new:
            changes[f] = [str(old) if old is not None else None, str(new) if new is not None else None]
            setattr(training_class, f, new)
    if changes:
        training_class.save(update_fields=list(changes))
        if {"title", "place"} & set(changes):
            from lvzhi.performance.services.sources import activity_describe_from_source

            activity_describe_from_source(
                source=training_class, title=training_class.title, place=place_of(training_class)
            )
        if "description" in changes:
            changes["description"] = True  # long text: the class holds it
        record_event(
            actor=actor, kind=events.CLASS_CHANGED, target=training_class, payload={"changes": changes}
        )
    return training_class


@transaction.atomic
def class_cancel(*, actor, training_class: TrainingClass, reason: str) -> TrainingClass:
    training_class = _lock(training_class)
    require_manage(actor, training_class)
    if training_class.status == TrainingClass.Status.CANCELLED:
        raise ServiceError("already_cancelled", _("This class is already cancelled."), status=409)
    if training_class.enrolments.filter(status__in=Enrolment.COUNTS).exists():
        raise ServiceError(
            "already_counted",
            _("Attendance has been recorded for this class; it cannot be cancelled."),
            status=409,
        )
    reason = clean_text(reason, field="reason", label=_("Reason"), max_length=300, required=True)
    training_class.status = TrainingClass.Status.CANCELLED
    training_class.cancel_reason = reason
    training_class.save(update_fields=["status", "cancel_reason"])
    record_event(
        actor=actor,
        kind=events.CLASS_CANCELLED,
        target=training_class,
        from_state=TrainingClass.Status.SCHEDULED,
        to_state=TrainingClass.Status.CANCELLED,
        note=reason,
    )
    return training_class


def place_of(training_class: TrainingClass) -> str:
    return training_class.place if not training_class.is_online else _("Online (cloud classroom)")
