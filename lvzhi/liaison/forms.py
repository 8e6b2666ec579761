"""Forms of the liaison pages: they parse what was typed; the services decide (their refusals land here)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lvzhi.core.forms import DateInput, within_sane_span

from .models import Contact
from .services.raised import NEXT_KEEP, NEXT_OFFICE, NEXT_SUGGESTION


def _categories():
    from lvzhi.opinions.models import Opinion

    return [("", "—"), *Opinion.Category.choices]


NEXT_CHOICES = [
    (NEXT_KEEP, _("Keep it in the log")),
    (NEXT_OFFICE, _("Ask the office to enter it into the opinions store")),
    (NEXT_SUGGESTION, _("Propose it to the deputy as a suggestion")),
]


class ContactorField(forms.ChoiceField):
    def __init__(self, *args, contactors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = [("", "—")] + [(c.key, c.label) for c in contactors]


class AssignForm(forms.Form):
    contactor = ContactorField(label=_("Member or committee"))
    mandate = forms.TypedChoiceField(label=_("Deputy"), coerce=int, empty_value=None)
    start_date = forms.DateField(label=_("Contact from"), widget=DateInput(), validators=[within_sane_span])

    def __init__(self, *args, contactors=(), mandates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contactor"] = ContactorField(label=_("Member or committee"), contactors=contactors)
        self.fields["mandate"].choices = [("", "—")] + [
            (m.pk, f"{m.person.name}（{m.congress.short_name or m.congress.name}）") for m in mandates
        ]


class BulkAssignForm(forms.Form):
    contactor = ContactorField(label=_("Member or committee"))
    names = forms.CharField(
        label=_("Deputies"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": "张三\n李四 1234"}),
        help_text=_(
            "One name per line (or separated by “、”). When two deputies share a name, add the last four digits "
            "of the mobile, e.g. “李四 1234”. Nothing is saved while a name is unknown or ambiguous."
        ),
    )
    start_date = forms.DateField(label=_("Contact from"), widget=DateInput(), validators=[within_sane_span])

    def __init__(self, *args, contactors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contactor"] = ContactorField(label=_("Member or committee"), contactors=contactors)
        self.order_fields(["contactor", "names", "start_date"])


class EndForm(forms.Form):
    end_date = forms.DateField(label=_("Contact ends on"), widget=DateInput(), validators=[within_sane_span])
    note = forms.CharField(
        label=_("Why it ends (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the member's term on the committee ended")}),
    )


class ContactForm(forms.Form):
    contactor = ContactorField(label=_("Contact by"))
    date = forms.DateField(label=_("Date"), widget=DateInput(), validators=[within_sane_span])
    mode = forms.ChoiceField(label=_("Way of contact"), choices=[("", "—"), *Contact.Mode.choices])
    deputies = forms.TypedMultipleChoiceField(
        label=_("Deputies contacted"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    topic = forms.CharField(
        label=_("Contact topic"),
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("e.g. a talk with the deputy about parking near the school"),
                "autocomplete": "off",
            }
        ),
    )
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    discussed = forms.CharField(
        label=_("What was discussed"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, contactors=(), deputies=(), fixed_contactor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contactor"] = ContactorField(label=_("Contact by"), contactors=contactors)
        if fixed_contactor is not None or len(contactors) == 1:
            key = fixed_contactor.key if fixed_contactor is not None else contactors[0].key
            self.fields["contactor"].initial = key
            self.fields["contactor"].widget = forms.HiddenInput()
            self.fields["contactor"].required = False  # the page already knows for whom
        self.fields["deputies"].choices = [(m.pk, label) for m, label in deputies]


class RaisedForm(forms.Form):
    """One opinion raised (on the contact form: optional rows; on the contact's page: one more)."""

    content = forms.CharField(
        label=_("Opinion raised"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    category = forms.ChoiceField(label=_("About"), required=False)
    mandate = forms.TypedChoiceField(label=_("Raised by"), coerce=int, empty_value=None, required=False)
    next_step = forms.ChoiceField(label=_("Then"), choices=NEXT_CHOICES, initial=NEXT_KEEP, required=False)

    def __init__(self, *args, deputies=(), required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _categories()
        self.fields["mandate"].choices = [("", "—")] + [(m.pk, label) for m, label in deputies]
        self.is_required = required
        if required:
            self.fields["content"].required = True
            self.fields["category"].required = True

    def has_opinion(self) -> bool:
        return bool((self.cleaned_data.get("content") or "").strip())

    def clean(self):
        data = super().clean()
        data["next_step"] = data.get("next_step") or NEXT_KEEP
        if (data.get("content") or "").strip() and not data.get("category"):
            self.add_error("category", _("Choose what the opinion is about."))
        return data


class EnterForm(forms.Form):
    category = forms.ChoiceField(label=_("About"))
    content = forms.CharField(label=_("Content"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _categories()
