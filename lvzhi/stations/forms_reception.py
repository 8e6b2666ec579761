"""Forms of the reception pages. Forms parse and keep what was typed; the services decide and refuse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lvzhi.opinions.forms_triage import EntryForm

from .models import NTH_CHOICES, WEEKDAYS, ReceptionException, ReceptionRule
from .services_reception import CITIZENS_MAX, REASON_MAX, TEXT_MAX, THEME_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def month_choices() -> list[tuple[str, str]]:
    # Built when the form is, so the labels are in the reader's language.
    return [(str(m), gettext("month %(m)d") % {"m": m}) for m in range(1, 13)]


class DeputyChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.person.name}（{obj.congress}）"


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Repeats"), choices=ReceptionRule.Kind.choices)
    day = forms.IntegerField(
        label=_("Day of the month"),
        required=False,
        min_value=1,
        max_value=31,
        help_text=_("For a fixed day: 1–31 (a month without that day uses its last day)."),
    )
    nth = forms.TypedChoiceField(
        label=_("Which"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(str(v), label) for v, label in NTH_CHOICES],
        help_text=_("For the n-th weekday of the month."),
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(str(v), label) for v, label in WEEKDAYS],
    )
    months = forms.TypedMultipleChoiceField(
        label=_("Months"),
        required=False,
        coerce=int,
        choices=[],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "months"}),
        help_text=_(
            "Leave all unticked for every month. For the voter-contact months of “2+12+365”, tick the two "
            "months in which deputies receive every week."
        ),
    )
    start_time = forms.TimeField(label=_("Starts"), widget=TIME)
    end_time = forms.TimeField(label=_("Ends"), widget=TIME)
    theme = forms.CharField(label=_("Theme"), required=False, max_length=THEME_MAX)
    deputies = DeputyChoiceField(label=_("Deputies expected"), required=False, queryset=None)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DATE)
    day_off_policy = forms.ChoiceField(
        label=_("On a public holiday"),
        choices=ReceptionRule.DayOff.choices,
        initial=ReceptionRule.DayOff.NEXT,
    )

    def __init__(self, *args, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = deputies
        self.fields["months"].choices = month_choices()


class RuleEndForm(forms.Form):
    on = forms.DateField(label=_("Last day of the rule"), widget=DATE)


class ExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date the rule gives"), widget=DATE)
    action = forms.ChoiceField(
        label=_("Change"), choices=ReceptionException.Action.choices, widget=forms.RadioSelect
    )
    new_date = forms.DateField(label=_("New date (when moving)"), required=False, widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX)


class DayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Starts"), widget=TIME)
    end_time = forms.TimeField(label=_("Ends"), widget=TIME)
    theme = forms.CharField(label=_("Theme"), required=False, max_length=THEME_MAX)
    deputies = DeputyChoiceField(label=_("Deputies expected"), required=False, queryset=None)

    def __init__(self, *args, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = deputies


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=REASON_MAX,
        help_text=_("Shown on the public calendar, e.g. 适逢国庆节假期，本次接待顺延."),
    )


class RecordForm(forms.Form):
    attended = DeputyChoiceField(label=_("Deputies who came"), queryset=None, required=False)
    citizens_count = forms.IntegerField(
        label=_("Citizens received"), min_value=0, max_value=CITIZENS_MAX, required=False
    )
    notes = forms.CharField(
        label=_("What was raised"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX}),
        help_text=_(
            "A summary; each citizen's opinion is entered on its own below, into the opinions store."
        ),
    )
    follow_up = forms.CharField(
        label=_("Follow-up"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
    )

    def __init__(self, *args, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = deputies


class DayOpinionForm(EntryForm):
    """The office's entry form of an opinion given in person, without what the reception day already says
    (where it was given, the station, the day it was received)."""

    def __init__(self, *args, mandates, **kwargs):
        super().__init__(
            *args, congresses=[], stations=[], mandates=mandates, station_required=False, **kwargs
        )
        for name in ("congress", "station", "source", "received_on"):
            self.fields.pop(name, None)
        self.fields["mandate"].help_text = _("Optional: a deputy of this reception day; they are told.")


class MonthPlanForm(forms.Form):
    """One row per new date of the preview: keep it or not, its date, times and theme (cancelled dates can
    only be kept or left out)."""

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for i, p in enumerate(proposals):
            if not p.is_new:
                self.rows.append({"p": p, "i": i})
                continue
            self.fields[f"include_{i}"] = forms.BooleanField(required=False, initial=True)
            if not p.cancelled:
                self.fields[f"date_{i}"] = forms.DateField(initial=p.date, widget=DATE)
                self.fields[f"start_{i}"] = forms.TimeField(initial=p.start_time, widget=TIME)
                self.fields[f"end_{i}"] = forms.TimeField(initial=p.end_time, widget=TIME)
                self.fields[f"theme_{i}"] = forms.CharField(
                    required=False, max_length=THEME_MAX, initial=p.theme
                )
            self.rows.append({"p": p, "i": i})

    def bound_rows(self):
        out = []
        for row in self.rows:
            i = row["i"]
            names = ("include", "date", "start", "end", "theme")
            out.append({"p": row["p"], **{n: self[f"{n}_{i}"] for n in names if f"{n}_{i}" in self.fields}})
        return out
