"""Motions and suggestions, their assignments to units, replies, evaluations and supervision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lvzhi.org.fields import SubjectField

from .workflow import State


class Suggestion(models.Model):
    class Kind(models.TextChoices):
        MOTION = "motion", _("Motion")
        SUGGESTION = "suggestion", _("Suggestion, criticism or opinion")

    class PresidiumDecision(models.TextChoices):
        AGENDA = "agenda", _("Put on the agenda and referred to a special committee")
        AS_SUGGESTION = "as_suggestion", _("Handled as a suggestion")

    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="suggestions")
    term = models.ForeignKey("org.Term", on_delete=models.PROTECT, related_name="suggestions")
    # Set when submitted during a session (大会期间); None for recess (闭会期间).
    session = models.ForeignKey(
        "org.Session", null=True, blank=True, on_delete=models.PROTECT, related_name="suggestions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SUGGESTION)
    # Numbering series: "S<session id>" during a session, "R<year>" in recess; the number is 第Z号.
    series = models.CharField(max_length=12, blank=True, default="")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    field = models.CharField(_("field"), max_length=16, choices=SubjectField.choices)
    body = models.TextField(_("text"))
    author = models.ForeignKey(
        "org.Mandate", verbose_name=_("lead author"), on_delete=models.PROTECT, related_name="suggestions_led"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    received_on = models.DateField(_("received"), null=True, blank=True)
    assign_due = models.DateField(_("assignment due"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True, default="")
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    committee = models.ForeignKey(
        "org.Committee",
        verbose_name=_("supervising committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    presidium_decision = models.CharField(
        _("presidium decision"), max_length=16, choices=PresidiumDecision.choices, blank=True, default=""
    )
    is_key = models.BooleanField(_("key supervision"), default=False)
    is_media_tracked = models.BooleanField(_("media tracking"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Derived from the suggestion's assignments, replies, consultations and evaluations by
    # figure_columns.keep() (never set by hand), so the figures and their lists are plain filters.
    lead_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    first_reply_on_time = models.BooleanField(null=True, editable=False)  # None: no first reply yet
    latest_reply_solved = models.BooleanField(default=False, editable=False)
    met_face_to_face = models.BooleanField(default=False, editable=False)
    first_rating = models.CharField(max_length=16, blank=True, default="", editable=False)

    class FirstRating(models.TextChoices):
        """How the deputies rated the first reply: not yet, nobody dissatisfied, someone dissatisfied."""

        NOT_RATED = ""
        NOT_DISSATISFIED = "ok"
        DISSATISFIED = "dissatisfied"

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "kind", "series", "number"],
                condition=Q(number__isnull=False),
                name="suggestion_number_once_per_series",
            )
        ]
        indexes = [
            models.Index(fields=["congress", "state"]),
            models.Index(fields=["session", "state"]),
            # The figures and their lists (a period's suggestions of a region) read this index alone on
            # PostgreSQL: every column they filter and sort on is in it (other databases: without it).
            models.Index(
                fields=["received_on", "congress"],
                include=[
                    "state",
                    "submitted_at",
                    "accepted_at",
                    "merged_into",
                    "series",
                    "number",
                    "lead_unit",
                    "first_reply_on_time",
                    "latest_reply_solved",
                    "met_face_to_face",
                    "first_rating",
                ],
                name="suggestion_figures",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Signer(models.Model):
    """A deputy on the suggestion: its author, a co-signer (联名) or the author of one merged into it (并案)."""

    class Role(models.TextChoices):
        AUTHOR = "author", _("Author")
        COSIGNER = "cosigner", _("Co-signer")
        MERGED = "merged", _("Author of a merged suggestion")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="signers")
    mandate = models.ForeignKey("org.Mandate", on_delete=models.PROTECT, related_name="suggestion_signatures")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    invited_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)

    class Meta:
        verbose_name = _("signer")
        verbose_name_plural = _("signers")
        constraints = [models.UniqueConstraint(fields=["suggestion", "mandate"], name="signer_once")]

    @property
    def congress_id(self) -> int:
        return self.suggestion.congress_id


class Attachment(models.Model):
    class Kind(models.TextChoices):
        MATERIAL = "material", _("Material")
        LETTER = "letter", _("Signed reply letter")
        EVIDENCE = "evidence", _("Evidence")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MATERIAL)
    file = models.FileField(upload_to="suggestions/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class Assignment(models.Model):
    """One unit's part in handling a suggestion: the lead unit (主办) or a co-unit (协办)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead unit")
        CO = "co", _("Co-unit")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("role"), max_length=4, choices=Role.choices)
    assigned_on = models.DateField(_("assigned"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    batch = models.CharField(_("assignment meeting"), max_length=60, blank=True, default="")
    return_due = models.DateField(_("return window ends"))
    opinion_due = models.DateField(_("co-unit opinion due"), null=True, blank=True)
    reply_due = models.DateField(_("reply due"), null=True, blank=True)
    extended_due = models.DateField(_("extended to"), null=True, blank=True)
    extension_reason = models.TextField(blank=True, default="")
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True, default="")
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["suggestion", "role", "id"]
        constraints = [
            # One active lead unit at a time; a returned assignment stays as history.
            models.UniqueConstraint(
                fields=["suggestion"], condition=Q(role="lead", is_active=True), name="one_active_lead_unit"
            ),
            models.UniqueConstraint(
                fields=["suggestion", "unit"], condition=Q(is_active=True), name="unit_assigned_once"
            ),
        ]
        indexes = [models.Index(fields=["unit", "is_active"])]

    def __str__(self) -> str:
        return f"{self.suggestion_id} → {self.unit}"

    @property
    def due(self):
        """The reply deadline in force: an approved extension replaces the original."""
        return self.extended_due or self.reply_due

    @property
    def congress_id(self) -> int:
        return self.suggestion.congress_id


class CoOpinion(models.Model):
    """A co-unit's written opinion to the lead unit: a tracked step with its own clock."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="co_opinion")
    text = models.TextField(_("opinion"))
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class Progress(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="progress_notes")
    text = models.TextField(_("progress"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["recorded_at"]


class Consultation(models.Model):
    """A face-to-face consultation (面商) between the handling unit and the deputy."""

    class Method(models.TextChoices):
        VISIT = "visit", _("Visit in person")
        MEETING = "meeting", _("Meeting")
        SITE = "site", _("On-site inspection")
        PHONE = "phone", _("Phone")

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="consultations")
    held_on = models.DateField(_("held on"))
    method = models.CharField(_("how"), max_length=10, choices=Method.choices, default=Method.VISIT)
    participants = models.CharField(_("who took part"), max_length=300)
    deputy_view = models.TextField(_("the deputy's view"), blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on"]

    @property
    def is_face_to_face(self) -> bool:
        return self.method != self.Method.PHONE


class Reply(models.Model):
    """The lead unit's reply letter (答复函), one per round: round 1, then one per re-handling."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="replies")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="replies")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    text = models.TextField(_("reply text"))
    letter = models.ForeignKey(
        Attachment,
        verbose_name=_("signed and sealed letter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The result class as set by the congress at reply time (copied: a later change of the set keeps history).
    result_code = models.CharField(_("result class"), max_length=4)
    result_label = models.CharField(max_length=40)
    is_solved = models.BooleanField(default=False)
    is_promise = models.BooleanField(default=False)
    is_reference = models.BooleanField(default=False)
    promised_work = models.TextField(_("promised work"), blank=True, default="")
    promised_by = models.DateField(_("promised by"), null=True, blank=True)
    reference_reason = models.TextField(_("why for reference only"), blank=True, default="")
    signed_by = models.CharField(_("signed by (head of unit)"), max_length=40, blank=True, default="")
    replied_at = models.DateTimeField(default=timezone.now)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_time = models.BooleanField(default=True)
    # Promise tracking (两次评价): the unit reports the promised work carried out.
    promise_report = models.TextField(_("promise carried out"), blank=True, default="")
    promise_reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["suggestion", "round"]
        constraints = [
            # Two handlers replying at the same moment give one reply: the database refuses the second.
            models.UniqueConstraint(fields=["suggestion", "round"], name="one_reply_per_round"),
        ]


class Evaluation(models.Model):
    """A deputy's rating of a reply (stage 'reply') or of the promise carried out (stage 'promise')."""

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASIC = "basic", _("Basically satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    class Stage(models.TextChoices):
        REPLY = "reply", _("Reply")
        PROMISE = "promise", _("Promise carried out")

    reply = models.ForeignKey(Reply, on_delete=models.PROTECT, related_name="evaluations")
    mandate = models.ForeignKey("org.Mandate", on_delete=models.PROTECT, related_name="evaluations")
    stage = models.CharField(max_length=8, choices=Stage.choices, default=Stage.REPLY)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True, default="")
    evaluated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["reply", "mandate", "stage"], name="evaluate_once_per_stage")
        ]


class SurveyAnswer(models.Model):
    """A third party's telephone survey answer for one deputy on one suggestion."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="survey_answers")
    mandate = models.ForeignKey("org.Mandate", on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("rating"), max_length=12, choices=Evaluation.Rating.choices)
    surveyed_on = models.DateField(_("surveyed on"))
    note = models.TextField(blank=True, default="")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["suggestion", "mandate"], name="survey_once")]


class KeySupervision(models.Model):
    """重点督办: chosen by the chair, led by a government leader, supervised by a committee leader."""

    suggestion = models.OneToOneField(Suggestion, on_delete=models.PROTECT, related_name="key_supervision")
    year = models.PositiveSmallIntegerField(_("year"))
    leader_in_charge = models.CharField(_("government leader in charge"), max_length=60)
    supervising_leader = models.CharField(_("supervising leader"), max_length=60)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(default=timezone.now)


class KeyMeeting(models.Model):
    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", _("Assignment meeting")
        PROGRESS = "progress", _("Progress meeting")
        REPORT = "report", _("Final report")

    key = models.ForeignKey(KeySupervision, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    held_on = models.DateField(_("held on"))
    notes = models.TextField(_("notes"))

    class Meta:
        ordering = ["held_on"]


class KeyScore(models.Model):
    """A standing-committee member's score of the final report (测评打分), 0–100."""

    key = models.ForeignKey(KeySupervision, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True, default="")
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "member"], name="score_once_per_member"),
            models.CheckConstraint(condition=Q(score__lte=100), name="score_at_most_100"),
        ]


