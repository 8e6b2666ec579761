"""Deputies' performance (履职): activity kinds, activities and who took part, evidence, rule sets and
the stored results of evaluating them.

Counting is done on `Participation`, one row per (activity, deputy mandate) with its own status: only
confirmed rows count. The row repeats the activity's kind and date and the mandate's congress, so the
evaluation's one heavy query — "confirmed activities by (mandate, kind) over a period" — reads a single
table through one partial index, without joins.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import kinds as builtin


class ActivityKind(models.Model):
    """A kind of activity. Built-in kinds have no congress and a fixed code; a congress may add its own
    (seen by that congress and the congresses below it)."""

    congress = models.ForeignKey(
        "org.Congress", null=True, blank=True, on_delete=models.PROTECT, related_name="activity_kinds"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    # Counts among "recess activities" (闭会期间活动) in rules that ask for them.
    is_recess = models.BooleanField(_("recess activity"), default=False)
    is_builtin = models.BooleanField(default=False, editable=False)
    is_active = models.BooleanField(_("in use"), default=True)
    # Shown on the deputy's public archive page (confirmed activities only). Kinds the platform records from
    # other records (suggestions) are not: their titles are the original's, shown publicly only once disclosed.
    is_public = models.BooleanField(_("shown to the public"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("activity kind")
        verbose_name_plural = _("activity kinds")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "code"], name="activity_kind_code_per_congress"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(congress__isnull=True), name="activity_kind_builtin_code"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Built-in kinds read in the user's language; a congress's own kind reads as typed."""
        if self.is_builtin and self.code in builtin.BUILTIN:
            return str(builtin.BUILTIN[self.code][0])
        return self.name


