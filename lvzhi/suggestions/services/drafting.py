"""The deputy's side before review: drafts, co-signers, submission, withdrawal."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.calendar import add_working_days
from lvzhi.core.errors import ServiceError
from lvzhi.org.fields import SubjectField
from lvzhi.org.models import Mandate, Session
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for
from lvzhi.performance.services import sources as performance_sources

from .. import events
from ..models import Signer, Suggestion
from ..workflow import EDITABLE_STATES, Step
from .common import lock, move, refuse, rules, today
from .notices import staff_of, tell


def _clean_text(*, title: str, field: str, body: str) -> tuple[str, str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ServiceError(
            "title_required", _("Give the suggestion a title, e.g. “关于……的建议”."), field="title"
        )
    if len(title) > 200:
        raise ServiceError("title_too_long", _("Keep the title under 200 characters."), field="title")
    if field not in SubjectField.values:
        raise ServiceError("field_required", _("Choose the field the suggestion concerns."), field="field")
    if len(body) < 20:
        raise ServiceError(
            "body_too_short", _("Write out the suggestion: at least 20 characters."), field="body"
        )
    return title, field, body


def session_on(mandate: Mandate, day) -> Session | None:
    """The session of the mandate's term in progress on `day`; None in recess."""
    return Session.objects.filter(term_id=mandate.term_id, start_date__lte=day, end_date__gte=day).first()


@transaction.atomic
def suggestion_create(
    *, actor, mandate: Mandate, title: str, field: str, body: str, kind: str = Suggestion.Kind.SUGGESTION
) -> Suggestion:
    if mandate.pk not in scope_for(actor).mandate_ids or not mandate.is_current():
        raise refuse("not_your_mandate", _("You can only write suggestions as a serving deputy yourself."))
    if kind not in Suggestion.Kind.values:
        raise ServiceError("kind_invalid", _("Choose motion or suggestion."), field="kind")
    title, field, body = _clean_text(title=title, field=field, body=body)
    suggestion = Suggestion.objects.create(
        congress_id=mandate.congress_id,
        term_id=mandate.term_id,
        session=session_on(mandate, today()),
        kind=kind,
        title=title,
        field=field,
        body=body,
        author=mandate,
    )
    Signer.objects.create(
        suggestion=suggestion, mandate=mandate, role=Signer.Role.AUTHOR, confirmed_at=timezone.now()
    )
    record_event(actor=actor, kind=events.CREATED, target=suggestion, to_state=suggestion.state)
    return suggestion


def _author_editing(actor, suggestion: Suggestion) -> Suggestion:
    suggestion = lock(suggestion)
    if suggestion.author_id not in scope_for(actor).mandate_ids:
        raise refuse()
    if suggestion.state not in EDITABLE_STATES:
        raise ServiceError("not_editable", _("The suggestion can no longer be changed."), status=409)
    return suggestion


@transaction.atomic
def suggestion_update(
    *, actor, suggestion: Suggestion, title: str, field: str, body: str, kind: str
) -> Suggestion:
    suggestion = _author_editing(actor, suggestion)
    if kind not in Suggestion.Kind.values:
        raise ServiceError("kind_invalid", _("Choose motion or suggestion."), field="kind")
    title, field, body = _clean_text(title=title, field=field, body=body)
    changed = [
        f
        for f, v in (("title", title), ("field", field), ("body", body), ("kind", kind))
        if getattr(suggestion, f) != v
    ]
    suggestion.title, suggestion.field, suggestion.body, suggestion.kind = title, field, body, kind
    suggestion.save(update_fields=["title", "field", "body", "kind", "updated_at"])
    record_event(actor=actor, kind=events.UPDATED, target=suggestion, payload={"changed": changed})
    return suggestion


