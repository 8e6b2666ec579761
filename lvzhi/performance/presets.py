"""Rule presets staff can apply to their congress, then edit in the pages like any rule set.

Each preset is data: items name the built-in kinds by code ("recess" stands for every kind marked as a
recess activity when the preset is applied).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from . import kinds as k

RECESS = "recess"

PRESETS: dict[str, dict] = {
    "cq341311": {
        "label": _("Chongqing “341 311”"),
        "kind": "minimums",
        "name": "“341 311”履职量化标准",
        "items": [
            # (name, kind codes, minimum, period)
            ("大会审议发言", [k.SPEECH], 3, "year"),
            ("闭会期间活动", [RECESS], 4, "year"),
            ("提出议案建议", [k.SUGGESTION], 1, "year"),
            ("参加培训", [k.TRAINING], 3, "term"),
            ("办实事", [k.GOOD_DEED], 1, "term"),
            ("向选区选民或原选举单位述职", [k.REPORT], 1, "term"),
        ],
    },
    "stars5": {
        "label": _("Five-star rating"),
        "kind": "stars",
        "name": "代表履职星级评定",
        "period": "year",
        "thresholds": [5, 10, 16, 22, 30],
        "points": {
            k.SPEECH: 2,
            k.INSPECTION: 2,
            k.RESEARCH: 2,
            k.LAW_ENFORCEMENT: 2,
            k.INQUIRY: 2,
            k.ATTEND_SC: 3,
            k.TRAINING: 1,
            k.RECEPTION: 2,
            k.GOOD_DEED: 3,
            k.REPORT: 3,
            k.GROUP: 1,
            k.SUGGESTION: 3,
        },
    },
}


def choices() -> list[tuple[str, str]]:
    return [(code, p["label"]) for code, p in PRESETS.items()]
