from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "lvzhi.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from .figures import REFRESHES

        REFRESHES.connect()
