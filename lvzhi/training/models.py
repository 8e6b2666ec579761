"""Training of deputies (代表培训, "云课堂"): classes held in person or online, enrolment, and attendance or
completion, which counts as a training activity (培训) in performance through the sources hook.

A class belongs to the congress whose office runs it; its deputies enrol (or are enrolled by the office)
before the closing date and within the capacity. The office records, from the first day of the class, who
attended (in person) or completed it (online); each attended or completed enrolment counts once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TrainingClass(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online (cloud classroom)")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="training_classes")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("content"), blank=True, default="")
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    place = models.CharField(_("place"), max_length=120, blank=True, default="")
    video_url = models.URLField(_("video link"), max_length=300, blank=True, default="")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    hours = models.DecimalField(_("class hours"), max_digits=5, decimal_places=1)
    # None: no limit (an online class usually has none).
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    enrol_closes_on = models.DateField(_("enrolment closes"))
    audience = models.CharField(_("for whom"), max_length=200, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("training class")
        verbose_name_plural = _("training classes")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="training_dates_ordered"),
            models.CheckConstraint(
                condition=Q(enrol_closes_on__lte=F("ends_on")), name="training_closes_in_time"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1), name="training_capacity_positive"
            ),
            models.CheckConstraint(
                condition=~Q(mode="in_person") | ~Q(place=""), name="training_in_person_has_place"
            ),
            models.CheckConstraint(
                condition=~Q(mode="online") | ~Q(video_url=""), name="training_online_has_link"
            ),
        ]
        indexes = [models.Index(fields=["congress", "starts_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_online(self) -> bool:
        return self.mode == self.Mode.ONLINE

    def enrolment_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.SCHEDULED and today <= self.enrol_closes_on

    def has_begun(self, today=None) -> bool:
        return (today or timezone.localdate()) >= self.starts_on

    def phase(self, today=None) -> str:
        """cancelled / open (enrolment open) / closed (enrolment closed, not begun) / running / over."""
        today = today or timezone.localdate()
        if self.status == self.Status.CANCELLED:
            return "cancelled"
        if today > self.ends_on:
            return "over"
        if today >= self.starts_on:
            return "running"
        return "open" if today <= self.enrol_closes_on else "closed"


class Enrolment(models.Model):
    """One deputy mandate's place in a class, and what became of it."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ATTENDED = "attended", _("Attended")
        COMPLETED = "completed", _("Completed")
        ABSENT = "absent", _("Did not attend or complete")

    # Statuses that hold a place in the class, and those that count as a training activity.
    HOLDS_PLACE = (Status.ENROLLED, Status.ATTENDED, Status.COMPLETED, Status.ABSENT)
    COUNTS = (Status.ATTENDED, Status.COMPLETED)

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="enrolments")
    mandate = models.ForeignKey("org.Mandate", on_delete=models.PROTECT, related_name="training_enrolments")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ENROLLED)
    by_self = models.BooleanField(_("enrolled by the deputy"), default=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enrolled_at = models.DateTimeField(default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["training_class", "enrolled_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "mandate"], name="enrolment_once_per_class"),
        ]
        indexes = [models.Index(fields=["mandate", "status"])]

    def __str__(self) -> str:
        return f"{self.training_class_id} · {self.mandate_id} ({self.status})"

    @property
    def congress_id(self) -> int:
        return self.training_class.congress_id
