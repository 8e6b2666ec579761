"""Reads for the deputy's side: my suggestions by what they wait for, invitations, ratings still owed.

Everything starts from suggestion_list_visible_to, so a deputy only ever reads what the loop's scope allows.
"""

from __future__ import annotations

from django.db.models import QuerySet

from lvzhi.core.params import clean_query
from lvzhi.org.models import Mandate
from lvzhi.org.scope import scope_for

from .models import Evaluation, Signer, Suggestion
from .selectors import suggestion_list_visible_to
from .services.notices import concerned_mandate_ids
from .services.replies import current_reply, deputies_rate
from .workflow import EDITABLE_STATES, State

RATING_STATES = (State.REPLIED, State.PROMISE_REPORTED)

# The tabs of "My suggestions": key -> states (None: computed).
SHOWS: dict[str, tuple[str, ...] | None] = {
    "drafts": (State.DRAFT,),
    "returned": (State.RETURNED,),
    "submitted": (State.SUBMITTED, State.PRESIDIUM, State.ACCEPTED),
    "handling": (State.ASSIGNED, State.REHANDLING, State.STAFF_DECISION, State.PROMISED),
    "evaluate": None,
    "invitations": None,
    "closed": (State.CLOSED, State.REFERRED, State.MERGED, State.WITHDRAWN),
}


def current_mandates(*, user) -> QuerySet[Mandate]:
    """The user's own serving mandates (one per congress they sit in), for writing a suggestion."""
    ids = scope_for(user).mandate_ids
    return Mandate.objects.filter(pk__in=ids).current().select_related("congress").order_by("congress__path")


def my_suggestions(*, user) -> QuerySet[Suggestion]:
    """What the user is on as a deputy: author, confirmed co-signer, author of a merged one (an invitation
    not yet answered is listed under my_invitations)."""
    mine = Signer.objects.filter(
        mandate_id__in=scope_for(user).mandate_ids, declined_at__isnull=True
    ).exclude(role=Signer.Role.COSIGNER, confirmed_at__isnull=True)
    return suggestion_list_visible_to(user=user).filter(pk__in=mine.values("suggestion_id"))


def my_invitations(*, user) -> QuerySet[Signer]:
    """Invitations to co-sign the user has not answered, on suggestions that may still be co-signed."""
    return (
        Signer.objects.filter(
            mandate_id__in=scope_for(user).mandate_ids,
            role=Signer.Role.COSIGNER,
            confirmed_at__isnull=True,
            declined_at__isnull=True,
            suggestion__state__in=[*EDITABLE_STATES, State.SUBMITTED],
        )
        .filter(suggestion__in=suggestion_list_visible_to(user=user).values("pk"))
        .select_related("suggestion", "suggestion__author__person", "mandate__congress")
    )


def rating_mandate(*, user, suggestion: Suggestion, rated_by_deputies: bool | None = None) -> Mandate | None:
    """The user's mandate that still owes a rating of the suggestion's current reply (or promise report).
    None in a congress that rates replies by a third-party survey only (`rated_by_deputies` False)."""
    if suggestion.state not in RATING_STATES:
        return None
    if rated_by_deputies is None:
        rated_by_deputies = deputies_rate(suggestion)
    if not rated_by_deputies:
        return None
    mine = set(concerned_mandate_ids(suggestion)) & scope_for(user).mandate_ids
    if not mine:
        return None
    reply = current_reply(suggestion)
    if reply is None:
        return None
    stage = Evaluation.Stage.PROMISE if suggestion.state == State.PROMISE_REPORTED else Evaluation.Stage.REPLY
    done = set(
        Evaluation.objects.filter(reply=reply, stage=stage, mandate_id__in=mine).values_list(
            "mandate_id", flat=True
        )
    )
    left = sorted(mine - done)
    return Mandate.objects.select_related("congress").get(pk=left[0]) if left else None


def to_evaluate(*, user) -> QuerySet[Suggestion]:
    """My suggestions whose reply (or promise report) I have yet to rate."""
    candidates = my_suggestions(user=user).filter(state__in=RATING_STATES).select_related("congress")
    by_congress: dict[int, bool] = {}  # the rating setting, read once per congress
    ids = []
    for s in candidates:
        if s.congress_id not in by_congress:
            by_congress[s.congress_id] = deputies_rate(s)
        if rating_mandate(user=user, suggestion=s, rated_by_deputies=by_congress[s.congress_id]):
            ids.append(s.pk)
    return my_suggestions(user=user).filter(pk__in=ids)


def my_list(*, user, show: str) -> QuerySet[Suggestion]:
    """One tab of "My suggestions"; an unknown tab is all of them."""
    if show == "evaluate":
        return to_evaluate(user=user)
    if show == "invitations":
        return suggestion_list_visible_to(user=user).filter(
            pk__in=my_invitations(user=user).values("suggestion_id")
        )
    qs = my_suggestions(user=user)
    states = SHOWS.get(show)
    if states and show in ("drafts", "returned"):
        # Drafts and returned ones wait for their author only.
        qs = qs.filter(author_id__in=scope_for(user).mandate_ids)
    return qs.filter(state__in=states) if states else qs


def cosigner_candidates(*, suggestion: Suggestion, q: str, limit: int = 20) -> list[Mandate]:
    """Serving deputies of the suggestion's congress whose name contains q, not yet on it."""
    q = clean_query(q, 40)
    if not q:
        return []
    return list(
        Mandate.objects.current()
        .filter(congress_id=suggestion.congress_id, person__name__contains=q)
        .exclude(pk__in=suggestion.signers.values("mandate_id"))
        .select_related("person", "electoral_unit")
        .order_by("person__name", "pk")[:limit]
    )
