"""What may become of an opinion raised in a contact: the states, and the allowed steps between them.

noted                → awaiting_entry       (request_entry: the member or committee asks the office)
noted/awaiting_entry → entered_store        (enter: the office enters it into the citizens' opinions store)
noted                → suggestion_proposed  (propose: the member, committee or office proposes it to the deputy)
noted/proposed       → suggestion_drafted   (draft: the deputy who raised it writes the draft suggestion)
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import RaisedOpinion

State = RaisedOpinion.State


class Step(models.TextChoices):
    REQUEST_ENTRY = "request_entry", _("Ask the office to enter it into the opinions store")
    ENTER = "enter", _("Enter it into the opinions store")
    PROPOSE = "propose", _("Propose it to the deputy as a suggestion")
    DRAFT = "draft", _("Draft a suggestion from it")


TRANSITIONS: dict[tuple[str, str], str] = {
    (State.NOTED, Step.REQUEST_ENTRY): State.AWAITING_ENTRY,
    (State.NOTED, Step.ENTER): State.ENTERED,
    (State.AWAITING_ENTRY, Step.ENTER): State.ENTERED,
    (State.NOTED, Step.PROPOSE): State.PROPOSED,
    (State.NOTED, Step.DRAFT): State.DRAFTED,
    (State.PROPOSED, Step.DRAFT): State.DRAFTED,
}


def allowed(state: str, step: str) -> bool:
    return (state, step) in TRANSITIONS
