"""Citizens' opinions (群众意见): the QR codes citizens scan, what they leave, the answers they read, the rating.

A ContactCode belongs to one deputy mandate or one station and is the public address a QR code points at
(an unguessable token, never a sequential id). Codes are per mandate; the inbox is per person, so an
Opinion records the mandate it came through and the person who holds it. Personal data (name, phone) lives
only on the Opinion row, so a retention purge can blank it and keep the anonymous record; events refer to
the opinion by id.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .workflow import State


def new_code_token() -> str:
    # 16 random bytes: 22 URL-safe characters, unguessable and short enough for a small QR code.
    return secrets.token_urlsafe(16)


class ContactCode(models.Model):
    """The target of one QR code: a deputy mandate or a station, exactly one of the two."""

    token = models.CharField(_("token"), max_length=43, unique=True, default=new_code_token, editable=False)
    mandate = models.ForeignKey(
        "org.Mandate",
        verbose_name=_("deputy mandate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_codes",
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_codes",
    )
    # The congress of the mandate or station, kept here so staff pages scope codes with one filter.
    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="contact_codes")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # A revoked code shows a polite "moved" page that links to the code that replaced it.
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )

    class Meta:
        verbose_name = _("contact code")
        verbose_name_plural = _("contact codes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(mandate__isnull=False) & Q(station__isnull=True))
                | (Q(mandate__isnull=True) & Q(station__isnull=False)),
                name="contact_code_one_target",
            ),
            # At most one live code per mandate and per station; revoked ones stay for the "moved" page.
            models.UniqueConstraint(
                fields=["mandate"],
                condition=Q(revoked_at__isnull=True, mandate__isnull=False),
                name="contact_code_one_live_per_mandate",
            ),
            models.UniqueConstraint(
                fields=["station"],
                condition=Q(revoked_at__isnull=True, station__isnull=False),
                name="contact_code_one_live_per_station",
            ),
        ]

    def __str__(self) -> str:
        return self.token

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class Opinion(models.Model):
    """One opinion or request to meet, from a citizen (or imported from the 12345 hotline, or typed by staff)."""

    class Source(models.TextChoices):
        QR = "qr", _("QR code")
        STATION = "station", _("Station visit")
        RECEPTION = "reception", _("Reception day")
        HOTLINE = "hotline", _("12345 hotline import")
        STAFF = "staff", _("Entered by staff")

    class Kind(models.TextChoices):
        OPINION = "opinion", _("Opinion or suggestion")
        MEETING = "meeting", _("Request to meet the deputy")

    class Category(models.TextChoices):
        CITY = "city", _("Urban construction and management")
        TRAFFIC = "traffic", _("Traffic and getting around")
        ENVIRONMENT = "environment", _("Environment and sanitation")
        HOUSING = "housing", _("Housing estates and property management")
        EDUCATION = "education", _("Education")
        HEALTH = "health", _("Health and medical insurance")
        ELDERLY = "elderly", _("Elderly care and social security")
        JOBS = "jobs", _("Jobs and income")
        MARKET = "market", _("Markets, prices and consumer rights")
        SAFETY = "safety", _("Public order and safety")
        RURAL = "rural", _("Agriculture and villages")
        OTHER = "other", _("Other")

    number = models.CharField(_("tracking number"), max_length=20, unique=True)
    # The follow-up link's token is never stored: it is an HMAC of this salt (see tokens.py), and only its
    # SHA-256 is kept to find the row, so a copy of the database alone opens no one's status page.
    follow_salt = models.CharField(max_length=32, editable=False)
    follow_hash = models.CharField(max_length=64, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.QR)
    code = models.ForeignKey(
        ContactCode,
        verbose_name=_("contact code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OPINION)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    place = models.CharField(_("place"), max_length=100, blank=True, default="")
    content = models.TextField(_("content"))
    citizen_name = models.CharField(_("name"), max_length=40, blank=True, default="")
    phone = models.CharField(_("mobile"), max_length=20, blank=True, default="")
    wants_callback = models.BooleanField(_("wants a call back"), default=False)
    preferred_times = models.CharField(_("preferred times"), max_length=200, blank=True, default="")
    consent_at = models.DateTimeField(_("consent given"))
    # Whom it reaches: the mandate (and its person: one inbox for all of a person's mandates) and/or station.
    mandate = models.ForeignKey(
        "org.Mandate",
        verbose_name=_("deputy mandate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("deputy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="opinions")
    suggestion = models.ForeignKey(
        "suggestions.Suggestion",
        verbose_name=_("suggestion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opinions",
    )
    state = models.CharField(
        _("state"), max_length=24, choices=State.choices, default=State.NEW, db_index=True
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    finished_at = models.DateTimeField(_("solved or closed"), null=True, blank=True)
    # When the solve step was taken (kept once rated): the solved figure reads it rather than the events.
    # Set by services.common.move in the step's transaction; no step leads out of solved but the rating.
    solved_at = models.DateTimeField(_("marked solved"), null=True, blank=True)
    # Urgent items (急事难事) come first in the inbox and the triage queue.
    urgent = models.BooleanField(_("urgent"), default=False)
    # The acknowledgement clock (opinion_ack_days working days from receipt), then escalation to staff.
    ack_due_on = models.DateField(_("acknowledge by"), null=True, blank=True, db_index=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # 交办: the unit handling it and by when.
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    unit_due_on = models.DateField(_("unit's answer due"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    # 约见: a meeting the deputy proposes (and the citizen or the deputy confirms), at a station if any.
    meeting_at = models.DateTimeField(_("meeting time"), null=True, blank=True)
    meeting_station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("meeting place (station)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    meeting_place = models.CharField(_("meeting place"), max_length=100, blank=True, default="")
    meeting_confirmed_at = models.DateTimeField(_("meeting confirmed"), null=True, blank=True)
    # Staff's tags for analysis (e.g. 老旧小区, 停车难).
    tags = models.ManyToManyField("OpinionTag", verbose_name=_("tags"), blank=True, related_name="opinions")
    # The 12345 hotline's own ticket number for imported items (blank otherwise); an import never stores one twice.
    external_ref = models.CharField(_("hotline ticket number"), max_length=40, blank=True, default="")
    # Set by the retention purge: name, phone and preferred times are blanked, the anonymous record stays.
    personal_data_purged_at = models.DateTimeField(null=True, blank=True)
    # Abuse limits: keyed hashes of the address and of a browser cookie, never the raw values.
    client_ip_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    client_cookie_hash = models.CharField(max_length=64, blank=True, default="")
    # The same content to the same target from the same client within minutes is stored once.
    dedupe_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        verbose_name = _("citizen's opinion")
        verbose_name_plural = _("citizens' opinions")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A call back or a meeting needs a number to call, until the personal data is purged.
            models.CheckConstraint(
                condition=Q(wants_callback=False, kind="opinion")
                | ~Q(phone="")
                | Q(personal_data_purged_at__isnull=False),
                name="opinion_phone_when_called_back",
            ),
            models.CheckConstraint(
                condition=Q(mandate__isnull=True) | Q(person__isnull=False),
                name="opinion_mandate_has_person",
            ),
            models.UniqueConstraint(
                fields=["source", "external_ref"],
                condition=~Q(external_ref=""),
                name="opinion_external_ref_once",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "state"]),
            models.Index(fields=["station", "state"]),
            models.Index(fields=["congress", "state"]),
            # The figures' counts over a period read this index alone (no visit to the rows).
            models.Index(fields=["created_at", "congress", "state", "solved_at"], name="opinion_figures"),
            # A county's or a township's list by received time reads its congresses' opinions of the period
            # only, not the whole province's newest until 50 of theirs come up.
            models.Index(fields=["congress", "created_at"], name="opinion_congress_received"),
        ]

    def __str__(self) -> str:
        return self.number


class OpinionTag(models.Model):
    """A tag staff give opinions for analysis, one set per congress."""

    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="opinion_tags")
    name = models.CharField(_("tag"), max_length=20)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="opinion_tag_once")]

    def __str__(self) -> str:
        return self.name


class OpinionCounter(models.Model):
    """The last tracking number given out in a year (YJ2026-000123); locked while a number is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class OpinionPhoto(models.Model):
    """A photo the citizen attached (at most three); served only to those who may see the opinion."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="opinions/%Y/%m/")
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]


class OpinionReply(models.Model):
    """An answer the citizen reads on the status page (from the deputy, staff or a unit)."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # How the citizen sees the author: "代表 张三", "某某联络站", "市住房和城乡建设局" (not the account's name).
    signed_as = models.CharField(_("signed as"), max_length=100, blank=True, default="")
    body = models.TextField(_("answer"))
    created_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "id"]


class CitizenRating(models.Model):
    """The citizen's rating of the outcome, given once."""

    class Score(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASIC = "basic", _("Basically satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    opinion = models.OneToOneField(Opinion, on_delete=models.CASCADE, related_name="rating")
    score = models.CharField(_("rating"), max_length=12, choices=Score.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("rated"), default=timezone.now)

    class Meta:
        verbose_name = _("citizen's rating")
        verbose_name_plural = _("citizens' ratings")
