"""Forms of the training pages: they parse; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lvzhi.core.forms import DateInput, within_sane_span

from .models import Enrolment, TrainingClass


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=DateInput(), validators=[within_sane_span], **kwargs)


class ClassForm(forms.Form):
    congress = forms.TypedChoiceField(label=_("Congress"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=120)
    mode = forms.ChoiceField(label=_("Mode"), choices=TrainingClass.Mode.choices, widget=forms.RadioSelect)
    place = forms.CharField(
        label=_("Place"), max_length=120, required=False, help_text=_("For a class in person.")
    )
    video_url = forms.CharField(
        label=_("Video link"),
        max_length=300,
        required=False,
        help_text=_("For an online class: the address of the course video or live room (https://…)."),
    )
    starts_on = _date(_("First day"))
    ends_on = _date(_("Last day"))
    hours = forms.DecimalField(
        label=_("Class hours"),
        max_digits=5,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal("999.9"),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, max_value=100000, required=False, help_text=_("Empty: no limit.")
    )
    enrol_closes_on = _date(_("Enrolment closes"))
    audience = forms.CharField(
        label=_("For whom"),
        max_length=200,
        required=False,
        help_text=_("E.g. all deputies, newly elected deputies."),
    )
    description = forms.CharField(
        label=_("Content"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
    )

    def __init__(self, *args, congresses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if congresses is None:
            del self.fields["congress"]
        else:
            self.congresses = {c.pk: c for c in congresses}
            self.fields["congress"].choices = [(c.pk, c.name) for c in congresses]

    def clean_congress(self):
        return self.congresses.get(self.cleaned_data["congress"])


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)


class MarkForm(forms.Form):
    """One choice per enrolment of the class: attended or completed, not attended, not recorded yet."""

    def __init__(self, *args, enrolments=(), allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = list(enrolments)
        labels = dict(Enrolment.Status.choices)
        labels[Enrolment.Status.ENROLLED] = _("Not recorded yet")
        choices = [(s, labels[s]) for s in allowed]
        for e in self.enrolments:
            self.fields[f"e_{e.pk}"] = forms.ChoiceField(
                label=e.mandate.person.name, choices=choices, initial=e.status, widget=forms.RadioSelect
            )

    def rows(self):
        return [(e, self[f"e_{e.pk}"]) for e in self.enrolments]

    def marks(self) -> dict[int, str]:
        return {e.pk: self.cleaned_data[f"e_{e.pk}"] for e in self.enrolments}