class Activity(models.Model):
    """One activity: a deputy's own registration, a group activity or meeting staff registered for all its
    participants, or one recorded by the platform from its source (a submitted suggestion, an answered
    citizen opinion …). Whether it counts for a deputy is the status of that deputy's Participation."""

    class Origin(models.TextChoices):
        DEPUTY = "deputy", _("Registered by the deputy")
        STAFF = "staff", _("Registered by staff")
        SOURCE = "source", _("Recorded by the platform")

    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="activities")
    kind = models.ForeignKey(ActivityKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120, blank=True, default="")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, default="")
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.DEPUTY)
    group = models.ForeignKey(
        "org.DeputyGroup",
        verbose_name=_("deputy group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    # The record it came from, for activities the platform records itself: "<app>.<model>" and its id.
    source_type = models.CharField(max_length=40, blank=True, default="")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "kind"],
                condition=Q(source_id__isnull=False),
                name="activity_once_per_source_and_kind",
            ),
        ]
        indexes = [models.Index(fields=["congress", "date"]), models.Index(fields=["group", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class Participation(models.Model):
    """One deputy mandate's part in one activity, and whether it counts (only CONFIRMED counts)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    mandate = models.ForeignKey("org.Mandate", on_delete=models.PROTECT, related_name="participations")
    # Copies kept equal to the activity's and the mandate's (set by the services), for the counting query.
    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(ActivityKind, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    source_type = models.CharField(max_length=40, blank=True, default="")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    reject_reason = models.TextField(_("reason for rejection"), blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "mandate"], name="participation_once_per_activity"),
            # The platform records a source once per deputy, however many times its hook is called.
            models.UniqueConstraint(
                fields=["source_type", "source_id", "mandate"],
                condition=Q(source_id__isnull=False),
                name="participation_once_per_source",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="participation_rejected_has_reason",
            ),
        ]
        indexes = [
            # The evaluation's counting query: confirmed rows of some congresses in a date window,
            # grouped by (mandate, kind) — answered from this index alone.
            models.Index(
                fields=["congress", "date", "mandate", "kind"],
                condition=Q(status="confirmed"),
                name="participation_counting",
            ),
            # The list behind the dashboards' "Activities (人次)": confirmed rows newest first, the first page
            # read from the top of this index (a province's year would otherwise be sorted whole).
            models.Index(
                fields=["-date", "-id"], condition=Q(status="confirmed"), name="participation_newest"
            ),
            models.Index(fields=["mandate", "date"], name="participation_mandate_date"),
            models.Index(fields=["congress", "status"], name="participation_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.mandate_id} · {self.activity_id} ({self.status})"


class Evidence(models.Model):
    """A file proving an activity (a photo, a sign-in sheet, minutes). Served only through a view that
    fetches its activity within the reader's scope; stored under a random name."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="performance/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]


class Period(models.TextChoices):
    YEAR = "year", _("Per year")
    TERM = "term", _("Per term")


class RuleSet(models.Model):
    """A congress's rules for its deputies (and, unless a lower congress has its own, for the deputies of
    the congresses below it): minimum counts, or star ratings. One active set of each kind per congress;
    every edit raises the version, and the next evaluation reads the set as it is then."""

    class Kind(models.TextChoices):
        MINIMUMS = "minimums", _("Minimum counts")
        STARS = "stars", _("Star rating")

    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="rule_sets")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MINIMUMS)
    name = models.CharField(_("name"), max_length=80)
    # The preset it was made from ("cq341311" …), blank when built by hand.
    preset = models.CharField(max_length=30, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    effective_from = models.DateField(_("effective from"), default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["congress", "kind", "-is_active", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "kind"], condition=Q(is_active=True), name="one_active_rule_set_per_kind"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RuleItem(models.Model):
    """One rule of a minimums set: at least `minimum` confirmed activities of these kinds per period, for
    these deputies. Several kinds in one item are counted together (e.g. "recess activities")."""

    class Applies(models.TextChoices):
        ALL = "all", _("All deputies")
        LEVEL = "level", _("Deputies of one level")
        GRASSROOTS = "grassroots", _("Grassroots deputies")

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("name"), max_length=80)
    kinds = models.ManyToManyField(ActivityKind, verbose_name=_("activity kinds"), related_name="+")
    minimum = models.PositiveSmallIntegerField(_("minimum"))
    period = models.CharField(_("period"), max_length=4, choices=Period.choices, default=Period.YEAR)
    applies_to = models.CharField(
        _("applies to"), max_length=10, choices=Applies.choices, default=Applies.ALL
    )
    level = models.CharField(_("level"), max_length=16, blank=True, default="")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["rule_set", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(applies_to="level") | ~Q(level=""), name="rule_item_level_named"
            ),
            models.CheckConstraint(condition=Q(minimum__gte=1), name="rule_item_minimum_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def congress_id(self) -> int:
        return self.rule_set.congress_id


class StarRule(models.Model):
    """The star rating of a stars rule set: points per activity kind (StarPoint) summed over the period;
    `one`…`five` are the points needed for each number of stars."""

    rule_set = models.OneToOneField(RuleSet, on_delete=models.CASCADE, related_name="star_rule")
    period = models.CharField(_("period"), max_length=4, choices=Period.choices, default=Period.YEAR)
    one = models.PositiveIntegerField(_("points for one star"))
    two = models.PositiveIntegerField(_("points for two stars"))
    three = models.PositiveIntegerField(_("points for three stars"))
    four = models.PositiveIntegerField(_("points for four stars"))
    five = models.PositiveIntegerField(_("points for five stars"))

    class Meta:
        verbose_name = _("star rule")
        verbose_name_plural = _("star rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(one__gte=1)
                & Q(two__gt=F("one"))
                & Q(three__gt=F("two"))
                & Q(four__gt=F("three"))
                & Q(five__gt=F("four")),
                name="star_thresholds_rise",
            )
        ]

    def thresholds(self) -> list[int]:
        return [self.one, self.two, self.three, self.four, self.five]

    def stars_for(self, points: int) -> int:
        return sum(1 for t in self.thresholds() if points >= t)


class StarPoint(models.Model):
    star_rule = models.ForeignKey(StarRule, on_delete=models.CASCADE, related_name="points")
    kind = models.ForeignKey(ActivityKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        verbose_name = _("points per kind")
        verbose_name_plural = _("points per kind")
        constraints = [models.UniqueConstraint(fields=["star_rule", "kind"], name="star_point_once_per_kind")]


class EvaluationResult(models.Model):
    """A stored evaluation of one rule item for one mandate over one period (written by
    `evaluation_store`; the pages compute live, the archive and figures may read these)."""

    mandate = models.ForeignKey("org.Mandate", on_delete=models.CASCADE, related_name="evaluation_results")
    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(RuleItem, on_delete=models.CASCADE, related_name="results")
    rule_set_version = models.PositiveIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    count = models.PositiveIntegerField()
    minimum = models.PositiveSmallIntegerField()
    required = models.PositiveSmallIntegerField()  # the minimum pro-rated to the days served
    days_served = models.PositiveIntegerField()
    days_in_period = models.PositiveIntegerField()
    met = models.BooleanField()
    short_by = models.PositiveIntegerField()
    evaluated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        constraints = [
            models.UniqueConstraint(
                fields=["mandate", "item", "period_start"], name="evaluation_result_once_per_period"
            )
        ]
        indexes = [models.Index(fields=["congress", "period_start", "met"])]


class ElectorReport(models.Model):
    """A deputy's report to its electors (述职) for one year: the meeting (date, place, electors present) and
    the electors' evaluation of it (satisfied / basically satisfied / dissatisfied counts), recorded by staff.
    Recording one counts as the "report to electors" activity, through the sources hook."""

    mandate = models.ForeignKey("org.Mandate", on_delete=models.PROTECT, related_name="elector_reports")
    # The mandate's congress, for scope and the report rate.
    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year reported on"))
    held_on = models.DateField(_("meeting date"))
    place = models.CharField(_("place"), max_length=120)
    electors_present = models.PositiveIntegerField(_("electors present"))
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basic = models.PositiveIntegerField(_("basically satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)
    notes = models.TextField(_("notes"), blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("report to electors")
        verbose_name_plural = _("reports to electors")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mandate", "year"], name="elector_report_once_per_year"),
            # Those who rated cannot outnumber those present.
            models.CheckConstraint(
                condition=Q(
                    electors_present__gte=F("satisfied") + F("basic") + F("dissatisfied"),
                ),
                name="elector_report_ratings_within_present",
            ),
        ]
        indexes = [models.Index(fields=["congress", "held_on"])]

    def __str__(self) -> str:
        return f"{self.mandate_id} · {self.year}"

    @property
    def rated(self) -> int:
        return self.satisfied + self.basic + self.dissatisfied


def new_archive_key() -> str:
    import secrets

    return secrets.token_urlsafe(12)


class PublicArchive(models.Model):
    """The unguessable address of a deputy mandate's public archive page (never its sequential id), made
    the first time someone who may read the archive opens it; staff can turn the public page off."""

    mandate = models.OneToOneField("org.Mandate", on_delete=models.CASCADE, related_name="public_archive")
    key = models.CharField(max_length=24, unique=True, default=new_archive_key, editable=False)
    is_published = models.BooleanField(_("public page shown"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("public archive page")
        verbose_name_plural = _("public archive pages")
