"""Forms of the briefing pages: they parse input; the services decide (their refusals land on the form)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lvzhi.performance.forms import ACCEPT, MultipleFileField

from .models import Briefing
from .selectors import target_congresses, target_groups, target_stations
from .services.drafts import BODY_MAX, TITLE_MAX, default_issuer_name


class BriefingForm(forms.Form):
    """A draft: what it says, who issues it, and who receives it (by level, group or station, in any mix)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 关于2026年上半年全市经济运行情况的通报")}),
    )
    issuer_kind = forms.ChoiceField(label=_("Issued by"), choices=[("", "—")] + Briefing.IssuerKind.choices)
    issuer_name = forms.CharField(
        label=_("Issuer's name"),
        max_length=100,
        required=False,
        help_text=_("Leave empty for the usual name, e.g. 示范市人民政府."),
        widget=forms.TextInput(attrs={"list": "issuer-names"}),
    )
    body = forms.CharField(label=_("Text"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 12}))
    congresses = forms.TypedMultipleChoiceField(
        label=_("Deputies of these congresses"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    include_lower = forms.BooleanField(
        label=_("Also the deputies of the congresses below each one ticked"), required=False
    )
    groups = forms.TypedMultipleChoiceField(
        label=_("Members of these deputy groups"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    stations = forms.TypedMultipleChoiceField(
        label=_("Deputies at these stations"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A station holds deputies of every level entered into it."),
    )

    def __init__(self, *args, congress, with_files: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.congress = congress
        self.fields["congresses"].choices = [(c.pk, c.name) for c in target_congresses(congress)]
        self.fields["groups"].choices = [
            (g.pk, f"{g.name}（{g.congress.short_name}）") for g in target_groups(congress)
        ]
        self.fields["stations"].choices = [
            (s.pk, f"{s.name}（{s.congress.short_name}）") for s in target_stations(congress)
        ]
        if with_files:
            self.fields["files"] = MultipleFileField(
                label=_("Attachments"),
                required=False,
                help_text=_("PDF, Word, Excel, JPG or PNG; 10 MB each at most."),
            )

    def issuer_names(self) -> list[str]:
        """The usual names of this congress's bodies, offered while typing the issuer's name."""
        return [default_issuer_name(self.congress, k) for k in Briefing.IssuerKind.values]

    def service_arguments(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "issuer_kind": d["issuer_kind"],
            "issuer_name": d["issuer_name"],
            "body": d["body"],
            "congress_ids": d["congresses"],
            "include_lower": d["include_lower"],
            "group_ids": d["groups"],
            "station_ids": d["stations"],
        }


def initial_of(briefing: Briefing) -> dict:
    """A draft's values for its edit form."""
    targets = list(briefing.targets.all())
    return {
        "title": briefing.title,
        "issuer_kind": briefing.issuer_kind,
        "issuer_name": briefing.issuer_name,
        "body": briefing.body,
        "congresses": [t.congress_id for t in targets if t.kind == "level"],
        "include_lower": any(t.include_lower for t in targets if t.kind == "level"),
        "groups": [t.group_id for t in targets if t.kind == "group"],
        "stations": [t.station_id for t in targets if t.kind == "station"],
    }


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=forms.FileInput(attrs={"accept": ACCEPT}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("e.g. 数据有误，更正后重新发布")}),
    )
