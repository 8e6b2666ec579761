"""Parsing untrusted request parameters: ids, search text and dates never raise on odd input."""

from __future__ import annotations

import datetime as dt

# Dates outside this span are typing mistakes; refusing them keeps date arithmetic from overflowing.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)


def parse_id(raw) -> int | None:
    """A positive database id from a query or form value, or None ("²".isdigit() is True, so check ASCII)."""
    if raw is None:
        return None
    raw = str(raw).strip()
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return None
    value = int(raw)
    return value or None


def clean_query(raw, max_length: int = 100) -> str:
    """Search text: trimmed, shortened, without NUL bytes (PostgreSQL refuses them in text)."""
    return str(raw or "").replace("\x00", "").strip()[:max_length]


def parse_date(raw) -> dt.date | None:
    """An ISO date within EARLIEST_DATE..LATEST_DATE, or None."""
    try:
        value = dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        return None
    return value if EARLIEST_DATE <= value <= LATEST_DATE else None


def parse_year(raw, earliest: int = 1990, latest: int = 2100) -> int | None:
    """A four-digit year within a sane span, or None."""
    raw = str(raw or "").strip()
    if len(raw) != 4 or not raw.isascii() or not raw.isdigit():
        return None
    year = int(raw)
    return year if earliest <= year <= latest else None
