from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "lvzhi.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from django.db.models.signals import post_save

        from .models import User
        from .scope import SCOPES, account_saved

        SCOPES.connect()
        post_save.connect(account_saved, sender=User, dispatch_uid="scopes-account-saved")
