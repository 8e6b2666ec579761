"""Forms of the deputy's pages: they parse input; the services decide (and their refusals land on the form)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lvzhi.org.fields import SubjectField

from .attachments import ALLOWED_TYPES
from .models import Evaluation, Suggestion


class SuggestionForm(forms.Form):
    """Write or change a suggestion. With several serving mandates, the deputy says for which congress."""

    mandate = forms.TypedChoiceField(label=_("For the congress"), coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Suggestion.Kind.choices,
        initial=Suggestion.Kind.SUGGESTION,
        widget=forms.RadioSelect,
        help_text=_("A motion needs the number of co-signers the congress sets; most are suggestions."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "关于……的建议", "autocomplete": "off"}),
        help_text=_("Say what it is about: “关于……的建议”."),
    )
    field = forms.ChoiceField(label=_("Field"), choices=[("", "—"), *SubjectField.choices])
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("The problem, its causes, and what you suggest be done."),
    )

    def __init__(self, *args, mandates=(), **kwargs):
        super().__init__(*args, **kwargs)
        mandates = list(mandates)
        if len(mandates) > 1:
            self.fields["mandate"].choices = [("", "—")] + [(m.pk, m.congress.name) for m in mandates]
            self.fields["mandate"].help_text = _("You sit in several congresses: choose the one it goes to.")
        else:
            # One mandate (or editing: the congress is fixed): no question to ask.
            del self.fields["mandate"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), max_length=500, required=False)


class InviteForm(forms.Form):
    mandate = forms.IntegerField(min_value=1)


class SignForm(forms.Form):
    answer = forms.ChoiceField(choices=[("confirm", "confirm"), ("decline", "decline")])


class MaterialForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel, JPG or PNG, at most 10 MB."),
        widget=forms.FileInput(attrs={"accept": ",".join(f".{e}" for e in ALLOWED_TYPES)}),
    )


class EvaluationForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Your rating"), choices=Evaluation.Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        help_text=_("Required when dissatisfied: say what is missing, so the unit can act on it."),
    )
