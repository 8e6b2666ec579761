"""What a citizen types to observe a meeting, checked in one place for the public form and the service
(which checks again): the resident ID card number (format, birth date, check digit, age), the name, and the
masking of identity details for everyone but the staff handling the application.

Each check returns the cleaned value or raises a ServiceError naming the field, with a message in plain words.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.errors import ServiceError

# GB 11643-1999: 6 digits of region, 8 of birth date, 3 of sequence, 1 check character (0-9 or X).
ID_RE = re.compile(r"^[1-9][0-9]{16}[0-9X]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ＸｘX", "0123456789XXX")
MIN_AGE = 18  # observers are adults (the rules of most standing committees)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalise_id_number(value: str | None) -> str:
    value = str(value or "").translate(_FULL_WIDTH).upper()
    return "".join(ch for ch in value if ch not in " -\u3000\t")


def id_check_char(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def clean_id_number(value: str | None, *, today: dt.date | None = None) -> str:
    number = normalise_id_number(value)
    if not number:
        raise ServiceError("required", _("Enter your resident ID card number."), field="id_number")
    if not ID_RE.match(number):
        raise ServiceError(
            "id_format",
            _("A resident ID card number has 18 characters: 17 digits and a last digit or X."),
            field="id_number",
        )
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    today = today or timezone.localdate()
    if born is None or born.year < 1900 or born > today:
        raise ServiceError(
            "id_birth_date",
            _("The date of birth inside this ID card number is not a real date; please check it."),
            field="id_number",
        )
    if id_check_char(number[:17]) != number[17]:
        raise ServiceError(
            "id_check_digit",
            _("This ID card number does not add up (its last character is wrong); please check each digit."),
            field="id_number",
        )
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < MIN_AGE:
        raise ServiceError(
            "too_young", _("Observers must be at least %(n)s years old.") % {"n": MIN_AGE}, field="id_number"
        )
    return number


def clean_name(value: str | None) -> str:
    name = _CONTROL.sub("", str(value or "")).strip()
    if not name:
        raise ServiceError("required", _("Enter your name as on your ID card."), field="name")
    if len(name) > 40:
        raise ServiceError("too_long", _("At most %(max)s characters.") % {"max": 40}, field="name")
    if any(ch.isdigit() for ch in name):
        raise ServiceError(
            "name_digits", _("A name has no digits; enter it as on your ID card."), field="name"
        )
    return name


def mask_id_number(value: str | None) -> str:
    """110***********123X: the first three and last four characters, the rest starred."""
    value = value or ""
    if len(value) >= 8:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * len(value)


def clean_observer_phone(value: str | None) -> str:
    from lvzhi.opinions.checks import clean_phone
    from lvzhi.org.privacy import normalise_mobile

    if not normalise_mobile(str(value or "").replace("＋", "+")):
        raise ServiceError(
            "phone_required",
            _("Enter your mobile number, so the office can tell you the decision."),
            field="phone",
        )
    return clean_phone(value, required=True)
