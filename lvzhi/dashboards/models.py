"""The dashboards' summary tables: the figures per congress and month, pre-rolled up, rebuilt by
lvzhi.dashboards.figures.refresh() (a periodic job and the demo build), never edited by hand.

One FigureCell holds every figure's numerator and denominator columns for one (level, congress, kind,
month[, unit | station]); a region's page reads a dozen of them by index instead of scanning the records.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FigureCell(models.Model):
    class Level(models.TextChoices):
        OWN = "own", _("Own level")  # records whose congress is this one
        TREE = "tree", _("Congress and below")  # this congress and its whole subtree
        UNIT = "unit", _("Lead unit, congress and below")  # one lead unit's suggestions of the subtree
        STATION = "station", _("Station")  # one station (congress = the station's)

    class Kind(models.TextChoices):
        MONTH = "M", _("Month")  # flows attributed to `month`
        STOCK = "S", _("As of the refresh")  # stock figures; month is empty
        YEAR = "Y", _("Year")  # figures of a year (compliance); month is its 1 January

    level = models.CharField(max_length=8, choices=Level.choices)
    kind = models.CharField(max_length=1, choices=Kind.choices)
    congress = models.ForeignKey("org.Congress", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(null=True, blank=True)
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(
        "stations.Station", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    # Stock (kind S): mandates serving today, active stations, serving mandates entered in any station (as
    # the lists of deputies in no station count them; stations.services keeps deputies in open ones only).
    deputies = models.IntegerField(default=0)
    stations = models.IntegerField(default=0)
    in_stations = models.IntegerField(default=0)
    # Flows (kind M).
    activities = models.IntegerField(default=0)  # confirmed participations (人次)
    opinions = models.IntegerField(default=0)
    opinions_solved = models.IntegerField(default=0)
    reception_days = models.IntegerField(default=0)  # held
    suggestions = models.IntegerField(default=0)  # submitted
    closed_n = models.IntegerField(default=0)
    closed_d = models.IntegerField(default=0)
    replied_on_time_n = models.IntegerField(default=0)
    replied_on_time_d = models.IntegerField(default=0)
    solved_n = models.IntegerField(default=0)
    solved_d = models.IntegerField(default=0)
    face_to_face_n = models.IntegerField(default=0)
    face_to_face_d = models.IntegerField(default=0)
    satisfied_first_n = models.IntegerField(default=0)
    satisfied_first_d = models.IntegerField(default=0)
    # A year (kind Y): mandates meeting every rule item / mandates some item applies to.
    compliance_n = models.IntegerField(default=0)
    compliance_d = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("dashboard figure cell")
        verbose_name_plural = _("dashboard figure cells")
        indexes = [models.Index(fields=["level", "congress", "kind", "month"], name="figurecell_read")]

    def __str__(self) -> str:
        return f"{self.level} {self.congress_id} {self.kind} {self.month or ''}"


class FigureRefresh(models.Model):
    """One completed rebuild of the summary: when, how long it took and how many cells it wrote."""

    finished_at = models.DateTimeField(default=timezone.now, db_index=True)
    seconds = models.FloatField(default=0)
    cells = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("dashboard refresh")
        verbose_name_plural = _("dashboard refreshes")
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M}"
