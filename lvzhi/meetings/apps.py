from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "lvzhi.meetings"
    label = "meetings"
    verbose_name = _("Invitations to meetings, inspections and research; citizens observing")
