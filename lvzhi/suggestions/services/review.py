"""The office's review: return, accept with a number, the presidium for motions, merging, sorting."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Committee, Congress
from lvzhi.org.roles import Role

from .. import events
from ..models import Signer, Suggestion
from ..permissions import can_run_office
from ..workflow import OPEN_STATES, State, Step
from .common import lock, move, refuse, rules, today
from .drafting import confirmed_cosigners
from .notices import deputies_of, tell


def _office(actor, suggestion: Suggestion) -> Suggestion:
    suggestion = lock(suggestion)
    if not can_run_office(actor, suggestion):
        raise refuse("not_permitted", _("Only the deputy-affairs office of this congress may do this."))
    return suggestion


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", _("Give the reason."), field="reason")
    return reason


def default_committee(suggestion: Suggestion) -> Committee | None:
    """The special committee whose fields cover the suggestion's field (对口督办)."""
    for committee in Committee.objects.filter(
        congress_id=suggestion.congress_id, kind=Committee.Kind.SPECIAL
    ):
        if suggestion.field in (committee.fields or []):
            return committee
    return None


def _number(suggestion: Suggestion) -> None:
    """第Z号 in its series: per session during a session, per year in recess."""
    # The congress row lock serialises numbering; the unique constraint is the guarantee.
    Congress.objects.select_for_update().filter(pk=suggestion.congress_id).first()
    series = f"S{suggestion.session_id}" if suggestion.session_id else f"R{today().year}"
    last = (
        Suggestion.objects.filter(
            congress_id=suggestion.congress_id, kind=suggestion.kind, series=series
        ).aggregate(m=Max("number"))["m"]
        or 0
    )
    suggestion.series, suggestion.number = series, last + 1


