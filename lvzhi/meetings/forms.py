"""Forms of the meetings pages: they parse what was typed (and keep it on a refusal); the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lvzhi.core.errors import ServiceError
from lvzhi.core.forms import DateInput, within_sane_span
from lvzhi.org.fields import SubjectField
from lvzhi.org.models import Committee, Unit

from .checks import clean_id_number, clean_name, clean_observer_phone
from .models import Meeting
from .services.meetings import MeetingData


def _run(check, *args, **kwargs):
    try:
        return check(*args, **kwargs)
    except ServiceError as exc:
        raise ValidationError(exc.message, code=exc.code) from None


def host_choices(congress, *, committees=None) -> list[tuple[str, str]]:
    """The inviting bodies of a congress: its standing committee, its committees, its units of the "one
    government, one commission, two courts". `committees`: limit to these (a committee's own staff)."""
    choices: list[tuple[str, str]] = []
    if committees is None and congress.has_standing_committee:
        choices.append(
            ("standing", str(_("Standing committee of %(congress)s") % {"congress": congress.name}))
        )
    qs = (
        Committee.objects.filter(congress=congress)
        .exclude(kind=Committee.Kind.STANDING)
        .order_by("kind", "pk")
    )
    if committees is not None:
        qs = qs.filter(pk__in=committees)
    choices += [(f"c:{c.pk}", c.name) for c in qs]
    if committees is None:
        units = Unit.objects.filter(congress=congress, is_active=True).order_by("kind", "pk")
        # The court, procuratorate and supervisory commission first: they are who invite deputies most.
        order = {Unit.Kind.COURT: 0, Unit.Kind.PROCURATORATE: 1, Unit.Kind.SUPERVISORY: 2}
        units = sorted(units, key=lambda u: (order.get(u.kind, 9), u.pk))
        choices += [(f"u:{u.pk}", u.name) for u in units]
    return choices


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Deputies are invited to"),
        choices=[("", "—"), *Meeting.Kind.choices],
        error_messages={"required": _("Choose what the deputies are invited to.")},
    )
    host = forms.ChoiceField(label=_("Inviting body"), error_messages={"required": _("Choose who invites.")})
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("e.g. 区人大常委会第二十六次会议, or 视察城区防汛设施建设"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    starts_on = forms.DateField(label=_("First day"), widget=DateInput(), validators=[within_sane_span])
    ends_on = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=DateInput(),
        validators=[within_sane_span],
        help_text=_("Leave empty for a one-day activity."),
    )
    time_text = forms.CharField(
        label=_("Time"), max_length=60, required=False, help_text=_("e.g. 上午9:00–11:30")
    )
    place = forms.CharField(label=_("Place"), max_length=120)
    description = forms.CharField(
        label=_("What it is about"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the deputies invited; the public page shows only the notes for observers."),
    )
    deputy_places = forms.IntegerField(
        label=_("Deputies to invite"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=_("The proposal ticks this many of the best-placed deputies."),
    )
    observers_open = forms.BooleanField(label=_("Citizens may apply to observe"), required=False)
    observer_capacity = forms.IntegerField(
        label=_("Observer places"), required=False, min_value=1, max_value=1000
    )
    observer_closes_on = forms.DateField(
        label=_("Applications close on"), required=False, widget=DateInput(), validators=[within_sane_span]
    )
    observer_notes = forms.CharField(
        label=_("Notes for observers"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. bring your ID card; arrive 30 minutes early; no recording"),
    )

    def __init__(self, *args, congress, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.congress = congress
        self.fields["host"].choices = [("", "—"), *host_choices(congress, committees=committees)]

    def meeting_data(self) -> MeetingData:
        data = self.cleaned_data
        host, committee, unit = Meeting.Host.STANDING, None, None
        raw = data["host"]
        if raw.startswith("c:"):
            host = Meeting.Host.COMMITTEE
            committee = Committee.objects.filter(pk=int(raw[2:]), congress=self.congress).first()
        elif raw.startswith("u:"):
            host = Meeting.Host.UNIT
            unit = Unit.objects.filter(pk=int(raw[2:]), congress=self.congress).first()
        return MeetingData(
            kind=data["kind"],
            host=host,
            host_committee=committee,
            host_unit=unit,
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on") or data["starts_on"],
            time_text=data.get("time_text", ""),
            place=data["place"],
            description=data.get("description", ""),
            deputy_places=data.get("deputy_places"),
            observers_open=data.get("observers_open", False),
            observer_capacity=data.get("observer_capacity") or 0,
            observer_closes_on=data.get("observer_closes_on"),
            observer_notes=data.get("observer_notes", ""),
        )

    @staticmethod
    def initial_of(meeting: Meeting) -> dict:
        host = "standing"
        if meeting.host_committee_id:
            host = f"c:{meeting.host_committee_id}"
        elif meeting.host_unit_id:
            host = f"u:{meeting.host_unit_id}"
        return {
            "kind": meeting.kind,
            "host": host,
            "title": meeting.title,
            "starts_on": meeting.starts_on,
            "ends_on": meeting.ends_on,
            "time_text": meeting.time_text,
            "place": meeting.place,
            "description": meeting.description,
            "deputy_places": meeting.deputy_places,
            "observers_open": meeting.observers_open,
            "observer_capacity": meeting.observer_capacity or None,
            "observer_closes_on": meeting.observer_closes_on,
            "observer_notes": meeting.observer_notes,
        }


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=200)
    presenter = forms.CharField(
        label=_("Reported by"), max_length=60, required=False, help_text=_("e.g. 区教育局")
    )
    fields = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=SubjectField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Deputies whose fields match are proposed first."),
        error_messages={"invalid_choice": _("Choose fields from the list.")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you cannot come"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please say why you cannot come, so the office can plan.")},
    )


class SpeechForm(forms.Form):
    agenda_item = forms.TypedChoiceField(
        label=_("On agenda item"), coerce=int, empty_value=None, required=False
    )
    topic = forms.CharField(label=_("Topic"), max_length=120)
    summary = forms.CharField(label=_("Summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, agenda=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].choices = [("", "—"), *[(a.pk, a.title) for a in agenda]]


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=500, required=False, widget=forms.TextInput())


class ObserverForm(forms.Form):
    """The citizen's application to observe (public page)."""

    name = forms.CharField(
        label=_("Name"),
        required=False,  # checked by clean_name, with a message that says what is missing
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": 40, "autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("Resident ID card number"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": 22, "autocomplete": "off", "inputmode": "text"}),
        help_text=_("18 characters; checked at the entrance against your ID card."),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel", "maxlength": 20}
        ),
        help_text=_("The office calls or texts you with the decision."),
    )
    employer = forms.CharField(
        label=_("Employer"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": 100}),
        help_text=_("Your employer or school; write 无 if you have none."),
    )
    reason = forms.CharField(
        label=_("Why you wish to observe (optional)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the office of the standing committee uses my name, ID card number, mobile number and "
            "employer only to review this application, to check my identity at the entrance and to contact me "
            "about it; they are not published and are deleted after the meeting as the rules say."
        ),
        error_messages={
            "required": _(
                "Please tick the consent box: without your identity details the office cannot admit you."
            )
        },
    )
    # The honeypot: hidden from people (CSS, aria-hidden), filled only by programs.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_name(self):
        return _run(clean_name, self.cleaned_data.get("name"))

    def clean_id_number(self):
        return _run(clean_id_number, self.cleaned_data.get("id_number"))

    def clean_phone(self):
        return _run(clean_observer_phone, self.cleaned_data.get("phone"))

    def clean_employer(self):
        from .services.common import clean_text

        return _run(
            clean_text, self.cleaned_data.get("employer"), field="employer", max_length=100, required=True
        )

    def clean_reason(self):
        from .services.common import clean_text

        return _run(clean_text, self.cleaned_data.get("reason"), field="reason", max_length=500)
