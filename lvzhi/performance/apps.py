from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "lvzhi.performance"
    label = "performance"
    verbose_name = _("Deputies' performance")

    def ready(self):
        from .activity_lists import LISTS

        LISTS.connect()  # a change of a participation or an activity forgets the lists built
