"""Forms of the recess consultation list's pages. They parse what was typed; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lvzhi.org.models import Unit

from .models import ConsultationItem, ConsultationList, Suggestion


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


def _units_field(
    consultation_list: ConsultationList, *, label, required: bool, help_text=""
) -> UnitChoiceField:
    return UnitChoiceField(
        label=label,
        queryset=Unit.objects.filter(congress_id=consultation_list.congress_id, is_active=True).order_by(
            "kind", "pk"
        ),
        required=required,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
    )


class ListForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, congresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(congresses) > 1:
            self.fields["congress"] = forms.TypedChoiceField(
                label=_("Congress"), choices=[(c.pk, c.name) for c in congresses], coerce=int
            )
            self.order_fields(["congress", "title", "year"])


class SuggestionItemForm(forms.Form):
    suggestion = forms.ModelChoiceField(
        label=_("Suggestion"),
        queryset=Suggestion.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose a suggestion from the list below.")},
    )
    summary = forms.CharField(
        label=_("Issue"),
        required=False,
        max_length=2000,
        help_text=_("Left empty, the suggestion's title is used."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, consultation_list: ConsultationList, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggestion"].queryset = candidates
        self.fields["units"] = _units_field(
            consultation_list,
            label=_("Units concerned"),
            required=True,
            help_text=_("The units handling it are ticked; add or remove as the meeting needs."),
        )


class TextItemForm(forms.Form):
    summary = forms.CharField(label=_("Issue"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_(
            "Where the opinion was gathered, e.g. a station's reception day and how many people raised it."
        ),
    )

    def __init__(self, *args, consultation_list: ConsultationList, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"] = _units_field(consultation_list, label=_("Units concerned"), required=True)


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ConsultationItem) -> str:
        summary = obj.summary if len(obj.summary) <= 60 else obj.summary[:60] + "…"
        return f"{obj.position}. {summary}"


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.CharField(
        label=_("Who attended"),
        max_length=2000,
        help_text=_("The heads of the units concerned and the congress's leaders, with their posts."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, consultation_list: ConsultationList, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"] = ItemChoiceField(
            label=_("Items discussed"),
            queryset=consultation_list.items.order_by("position", "pk"),
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["units"] = _units_field(
            consultation_list,
            label=_("Units whose heads attended"),
            required=False,
            help_text=_("Left empty, the units of the items discussed."),
        )
        self.order_fields(["held_on", "items", "attendees", "units", "notes"])

    def clean_units(self):
        units = self.cleaned_data.get("units")
        return list(units) if units else None  # None: the service takes the items' units


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