@transaction.atomic
def suggestion_return(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    suggestion = _office(actor, suggestion)
    suggestion.return_reason = _reason(reason)
    move(
        suggestion,
        actor=actor,
        step=Step.RETURN,
        role=Role.STAFF,
        note=suggestion.return_reason,
        fields=("return_reason",),
    )
    tell(
        deputies_of(suggestion).filter(person__mandates=suggestion.author_id),
        suggestion=suggestion,
        cause=f"returned:{timezone.now():%Y%m%d%H%M%S}",
        subject=_("Your suggestion “%(title)s” was returned for revision") % {"title": suggestion.title},
    )
    return suggestion


def _accept(
    actor, suggestion: Suggestion, step: str, committee: Committee | None, note: str = ""
) -> Suggestion:
    if suggestion.kind == Suggestion.Kind.MOTION:
        suggestion.kind = Suggestion.Kind.SUGGESTION  # a motion handled as a suggestion is numbered as one
    _number(suggestion)
    suggestion.committee = committee or suggestion.committee or default_committee(suggestion)
    if suggestion.committee and suggestion.committee.congress_id != suggestion.congress_id:
        raise ServiceError("committee_invalid", _("Choose a committee of this congress."), field="committee")
    suggestion.accepted_at = timezone.now()
    move(
        suggestion,
        actor=actor,
        step=step,
        role=Role.STAFF,
        note=note,
        payload={"number": suggestion.number, "series": suggestion.series},
        fields=("kind", "series", "number", "committee", "accepted_at"),
    )
    tell(
        deputies_of(suggestion),
        suggestion=suggestion,
        cause="accepted",
        subject=_("Suggestion “%(title)s” accepted as No. %(number)s")
        % {"title": suggestion.title, "number": suggestion.number},
    )
    return suggestion


@transaction.atomic
def suggestion_accept(*, actor, suggestion: Suggestion, committee: Committee | None = None) -> Suggestion:
    suggestion = _office(actor, suggestion)
    if (
        suggestion.kind == Suggestion.Kind.MOTION
        and confirmed_cosigners(suggestion) >= rules(suggestion)["motion_cosigner_minimum"]
    ):
        raise ServiceError(
            "motion_goes_to_presidium",
            _("This motion has enough co-signers: send it to the presidium."),
            status=409,
        )
    return _accept(actor, suggestion, Step.ACCEPT, committee)


@transaction.atomic
def suggestion_to_presidium(*, actor, suggestion: Suggestion) -> Suggestion:
    suggestion = _office(actor, suggestion)
    if suggestion.kind != Suggestion.Kind.MOTION:
        raise ServiceError("not_a_motion", _("Only a motion goes to the presidium."), status=409)
    return move(suggestion, actor=actor, step=Step.TO_PRESIDIUM, role=Role.STAFF)


@transaction.atomic
def presidium_decide(
    *, actor, suggestion: Suggestion, decision: str, committee: Committee | None = None, note: str = ""
) -> Suggestion:
    """Record the presidium's decision on a motion: on the agenda (referred), or handled as a suggestion."""
    suggestion = _office(actor, suggestion)
    if decision == Suggestion.PresidiumDecision.AGENDA:
        if committee is None or committee.congress_id != suggestion.congress_id:
            raise ServiceError(
                "committee_required", _("Name the special committee it is referred to."), field="committee"
            )
        suggestion.presidium_decision, suggestion.committee = decision, committee
        return move(
            suggestion,
            actor=actor,
            step=Step.PRESIDIUM_REFER,
            role=Role.STAFF,
            note=note,
            fields=("presidium_decision", "committee"),
        )
    if decision == Suggestion.PresidiumDecision.AS_SUGGESTION:
        suggestion.presidium_decision = decision
        suggestion.save(update_fields=["presidium_decision"])
        return _accept(actor, suggestion, Step.PRESIDIUM_AS_SUGGESTION, committee, note)
    raise ServiceError("decision_invalid", _("Choose the presidium's decision."), field="decision")


@transaction.atomic
def suggestion_merge(*, actor, suggestion: Suggestion, into: Suggestion, note: str = "") -> Suggestion:
    """并案: the duplicate follows the main one; its authors stay credited and are answered with it."""
    suggestion = _office(actor, suggestion)
    into = lock(into)
    if into.pk == suggestion.pk or into.congress_id != suggestion.congress_id:
        raise ServiceError(
            "merge_target_invalid", _("Choose another suggestion of the same congress."), field="into"
        )
    if into.state not in OPEN_STATES or into.state in (State.CLOSED,):
        raise ServiceError(
            "merge_target_closed",
            _("It can only be merged into an accepted, open suggestion."),
            field="into",
            status=409,
        )
    suggestion.merged_into = into
    move(
        suggestion,
        actor=actor,
        step=Step.MERGE,
        role=Role.STAFF,
        note=note,
        payload={"into": into.pk},
        fields=("merged_into",),
    )
    for signer in suggestion.signers.filter(declined_at__isnull=True).exclude(
        role=Signer.Role.COSIGNER, confirmed_at__isnull=True
    ):
        Signer.objects.get_or_create(
            suggestion=into,
            mandate_id=signer.mandate_id,
            defaults={"role": Signer.Role.MERGED, "confirmed_at": timezone.now()},
        )
    for merged in suggestion.merged.all():  # earlier merges follow too
        merged.merged_into = into
        merged.save(update_fields=["merged_into"])
    tell(
        deputies_of(suggestion),
        suggestion=suggestion,
        cause=f"merged:{into.pk}",
        subject=_("Your suggestion “%(title)s” is handled together with “%(other)s”")
        % {"title": suggestion.title, "other": into.title},
    )
    return suggestion


@transaction.atomic
def suggestion_set_committee(
    *, actor, suggestion: Suggestion, committee: Committee | None, reason: str
) -> Suggestion:
    """Change the supervising special committee (对口督办) of an accepted, open suggestion, with the reason."""
    from lvzhi.core.audit import record_event

    suggestion = _office(actor, suggestion)
    if suggestion.state not in OPEN_STATES:
        raise ServiceError(
            "committee_state",
            _("The supervising committee can only be changed while the suggestion is accepted and open."),
            status=409,
        )
    if committee is None:
        raise ServiceError("committee_required", _("Choose the special committee."), field="committee")
    if committee.congress_id != suggestion.congress_id or committee.kind != Committee.Kind.SPECIAL:
        raise ServiceError(
            "committee_invalid", _("Choose a special committee of this congress."), field="committee"
        )
    if committee.pk == suggestion.committee_id:
        raise ServiceError(
            "committee_unchanged", _("It is already supervised by this committee."), field="committee"
        )
    reason = _reason(reason)
    before = suggestion.committee
    suggestion.committee = committee
    suggestion.save(update_fields=["committee", "updated_at"])
    record_event(
        actor=actor,
        kind=events.COMMITTEE_SET,
        target=suggestion,
        # The committees' names in the note, so the timeline reads "from → to: why".
        note=f"{before or '—'} → {committee}：{reason}",
        payload={"from": before and before.pk, "to": committee.pk},
    )
    return suggestion