@transaction.atomic
def signer_invite(*, actor, suggestion: Suggestion, mandate: Mandate) -> Signer:
    suggestion = _author_editing(actor, suggestion)
    if mandate.congress_id != suggestion.congress_id or not mandate.is_current():
        raise ServiceError(
            "cosigner_not_eligible",
            _("Co-signers must be serving deputies of the same congress."),
            field="mandate",
        )
    try:
        with transaction.atomic():
            signer = Signer.objects.create(suggestion=suggestion, mandate=mandate, role=Signer.Role.COSIGNER)
    except IntegrityError:
        raise ServiceError(
            "already_signer", _("This deputy is already on the suggestion."), status=409
        ) from None
    record_event(actor=actor, kind=events.SIGNER_INVITED, target=suggestion, payload={"mandate": mandate.pk})
    from lvzhi.org.models import User

    tell(
        User.objects.filter(person_id=mandate.person_id, is_active=True),
        suggestion=suggestion,
        cause=f"invite:{mandate.pk}",
        subject=_("You are invited to co-sign “%(title)s”") % {"title": suggestion.title},
    )
    return signer


@transaction.atomic
def signer_respond(*, actor, signer: Signer, confirm: bool) -> Signer:
    signer = Signer.objects.select_for_update().select_related("suggestion").get(pk=signer.pk)
    if signer.mandate_id not in scope_for(actor).mandate_ids or signer.role != Signer.Role.COSIGNER:
        raise refuse()
    if signer.suggestion.state not in (*EDITABLE_STATES, "submitted"):
        raise ServiceError("not_editable", _("The suggestion can no longer be co-signed."), status=409)
    if signer.confirmed_at or signer.declined_at:
        raise ServiceError("already_answered", _("You have already answered this invitation."), status=409)
    if confirm:
        signer.confirmed_at = timezone.now()
    else:
        signer.declined_at = timezone.now()
    signer.save(update_fields=["confirmed_at", "declined_at"])
    record_event(
        actor=actor,
        kind=events.SIGNER_CONFIRMED if confirm else events.SIGNER_DECLINED,
        target=signer.suggestion,
        payload={"mandate": signer.mandate_id},
    )
    return signer


def confirmed_cosigners(suggestion: Suggestion) -> int:
    return suggestion.signers.filter(role=Signer.Role.COSIGNER, confirmed_at__isnull=False).count()


@transaction.atomic
def suggestion_submit(*, actor, suggestion: Suggestion) -> Suggestion:
    suggestion = _author_editing(actor, suggestion)
    if suggestion.kind == Suggestion.Kind.MOTION:
        minimum = rules(suggestion)["motion_cosigner_minimum"]
        have = confirmed_cosigners(suggestion)
        if have < minimum:
            raise ServiceError(
                "motion_needs_cosigners",
                _(
                    "A motion needs %(minimum)s confirmed co-signers; it has %(have)s. "
                    "Wait for more confirmations, or submit it as a suggestion."
                )
                % {"minimum": minimum, "have": have},
                status=409,
            )
    received = today()
    suggestion.submitted_at = timezone.now()
    suggestion.received_on = received
    suggestion.return_reason = ""
    if suggestion.session_id is None:
        # Recess suggestions are assigned within N working days of receipt.
        suggestion.assign_due = add_working_days(received, rules(suggestion)["recess_assign_working_days"])
    move(
        suggestion,
        actor=actor,
        step=Step.SUBMIT,
        role=Role.DEPUTY,
        fields=("submitted_at", "received_on", "assign_due", "return_reason"),
    )
    # Counts as the authors' performance activity (履职), once per deputy, in this transaction.
    performance_sources.suggestion_submitted(suggestion=suggestion, actor=actor)
    tell(
        staff_of(suggestion.congress_id),
        suggestion=suggestion,
        cause=f"submitted:{suggestion.submitted_at:%Y%m%d%H%M%S}",
        subject=_("New suggestion to review: %(title)s") % {"title": suggestion.title},
    )
    return suggestion


@transaction.atomic
def suggestion_withdraw(*, actor, suggestion: Suggestion, reason: str = "") -> Suggestion:
    suggestion = lock(suggestion)
    if suggestion.author_id not in scope_for(actor).mandate_ids:
        raise refuse()
    return move(suggestion, actor=actor, step=Step.WITHDRAW, role=Role.DEPUTY, note=reason.strip())
