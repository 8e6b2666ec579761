"""The roles, as explicit constants. One person may hold several and sees the union of their scopes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Deputy-affairs staff")
    CHAIR = "chair", _("Chair")
    SC_MEMBER = "sc_member", _("Standing-committee member")
    COMMITTEE_STAFF = "committee_staff", _("Special-committee staff")
    STATION_STAFF = "station_staff", _("Station staff")
    UNIT_HANDLER = "unit_handler", _("Unit handler")
    # Derived, never assigned: from the account's mandates and the groups it leads.
    DEPUTY = "deputy", _("Deputy")
    GROUP_LEADER = "group_leader", _("Group leader")
    ADMIN = "admin", _("Site administrator")

    @classmethod
    def assignable_choices(cls):
        derived = {cls.DEPUTY, cls.GROUP_LEADER, cls.ADMIN}
        return [(r.value, r.label) for r in cls if r not in derived]
