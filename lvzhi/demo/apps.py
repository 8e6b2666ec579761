from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lvzhi.demo"
    label = "demo"
    verbose_name = "Demo"
