"""Forms of the citizen's pages. They parse and check what was typed with the same rules the services apply
(checks.py), so every field gets its own message at once; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lvzhi.core.errors import ServiceError

from .checks import clean_content, clean_phone, clean_text, phone_required
from .models import CitizenRating, Opinion
from .photos import check_photo

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


def _run(check, *args, **kwargs):
    try:
        return check(*args, **kwargs)
    except ServiceError as exc:
        raise ValidationError(exc.message, code=exc.code) from None


class OpinionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to do?"),
        choices=Opinion.Kind.choices,
        initial=Opinion.Kind.OPINION,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what you want to do."),
            "invalid_choice": _("Choose what you want to do."),
        },
    )
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", _("— choose —")), *Opinion.Category.choices],
        error_messages={
            "required": _("Choose what the matter is about."),
            "invalid_choice": _("Choose what the matter is about."),
        },
    )
    content = forms.CharField(
        label=_("Your opinion or request"),
        required=False,  # checked by clean_content, with a message that says what is missing
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": settings.LVZHI_OPINION_CONTENT_MAX}),
        help_text=_("What happened, where and since when, and what you hope for."),
    )
    place = forms.CharField(
        label=_("Place (optional)"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": 100}),
        help_text=_("e.g. the gate of No. 3 building, Hubin community"),
    )
    photo1 = forms.FileField(
        label=_("Photo 1 (optional)"), required=False, widget=forms.FileInput(attrs={"accept": PHOTO_ACCEPT})
    )
    photo2 = forms.FileField(
        label=_("Photo 2 (optional)"), required=False, widget=forms.FileInput(attrs={"accept": PHOTO_ACCEPT})
    )
    photo3 = forms.FileField(
        label=_("Photo 3 (optional)"), required=False, widget=forms.FileInput(attrs={"accept": PHOTO_ACCEPT})
    )
    citizen_name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": 40}),
    )
    wants_callback = forms.BooleanField(label=_("Please call me back"), required=False)
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel", "maxlength": 20}
        ),
        help_text=_("Needed only to be called back or to meet the deputy."),
    )
    preferred_times = forms.CharField(
        label=_("When could you meet? (optional)"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": 200}),
        help_text=_("e.g. weekday afternoons, or the station's next reception day"),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the deputy and the station's staff use my name, mobile number and photos only to handle "
            "this message and to contact me about it; they are deleted after the matter is closed, as the rules say."
        ),
        error_messages={
            "required": _("Please tick the consent box: without it the deputy cannot handle your message.")
        },
    )
    # The honeypot: hidden from people (CSS, aria-hidden), filled only by programs.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_content(self):
        return _run(clean_content, self.cleaned_data.get("content"))

    def clean_place(self):
        return _run(clean_text, self.cleaned_data.get("place"), field="place", max_length=100)

    def clean_citizen_name(self):
        return _run(clean_text, self.cleaned_data.get("citizen_name"), field="citizen_name", max_length=40)

    def clean_preferred_times(self):
        return _run(
            clean_text, self.cleaned_data.get("preferred_times"), field="preferred_times", max_length=200
        )

    def _photo(self, name):
        file = self.cleaned_data.get(name)
        if file:
            _run(check_photo, file, name)
        return file

    def clean_photo1(self):
        return self._photo("photo1")

    def clean_photo2(self):
        return self._photo("photo2")

    def clean_photo3(self):
        return self._photo("photo3")

    def clean(self):
        data = super().clean()
        required = phone_required(
            kind=data.get("kind") or "", wants_callback=data.get("wants_callback", False)
        )
        try:
            data["phone"] = clean_phone(self.data.get("phone"), required=required)
        except ServiceError as exc:
            self.add_error("phone", ValidationError(exc.message, code=exc.code))
        return data

    def photos(self) -> list:
        return [self.cleaned_data.get(n) for n in ("photo1", "photo2", "photo3") if self.cleaned_data.get(n)]

    def chose_photos(self) -> bool:
        return any(self.files.get(n) for n in ("photo1", "photo2", "photo3"))


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("Tracking number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "placeholder": "YJ2026-000123"}),
        error_messages={"required": _("Enter the tracking number you were given.")},
    )
    last4 = forms.CharField(
        label=_("Last four digits of your mobile"),
        max_length=4,
        min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": _("Enter the last four digits of the mobile number you left."),
            "min_length": _("Enter exactly four digits."),
            "max_length": _("Enter exactly four digits."),
        },
    )

    def clean_last4(self):
        value = self.cleaned_data["last4"]
        if not (value.isascii() and value.isdigit()):
            raise ValidationError(_("Enter exactly four digits."), code="invalid")
        return value


class RatingForm(forms.Form):
    score = forms.ChoiceField(
        label=_("How satisfied are you with the outcome?"),
        choices=CitizenRating.Score.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how satisfied you are."),
            "invalid_choice": _("Choose how satisfied you are."),
        },
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )
