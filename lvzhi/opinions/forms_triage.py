"""Forms of the staff triage pages and the unit's page: the queue's filters (read from the query string, a bad
value dropped), the entry of an opinion given in person, and one small form per action. The services check
again and decide; a refusal is put back on the form, which keeps what was typed."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lvzhi.core.params import clean_query

from .models import Opinion
from .services.triage import ENTRY_SOURCES, NOTE_MAX
from .workflow import State

ANSWER_MAX = 2000


def _choices(rows, label, empty):
    return [("", empty)] + [(str(r.pk), label(r)) for r in rows]


class QueueFilterForm(forms.Form):
    number = forms.CharField(label=_("Tracking number"), required=False, max_length=20)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *State.choices]
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("Any source")), *Opinion.Source.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Any category")), *Opinion.Category.choices]
    )
    congress = forms.ChoiceField(label=_("District"), required=False)
    station = forms.ChoiceField(label=_("Station"), required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    urgent = forms.BooleanField(label=_("Urgent only"), required=False)
    ack_overdue = forms.BooleanField(label=_("Acknowledgement overdue"), required=False)
    unit_overdue = forms.BooleanField(label=_("Unit's answer overdue"), required=False)

    def __init__(self, *args, congresses, stations, tags, **kwargs):
        super().__init__(*args, **kwargs)
        if len(congresses) > 1:
            self.fields["congress"].choices = _choices(congresses, lambda c: c.name, _("Any district"))
        else:
            del self.fields["congress"]
        if len(stations) > 1:
            self.fields["station"].choices = _choices(stations, lambda s: s.name, _("Any station"))
        else:
            del self.fields["station"]
        self.fields["tag"].choices = _choices(tags, lambda t: t.name, _("Any tag"))

    def clean_number(self):
        return clean_query(self.cleaned_data.get("number"), 20)


class EntryForm(forms.Form):
    """An opinion a citizen gave in person or on paper, typed in by staff."""

    congress = forms.ChoiceField(label=_("Congress"), required=False)
    station = forms.ChoiceField(label=_("Station"), required=False)
    mandate = forms.ChoiceField(
        label=_("Deputy it is addressed to"),
        required=False,
        help_text=_("Optional: the deputy is told and sees it in the inbox."),
    )
    source = forms.ChoiceField(
        label=_("Where it was given"),
        choices=[(s.value, s.label) for s in ENTRY_SOURCES],
        initial=Opinion.Source.STATION,
    )
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("opinion", "Kind"), choices=Opinion.Kind.choices, initial=Opinion.Kind.OPINION
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("— choose —")), *Opinion.Category.choices]
    )
    content = forms.CharField(
        label=_("Content"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": settings.LVZHI_OPINION_CONTENT_MAX}),
    )
    place = forms.CharField(label=_("Place"), required=False, strip=False, max_length=100)
    citizen_name = forms.CharField(label=_("Citizen's name"), required=False, strip=False, max_length=40)
    phone = forms.CharField(
        label=_("Mobile"), required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    wants_callback = forms.BooleanField(label=_("Wants a call back"), required=False)
    preferred_times = forms.CharField(
        label=_("Preferred times for a meeting"), required=False, strip=False, max_length=200
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    consent = forms.BooleanField(
        label=_("The citizen agreed that the personal data given be used to handle the opinion"),
        required=False,
    )

    def __init__(self, *args, congresses, stations, mandates, station_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if len(congresses) > 1:
            self.fields["congress"].choices = [(str(c.pk), c.name) for c in congresses]
            self.fields["congress"].required = True
        else:
            del self.fields["congress"]
        empty = _("— choose —") if station_required else _("None")
        self.fields["station"].choices = _choices(stations, lambda s: s.name, empty)
        self.fields["station"].required = station_required
        self.fields["mandate"].choices = _choices(
            mandates, lambda m: f"{m.person.name}（{m.congress.short_name}）", _("None")
        )


class TagsForm(forms.Form):
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Separate tags with commas or spaces, e.g. 老旧小区，停车难. New tags are created."),
    )


class UrgentForm(forms.Form):
    urgent = forms.BooleanField(required=False)


class AssignForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    due_on = forms.DateField(
        label=_("Answer due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the congress's usual number of working days."),
    )
    note = forms.CharField(
        label=_("Note to the unit"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _choices(units, lambda u: u.name, _("— choose —"))


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the unit"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX}),
    )


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Answer to the citizen"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": ANSWER_MAX}),
    )
