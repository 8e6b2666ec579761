"""Opinions raised in a contact and where they go next.

An opinion a deputy raised is noted on the contact. From there it can go on to the citizens' opinions store
(the office enters it through the opinions app's own staff-entry service, `opinion_enter`, so the store's
loop — acknowledgement clock, triage, a unit, an answer — applies to it; a member or a committee asks the
office to do so), or become a suggestion: the member proposes it, and the deputy who raised it saves a draft
through the suggestions app's own drafting service, prefilled from the opinion, which the deputy finishes
and submits on the suggestion's page. Each step records an event on the raised opinion, and the opinion or
suggestion it became records one naming the contact, so each side shows the other.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.core.notifications import notify
from lvzhi.org.models import Mandate, RoleAssignment, User
from lvzhi.org.permissions import can_manage_congress
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for

from .. import events
from ..contactors import Contactor, can_log_for
from ..models import Contact, RaisedOpinion
from ..workflow import TRANSITIONS, Step, allowed
from .common import clean_text, refuse

CONTENT_MIN, CONTENT_MAX = 5, 2000
NEXT_KEEP, NEXT_OFFICE, NEXT_SUGGESTION = "keep", "office", "suggestion"
NEXT_STEPS = (NEXT_KEEP, NEXT_OFFICE, NEXT_SUGGESTION)
# The opinions store takes items received within the last 90 days (opinions.services.triage.opinion_enter).
STORE_WINDOW = dt.timedelta(days=90)
_CLAUSE_END = re.compile(r"[，。！？；,.!?;\n]")
TITLE_SUBJECT_MAX = 40


@dataclass(frozen=True)
class RaisedInput:
    content: str
    category: str
    mandate: Mandate | None = None
    next_step: str = NEXT_KEEP


def _categories() -> list[str]:
    from lvzhi.opinions.models import Opinion

    return list(Opinion.Category.values)


def _lock(raised: RaisedOpinion) -> RaisedOpinion:
    RaisedOpinion.objects.select_for_update().filter(pk=raised.pk).first()
    return RaisedOpinion.objects.select_related(
        "contact__congress", "contact__member", "contact__committee", "mandate__person", "congress"
    ).get(pk=raised.pk)


def _move(raised: RaisedOpinion, *, actor, step: str, kind: str, fields=(), payload=None, note="") -> None:
    if not allowed(raised.state, step):
        raise ServiceError(
            "wrong_state",
            _("This is not possible while the opinion is “%(state)s”.")
            % {"state": raised.get_state_display()},
            status=409,
        )
    before = raised.state
    raised.state = TRANSITIONS[(before, step)]
    raised.save(update_fields=["state", "updated_at", *fields])
    record_event(
        actor=actor,
        kind=kind,
        target=raised,
        from_state=before,
        to_state=raised.state,
        note=note,
        payload={"raised": raised.pk, "contact": raised.contact_id, **(payload or {})},
    )


def _add_raised(*, actor, contact: Contact, item: RaisedInput, deputies) -> RaisedOpinion:
    content = clean_text(
        item.content,
        field="content",
        label=_("Opinion raised"),
        max_length=CONTENT_MAX,
        min_length=CONTENT_MIN,
        required=True,
    )
    if item.category not in _categories():
        raise ServiceError("category_invalid", _("Choose what the opinion is about."), field="category")
    if item.mandate is not None and item.mandate.pk not in {m.pk for m in deputies}:
        raise ServiceError(
            "raiser_not_in_contact",
            _("Choose one of the deputies of this contact as the one who raised it."),
            field="mandate",
        )
    if item.next_step == NEXT_SUGGESTION and item.mandate is None:
        raise ServiceError(
            "raiser_required",
            _("To propose it as a suggestion, say which deputy raised it."),
            field="mandate",
        )
    raised = RaisedOpinion.objects.create(
        contact=contact,
        congress_id=contact.congress_id,
        mandate=item.mandate,
        category=item.category,
        content=content,
        created_by=actor,
    )
    record_event(
        actor=actor,
        kind=events.OPINION_RAISED,
        target=raised,
        to_state=raised.state,
        payload={
            "raised": raised.pk,
            "contact": contact.pk,
            "mandate": item.mandate.pk if item.mandate else None,
        },
    )
    if item.next_step == NEXT_OFFICE:
        _request_entry(actor, raised)
    elif item.next_step == NEXT_SUGGESTION:
        _propose(actor, raised)
    return raised


@transaction.atomic
def raised_add(*, actor, contact: Contact, item: RaisedInput) -> RaisedOpinion:
    """Note one more opinion raised in a logged contact (and send it on, if asked)."""
    contact = Contact.objects.select_related("congress", "member", "committee").get(pk=contact.pk)
    if not can_log_for(actor, Contactor.of(contact)):
        raise refuse(
            _("Only the member, the committee's staff or the deputy-affairs staff may add to this contact.")
        )
    if item.next_step not in NEXT_STEPS:
        raise ServiceError("next_invalid", _("Choose what should happen to the opinion."), field="next_step")
    deputies = list(contact.deputies.all())
    return _add_raised(actor=actor, contact=contact, item=item, deputies=deputies)


def _from_note(raised: RaisedOpinion) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("From a contact with deputies on %(day)s: %(topic)s") % {
            "day": raised.contact.date.isoformat(),
            "topic": raised.contact.topic,
        }


# --- on to the opinions store -------------------------------------------------------------------------
def _office_of(congress_id: int):
    ids = RoleAssignment.objects.filter(role=Role.STAFF, congress_id=congress_id, is_active=True).values(
        "user_id"
    )
    return User.objects.filter(pk__in=ids, is_active=True)


def _request_entry(actor, raised: RaisedOpinion) -> None:
    _move(raised, actor=actor, step=Step.REQUEST_ENTRY, kind=events.ENTRY_REQUESTED)
    url = reverse("liaison:raised_enter", args=[raised.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = _(
            "An opinion raised in a contact with deputies waits to be entered into the opinions store"
        )
    for user in _office_of(raised.congress_id):
        notify(recipient=user, cause=f"liaison-entry:{raised.pk}", subject=subject, url=url)


@transaction.atomic
def raised_request_entry(*, actor, raised: RaisedOpinion) -> RaisedOpinion:
    """The member or the committee asks the office to enter the opinion into the opinions store."""
    raised = _lock(raised)
    if not can_log_for(actor, Contactor.of(raised.contact)):
        raise refuse()
    _request_entry(actor, raised)
    return raised


@transaction.atomic
def raised_enter(
    *, actor, raised: RaisedOpinion, category: str, content: str, urgent: bool = False, place: str = ""
):
    """The office enters the opinion into the citizens' opinions store (opinion_enter, source "entered by
    staff"), so it is triaged, assigned to a unit and answered like any other; linked both ways."""
    from lvzhi.opinions.models import Opinion
    from lvzhi.opinions.services.triage import opinion_enter

    raised = _lock(raised)
    if not can_manage_congress(actor, raised.congress_id):
        raise refuse(
            _("Only the deputy-affairs staff of the congress enter opinions into the opinions store.")
        )
    if not allowed(raised.state, Step.ENTER):
        _move(raised, actor=actor, step=Step.ENTER, kind=events.ENTERED_INTO_STORE)  # raises wrong_state
    today = timezone.localdate()
    received = (
        raised.contact.date if raised.contact.date >= today - STORE_WINDOW + dt.timedelta(days=1) else today
    )
    with translation.override(settings.LANGUAGE_CODE):
        where = place or _("Contact with deputies: %(contactor)s") % {
            "contactor": raised.contact.contactor_name
        }
    entered = opinion_enter(
        actor=actor,
        source=Opinion.Source.STAFF,
        kind=Opinion.Kind.OPINION,
        category=category,
        content=content,
        consent=True,  # a deputy's opinion: no citizen's personal data is given
        congress=raised.congress,
        place=where[:100],
        urgent=bool(urgent),
        received_on=received,
    )
    opinion = entered.opinion
    raised.opinion = opinion
    _move(
        raised,
        actor=actor,
        step=Step.ENTER,
        kind=events.ENTERED_INTO_STORE,
        fields=("opinion",),
        payload={"opinion_id": opinion.pk},
    )
    record_event(
        actor=actor,
        kind=events.FROM_CONTACT,
        target=opinion,
        note=_from_note(raised),
        payload={"raised": raised.pk, "contact": raised.contact_id},
    )
    return opinion


