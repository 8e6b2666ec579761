"""The two contacts (两个联系): who keeps fixed contact with which deputies, and each contact they log.

A *contactor* is either a standing-committee member (a person with a seat on the congress's standing
committee) or a special committee (专门委员会, keeping contact with the deputies of its field, 专业代表).
An Assignment ties one contactor to one deputy mandate from a start date until it is ended; a Contact is one
visit, call, meeting or online exchange with one or more of those deputies; a RaisedOpinion is an opinion a
deputy raised in it, which can go on to the citizens' opinions store or become the deputy's draft suggestion
(linked both ways: the row points at what it became, and that record's history names the contact).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    MEMBER = "member", _("Standing-committee member")
    COMMITTEE = "committee", _("Special committee")


# Exactly one of member / committee, as the side says (a database constraint on both tables).
_ONE_CONTACTOR = Q(side="member", member__isnull=False, committee__isnull=True) | Q(
    side="committee", committee__isnull=False, member__isnull=True
)


class Assignment(models.Model):
    """A deputy assigned to a standing-committee member or a special committee for fixed contact."""

    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="liaison_assignments")
    side = models.CharField(_("contact by"), max_length=10, choices=Side.choices)
    member = models.ForeignKey(
        "org.Person",
        verbose_name=_("standing-committee member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_assignments",
    )
    committee = models.ForeignKey(
        "org.Committee",
        verbose_name=_("special committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_assignments",
    )
    mandate = models.ForeignKey(
        "org.Mandate", verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="liaison_assignments"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    end_note = models.CharField(_("why it ended"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contact assignment")
        verbose_name_plural = _("contact assignments")
        ordering = ["congress", "side", "member", "committee", "mandate__person__name", "id"]
        constraints = [
            models.CheckConstraint(condition=_ONE_CONTACTOR, name="liaison_assignment_one_contactor"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="liaison_assignment_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["member", "mandate"],
                condition=Q(end_date__isnull=True, member__isnull=False),
                name="liaison_member_deputy_open_once",
            ),
            models.UniqueConstraint(
                fields=["committee", "mandate"],
                condition=Q(end_date__isnull=True, committee__isnull=False),
                name="liaison_committee_deputy_open_once",
            ),
        ]
        indexes = [models.Index(fields=["congress", "end_date"])]

    def __str__(self) -> str:
        return f"{self.contactor_name} ↔ {self.mandate.person.name}"

    @property
    def contactor_name(self) -> str:
        return self.member.name if self.member_id else self.committee.name

    def is_active(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class Contact(models.Model):
    """One contact a member or a committee logged with one or more of its deputies."""

    class Mode(models.TextChoices):
        VISIT = "visit", _("Visit")
        CALL = "call", _("Phone call")
        MEETING = "meeting", _("Meeting or talk")
        ONLINE = "online", _("Online")

    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="liaison_contacts")
    side = models.CharField(_("contact by"), max_length=10, choices=Side.choices)
    member = models.ForeignKey(
        "org.Person",
        verbose_name=_("standing-committee member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_contacts_made",
    )
    committee = models.ForeignKey(
        "org.Committee",
        verbose_name=_("special committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_contacts_made",
    )
    date = models.DateField(_("date"))
    mode = models.CharField(_("way of contact"), max_length=10, choices=Mode.choices)
    topic = models.CharField(_("contact topic"), max_length=100)
    place = models.CharField(_("place"), max_length=100, blank=True, default="")
    discussed = models.TextField(_("what was discussed"))
    deputies = models.ManyToManyField(
        "org.Mandate", through="ContactDeputy", related_name="liaison_contacts_logged"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact with deputies")
        verbose_name_plural = _("contacts with deputies")
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=_ONE_CONTACTOR, name="liaison_contact_one_contactor")]
        indexes = [
            models.Index(fields=["congress", "date"]),
            models.Index(fields=["member", "date"]),
            models.Index(fields=["committee", "date"]),
        ]

    def __str__(self) -> str:
        return self.topic

    @property
    def contactor_name(self) -> str:
        return self.member.name if self.member_id else self.committee.name


class ContactDeputy(models.Model):
    """A deputy taking part in a contact (the rows coverage counts)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="attendance")
    mandate = models.ForeignKey("org.Mandate", on_delete=models.PROTECT, related_name="liaison_attendance")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "mandate"], name="liaison_contact_deputy_once")
        ]
        indexes = [models.Index(fields=["mandate", "contact"])]


class RaisedOpinion(models.Model):
    """An opinion or suggestion a deputy raised in a contact, and what became of it."""

    class State(models.TextChoices):
        NOTED = "noted", _("Noted in the log")
        AWAITING_ENTRY = "awaiting_entry", _("Waiting for the office to enter it")
        ENTERED = "entered_store", _("In the opinions store")
        PROPOSED = "suggestion_proposed", _("Proposed to the deputy as a suggestion")
        DRAFTED = "suggestion_drafted", _("Drafted as a suggestion")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="opinions")
    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="+")
    mandate = models.ForeignKey(
        "org.Mandate",
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_opinions",
    )
    category = models.CharField(_("category"), max_length=16)
    content = models.TextField(_("opinion raised"))
    state = models.CharField(
        _("state"), max_length=24, choices=State.choices, default=State.NOTED, db_index=True
    )
    opinion = models.ForeignKey(
        "opinions.Opinion",
        verbose_name=_("citizens' opinion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggestion = models.ForeignKey(
        "suggestions.Suggestion",
        verbose_name=_("suggestion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("opinion raised in a contact")
        verbose_name_plural = _("opinions raised in contacts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["congress", "state"])]

    def __str__(self) -> str:
        return self.content[:40]

    def category_label(self) -> str:
        from lvzhi.opinions.models import Opinion

        return dict(Opinion.Category.choices).get(self.category, self.category)
