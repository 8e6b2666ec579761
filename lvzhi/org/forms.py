"""Forms of the staff pages that manage the structure of the field. Forms parse; services decide."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import SubjectField
from .models import (
    Committee,
    CommitteeMembership,
    Congress,
    DeputyGroup,
    ElectoralUnit,
    Mandate,
    Person,
    Term,
    Unit,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


def _fields_field(label):
    return forms.MultipleChoiceField(
        label=label, choices=SubjectField.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class CongressChoiceMixin:
    """A `congress` select limited to the congresses the user manages (staff: their own)."""

    def limit_congress(self, managed):
        field = self.fields["congress"]
        field.queryset = Congress.objects.filter(pk__in=[c.pk for c in managed])
        if len(managed) == 1:
            field.initial = managed[0].pk
            field.empty_label = None


# --- deputies -----------------------------------------------------------------------------------


class DeputyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Person.Gender.choices], required=False)
    birth_date = _date(_("Date of birth"), required=False)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=20, required=False)
    party = forms.CharField(label=_("Political affiliation"), max_length=30, required=False)
    occupation = forms.CharField(label=_("Employer and position"), max_length=120, required=False)
    mobile = forms.CharField(
        label=_("Mobile"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none())
    electoral_unit = forms.ModelChoiceField(
        label=_("Electoral unit"), queryset=ElectoralUnit.objects.none(), required=False
    )
    start_date = _date(_("Mandate starts"), help_text=_("A deputy elected mid-term starts on that day."))
    is_grassroots = forms.BooleanField(label=_("Grassroots deputy"), required=False)
    fields = _fields_field(_("Fields of expertise"))

    PERSON_FIELDS = ("name", "gender", "birth_date", "ethnicity", "party", "occupation", "mobile")

    def __init__(self, *args, managed, with_term=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["electoral_unit"].queryset = ElectoralUnit.objects.filter(
            congress__in=managed
        ).select_related("congress")
        if len(managed) > 1:
            self.fields["electoral_unit"].label_from_instance = lambda u: f"{u.congress} · {u.name}"
        if with_term:
            self.fields["term"].queryset = Term.objects.filter(congress__in=managed).select_related(
                "congress"
            )
            self.fields["start_date"].initial = timezone.localdate()
        else:
            del self.fields["term"]

    def person_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in self.PERSON_FIELDS}

    def keep_person_details(self, person: Person) -> None:
        """Show the details another congress registered without letting them be changed (blank ones stay
        open to fill in); a disabled field submits its initial value whatever the browser sends."""
        for key in self.PERSON_FIELDS:
            if getattr(person, key) not in (None, ""):
                self.fields[key].disabled = True

    @classmethod
    def initial_for(cls, mandate: Mandate) -> dict:
        person = mandate.person
        initial = {k: getattr(person, k) for k in cls.PERSON_FIELDS}
        initial.update(
            electoral_unit=mandate.electoral_unit_id,
            start_date=mandate.start_date,
            is_grassroots=mandate.is_grassroots,
            fields=mandate.fields,
        )
        return initial


class MandateEndForm(forms.Form):
    end_date = _date(_("Last day of the mandate"))
    reason = forms.ChoiceField(label=_("Reason"), choices=Mandate.EndReason.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example the decision that ended it. Kept in the history."),
    )


class LeaveForm(forms.Form):
    start_date = _date(_("From"))
    end_date = _date(_("To"))
    reason = forms.CharField(label=_("Reason"), max_length=200)


# --- units, groups --------------------------------------------------------------------------------


class UnitForm(CongressChoiceMixin, forms.Form):
    congress = forms.ModelChoiceField(label=_("Congress"), queryset=Congress.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Unit.Kind.choices)
    name = forms.CharField(label=_("Full name"), max_length=100, help_text=_("As on its seal."))
    short_name = forms.CharField(label=_("Short name"), max_length=30)

    def __init__(self, *args, managed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if managed is None:
            del self.fields["congress"]
        else:
            self.limit_congress(managed)


class GroupForm(CongressChoiceMixin, forms.Form):
    congress = forms.ModelChoiceField(label=_("Congress"), queryset=Congress.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=DeputyGroup.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=80)

    def __init__(self, *args, managed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if managed is None:
            del self.fields["congress"]
        else:
            self.limit_congress(managed)


# --- congress structure ---------------------------------------------------------------------------


class TermForm(forms.Form):
    number = forms.IntegerField(label=_("Term number"), min_value=1, max_value=999)
    start_date = _date(_("Start"))
    end_date = _date(_("End"))


class SessionForm(forms.Form):
    number = forms.IntegerField(label=_("Session number"), min_value=1, max_value=99)
    start_date = _date(_("Opens"))
    end_date = _date(_("Closes"))


class CommitteeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Committee.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=60)
    short_name = forms.CharField(label=_("Short name"), max_length=20, required=False)
    fields = _fields_field(_("Fields it supervises"))


class CommitteeMemberForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    position = forms.ChoiceField(
        label=_("Position"),
        choices=CommitteeMembership.Position.choices,
        initial=CommitteeMembership.Position.MEMBER,
    )
    start_date = _date(_("From"))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        # Two people may share a name: show who registered each.
        self.fields["person"].label_from_instance = lambda p: f"{p.name} · {p.congress}"
        self.fields["start_date"].initial = timezone.localdate()


class EndDateForm(forms.Form):
    end_date = _date(_("Last day"))


class ElectoralUnitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ElectoralUnit.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    lower_congress = forms.ModelChoiceField(
        label=_("Electing congress"),
        queryset=Congress.objects.none(),
        required=False,
        help_text=_("For an electoral unit: the congress one level down that elects."),
    )

    def __init__(self, *args, congress: Congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lower_congress"].queryset = congress.children.all()


# --- settings -------------------------------------------------------------------------------------


class IntSettingForm(forms.Form):
    value = forms.IntegerField(
        label=_("Value"), widget=forms.NumberInput(attrs={"style": "width:6rem", "inputmode": "numeric"})
    )


class ListSettingForm(forms.Form):
    """A list of whole numbers typed as "15, 3" (checked by the setting's own validation)."""

    value = forms.CharField(
        label=_("Value"), max_length=60, widget=forms.TextInput(attrs={"style": "width:8rem"})
    )


class ChoiceSettingForm(forms.Form):
    """One of a setting's listed values (kind "choice")."""

    value = forms.ChoiceField(label=_("Value"))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].choices = list(choices)


class ResultClassForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=4, required=False)
    label = forms.CharField(label=_("Label"), max_length=40, required=False)
    solved = forms.BooleanField(label=_("Counts as solved"), required=False)
    promise = forms.BooleanField(label=_("A promise to carry out"), required=False)
    reference = forms.BooleanField(label=_("Kept for reference"), required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("code")) != bool(data.get("label")):
            raise forms.ValidationError(_("Give both a code and a label, or leave the row empty."))
        return data


ResultClassFormSet = formset_factory(ResultClassForm, extra=2, max_num=10)
