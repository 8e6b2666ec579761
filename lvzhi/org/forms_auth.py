"""Sign-in and password forms."""

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.utils.translation import gettext_lazy as _

from .auth import resolve_login_name


class SignInForm(forms.Form):
    username = forms.CharField(label=_("Username or mobile number"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        self.attempted = False  # a real check of a password ran (a blank form is not an attempt)
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        identifier, password = data.get("username"), data.get("password")
        if identifier and password:
            self.attempted = True
            self.user = authenticate(self.request, username=resolve_login_name(identifier), password=password)
            if self.user is None:
                raise forms.ValidationError(
                    _("The username or mobile number and password do not match, or the account is disabled."),
                    code="invalid_login",
                )
        return data


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=_("At least 8 characters, with three of: lower-case, upper-case, digits, symbols."),
    )
    new_password2 = forms.CharField(label=_("New password again"), strip=False, widget=forms.PasswordInput)

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("Your current password is not correct."), code="password_incorrect")
        return value

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("new_password1"), data.get("new_password2")
        if p1 and p2:
            if p1 != p2:
                self.add_error("new_password2", _("The two new passwords differ."))
            elif data.get("old_password") and p1 == data["old_password"]:
                self.add_error("new_password1", _("Choose a password different from the current one."))
            else:
                try:
                    password_validation.validate_password(p1, self.user)
                except forms.ValidationError as exc:
                    self.add_error("new_password1", exc)
        return data
