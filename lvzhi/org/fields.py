"""The subject fields suggestions are sorted by, and committees and deputies' expertise refer to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectField(models.TextChoices):
    ECONOMY = "economy", _("Economy and finance")
    URBAN = "urban", _("Urban and rural construction and management")
    TRANSPORT = "transport", _("Transport")
    EDUCATION = "education", _("Education, science and technology")
    CULTURE = "culture", _("Culture, tourism and sport")
    HEALTH = "health", _("Health and medical insurance")
    SOCIAL = "social", _("Social security and civil affairs")
    AGRICULTURE = "agriculture", _("Agriculture, rural affairs and water")
    ENVIRONMENT = "environment", _("Ecology and environment")
    LAW = "law", _("Law and social governance")
    OTHER = "other", _("Other")