# --- on to a suggestion ------------------------------------------------------------------------------------
def _propose(actor, raised: RaisedOpinion) -> None:
    if raised.mandate_id is None:
        raise ServiceError(
            "raiser_required",
            _("To propose it as a suggestion, say which deputy raised it."),
            field="mandate",
        )
    mandate = Mandate.objects.select_related("person").get(pk=raised.mandate_id)
    if not mandate.is_current():
        raise ServiceError(
            "deputy_not_serving",
            _("%(name)s no longer serves as a deputy.") % {"name": mandate.person.name},
            field="mandate",
        )
    _move(
        raised,
        actor=actor,
        step=Step.PROPOSE,
        kind=events.SUGGESTION_PROPOSED,
        payload={"mandate": mandate.pk},
    )
    url = reverse("liaison:raised_draft", args=[raised.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(contactor)s proposes that you write a suggestion from the opinion you raised") % {
            "contactor": raised.contact.contactor_name
        }
    for user in User.objects.filter(person_id=mandate.person_id, is_active=True):
        notify(recipient=user, cause=f"liaison-propose:{raised.pk}", subject=subject, url=url)


@transaction.atomic
def raised_propose(*, actor, raised: RaisedOpinion) -> RaisedOpinion:
    """The member, the committee or the office proposes the opinion to the deputy as a suggestion."""
    raised = _lock(raised)
    if not can_log_for(actor, Contactor.of(raised.contact)):
        raise refuse()
    _propose(actor, raised)
    return raised


def may_draft(user, raised: RaisedOpinion) -> bool:
    """The deputy who raised it, while serving, and while it has not gone elsewhere."""
    return (
        raised.mandate_id is not None
        and raised.mandate_id in scope_for(user).mandate_ids
        and allowed(raised.state, Step.DRAFT)
    )


def suggestion_draft_of(raised: RaisedOpinion) -> dict:
    """What the draft starts from: "关于……的建议" from the opinion's first clause, the field of its
    category (as the opinions inbox does), and the text with where it came from."""
    from lvzhi.opinions.services.inbox import FIELD_OF_CATEGORY
    from lvzhi.org.fields import SubjectField

    first = _CLAUSE_END.split(raised.content.strip(), maxsplit=1)[0].strip()
    subject = first[:TITLE_SUBJECT_MAX] or raised.category_label()
    title = subject if subject.startswith("关于") and subject.endswith("建议") else f"关于{subject}的建议"
    with translation.override(settings.LANGUAGE_CODE):
        source = _("Raised in a contact with %(contactor)s on %(day)s") % {
            "contactor": raised.contact.contactor_name,
            "day": raised.contact.date.isoformat(),
        }
    return {
        "title": title,
        "field": FIELD_OF_CATEGORY.get(raised.category, SubjectField.OTHER),
        "body": f"{raised.content.strip()}\n\n（{source}）",
        "kind": "suggestion",
    }


@transaction.atomic
def raised_draft(
    *, actor, raised: RaisedOpinion, title: str, field: str, body: str, kind: str = "suggestion"
):
    """The deputy who raised the opinion saves a draft suggestion from it, through the suggestions app's own
    drafting service (its rules apply); the raised opinion points at it, its history names the contact."""
    from lvzhi.suggestions.services import drafting

    raised = _lock(raised)
    if raised.mandate_id is None or raised.mandate_id not in scope_for(actor).mandate_ids:
        raise refuse(_("Only the deputy who raised the opinion can draft a suggestion from it."))
    if not allowed(raised.state, Step.DRAFT):
        _move(raised, actor=actor, step=Step.DRAFT, kind=events.SUGGESTION_DRAFTED)  # raises wrong_state
    suggestion = drafting.suggestion_create(
        actor=actor, mandate=raised.mandate, title=title, field=field, body=body, kind=kind
    )
    raised.suggestion = suggestion
    _move(
        raised,
        actor=actor,
        step=Step.DRAFT,
        kind=events.SUGGESTION_DRAFTED,
        fields=("suggestion",),
        payload={"suggestion": suggestion.pk},
    )
    record_event(
        actor=actor,
        kind=events.FROM_CONTACT,
        target=suggestion,
        note=_from_note(raised),
        payload={"raised": raised.pk, "contact": raised.contact_id},
    )
    return suggestion
