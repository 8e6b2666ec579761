"""Stations and the deputies (of any level) assigned to them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


# --- reception days (接待日) ---------------------------------------------------------------------------
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
NTH_CHOICES = [
    (1, _("first")),
    (2, _("second")),
    (3, _("third")),
    (4, _("fourth")),
    (-1, pgettext_lazy("the n-th weekday", "last")),
]


class ReceptionRule(models.Model):
    """A recurring reception day of a station: "the 15th of each odd month, 9–11 am", "the second Wednesday",
    "every Saturday", or the voter-contact months of Minhang's "2+12+365" (two months a year in which the
    deputies receive every week, on top of the fixed day each month; the 365 is the station's QR code).

    The rule proposes dates; staff confirm a month (services_reception.reception_month_confirm), which writes
    ReceptionDay rows. A date falling on a public holiday is skipped or moved, as the rule says.
    """

    class Kind(models.TextChoices):
        MONTHLY_DAY = "monthly_day", _("A fixed day of each month")
        NTH_WEEKDAY = "nth_weekday", _("The n-th weekday of each month")
        WEEKLY = "weekly", _("Every week on a weekday")
        CONTACT_MONTH = "contact_month", _("Voter-contact months: every week on a weekday")

    class DayOff(models.TextChoices):
        SKIP = "skip", _("Cancel it when it falls on a public holiday")
        NEXT = "next", _("Move it to the next working day when it falls on a public holiday")
        NEXT_ANY = "next_any", _("Move it to the next working day when it falls on a holiday or weekend")

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="reception_rules")
    kind = models.CharField(_("repeats"), max_length=16, choices=Kind.choices)
    day = models.PositiveSmallIntegerField(_("day of the month"), null=True, blank=True)
    nth = models.SmallIntegerField(_("which"), null=True, blank=True, choices=NTH_CHOICES)
    weekday = models.PositiveSmallIntegerField(_("weekday"), null=True, blank=True, choices=WEEKDAYS)
    # The months it applies in, "1,3,5" (blank: every month); the voter-contact months for CONTACT_MONTH.
    months = models.CharField(_("months"), max_length=40, blank=True, default="")
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    theme = models.CharField(_("theme"), max_length=100, blank=True, default="")
    deputies = models.ManyToManyField(
        "org.Mandate", verbose_name=_("deputies expected"), blank=True, related_name="reception_rules"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    day_off_policy = models.CharField(
        _("on a holiday"), max_length=10, choices=DayOff.choices, default=DayOff.NEXT
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("reception rule")
        verbose_name_plural = _("reception rules")
        ordering = ["station", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="reception_rule_times_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="reception_rule_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.get_kind_display()}"

    @property
    def month_list(self) -> list[int]:
        return [int(m) for m in self.months.split(",") if m.strip().isdigit()]

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class ReceptionException(models.Model):
    """One date of a rule cancelled or moved by hand, with the reason (the rule stays as it is)."""

    class Action(models.TextChoices):
        CANCEL = "cancel", _("Cancel this date")
        MOVE = "move", _("Move this date")

    rule = models.ForeignKey(ReceptionRule, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date the rule gives"))
    action = models.CharField(_("change"), max_length=8, choices=Action.choices)
    new_date = models.DateField(_("new date"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("reception exception")
        verbose_name_plural = _("reception exceptions")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "date"], name="reception_exception_once"),
            models.CheckConstraint(
                condition=models.Q(action="cancel", new_date__isnull=True)
                | models.Q(action="move", new_date__isnull=False),
                name="reception_exception_move_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.date}"


class ReceptionDay(models.Model):
    """One reception day at a station: planned (from a rule or by hand), then held (recorded) or cancelled."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="reception_days")
    # The station's congress, so scoped lists and the audit log filter with one join.
    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="reception_days")
    rule = models.ForeignKey(
        ReceptionRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reception_days",
    )
    # The date the rule gave for this day (a day of the rule's is known by (rule, rule_date) whatever became of
    # it: moved for a holiday or by hand, cancelled), so confirming its month again never writes it twice.
    # Blank for a day added by hand, and for an older day whose rule date could not be told.
    rule_date = models.DateField(_("date the rule gives"), null=True, blank=True)
    date = models.DateField(_("date"), db_index=True)
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    theme = models.CharField(_("theme"), max_length=100, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True, default="")
    # The record of a held day.
    citizens_count = models.PositiveIntegerField(_("citizens received"), null=True, blank=True)
    notes = models.TextField(_("what was raised"), blank=True, default="")
    follow_up = models.TextField(_("follow-up"), blank=True, default="")
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mandates = models.ManyToManyField(
        "org.Mandate", through="ReceptionAttendance", related_name="reception_days"
    )

    class Meta:
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        ordering = ["date", "start_time", "id"]
        constraints = [
            # One reception a day at a station; a cancelled one leaves the date free for a new one.
            models.UniqueConstraint(
                fields=["station", "date"],
                condition=~models.Q(status="cancelled"),
                name="reception_day_once_a_day",
            ),
            # A date a rule gives makes one reception day, whatever its status or its date now.
            models.UniqueConstraint(
                fields=["rule", "rule_date"],
                condition=models.Q(rule_date__isnull=False),
                name="reception_day_once_a_rule_date",
            ),
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="reception_day_times_ordered"
            ),
        ]
        indexes = [models.Index(fields=["station", "date"]), models.Index(fields=["congress", "date"])]

    def __str__(self) -> str:
        return f"{self.station} {self.date:%Y-%m-%d}"


class ReceptionAttendance(models.Model):
    """A deputy on a reception day: scheduled beforehand, and whether they came (set when it is recorded)."""

    day = models.ForeignKey(ReceptionDay, on_delete=models.CASCADE, related_name="attendance")
    mandate = models.ForeignKey("org.Mandate", on_delete=models.PROTECT, related_name="reception_attendance")
    scheduled = models.BooleanField(_("scheduled"), default=True)
    attended = models.BooleanField(_("came"), null=True, blank=True)

    class Meta:
        verbose_name = _("deputy on a reception day")
        verbose_name_plural = _("deputies on reception days")
        constraints = [models.UniqueConstraint(fields=["day", "mandate"], name="reception_attendance_once")]


class ReceptionOpinion(models.Model):
    """A citizen's opinion taken on a reception day (the opinion itself lives in the opinions store)."""

    day = models.ForeignKey(ReceptionDay, on_delete=models.PROTECT, related_name="opinion_links")
    opinion = models.OneToOneField(
        "opinions.Opinion", on_delete=models.PROTECT, related_name="reception_link"
    )
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("opinion taken on a reception day")
        verbose_name_plural = _("opinions taken on reception days")
        ordering = ["linked_at", "id"]
