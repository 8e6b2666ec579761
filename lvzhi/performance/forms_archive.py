"""Forms of the archive pages: recording a report to the electors (the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lvzhi.core.forms import DateInput, within_sane_span

MAX_COUNT = 1_000_000


def _count(label, *, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_COUNT,
        required=required,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ElectorReportForm(forms.Form):
    """Staff record a deputy's report to its electors and the electors' evaluation of it."""

    year = forms.TypedChoiceField(label=_("Year reported on"), coerce=int, empty_value=None)
    held_on = forms.DateField(label=_("Meeting date"), widget=DateInput(), validators=[within_sane_span])
    place = forms.CharField(label=_("Place"), max_length=120)
    electors_present = _count(_("Electors present"), required=True)
    satisfied = _count(_("Satisfied"))
    basic = _count(_("Basically satisfied"))
    dissatisfied = _count(_("Dissatisfied"))
    notes = forms.CharField(
        label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
