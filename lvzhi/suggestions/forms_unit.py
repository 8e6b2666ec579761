"""Forms of the unit handler's pages: they parse input; the handling and reply services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lvzhi.core.forms import DateInput, within_sane_span

from .models import Consultation

TEXT_MAX = 10_000


def _text(label, *, required: bool = True, rows: int = 5, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ReturnForm(forms.Form):
    reason = _text(
        _("Reasons for returning it"),
        help_text=_("Say why the item is not your unit's to handle and, if you know, whose it is."),
    )


class ProgressForm(forms.Form):
    text = _text(_("Progress"), rows=3)


class ConsultationForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(), validators=[within_sane_span])
    method = forms.ChoiceField(label=_("How"), choices=Consultation.Method.choices)
    participants = forms.CharField(
        label=_("Who took part"),
        max_length=300,
        help_text=_("The unit's people and the deputies, e.g. 分管副局长、承办科长、领衔代表."),
    )
    deputy_view = _text(_("The deputy's view"), required=False, rows=3)


class CoOpinionForm(forms.Form):
    text = _text(_("Opinion to the lead unit"), rows=6)


class PromiseReportForm(forms.Form):
    text = _text(_("What was done"), rows=5, help_text=_("The promised work carried out, and when."))


class ReplyForm(forms.Form):
    """The lead unit's reply letter. The result classes are the congress's own set."""

    text = _text(_("Reply text"), rows=10, help_text=_("The text of the signed reply letter."))
    result_code = forms.ChoiceField(label=_("Result class"))
    promised_work = _text(_("Promised work"), required=False, rows=3)
    promised_by = forms.DateField(
        label=_("Promised by"), required=False, widget=DateInput(), validators=[within_sane_span]
    )
    reference_reason = _text(_("Why for reference only"), required=False, rows=3)
    signed_by = forms.CharField(
        label=_("Signed by (head of unit)"),
        max_length=40,
        help_text=_("The head of the unit who signed the letter, e.g. 局长 王建国."),
    )
    file = forms.FileField(
        label=_("Signed and sealed letter"),
        help_text=_(
            "The letter as signed and sealed, scanned or saved: PDF, Word, JPG or PNG, at most 10 MB."
        ),
    )

    def __init__(self, *args, result_classes: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["result_code"]
        field.choices = [("", "—")] + [(c["code"], f"{c['code']} · {c['label']}") for c in result_classes]
        promise = [c["code"] for c in result_classes if c["promise"]]
        reference = [c["code"] for c in result_classes if c["reference"]]
        notes = []
        if promise:
            notes.append(
                _("%(codes)s: say the promised work and the date it will be done.")
                % {"codes": "、".join(promise)}
            )
        if reference:
            notes.append(
                _("%(codes)s: say why it can only be kept for reference.") % {"codes": "、".join(reference)}
            )
        field.help_text = " ".join(str(n) for n in notes)
        self.fields["promised_work"].help_text = _("Only for a class that promises work.")
        self.fields["reference_reason"].help_text = _("Only for a class kept for reference.")
