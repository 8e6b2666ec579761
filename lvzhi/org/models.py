"""Congresses and their structure, people and mandates, groups, undertaking units, accounts and roles."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role


class Congress(models.Model):
    """A people's congress at one of the five levels, with its parent one level up."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County / district")
        TOWNSHIP = "township", _("Township")

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    region_name = models.CharField(_("region"), max_length=60)
    region_code = models.CharField(_("region code"), max_length=12, blank=True, default="")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent congress"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of ids ("/1/4/9/"), so "this congress and all below it" is one prefix filter.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    has_standing_committee = models.BooleanField(_("has a standing committee"), default=True)

    class Meta:
        verbose_name = _("congress")
        verbose_name_plural = _("congresses")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def ancestor_ids(self) -> list[int]:
        """Own id and every ancestor's, nearest first."""
        return [int(p) for p in reversed(self.path.strip("/").split("/")) if p]


class Term(models.Model):
    """A term (届) of a congress, normally five years."""

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField(_("term number"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["congress", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], name="term_number_unique"),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="term_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return _("%(congress)s, term %(number)s") % {"congress": self.congress, "number": self.number}

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


class Session(models.Model):
    """An annual plenary session (次会议) of a term; any date outside a session is recess."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("session number"))
    start_date = models.DateField(_("opens"))
    end_date = models.DateField(_("closes"))

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["term", "number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="session_number_unique"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="session_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return _("%(term)s, session %(number)s") % {"term": self.term, "number": self.number}

    @property
    def congress_id(self) -> int:
        return self.term.congress_id


class Committee(models.Model):
    """The standing committee, a special committee (专门委员会) or a working committee (工作委员会)."""

    class Kind(models.TextChoices):
        STANDING = "standing", _("Standing committee")
        SPECIAL = "special", _("Special committee")
        WORKING = "working", _("Working committee")

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="committees")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60)
    short_name = models.CharField(_("short name"), max_length=20, blank=True, default="")
    # Subject fields (org.fields.SubjectField) this committee supervises.
    fields = models.JSONField(_("fields"), default=list, blank=True)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["congress", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="committee_name_unique")]

    def __str__(self) -> str:
        return self.name


class ElectoralUnit(models.Model):
    """An electoral district (选区, county and township deputies) or electoral unit (选举单位, city and up)."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("Electoral district")
        UNIT = "unit", _("Electoral unit")

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="electoral_units")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    # For an electoral unit: the lower congress that elects.
    lower_congress = models.ForeignKey(
        Congress, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("electoral unit")
        verbose_name_plural = _("electoral units")
        ordering = ["congress", "name"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="electoral_unit_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A human being; their deputy mandates, committee seats and account hang off this row."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    name = models.CharField(_("name"), max_length=40, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True, default="")
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True, default="")
    party = models.CharField(_("political affiliation"), max_length=30, blank=True, default="")
    occupation = models.CharField(_("employer and position"), max_length=120, blank=True, default="")
    mobile = models.CharField(_("mobile"), max_length=20, blank=True, default="", db_index=True)
    # The congress that registered the person, so figures and scope never count them twice.
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="people")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class MandateQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None):
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


class Mandate(models.Model):
    """One person's seat as deputy of one congress for one term (a person may hold several at once)."""

    class EndReason(models.TextChoices):
        TERM_ENDED = "term_ended", _("Term ended")
        RESIGNED = "resigned", _("Resigned")
        RECALLED = "recalled", _("Recalled")
        TERMINATED = "terminated", _("Terminated by law")
        DECEASED = "deceased", _("Deceased")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mandates")
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="mandates")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="mandates")
    electoral_unit = models.ForeignKey(
        ElectoralUnit,
        verbose_name=_("electoral unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates",
    )
    start_date = models.DateField(_("mandate starts"))
    end_date = models.DateField(_("mandate ends"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason it ended"), max_length=16, choices=EndReason.choices, blank=True, default=""
    )
    is_grassroots = models.BooleanField(_("grassroots deputy"), default=False)
    fields = models.JSONField(_("fields of expertise"), default=list, blank=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        verbose_name = _("deputy mandate")
        verbose_name_plural = _("deputy mandates")
        ordering = ["congress", "person__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "term"], name="one_mandate_per_person_and_term"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="mandate_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["congress", "end_date"])]

    def __str__(self) -> str:
        return f"{self.person.name} ({self.congress})"

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class MandateLeave(models.Model):
    """An approved absence; days on leave are not served, so minimums are pro-rated."""

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="leaves")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leaves")
        ordering = ["mandate", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="leave_dates_ordered"
            )
        ]

    @property
    def congress_id(self) -> int:
        return self.mandate.congress_id