class MediaReport(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="media_reports")
    outlet = models.CharField(_("outlet"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"))
    published_on = models.DateField(_("published on"))


class Disclosure(models.Model):
    """The redacted copy of a closed suggestion and its reply that the public sees (审核公开)."""

    suggestion = models.OneToOneField(Suggestion, on_delete=models.PROTECT, related_name="disclosure")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    reply_text = models.TextField(_("reply"))
    is_published = models.BooleanField(default=False, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    @property
    def congress_id(self) -> int:
        return self.suggestion.congress_id


class ConsultationList(models.Model):
    """会商清单: the strongest recess issues, discussed by the chairs with the heads of the units concerned.

    The deputy-affairs office of the congress puts items on the list (from its suggestions, or opinions
    gathered in contact activities, as free text), records the consultation meetings with the heads of the
    units concerned, and the outcome of each item; then closes the list.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    congress = models.ForeignKey("org.Congress", on_delete=models.PROTECT, related_name="consultation_lists")
    title = models.CharField(_("title"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("consultation list")
        verbose_name_plural = _("consultation lists")
        ordering = ["-year", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "year", "title"], name="consultation_list_title_once_per_year"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ConsultationItem(models.Model):
    """One issue on a consultation list: from a suggestion of the congress, or a gathered opinion as text."""

    consultation_list = models.ForeignKey(ConsultationList, on_delete=models.CASCADE, related_name="items")
    # 1, 2, 3 … in the order the office put them on the list.
    position = models.PositiveSmallIntegerField(_("No."), default=1)
    suggestion = models.ForeignKey(
        Suggestion, null=True, blank=True, on_delete=models.PROTECT, related_name="consultation_items"
    )
    summary = models.TextField(_("issue"))
    # Where a gathered opinion came from (a reception day, a survey …): free text until the citizens'
    # opinions app can be linked.
    source = models.CharField(_("source"), max_length=200, blank=True, default="")
    units = models.ManyToManyField(
        "org.Unit", verbose_name=_("units concerned"), related_name="+", blank=True
    )
    outcome = models.TextField(_("outcome"), blank=True, default="")
    outcome_recorded_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("consultation item")
        verbose_name_plural = _("consultation items")
        ordering = ["consultation_list", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation_list", "suggestion"],
                condition=Q(suggestion__isnull=False),
                name="consultation_suggestion_once_per_list",
            ),
            models.UniqueConstraint(
                fields=["consultation_list", "position"], name="consultation_item_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.summary[:60]

    @property
    def congress_id(self) -> int:
        return self.consultation_list.congress_id


class ConsultationMeeting(models.Model):
    """A consultation meeting (会商会) with the heads of the units concerned, on some items of the list."""

    consultation_list = models.ForeignKey(ConsultationList, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("held on"))
    attendees = models.TextField(_("who attended"))
    units = models.ManyToManyField(
        "org.Unit", verbose_name=_("units whose heads attended"), related_name="+", blank=True
    )
    items = models.ManyToManyField(
        ConsultationItem, verbose_name=_("items discussed"), related_name="meetings", blank=True
    )
    notes = models.TextField(_("notes"), blank=True, default="")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("consultation meeting")
        verbose_name_plural = _("consultation meetings")
        ordering = ["held_on", "id"]

    @property
    def congress_id(self) -> int:
        return self.consultation_list.congress_id
