"""Forms of a group's year of work: a planned activity, an activity held, its attendance. Forms parse;
the services (org.services.group_work) decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lvzhi.core.forms import DateInput, within_sane_span

from .models_groups import GroupAttendance, GroupPlanItem, GroupWorkKind

MONTHS = [(m, _("Month %(m)s") % {"m": m}) for m in range(1, 13)]


class PlanItemForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, choices=MONTHS)
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupWorkKind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=120)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, with_year: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_year:
            this = timezone.localdate().year
            self.fields["year"].choices = [(y, str(y)) for y in (this - 1, this, this + 1)]
        else:
            del self.fields["year"]


class GroupActivityForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput(), validators=[within_sane_span])
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupWorkKind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=120)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    plan_item = forms.TypedChoiceField(
        label=_("Planned activity"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("The item of the yearly plan this activity carries out, if any."),
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, plan_items=(), with_date: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_items = {p.pk: p for p in plan_items}
        self.fields["plan_item"].choices = [("", "—")] + [
            (p.pk, f"{p.year}-{p.month:02d} {p.topic}") for p in plan_items
        ]
        if not with_date:
            del self.fields["date"]

    def clean_plan_item(self):
        pk = self.cleaned_data.get("plan_item")
        return self.plan_items.get(pk) if pk else None


class AttendanceForm(forms.Form):
    """One row per member: present, absent with leave (and why), or absent."""

    def __init__(self, *args, roster=(), current: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.roster = list(roster)
        choices = GroupAttendance.Status.choices
        for m in self.roster:
            status, note = current.get(m.pk, (GroupAttendance.Status.PRESENT, ""))
            # Not required: a member left unmarked is absent.
            self.fields[f"att_{m.pk}"] = forms.ChoiceField(
                label=m.person.name, choices=choices, initial=status, widget=forms.RadioSelect, required=False
            )
            self.fields[f"note_{m.pk}"] = forms.CharField(
                label=_("Reason for leave"), max_length=200, required=False, initial=note
            )

    def rows(self):
        return [(m, self[f"att_{m.pk}"], self[f"note_{m.pk}"]) for m in self.roster]

    def marks(self) -> tuple[list[int], list[int], dict[int, str]]:
        present, leave, notes = [], [], {}
        for m in self.roster:
            status = self.cleaned_data.get(f"att_{m.pk}")
            if status == GroupAttendance.Status.PRESENT:
                present.append(m.pk)
            elif status == GroupAttendance.Status.LEAVE:
                leave.append(m.pk)
                notes[m.pk] = self.cleaned_data.get(f"note_{m.pk}", "")
        return present, leave, notes


def plan_items_for(group, year: int | None = None) -> list[GroupPlanItem]:
    """The plan items an activity may carry out: this year's and last year's of the group."""
    this = timezone.localdate().year
    years = [year] if year else [this - 1, this]
    return list(GroupPlanItem.objects.filter(group=group, year__in=years).order_by("year", "month", "pk"))
