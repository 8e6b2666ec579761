"""Forms of the staff pages for accounts: open an account, deactivate one, grant a role."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from lvzhi.core.params import parse_id

from .privacy import MOBILE_RE, normalise_mobile
from .roles import Role
from .selectors import congresses_managed_by
from .selectors_accounts import grant_targets, people_linkable_by

# Beyond this many people, a drop-down is no help: staff type the person's number instead.
PERSON_SELECT_LIMIT = 300

mobile_validator = RegexValidator(
    MOBILE_RE, _("Enter an 11-digit mobile number starting with 1."), code="invalid_mobile"
)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.congress}"


class AccountCreateForm(forms.Form):
    congress = forms.ModelChoiceField(
        label=_("Congress that manages the account"), queryset=None, empty_label=None
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; used to sign in, together with the mobile number."),
    )
    full_name = forms.CharField(
        label=_("Name"),
        max_length=40,
        required=False,
        help_text=_("May stay empty when the account is linked to a person: the person's name is used."),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        help_text=_("Optional; the user can sign in with it too."),
    )
    person = PersonChoiceField(
        label=_("Linked person (a deputy or a unit's handler)"), queryset=None, required=False
    )

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = congresses_managed_by(user=actor)
        people = people_linkable_by(user=actor).order_by("name", "pk")
        field = self.fields["person"]
        field.queryset = people
        if people.count() > PERSON_SELECT_LIMIT:
            field.widget = forms.NumberInput()
            field.help_text = _("Type the person's number, shown on the deputy's page; leave empty for none.")
        else:
            field.empty_label = _("— none —")

    def clean_mobile(self):
        mobile = normalise_mobile(self.cleaned_data.get("mobile"))
        if mobile:
            mobile_validator(mobile)
        return mobile

    def clean(self):
        data = super().clean()
        if not data.get("full_name") and not data.get("person") and "person" not in self.errors:
            self.add_error("full_name", _("Give the name, or link the account to a person."))
        return data


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (for the record)"),
        max_length=200,
        required=False,
        help_text=_("For example: the mandate ended, or the person changed jobs."),
    )


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    target = forms.ChoiceField(
        label=_("Over"),
        help_text=_(
            "Staff, chair and standing-committee member: the congress. Special-committee staff: the "
            "committee. Station staff: the station. Unit handler: the unit."
        ),
    )

    def __init__(self, actor, account, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "—")] + Role.assignable_choices()
        self.targets = grant_targets(user=actor, account=account)
        groups = [
            (_("Congress"), "congress"),
            (_("Committees"), "committee"),
            (_("Stations"), "station"),
            (_("Units"), "unit"),
        ]
        choices: list = [("", "—")]
        for label, kind in groups:
            options = [(f"{kind}:{obj.pk}", str(obj)) for obj in self.targets[kind]]
            if options:
                choices.append((label, options))
        self.fields["target"].choices = choices

    def clean_target(self):
        kind, _sep, raw = self.cleaned_data["target"].partition(":")
        pk = parse_id(raw)
        obj = self.targets[kind].filter(pk=pk).first() if kind in self.targets and pk else None
        if obj is None:
            raise forms.ValidationError(_("Choose what the role is held over."), code="invalid_target")
        return {kind: obj}

    def service_kwargs(self) -> dict:
        """The role and its one target, as `role_grant` takes them."""
        return {"role": self.cleaned_data["role"], **self.cleaned_data["target"]}
