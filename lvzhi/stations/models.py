"""Stations and the deputies (of any level) assigned to them."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Station(models.Model):
    class Kind(models.TextChoices):
        HOME = "home", _("Deputy home")
        STATION = "station", _("Liaison station")
        ROOM = "room", _("Group activity room")
        LEGISLATIVE = "legislative", _("Legislative contact point")

    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="stations")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STATION)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=30, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    deputies = models.ManyToManyField("org.Mandate", through="StationDeputy", related_name="stations")

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["congress", "name"]
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="station_name_unique")]

    def __str__(self) -> str:
        return self.name


class StationDeputy(models.Model):
    """A deputy entered into a station (进家入站); deputies of all five levels mix in one station."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="assignments")
    mandate = models.ForeignKey("org.Mandate", on_delete=models.PROTECT, related_name="station_assignments")
    assigned_on = models.DateField(_("assigned"), default=timezone.localdate)

    class Meta:
        verbose_name = _("station deputy")
        verbose_name_plural = _("station deputies")
        constraints = [models.UniqueConstraint(fields=["station", "mandate"], name="station_deputy_once")]
