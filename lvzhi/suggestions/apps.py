from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "lvzhi.suggestions"
    label = "suggestions"
    verbose_name = _("Motions and suggestions")

    def ready(self):
        from .figure_lists import LISTS

        LISTS.connect()  # a change of a suggestion (or what its rows show) forgets the lists' rendered pages
