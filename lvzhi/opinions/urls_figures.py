"""The figures of citizens' opinions (/opinions/figures/), the list behind each number and its Excel export.
Mounted by lvzhi/urls.py; no page here takes an id in its path (the filters are query parameters, read
through the user's scope)."""

from django.urls import path

from . import views_figures

app_name = "opinion_figures"
urlpatterns = [
    path("", views_figures.figures, name="index"),
    path("list/", views_figures.figure_list, name="list"),
    path("export/", views_figures.figure_export, name="export"),
]
