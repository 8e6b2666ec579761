from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from . import views, views_directory, views_statistics

app_name = "portal"
urlpatterns = [
    path("", views_directory.index, name="index"),
    path("deputies/", views_directory.deputy_list, name="deputies"),
    path("deputies/<int:pk>/", views_directory.deputy_detail, name="deputy"),
    path("stations/", views_directory.station_list, name="stations"),
    path("stations/<int:pk>/", views_directory.station_detail, name="station"),
    # The language switch of the cached public pages, without a CSRF token: their bytes are the same for
    # every visitor. Forging it harms no one: it only sets the visitor's display-language cookie and
    # redirects to a `next` on this host (set_language checks it), it never touches an account or session.
    path("language/", csrf_exempt(set_language), name="language"),
    path("statistics/", views_statistics.statistics, name="statistics"),
    path("suggestions/", views.disclosure_list, name="list"),
    path("suggestions/<int:pk>/", views.disclosure_detail, name="detail"),
]
