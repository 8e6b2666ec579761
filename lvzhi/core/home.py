"""Each role's home page: what waits for its action, as counts that link to the lists.

Apps contribute tiles through a `home.py` with `tiles_for(user) -> list[Tile]`, listed in PROVIDERS.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string

PROVIDERS = [
    "lvzhi.org.home.tiles_for",
    "lvzhi.stations.home.tiles_for",
    "lvzhi.suggestions.home.tiles_for",
    "lvzhi.suggestions.home.unit_tiles_for",
    "lvzhi.suggestions.home.office_tiles_for",
    "lvzhi.performance.home.tiles_for",
    "lvzhi.opinions.home_staff.tiles_for",
    "lvzhi.opinions.home_staff.unit_tiles_for",
    "lvzhi.opinions.home.tiles_for",
    "lvzhi.liaison.home.tiles_for",
    "lvzhi.meetings.home.tiles_for",
    "lvzhi.briefings.home.tiles_for",
]


@dataclass(frozen=True)
class Tile:
    label: str
    count: int | None  # None: a notice, not a count
    url: str
    section: str  # the role heading the tile sits under
    urgent: bool = False


def tiles_for(user) -> dict[str, list[Tile]]:
    sections: dict[str, list[Tile]] = {}
    for path in PROVIDERS:
        for tile in import_string(path)(user):
            sections.setdefault(str(tile.section), []).append(tile)
    return sections
