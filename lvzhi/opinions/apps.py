from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "lvzhi.opinions"
    label = "opinions"
    verbose_name = _("Citizens' opinions")

    def ready(self):
        # Huey's worker imports only `tasks` modules; the retention job lives in its own module.
        from . import retention  # noqa: F401
