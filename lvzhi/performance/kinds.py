"""The built-in activity kinds (履职活动类型) every congress has, by stable code.

Rules, presets and the hooks of other apps refer to kinds by these codes. The rows are created by the
app's data migration (and again by `ensure_builtin_kinds`, idempotent, for databases built without it);
a congress adds its own kinds as rows with its congress set.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SPEECH = "speech"
INSPECTION = "inspection"
RESEARCH = "research"
LAW_ENFORCEMENT = "law_enforcement"
INQUIRY = "inquiry"
ATTEND_SC = "attend_sc"
TRAINING = "training"
RECEPTION = "reception"
GOOD_DEED = "good_deed"
REPORT = "report"
GROUP = "group"
SUGGESTION = "suggestion"
HEARING = "hearing"
OPEN_COURT = "open_court"

# code -> (English msgid shown through gettext, the Chinese label stored on the row, recess activity?)
BUILTIN: dict[str, tuple] = {
    SPEECH: (_("Deliberation speech at the session"), "大会审议发言", False),
    INSPECTION: (_("Inspection"), "视察", True),
    RESEARCH: (_("Research"), "调研", True),
    LAW_ENFORCEMENT: (_("Law-enforcement inspection"), "执法检查", True),
    INQUIRY: (_("Special inquiry"), "专题询问", True),
    ATTEND_SC: (_("Attending a standing-committee meeting"), "列席常委会会议", True),
    TRAINING: (_("Training"), "培训", False),
    RECEPTION: (_("Receiving citizens"), "接待群众", True),
    GOOD_DEED: (_("Practical good deed"), "办实事", False),
    REPORT: (_("Report to electors"), "向选民述职", False),
    GROUP: (_("Group activity"), "代表小组活动", True),
    SUGGESTION: (_("Motion or suggestion submitted"), "提出议案建议", False),
    # Invitations from the standing committee or the "one government, one commission, two courts" (meetings)
    HEARING: (_("Hearing"), "参加听证会", True),
    OPEN_COURT: (_("Open court session or open day"), "旁听庭审和开放日活动", True),
}
BUILTIN_CODES = tuple(BUILTIN)
# Built-in kinds left off the public archive page: a suggestion's activity carries the original's title,
# which the public reads only through its disclosed (redacted) copy.
NOT_PUBLIC = frozenset({SUGGESTION})


def builtin_rows() -> list[dict]:
    return [
        {"code": code, "name": zh, "is_recess": recess, "is_builtin": True, "sort_order": i}
        for i, (code, (_label, zh, recess)) in enumerate(BUILTIN.items(), start=1)
    ]


def ensure_builtin_kinds() -> None:
    """Create any missing built-in kind (safe to call any number of times)."""
    from .models import ActivityKind

    have = set(ActivityKind.objects.filter(congress__isnull=True).values_list("code", flat=True))
    missing = [
        ActivityKind(**row, is_public=row["code"] not in NOT_PUBLIC)
        for row in builtin_rows()
        if row["code"] not in have
    ]
    if missing:
        ActivityKind.objects.bulk_create(missing, ignore_conflicts=True)
