"""The dashboards of the chair and the staff, mounted at /dashboards/."""

from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("figure/<str:figure>/", views.figure, name="figure"),
    path("units/", views.units, name="units"),
]
