"""The 12345 hotline pages (/opinions/hotline/): what is rising, the import of tickets and its template.
Mounted by lvzhi/urls.py."""

from django.urls import path

from . import views_hotline

app_name = "opinion_hotline"
urlpatterns = [
    path("", views_hotline.hotline_trends, name="trends"),
    path("import/", views_hotline.hotline_import_page, name="import"),
    path("template.xlsx", views_hotline.hotline_template, name="template"),
]
