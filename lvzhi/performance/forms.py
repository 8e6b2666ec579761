"""Forms of the performance pages: they parse input; the services decide (their refusals land on the form)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lvzhi.core.forms import DateInput, within_sane_span
from lvzhi.org.models import Congress
from lvzhi.suggestions.attachments import ALLOWED_TYPES

from . import presets
from .models import Period, RuleItem

ACCEPT = ",".join(f".{e}" for e in ALLOWED_TYPES)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the services check each one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _kind_choices(kinds, *, exclude_source_only: bool = False):
    from .services.activities import SOURCE_ONLY

    return [("", "—")] + [
        (k.pk, k.label) for k in kinds if not (exclude_source_only and k.is_builtin and k.code in SOURCE_ONLY)
    ]


class ActivityForm(forms.Form):
    """A deputy registers its own activity."""

    mandate = forms.TypedChoiceField(label=_("As deputy of"), coerce=int, empty_value=None)
    kind = forms.TypedChoiceField(label=_("Kind"), coerce=int, empty_value=None)
    date = forms.DateField(label=_("Date"), widget=DateInput(), validators=[within_sane_span])
    title = forms.CharField(
        label=_("Activity title"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = MultipleFileField(
        label=_("Evidence"),
        required=False,
        help_text=_(
            "Photos, a sign-in sheet or minutes: PDF, Word, Excel, JPG or PNG, up to 5 files of 10 MB."
        ),
    )

    def __init__(self, *args, mandates=(), kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        mandates = list(mandates)
        self.fields["mandate"].choices = [(m.pk, m.congress.name) for m in mandates]
        if len(mandates) == 1:
            self.fields["mandate"].initial = mandates[0].pk
            self.fields["mandate"].widget = forms.HiddenInput()
        self.fields["kind"].choices = _kind_choices(kinds, exclude_source_only=True)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. no evidence")}),
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=forms.FileInput(attrs={"accept": ACCEPT}))


class GroupActivityForm(forms.Form):
    """Staff register an activity for all its participants: a group's members, or deputies chosen."""

    congress = forms.TypedChoiceField(label=_("Congress"), coerce=int, empty_value=None)
    kind = forms.TypedChoiceField(label=_("Kind"), coerce=int, empty_value=None)
    date = forms.DateField(label=_("Date"), widget=DateInput(), validators=[within_sane_span])
    title = forms.CharField(label=_("Activity title"), max_length=120)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    group = forms.TypedChoiceField(
        label=_("Deputy group"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("With a group and no deputies ticked, every member serving on the date takes part."),
    )
    mandates = forms.TypedMultipleChoiceField(
        label=_("Participants"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    files = MultipleFileField(label=_("Evidence"), required=False)

    def __init__(self, *args, congresses=(), kinds=(), groups=(), mandates=(), **kwargs):
        super().__init__(*args, **kwargs)
        congresses = list(congresses)
        self.fields["congress"].choices = [(c.pk, c.name) for c in congresses]
        if len(congresses) == 1:
            self.fields["congress"].initial = congresses[0].pk
            self.fields["congress"].widget = forms.HiddenInput()
        self.fields["kind"].choices = _kind_choices(kinds)
        self.fields["group"].choices = [("", "—")] + [(g.pk, g.name) for g in groups]
        self.fields["mandates"].choices = [(m.pk, m.person.name) for m in mandates]


class PresetForm(forms.Form):
    preset = forms.ChoiceField(label=_("Preset"), choices=presets.choices)
    congress = forms.TypedChoiceField(label=_("Congress"), coerce=int, empty_value=None)

    def __init__(self, *args, congresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        congresses = list(congresses)
        self.fields["congress"].choices = [(c.pk, c.name) for c in congresses]
        if len(congresses) == 1:
            self.fields["congress"].initial = congresses[0].pk
            self.fields["congress"].widget = forms.HiddenInput()


class KindForm(forms.Form):
    congress = forms.TypedChoiceField(label=_("Congress"), coerce=int, empty_value=None)
    name = forms.CharField(label=_("Name of the kind"), max_length=60)
    is_recess = forms.BooleanField(label=_("Counts as a recess activity"), required=False)

    def __init__(self, *args, congresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        congresses = list(congresses)
        self.fields["congress"].choices = [(c.pk, c.name) for c in congresses]
        if len(congresses) == 1:
            self.fields["congress"].initial = congresses[0].pk
            self.fields["congress"].widget = forms.HiddenInput()


class RuleSetForm(forms.Form):
    name = forms.CharField(label=_("Name of the rule set"), max_length=80)
    effective_from = forms.DateField(
        label=_("Effective from"), widget=DateInput(), validators=[within_sane_span]
    )


class RuleItemForm(forms.Form):
    name = forms.CharField(label=_("Name of the rule"), max_length=80)
    kinds = forms.TypedMultipleChoiceField(
        label=_("Activity kinds (counted together)"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    minimum = forms.IntegerField(label=_("At least"), min_value=1, max_value=999)
    period = forms.ChoiceField(label=_("Per"), choices=Period.choices)
    applies_to = forms.ChoiceField(label=_("Applies to"), choices=RuleItem.Applies.choices)
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *Congress.Level.choices], required=False)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(k.pk, k.label) for k in kinds]


class StarForm(forms.Form):
    period = forms.ChoiceField(label=_("Per"), choices=Period.choices)
    one = forms.IntegerField(label=_("Points for one star"), min_value=1, max_value=100000)
    two = forms.IntegerField(label=_("Points for two stars"), min_value=1, max_value=100000)
    three = forms.IntegerField(label=_("Points for three stars"), min_value=1, max_value=100000)
    four = forms.IntegerField(label=_("Points for four stars"), min_value=1, max_value=100000)
    five = forms.IntegerField(label=_("Points for five stars"), min_value=1, max_value=100000)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_fields = []
        for k in kinds:
            name = f"points_{k.pk}"
            self.fields[name] = forms.IntegerField(
                label=k.label, min_value=0, max_value=100, required=False, initial=0
            )
            self.kind_fields.append((k, name))

    def points(self) -> dict[int, int]:
        return {k.pk: self.cleaned_data.get(name) or 0 for k, name in self.kind_fields}

    def thresholds(self) -> list[int]:
        return [self.cleaned_data[f] for f in ("one", "two", "three", "four", "five")]
