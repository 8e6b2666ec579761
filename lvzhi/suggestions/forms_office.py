"""Forms of the office's pages: they parse and check what was typed; the services decide.

Fields the services check themselves (a reason, a decision) are optional here, so the page shows the
service's own message on the field and the form keeps the rest of what was typed.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lvzhi.core.forms import DateInput, within_sane_span
from lvzhi.org.fields import SubjectField
from lvzhi.org.models import Committee, Unit

from .models import Suggestion
from .workflow import State

REASON = {"rows": 3, "maxlength": 2000}


def special_committees(congress_id: int):
    return Committee.objects.filter(congress_id=congress_id, kind=Committee.Kind.SPECIAL).order_by("pk")


def suggestion_label(suggestion: Suggestion) -> str:
    if suggestion.number:
        return _("No. %(number)s · %(title)s") % {"number": suggestion.number, "title": suggestion.title}
    return suggestion.title


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class AcceptForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=_("Supervising special committee"),
        queryset=Committee.objects.none(),
        required=False,
        empty_label=_("— by the suggestion's field —"),
        help_text=_("Pre-selected by the suggestion's field (对口督办)."),
    )

    def __init__(self, *args, suggestion: Suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = special_committees(suggestion.congress_id)


class CommitteeForm(forms.Form):
    """Change the supervising special committee: the congress's special committees, and the reason."""

    committee = forms.ModelChoiceField(
        label=_("Supervising special committee"),
        queryset=Committee.objects.none(),
        required=False,
        empty_label=_("— choose —"),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=REASON),
        help_text=_("Recorded in the suggestion's history."),
    )

    def __init__(self, *args, suggestion: Suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = special_committees(suggestion.congress_id)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=REASON),
        help_text=_("The deputy sees it and revises the suggestion."),
    )


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Suggestion.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the suggestion to merge it into.")},
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = candidates
        self.fields["into"].label_from_instance = suggestion_label


class PresidiumForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("The presidium's decision"),
        choices=Suggestion.PresidiumDecision.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    committee = forms.ModelChoiceField(
        label=_("Special committee"),
        queryset=Committee.objects.none(),
        required=False,
        help_text=_(
            "The committee it is referred to (on the agenda) or that supervises it (as a suggestion)."
        ),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, suggestion: Suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = special_committees(suggestion.congress_id)


class AssignForm(forms.Form):
    lead_unit = UnitChoiceField(
        label=_("Lead unit"), queryset=Unit.objects.none(), required=False, empty_label=_("— choose —")
    )
    co_units = UnitMultipleChoiceField(
        label=_("Co-units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Any number, or none."),
    )
    batch = forms.CharField(
        label=_("Assignment meeting"),
        required=False,
        max_length=60,
        help_text=_("When assigned at a meeting, its name; it appears on the assignment letter."),
    )

    def __init__(self, *args, units, has_lead: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if has_lead:
            # Handled already: only co-units can be added.
            del self.fields["lead_unit"]
        else:
            self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units


class ExtendForm(forms.Form):
    until = forms.DateField(
        label=_("New reply deadline"), required=False, widget=DateInput(), validators=[within_sane_span]
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs=REASON)
    )

    def __init__(self, *args, latest=None, **kwargs):
        super().__init__(*args, **kwargs)
        if latest:
            self.fields["until"].help_text = _("At the latest %(day)s.") % {"day": latest.isoformat()}
            self.fields["until"].widget.attrs["max"] = latest.isoformat()


class DecideForm(forms.Form):
    CLOSE, REHANDLE = "close", "rehandle"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(CLOSE, _("Close it (办结)")), (REHANDLE, _("Have the lead unit handle it again"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose to close it or to have it handled again.")},
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs=REASON)
    )


class CloseUnsurveyedForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=REASON),
        help_text=_("For example: the survey could not reach the deputies within the period."),
    )


# --- the batch assignment (集中交办) --------------------------------------------------------------
ROW_FIELD = re.compile(r"^(lead|co)_(\d{1,18})$")


