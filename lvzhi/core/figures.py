"""One computed figure as the apps' figure pages and the dashboards show it: a numerator over a denominator.

Figures of several groups add up by summing numerators and denominators, never rates; the rate is always
recomputed from the pair.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Value:
    key: str
    label: str
    definition: str
    numerator: int
    denominator: int
    is_count: bool = False  # shown as a count (the numerator); its rate means nothing

    @property
    def rate(self) -> float | None:
        """Numerator over denominator in percent (one decimal); None when nothing is counted."""
        return round(100 * self.numerator / self.denominator, 1) if self.denominator else None

    @property
    def miss(self) -> int:
        """The denominator's records outside the numerator (e.g. the dissatisfied)."""
        return self.denominator - self.numerator

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": str(self.label),
            "definition": str(self.definition),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "rate": self.rate,
        }