class CommitteeMembership(models.Model):
    """A person's seat on a committee (the standing committee's members included)."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice chair")
        SECRETARY_GENERAL = "secretary_general", _("Secretary-general")
        MEMBER = "member", _("Member")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="committee_memberships")
    position = models.CharField(_("position"), max_length=20, choices=Position.choices, default="member")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        ordering = ["committee", "position", "id"]

    @property
    def congress_id(self) -> int:
        return self.committee.congress_id


class DeputyGroup(models.Model):
    """A deputy group (代表小组), contact group (联系组) or professional group (专业组)."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Deputy group")
        CONTACT = "contact", _("Contact group")
        PROFESSIONAL = "professional", _("Professional group")

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="groups")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.GROUP)
    name = models.CharField(_("name"), max_length=80)
    leader = models.ForeignKey(
        Mandate, verbose_name=_("leader"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField(Mandate, through="GroupMembership", related_name="groups")

    class Meta:
        verbose_name = _("deputy group")
        verbose_name_plural = _("deputy groups")
        ordering = ["congress", "name"]
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="group_name_unique")]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    group = models.ForeignKey(DeputyGroup, on_delete=models.CASCADE, related_name="memberships")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="group_memberships")
    joined_on = models.DateField(_("joined"), default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "mandate"], name="group_member_once")]


class Unit(models.Model):
    """An undertaking unit (承办单位): a department, the supervisory commission, the court, the procuratorate,
    or a lower government. It belongs to the congress whose level it answers to."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Government department")
        SUPERVISORY = "supervisory", _("Supervisory commission")
        COURT = "court", _("People's court")
        PROCURATORATE = "procuratorate", _("People's procuratorate")
        GOVERNMENT = "government", _("Lower-level government")
        OTHER = "other", _("Other")

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="units")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DEPARTMENT)
    name = models.CharField(_("full name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("undertaking unit")
        verbose_name_plural = _("undertaking units")
        ordering = ["congress", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="unit_name_unique")]

    def __str__(self) -> str:
        return self.short_name or self.name


class CongressSetting(models.Model):
    """One rule a congress sets for itself (and for the congresses below it, unless they override it).

    The keys, their meaning and defaults live in org.congress_settings.
    """

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="settings")
    key = models.CharField(_("setting"), max_length=60)
    value = models.JSONField(_("value"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("congress setting")
        verbose_name_plural = _("congress settings")
        constraints = [models.UniqueConstraint(fields=["congress", "key"], name="setting_once_per_congress")]


class AccountManager(UserManager):
    pass


class User(AbstractUser):
    """An account. Deputies' and handlers' accounts point at their Person; accounts are deactivated,
    never deleted."""

    full_name = models.CharField(_("name"), max_length=40, blank=True, default="")
    mobile = models.CharField(_("mobile"), max_length=20, null=True, blank=True, unique=True)
    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    must_change_password = models.BooleanField(_("must change password at next sign-in"), default=True)
    # The congress that manages this account (scope for staff pages).
    congress = models.ForeignKey(
        Congress, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )

    objects = AccountManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or (self.person.name if self.person_id else self.username)


class RoleAssignment(models.Model):
    """A role an account holds, with the one thing it is scoped to.

    Deputy and group leader are not assigned here: they follow from the account's person's mandates and
    from the groups they lead.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.assignable_choices())
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="role_assignments")
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        "stations.Station", null=True, blank=True, on_delete=models.PROTECT, related_name="staff_roles"
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="handlers")
    is_active = models.BooleanField(_("active"), default=True)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                name="role_has_its_target",
                condition=(
                    Q(
                        role__in=["staff", "chair", "sc_member"],
                        committee__isnull=True,
                        station__isnull=True,
                        unit__isnull=True,
                    )
                    | Q(role="committee_staff", committee__isnull=False)
                    | Q(role="station_staff", station__isnull=False)
                    | Q(role="unit_handler", unit__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        target = self.committee or self.station or self.unit or self.congress
        return f"{Role(self.role).label} · {target}"


class ApiToken(models.Model):
    """A per-user API token. Only its SHA-256 is stored; the token itself is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


# A group's yearly plan, activities and attendance live in their own module (imported here so they are org's).
from .models_groups import GroupActivity, GroupAttendance, GroupPlanItem, GroupWorkKind  # noqa: E402,F401
