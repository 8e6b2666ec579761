from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "lvzhi.meetings"
    label = "meetings"
    verbose_name = _("Invitations to meetings, inspections and research; citizens observing")

    def ready(self) -> None:
        from . import tasks  # noqa: F401 - registers the daily retention job with huey
