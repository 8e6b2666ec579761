"""What the citizen does after sending: rate the outcome, once, from the follow-up page."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.errors import ServiceError

from ..checks import clean_text
from ..models import CitizenRating, Opinion
from ..workflow import CITIZEN, Step
from .common import lock, move


@transaction.atomic
def opinion_rate(*, opinion: Opinion, score: str, comment: str = "") -> CitizenRating:
    """The citizen holding the follow-up link (or number + last four digits) rates the outcome once it is
    answered, solved or closed. The comment is kept on the rating, not in the event."""
    opinion = lock(opinion)
    if CitizenRating.objects.filter(opinion=opinion).exists():
        raise ServiceError("already_rated", _("You have already rated this outcome."), status=409)
    if score not in CitizenRating.Score.values:
        raise ServiceError("invalid", _("Choose how satisfied you are."), field="score")
    comment = clean_text(comment, field="comment", max_length=500)
    move(opinion, actor=None, step=Step.RATE, role=CITIZEN, payload={"score": score})
    return CitizenRating.objects.create(
        opinion=opinion, score=score, comment=comment, created_at=timezone.now()
    )
