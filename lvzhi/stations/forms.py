"""Forms of the station pages. Forms parse; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lvzhi.org.forms import CongressChoiceMixin
from lvzhi.org.models import Congress

from .models import Station


class StationForm(CongressChoiceMixin, forms.Form):
    congress = forms.ModelChoiceField(label=_("Congress"), queryset=Congress.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Station.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200)
    opening_hours = forms.CharField(
        label=_("Opening hours"),
        max_length=100,
        required=False,
        help_text=_("For example: reception on the 15th of each odd month, 9–11 am."),
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )

    def __init__(self, *args, managed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if managed is None:
            del self.fields["congress"]
        else:
            self.limit_congress(managed)
