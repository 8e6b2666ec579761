"""The rules each congress sets: one place that every flow reads them from.

A congress inherits its parent's value unless it sets its own; the defaults below apply when no congress
up the chain sets one. Values are JSON, validated by each definition's `kind`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Congress, CongressSetting

RESULT_CLASSES_ABC = [
    {"code": "A", "label": "已解决或基本解决", "solved": True, "promise": False, "reference": False},
    {"code": "B", "label": "列入计划逐步解决", "solved": False, "promise": True, "reference": False},
    {"code": "C", "label": "留作参考", "solved": False, "promise": False, "reference": True},
]
RESULT_CLASSES_ABCD = [
    {"code": "A", "label": "已解决或基本解决", "solved": True, "promise": False, "reference": False},
    {"code": "B", "label": "正在解决", "solved": False, "promise": True, "reference": False},
    {"code": "C", "label": "列入规划逐步解决", "solved": False, "promise": True, "reference": False},
    {"code": "D", "label": "留作参考", "solved": False, "promise": False, "reference": True},
]


# How replies are rated (reply_rating): by the deputies concerned, only by a third party's telephone survey
# (Zhangdian: the statistics bureau phones the deputies, so none is "pressed into satisfied"), or both.
RATING_DEPUTIES = "deputies"
RATING_SURVEY = "survey"
RATING_BOTH = "both"
REPLY_RATING_CHOICES = (
    (RATING_DEPUTIES, _("The deputies rate the reply")),
    (RATING_SURVEY, _("A third-party survey only (the deputies do not rate)")),
    (RATING_BOTH, _("Both: the deputies rate and a third-party survey")),
)


@dataclass(frozen=True)
class SettingDef:
    key: str
    label: str
    kind: str  # "int", "int_list" (each item within minimum..maximum), "choice" or "result_classes"
    default: Any
    minimum: int = 0
    maximum: int = 365
    choices: tuple = ()  # kind "choice": (value, label) pairs

    def display(self, value: Any) -> Any:
        """The value as a person reads it (a choice's label)."""
        if self.kind == "choice":
            return dict(self.choices).get(value, value)
        return value


DEFINITIONS: dict[str, SettingDef] = {
    d.key: d
    for d in [
        SettingDef(
            "return_window_working_days",
            _("Working days a unit has to return a misassigned item"),
            "int",
            3,
            1,
            30,
        ),
        SettingDef(
            "recess_assign_working_days", _("Working days to assign a recess suggestion"), "int", 5, 1, 30
        ),
        SettingDef("co_unit_opinion_months", _("Months for a co-unit's opinion"), "int", 1, 1, 6),
        SettingDef("reply_months", _("Months for the lead unit's reply"), "int", 3, 1, 6),
        SettingDef(
            "reply_max_months", _("Longest reply time with an approved extension (months)"), "int", 6, 1, 12
        ),
        SettingDef("rereply_months", _("Months for a new reply after dissatisfaction"), "int", 1, 1, 3),
        SettingDef("evaluation_days", _("Days a deputy has to evaluate a reply"), "int", 15, 1, 90),
        SettingDef("motion_cosigner_minimum", _("Co-signers a motion needs"), "int", 10, 1, 100),
        SettingDef("opinion_ack_days", _("Days to acknowledge a citizen's opinion"), "int", 3, 1, 30),
        SettingDef(
            "opinion_unit_days", _("Working days for a unit to answer a citizen's opinion"), "int", 10, 1, 60
        ),
        SettingDef("contacts_per_year", _("Fixed contacts per member and deputy each year"), "int", 2, 0, 24),
        SettingDef("result_classes", _("Result classes of a reply"), "result_classes", RESULT_CLASSES_ABC),
        SettingDef(
            "reply_rating",
            _("How replies are rated"),
            "choice",
            RATING_DEPUTIES,
            choices=REPLY_RATING_CHOICES,
        ),
        SettingDef(
            "reminder_offsets_days",
            _("Days before a deadline on which reminders are sent"),
            "int_list",
            [15, 3],
            1,
            365,
        ),
    ]
}


def setting_for(congress: Congress, key: str) -> Any:
    """The value in force for `congress`: its own, else the nearest ancestor's, else the default."""
    return settings_for(congress)[key]


def settings_for(congress: Congress) -> dict[str, Any]:
    """Every setting in force for `congress`, in two queries at most."""
    chain = congress.ancestor_ids()
    rows = CongressSetting.objects.filter(congress_id__in=chain).values_list("congress_id", "key", "value")
    by_congress: dict[int, dict[str, Any]] = {}
    for cid, key, value in rows:
        by_congress.setdefault(cid, {})[key] = value
    values = {}
    for key, definition in DEFINITIONS.items():
        values[key] = definition.default
        for cid in chain:  # nearest first
            if key in by_congress.get(cid, {}):
                values[key] = by_congress[cid][key]
                break
    return values


def setting_sources(congress: Congress) -> dict[str, Congress | None]:
    """Which congress each value in force comes from (None: the default), for the settings page."""
    chain = congress.ancestor_ids()
    rows = CongressSetting.objects.filter(congress_id__in=chain).values_list("key", "congress_id")
    nearest: dict[str, int] = {}
    for key, cid in rows:
        if key not in nearest or chain.index(cid) < chain.index(nearest[key]):
            nearest[key] = cid
    congresses = Congress.objects.in_bulk(set(nearest.values()))
    return {key: congresses.get(nearest[key]) if key in nearest else None for key in DEFINITIONS}


def validate_value(key: str, value: Any) -> Any:
    """Check a value against its definition; raise ValueError with a user-facing message."""
    from django.utils.translation import gettext

    definition = DEFINITIONS.get(key)
    if definition is None:
        raise ValueError(gettext("Unknown setting."))
    if definition.kind == "int":
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError(gettext("Enter a whole number.")) from None
        if not definition.minimum <= number <= definition.maximum:
            raise ValueError(
                gettext("Enter a number from %(min)s to %(max)s.")
                % {"min": definition.minimum, "max": definition.maximum}
            )
        return number
    if definition.kind == "int_list":
        return _int_list(definition, value)
    if definition.kind == "choice":
        allowed = [choice for choice, _label in definition.choices]
        if value not in allowed:
            raise ValueError(gettext("Choose one of the listed values."))
        return value
    if definition.kind == "result_classes":
        if not isinstance(value, list) or not value:
            raise ValueError(gettext("Give at least one result class."))
        codes = set()
        for item in value:
            if not isinstance(item, dict) or not item.get("code") or not item.get("label"):
                raise ValueError(gettext("Each result class needs a code and a label."))
            if item["code"] in codes:
                raise ValueError(gettext("Result class codes must be different."))
            codes.add(item["code"])
        return [
            {
                "code": str(i["code"]),
                "label": str(i["label"]),
                "solved": bool(i.get("solved")),
                "promise": bool(i.get("promise")),
                "reference": bool(i.get("reference")),
            }
            for i in value
        ]
    raise ValueError(gettext("Unknown setting."))


def _int_list(definition: SettingDef, value: Any) -> list[int]:
    """A list of whole numbers (or text like "15, 3"): each in range, at most five, largest first."""
    from django.utils.translation import gettext

    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if v]
    if not isinstance(value, list | tuple):
        raise ValueError(gettext("Enter whole numbers separated by commas."))
    numbers = set()
    for item in value:
        try:
            if isinstance(item, bool | float):
                raise TypeError
            number = int(item)
        except (TypeError, ValueError):
            raise ValueError(gettext("Enter whole numbers separated by commas.")) from None
        if not definition.minimum <= number <= definition.maximum:
            raise ValueError(
                gettext("Enter numbers from %(min)s to %(max)s.")
                % {"min": definition.minimum, "max": definition.maximum}
            )
        numbers.add(number)
    if len(numbers) > 5:
        raise ValueError(gettext("Give at most five numbers."))
    return sorted(numbers, reverse=True)
