"""Personal data on screen: mobile numbers are masked (138****1234) for everyone but those who handle them."""

from __future__ import annotations

import re

# Mainland mobile numbers: 11 ASCII digits starting with 1 (\d would also accept full-width digits).
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def normalise_mobile(value: str | None) -> str | None:
    """ASCII digits only (full-width digits converted; spaces, dashes and +86 dropped); None when empty."""
    value = (value or "").translate(_FULL_WIDTH_DIGITS)
    value = "".join(ch for ch in value if ch not in " -\u3000")
    if value.startswith("+86"):
        value = value[3:]
    return value or None


def mask_mobile(mobile: str | None) -> str:
    """138****1234; shorter values are masked whole, so nothing readable leaks from an odd entry."""
    mobile = mobile or ""
    if len(mobile) >= 7:
        return f"{mobile[:3]}****{mobile[-4:]}"
    return "*" * len(mobile)


def mask_name(name: str | None) -> str:
    """张** : the first character kept, the rest starred (a citizen's name on a list, an answer page)."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)