class BatchAssignForm(forms.Form):
    """One row per accepted suggestion: a lead unit and any co-units. A row left without a lead unit is not
    part of this batch; the rows chosen are assigned together or not at all."""

    batch = forms.CharField(
        label=_("Assignment meeting"),
        max_length=60,
        error_messages={"required": _("Name the assignment meeting.")},
    )

    def __init__(self, *args, suggestions, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestions = list(suggestions)
        # Plain choices from one list of units: a model field per row would query the units once per row.
        self.units = {str(u.pk): u for u in units}
        choices = [(key, u.name) for key, u in self.units.items()]
        for s in self.suggestions:
            self.fields[f"lead_{s.pk}"] = forms.ChoiceField(
                label=_("Lead unit"),
                choices=[("", _("— not in this batch —")), *choices],
                required=False,
                widget=forms.Select(attrs={"aria-label": _("Lead unit")}),
            )
            self.fields[f"co_{s.pk}"] = forms.MultipleChoiceField(
                label=_("Co-units"),
                choices=choices,
                required=False,
                widget=forms.SelectMultiple(attrs={"size": 4, "aria-label": _("Co-units")}),
            )
        self.items: list[tuple[Suggestion, Unit, list[Unit]]] = []

    def rows(self):
        for s in self.suggestions:
            yield s, self[f"lead_{s.pk}"], self[f"co_{s.pk}"]

    def stale_rows(self) -> bool:
        """The page sent rows no longer waiting (assigned meanwhile from another page)."""
        listed = {s.pk for s in self.suggestions}
        return any((m := ROW_FIELD.match(key)) and int(m.group(2)) not in listed for key in self.data)

    def add_row_error(self, suggestion: Suggestion, field: str | None, message: str) -> None:
        self.add_error(f"co_{suggestion.pk}" if field == "co_units" else f"lead_{suggestion.pk}", message)

    def clean(self):
        data = super().clean()
        if self.stale_rows():
            raise ValidationError(
                _(
                    "Some suggestions on this page were assigned meanwhile. Reload the page and check the rows."
                ),
                code="stale",
            )
        self.items = []
        for s in self.suggestions:
            lead, cos = data.get(f"lead_{s.pk}"), data.get(f"co_{s.pk}") or []
            if not lead:
                if cos:
                    self.add_error(f"lead_{s.pk}", _("Choose the lead unit, or clear the co-units."))
                continue
            if lead in cos:
                self.add_error(f"co_{s.pk}", _("The lead unit cannot also be a co-unit."))
                continue
            self.items.append((s, self.units[lead], [self.units[c] for c in cos]))
        if not self.items and not self.errors:
            raise ValidationError(_("Choose a lead unit for at least one suggestion."), code="empty")
        return data


# --- the office's list ----------------------------------------------------------------------------
class OfficeFilterForm(forms.Form):
    """The list's filters, read from the query string; choices are the office congress's own records."""

    q = forms.CharField(label=_("Title or number"), required=False, max_length=100)
    congress = forms.ChoiceField(label=_("Congress"), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any state"))] + [(v, label) for v, label in State.choices if v != State.DRAFT],
    )
    field = forms.ChoiceField(
        label=_("Field"), required=False, choices=[("", _("Any field")), *SubjectField.choices]
    )
    committee = forms.ChoiceField(label=_("Committee"), required=False)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    period = forms.ChoiceField(label=_("Session or recess"), required=False)
    overdue = forms.BooleanField(label=_("Reply overdue"), required=False)

    def __init__(self, *args, congresses, committees, units, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        if len(congresses) > 1:
            self.fields["congress"].choices = [(str(c.pk), c.name) for c in congresses]
        else:
            del self.fields["congress"]
        self.fields["committee"].choices = [("", _("Any committee"))] + [
            (str(c.pk), c.name) for c in committees
        ]
        self.fields["unit"].choices = [("", _("Any unit"))] + [(str(u.pk), u.name) for u in units]
        self.fields["period"].choices = [
            ("", _("Session or recess")),
            ("recess", _("Recess")),
            ("session", _("Any session")),
        ] + [(str(s.pk), str(s)) for s in sessions]
