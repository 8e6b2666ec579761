from django.urls import path

from . import views, views_directory, views_statistics

app_name = "portal"
urlpatterns = [
    path("", views_directory.index, name="index"),
    path("deputies/", views_directory.deputy_list, name="deputies"),
    path("deputies/<int:pk>/", views_directory.deputy_detail, name="deputy"),
    path("stations/", views_directory.station_list, name="stations"),
    path("stations/<int:pk>/", views_directory.station_detail, name="station"),
    path("statistics/", views_statistics.statistics, name="statistics"),
    path("suggestions/", views.disclosure_list, name="list"),
    path("suggestions/<int:pk>/", views.disclosure_detail, name="detail"),
]
