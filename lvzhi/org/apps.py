from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "lvzhi.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from .scope import SCOPES

        SCOPES.connect()
