from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "lvzhi.opinions"
    label = "opinions"
    verbose_name = _("Citizens' opinions")

    def ready(self):
        # Huey's worker imports only `tasks` modules; the retention job lives in its own module.
        from . import list_counts, retention  # noqa: F401

        list_counts.connect()  # a change of an opinion forgets the lists' cached counts
