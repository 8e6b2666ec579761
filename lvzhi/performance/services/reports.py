"""Reports to the electors (述职): staff record the meeting and the electors' evaluation, and the public
archive page is shown or hidden.

Recording a report counts as the deputy's "report to electors" activity through the sources hook
(`activity_record_from_source`, inside this transaction, once per report); changing the report's date or
place later moves that activity with it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Mandate
from lvzhi.org.permissions import can_manage_congress
from lvzhi.portal import cache as portal_cache

from .. import events, kinds
from ..activity_lists import LISTS as activity_lists
from ..models import Activity, ElectorReport, Participation, PublicArchive
from .common import check_date, clean_text, refuse
from .sources import activity_record_from_source, source_key

MAX_ELECTORS = 1_000_000


def _count(value, *, field: str, required: bool = False) -> int:
    if value in (None, ""):
        if required:
            raise ServiceError("required", _("This field is required."), field=field)
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ELECTORS:
        raise ServiceError("bad_number", _("Enter a whole number from 0 upwards."), field=field)
    return value


def _activity_title(year: int) -> str:
    # An activity's title is data of the congress, written in its language whatever the page's.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Report to the electors on %(year)s") % {"year": year}


@transaction.atomic
def elector_report_record(
    *,
    actor,
    mandate: Mandate,
    year: int,
    held_on: dt.date,
    place: str,
    electors_present: int,
    satisfied: int | None = 0,
    basic: int | None = 0,
    dissatisfied: int | None = 0,
    notes: str = "",
) -> ElectorReport:
    """Record (or correct) `mandate`'s report to its electors on `year`: the meeting and the evaluation.

    One report per deputy mandate and year; recording it again changes that report (recorded as a change).
    """
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if not can_manage_congress(actor, mandate.congress_id):
        raise refuse(
            "not_permitted", _("Only the deputy-affairs office of the deputy's congress records its reports.")
        )
    held_on = check_date(held_on, field="held_on")
    if not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= timezone.localdate().year:
        raise ServiceError("bad_year", _("Choose the year the report covers."), field="year")
    if held_on.year not in (year, year + 1):
        raise ServiceError(
            "date_outside_year",
            _("A report on %(year)s is held in %(year)s or early the year after.") % {"year": year},
            field="held_on",
        )
    if not mandate.start_date <= held_on or (mandate.end_date and held_on > mandate.end_date):
        raise ServiceError(
            "not_serving", _("The deputy did not hold this mandate on that day."), field="held_on"
        )
    if year < mandate.start_date.year:
        raise ServiceError("bad_year", _("The deputy was not yet elected in that year."), field="year")
    place = clean_text(place, field="place", max_length=120, required=True)
    notes = clean_text(notes, field="notes", max_length=5000)
    present = _count(electors_present, field="electors_present", required=True)
    if present < 1:
        raise ServiceError(
            "none_present", _("At least one elector attends a report."), field="electors_present"
        )
    counts = {
        "satisfied": _count(satisfied, field="satisfied"),
        "basic": _count(basic, field="basic"),
        "dissatisfied": _count(dissatisfied, field="dissatisfied"),
    }
    if sum(counts.values()) > present:
        raise ServiceError(
            "more_ratings_than_present",
            _("More electors rated the report (%(rated)s) than attended it (%(present)s).")
            % {"rated": sum(counts.values()), "present": present},
            field="satisfied",
        )
    now = timezone.now()
    report = ElectorReport.objects.select_for_update().filter(mandate=mandate, year=year).first()
    values = {"held_on": held_on, "place": place, "electors_present": present, "notes": notes, **counts}
    if report is None:
        report = ElectorReport.objects.create(
            mandate=mandate,
            congress_id=mandate.congress_id,
            year=year,
            recorded_by=actor,
            recorded_at=now,
            updated_at=now,
            **values,
        )
        activity_record_from_source(
            source=report,
            mandate=mandate,
            kind=kinds.REPORT,
            date=held_on,
            title=_activity_title(year),
            place=place,
            actor=actor,
        )
        kind, before = events.ELECTOR_REPORT_RECORDED, {}
    else:
        before = {k: getattr(report, k) for k in values}
        changed = [k for k, v in values.items() if before[k] != v]
        if not changed:
            return report
        for k, v in values.items():
            setattr(report, k, v)
        report.updated_at = now
        report.save(update_fields=[*changed, "updated_at"])
        if {"held_on", "place"} & set(changed):
            # The activity counted for the report follows its date and place.
            source_type, source_id = source_key(report)
            Activity.objects.filter(source_type=source_type, source_id=source_id).update(
                date=held_on, place=place[:120]
            )
            Participation.objects.filter(source_type=source_type, source_id=source_id).update(date=held_on)
            portal_cache.bump()  # update() sends no post_save
            activity_lists.bump()
        kind = events.ELECTOR_REPORT_CHANGED
        before = {k: str(before[k]) for k in changed}
    record_event(
        actor=actor,
        kind=kind,
        target=mandate,
        payload={
            "report": report.pk,
            "year": year,
            "held_on": held_on.isoformat(),
            "electors_present": present,
            **counts,
            **({"before": before} if before else {}),
        },
    )
    return report


@transaction.atomic
def public_archive_set(*, actor, mandate: Mandate, published: bool) -> PublicArchive:
    """Show or hide the deputy's public archive page (its address stays the same)."""
    if not can_manage_congress(actor, mandate.congress_id):
        raise refuse(
            "not_permitted", _("Only the deputy-affairs office of the deputy's congress may do this.")
        )
    page, _created = PublicArchive.objects.select_for_update().get_or_create(mandate=mandate)
    if page.is_published == bool(published):
        return page
    page.is_published = bool(published)
    page.save(update_fields=["is_published"])
    record_event(
        actor=actor,
        kind=events.PUBLIC_ARCHIVE_CHANGED,
        target=mandate,
        from_state="public_shown" if not published else "public_hidden",
        to_state="public_shown" if published else "public_hidden",
    )
    return page
