from django.urls import path

from . import views

app_name = "stations"
urlpatterns = [
    path("", views.station_list, name="list"),
    path("<int:pk>/", views.station_detail, name="detail"),
    path("new/", views.station_create, name="create"),
    path("<int:pk>/edit/", views.station_edit, name="edit"),
    path("<int:pk>/active/", views.station_set_active, name="set_active"),
    path("<int:pk>/assign/", views.station_assign, name="assign"),
    path("<int:pk>/unassign/", views.station_unassign, name="unassign"),
]
