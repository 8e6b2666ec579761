"""Briefings to deputies (情况通报, 知情知政): who issued them, to whom they go, their files and read receipts.

A briefing belongs to one congress (its office writes and publishes it) and is issued in the name of one of
that congress's bodies: the government, the supervisory commission, the court, the procuratorate or the
standing committee. Its recipients are chosen by level (a congress's deputies, optionally with the deputies of
the congresses below), by deputy group or by station, in any mix; at publishing they are resolved into one
read receipt per person (a person holding mandates at two levels reads it once).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .workflow import State


class Briefing(models.Model):
    class IssuerKind(models.TextChoices):
        GOVERNMENT = "government", _("People's government")
        SUPERVISORY = "supervisory", _("Supervisory commission")
        COURT = "court", _("People's court")
        PROCURATORATE = "procuratorate", _("People's procuratorate")
        STANDING = "standing", _("Standing committee")

    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="briefings")
    title = models.CharField(_("title"), max_length=120)
    issuer_kind = models.CharField(_("issued by"), max_length=16, choices=IssuerKind.choices)
    issuer_name = models.CharField(_("issuer's name"), max_length=100)
    body = models.TextField(_("text"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("drafted"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=500, blank=True, default="")
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["congress", "state"])]
        constraints = [
            models.CheckConstraint(
                name="briefing_published_has_time",
                condition=Q(state=State.DRAFT) | Q(published_at__isnull=False),
            ),
            models.CheckConstraint(
                name="briefing_withdrawn_has_reason",
                condition=~Q(state=State.WITHDRAWN)
                | (Q(withdrawn_at__isnull=False) & ~Q(withdraw_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Target(models.Model):
    """One way a briefing reaches deputies: a congress's deputies (and those below it), a group, a station."""

    class Kind(models.TextChoices):
        LEVEL = "level", _("Deputies of a congress")
        GROUP = "group", _("Deputy group")
        STATION = "station", _("Station")

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    congress = models.ForeignKey(
        "org.Congress", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    include_lower = models.BooleanField(_("also the deputies of the congresses below"), default=False)
    group = models.ForeignKey(
        "org.DeputyGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        "stations.Station", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("recipient choice")
        verbose_name_plural = _("recipient choices")
        ordering = ["briefing", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                name="briefing_target_has_its_object",
                condition=(
                    Q(kind="level", congress__isnull=False, group__isnull=True, station__isnull=True)
                    | Q(kind="group", group__isnull=False, congress__isnull=True, station__isnull=True)
                    | Q(kind="station", station__isnull=False, congress__isnull=True, group__isnull=True)
                ),
            )
        ]


class Receipt(models.Model):
    """One recipient of a published briefing, and when they first opened it (empty: not read yet)."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="receipts")
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="briefing_receipts")
    # The mandate it reached the person through (the briefing's own congress first), shown in the lists.
    mandate = models.ForeignKey(
        "org.Mandate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        ordering = ["briefing", "id"]
        constraints = [
            models.UniqueConstraint(fields=["briefing", "person"], name="briefing_receipt_once_per_person")
        ]
        indexes = [
            models.Index(fields=["person", "read_at"]),
            models.Index(fields=["briefing", "read_at"]),
        ]


class BriefingFile(models.Model):
    """An attachment of a briefing. Served only through a view that fetches its briefing within the reader's
    scope; stored under a random name (the original name is kept for the download)."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="briefings/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    @property
    def congress_id(self) -> int:
        return self.briefing.congress_id
