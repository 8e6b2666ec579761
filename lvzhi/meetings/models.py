"""Invitations to meetings (列席), inspections, research, law-enforcement checks, hearings and open court
sessions; the agenda and its topics; each deputy's invitation, attendance and speeches; citizens' applications
to observe (旁听).

One model, `Meeting`, holds every invited activity whatever its kind and whoever invites (the standing
committee, a special committee, or the government, supervisory commission, court or procuratorate); its kind
says which performance activity attending counts as.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lvzhi.performance import kinds as activity_kinds

from .workflow import ApplicationState, MeetingState, State


class Meeting(models.Model):
    """An activity deputies are invited to."""

    class Kind(models.TextChoices):
        SC_MEETING = "sc_meeting", _("Standing-committee meeting")
        INSPECTION = "inspection", _("Inspection")
        RESEARCH = "research", _("Research")
        LAW_ENFORCEMENT = "law_enforcement", _("Law-enforcement check")
        HEARING = "hearing", _("Hearing")
        OPEN_COURT = "open_court", _("Open court session")

    class Host(models.TextChoices):
        STANDING = "standing", _("The standing committee")
        COMMITTEE = "committee", _("A special committee")
        UNIT = "unit", _("Government, supervisory commission, court or procuratorate")

    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="meetings")
    # The term the meeting falls in: "attended this term" and the coverage report count within it.
    term = models.ForeignKey("org.Term", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    host = models.CharField(_("inviting body"), max_length=12, choices=Host.choices, default=Host.STANDING)
    host_committee = models.ForeignKey(
        "org.Committee",
        verbose_name=_("inviting committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    host_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("inviting unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    title = models.CharField(_("title"), max_length=120)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    time_text = models.CharField(_("time"), max_length=60, blank=True, default="")
    place = models.CharField(_("place"), max_length=120)
    description = models.TextField(_("description"), blank=True, default="")
    deputy_places = models.PositiveSmallIntegerField(_("deputies to invite"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=MeetingState.choices, default=MeetingState.PLANNED, db_index=True
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, default="")
    # Citizens observing (旁听).
    observers_open = models.BooleanField(_("open to citizen observers"), default=False)
    observer_capacity = models.PositiveSmallIntegerField(_("observer places"), default=0)
    observer_closes_on = models.DateField(_("applications close on"), null=True, blank=True)
    observer_notes = models.TextField(_("notes for observers"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    concluded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invited activity")
        verbose_name_plural = _("invited activities")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="meeting_dates_ordered"),
            models.CheckConstraint(
                name="meeting_host_consistent",
                condition=(
                    Q(host="standing", host_committee__isnull=True, host_unit__isnull=True)
                    | Q(host="committee", host_committee__isnull=False, host_unit__isnull=True)
                    | Q(host="unit", host_committee__isnull=True, host_unit__isnull=False)
                ),
            ),
        ]
        indexes = [models.Index(fields=["congress", "starts_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def activity_kind(self) -> str:
        """The performance activity kind (lvzhi.performance.kinds) attending counts as."""
        return ACTIVITY_KIND[self.kind]

    @property
    def host_name(self) -> str:
        if self.host == self.Host.COMMITTEE and self.host_committee_id:
            return self.host_committee.name
        if self.host == self.Host.UNIT and self.host_unit_id:
            return self.host_unit.name
        return _("Standing committee of %(congress)s") % {"congress": self.congress.name}

    @property
    def dates_text(self) -> str:
        if self.ends_on == self.starts_on:
            return f"{self.starts_on:%Y-%m-%d}"
        return f"{self.starts_on:%Y-%m-%d} – {self.ends_on:%Y-%m-%d}"


ACTIVITY_KIND = {
    Meeting.Kind.SC_MEETING: activity_kinds.ATTEND_SC,
    Meeting.Kind.INSPECTION: activity_kinds.INSPECTION,
    Meeting.Kind.RESEARCH: activity_kinds.RESEARCH,
    Meeting.Kind.LAW_ENFORCEMENT: activity_kinds.LAW_ENFORCEMENT,
    Meeting.Kind.HEARING: activity_kinds.HEARING,
    Meeting.Kind.OPEN_COURT: activity_kinds.OPEN_COURT,
}


class AgendaItem(models.Model):
    """One item on a meeting's agenda, with the subject fields (org.fields.SubjectField) it is about."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("agenda item"), max_length=200)
    presenter = models.CharField(_("reported by"), max_length=60, blank=True, default="")
    fields = models.JSONField(_("topics"), default=list, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def congress_id(self) -> int:
        return self.meeting.congress_id

    @property
    def field_labels(self) -> list[str]:
        from lvzhi.org.fields import SubjectField

        labels = dict(SubjectField.choices)
        return [str(labels[f]) for f in self.fields or [] if f in labels]


class Invitation(models.Model):
    """One deputy mandate invited to one meeting, and what became of it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="invitations")
    mandate = models.ForeignKey("org.Mandate", on_delete=models.PROTECT, related_name="meeting_invitations")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PROPOSED)
    # Why the system proposed the deputy, in words, as they read when the office picked it.
    reasons = models.JSONField(_("why proposed"), default=list, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True, default="")
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawing"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["meeting", "mandate__person__name", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "mandate"], name="invitation_once")]
        indexes = [models.Index(fields=["mandate", "state"])]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.mandate.person.name}"

    @property
    def congress_id(self) -> int:
        return self.meeting.congress_id


class Speech(models.Model):
    """What an attending deputy said (审议发言 at a meeting, a view given on an inspection)."""

    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, related_name="speeches")
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="speeches",
    )
    topic = models.CharField(_("topic"), max_length=120)
    summary = models.TextField(_("summary"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("speech")
        verbose_name_plural = _("speeches")
        ordering = ["invitation", "recorded_at", "id"]

    @property
    def congress_id(self) -> int:
        return self.invitation.meeting.congress_id


class ObserverApplication(models.Model):
    """A citizen's application to observe a meeting (旁听). The identity details are for the handling staff
    only (the pages mask them for everyone else, public pages never show them)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="observer_applications")
    number = models.CharField(_("application number"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=40)
    id_number = models.CharField(_("ID card number"), max_length=18)
    phone = models.CharField(_("mobile"), max_length=20)
    employer = models.CharField(_("employer"), max_length=100, blank=True, default="")
    reason = models.TextField(_("why you wish to observe"), blank=True, default="")
    consent_at = models.DateTimeField(_("consent given"))
    state = models.CharField(
        _("state"), max_length=10, choices=ApplicationState.choices, default=ApplicationState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("reason"), blank=True, default="")
    # The applicant's receipt link (a status page): only its hash is kept.
    receipt_hash = models.CharField(max_length=64, unique=True)
    client_ip_hash = models.CharField(max_length=64, blank=True, default="")
    client_cookie_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    # Identity details are deleted once the meeting is some time past (services.observers, a daily job).
    personal_data_purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("observer application")
        verbose_name_plural = _("observer applications")
        ordering = ["meeting", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "id_number"], condition=~Q(id_number=""), name="observer_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def congress_id(self) -> int:
        return self.meeting.congress_id
