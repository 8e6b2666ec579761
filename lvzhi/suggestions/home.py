"""Home-page tiles of the suggestions loop for a deputy and a unit handler: what waits for them, each linking
to its list."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.home import Tile
from lvzhi.org.scope import scope_for

from .selectors_deputy import my_invitations, my_list, to_evaluate
from .selectors_unit import NEW, OVERDUE, PROMISE, REHANDLING, SOON, situation_counts


def tiles_for(user) -> list[Tile]:
    if not scope_for(user).mandate_ids:
        return []
    url = reverse("suggestions:mine")
    section = _("Deputy")
    drafts = my_list(user=user, show="drafts").count()
    invitations = my_invitations(user=user).values("suggestion_id").distinct().count()
    rate = to_evaluate(user=user).count()
    returned = my_list(user=user, show="returned").count()
    return [
        Tile(_("My draft suggestions"), drafts, f"{url}?show=drafts", section),
        Tile(
            _("Invitations to co-sign"),
            invitations,
            f"{url}?show=invitations",
            section,
            urgent=invitations > 0,
        ),
        Tile(_("Replies to evaluate"), rate, f"{url}?show=evaluate", section, urgent=rate > 0),
        Tile(_("Returned for revision"), returned, f"{url}?show=returned", section, urgent=returned > 0),
    ]


URGENT = (NEW, OVERDUE, REHANDLING)


def unit_tiles_for(user) -> list[Tile]:
    """A unit handler's tiles: the unit's own assignments that wait for it (one query for the counts)."""
    if not scope_for(user).unit_ids:
        return []
    counts = situation_counts(user=user, today=timezone.localdate())
    url = reverse("suggestions:unit_assignments")
    section = _("Unit handler")
    tiles = [
        (NEW, _("New assignments not acknowledged")),
        (SOON, _("Replies and opinions due within 15 days")),
        (OVERDUE, _("Overdue replies and opinions")),
        (REHANDLING, _("To handle again")),
        (PROMISE, _("Promises to report carried out")),
    ]
    return [
        Tile(label, counts[key], f"{url}?show={key}", section, urgent=counts[key] > 0 and key in URGENT)
        for key, label in tiles
    ]


def office_tiles_for(user) -> list[Tile]:
    """The deputy-affairs office's tiles: what waits for it in the loop, each linking to its list."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from .selectors import (
        assign_overdue,
        office_congress_list,
        reply_overdue,
        returned_assignments,
        suggestion_list_visible_to,
    )
    from .workflow import State

    s = scope_for(user)
    if not s.act_congress_ids:
        return []  # a site administrator runs no office of their own
    congresses = list(office_congress_list(user=user).filter(pk__in=s.act_congress_ids))
    congress, day, section = congresses[0], timezone.localdate(), _("Deputy-affairs office")
    query = f"?congress={congress.pk}" if len(congresses) > 1 else ""
    late, review = assign_overdue(day), Q(state__in=[State.SUBMITTED, State.PRESIDIUM])
    counts = (
        suggestion_list_visible_to(user=user)
        .filter(congress=congress)
        .aggregate(
            to_review=Count("pk", filter=review),
            to_review_late=Count("pk", filter=review & late),
            to_assign=Count("pk", filter=Q(state=State.ACCEPTED)),
            to_assign_late=Count("pk", filter=Q(state=State.ACCEPTED) & late),
            overdue=Count("pk", filter=reply_overdue(day)),
            decide=Count("pk", filter=Q(state=State.STAFF_DECISION)),
        )
    )
    returned = returned_assignments(user=user, congress=congress).filter(waiting=True).count()
    office = reverse("suggestions:office_list")
    sep = "&" if query else "?"
    return [
        Tile(
            _("Suggestions to review"),
            counts["to_review"],
            reverse("suggestions:office_queue") + query,
            section,
            urgent=counts["to_review_late"] > 0,
        ),
        Tile(
            _("Accepted, to be assigned"),
            counts["to_assign"],
            reverse("suggestions:office_batch") + query,
            section,
            urgent=counts["to_assign_late"] > 0,
        ),
        Tile(
            _("Returned by units, to reassign"),
            returned,
            reverse("suggestions:office_returned") + query,
            section,
            urgent=returned > 0,
        ),
        Tile(
            _("Replies overdue"),
            counts["overdue"],
            f"{office}{query}{sep}overdue=on",
            section,
            urgent=counts["overdue"] > 0,
        ),
        Tile(
            _("Awaiting the office's decision"),
            counts["decide"],
            f"{office}{query}{sep}state={State.STAFF_DECISION}",
            section,
            urgent=counts["decide"] > 0,
        ),
        _consultation_tile(congress, section),
    ]


def _consultation_tile(congress, section) -> Tile:
    """The office's open recess consultation lists (会商清单), linking to its lists."""
    from .models import ConsultationList

    count = ConsultationList.objects.filter(congress=congress, status=ConsultationList.Status.OPEN).count()
    return Tile(_("Open consultation lists"), count, reverse("suggestions:consultation_lists"), section)
