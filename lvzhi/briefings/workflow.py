"""The states of a briefing and the steps between them.

A briefing is written as a draft (its text, issuer, recipients and files may change), published once (its
recipients are fixed then: one read receipt per person), and may be withdrawn with a reason (it vanishes from
the deputies' lists; its receipts stay for the record).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being written; only the office sees it
    PUBLISHED = (
        "published",
        pgettext_lazy("briefing state", "Published"),
    )  # sent to its recipients, who read it
    WITHDRAWN = "withdrawn", _("Withdrawn")  # taken back with a reason; deputies no longer see it


class Step(models.TextChoices):
    EDIT = "edit", _("Edit")
    PUBLISH = "publish", _("Publish")
    WITHDRAW = "withdraw", _("Withdraw")
    REMIND = "remind", _("Remind the unread")


# (from state, step) → to state; every step is the office's (staff of the briefing's congress).
STEPS: dict[tuple[str, str], str] = {
    (State.DRAFT, Step.EDIT): State.DRAFT,
    (State.DRAFT, Step.PUBLISH): State.PUBLISHED,
    (State.PUBLISHED, Step.WITHDRAW): State.WITHDRAWN,
    (State.PUBLISHED, Step.REMIND): State.PUBLISHED,
}


def allowed(state: str, step: str) -> bool:
    return (state, step) in STEPS
