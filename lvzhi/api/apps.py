from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lvzhi.api"
    label = "api"
    verbose_name = "API"
