from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "lvzhi.liaison"
    label = "liaison"
    verbose_name = _("Standing-committee members' and committees' contacts with deputies")
