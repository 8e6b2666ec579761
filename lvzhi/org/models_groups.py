"""A deputy group's year of work (代表小组活动): its yearly plan, the activities it held and who attended.

A group activity recorded here counts for each member who attended as a "group activity" (代表小组活动) in
performance, through `performance.services.sources.activity_record_from_source`, so it is counted once per
deputy however often the attendance is saved. Members absent with leave (请假) are not held against their
attendance rate. Imported into org.models, so the tables belong to the org app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GroupWorkKind(models.TextChoices):
    """What a group does together (all of them count as a group activity in performance)."""

    STUDY = "study", _("Study session")
    INSPECTION = "inspection", _("Inspection")
    RESEARCH = "research", _("Research")
    RECEPTION = "reception", _("Receiving citizens")
    DISCUSSION = "discussion", _("Discussion meeting")
    VISIT = "visit", _("Visiting electors")
    OTHER = "other", _("Other")


class GroupPlanItem(models.Model):
    """One planned activity of a group's yearly plan (年度活动计划): a month, a topic and a kind."""

    group = models.ForeignKey(
        "org.DeputyGroup", verbose_name=_("deputy group"), on_delete=models.CASCADE, related_name="plan_items"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    kind = models.CharField(_("kind"), max_length=16, choices=GroupWorkKind.choices)
    topic = models.CharField(_("topic"), max_length=120)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("planned group activity")
        verbose_name_plural = _("planned group activities")
        ordering = ["group", "year", "month", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="group_plan_month_valid"),
        ]
        indexes = [models.Index(fields=["group", "year"])]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.topic}"

    @property
    def congress_id(self) -> int:
        return self.group.congress_id


class GroupActivity(models.Model):
    """An activity the group held (活动日志): when, what, where, and its attendance rows."""

    group = models.ForeignKey(
        "org.DeputyGroup", verbose_name=_("deputy group"), on_delete=models.PROTECT, related_name="work"
    )
    plan_item = models.ForeignKey(
        GroupPlanItem,
        verbose_name=_("planned activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=GroupWorkKind.choices)
    topic = models.CharField(_("topic"), max_length=120)
    place = models.CharField(_("place"), max_length=120, blank=True, default="")
    notes = models.TextField(_("notes"), blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("group activity")
        verbose_name_plural = _("group activities")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["group", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.topic}"

    @property
    def congress_id(self) -> int:
        return self.group.congress_id


class GroupAttendance(models.Model):
    """One member's attendance at one group activity: present, absent with leave, or absent."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LEAVE = "leave", _("Absent with leave")
        ABSENT = "absent", _("Absent")

    activity = models.ForeignKey(GroupActivity, on_delete=models.CASCADE, related_name="attendance")
    mandate = models.ForeignKey("org.Mandate", on_delete=models.PROTECT, related_name="group_attendance")
    status = models.CharField(_("attendance"), max_length=8, choices=Status.choices, default=Status.ABSENT)
    note = models.CharField(_("reason for leave"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("group attendance")
        verbose_name_plural = _("group attendance")
        constraints = [
            models.UniqueConstraint(fields=["activity", "mandate"], name="group_attendance_once"),
        ]
        indexes = [models.Index(fields=["mandate", "status"])]
