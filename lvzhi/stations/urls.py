from django.urls import path

from . import views

app_name = "stations"
urlpatterns = [
    path("", views.station_list, name="list"),
    path("<int:pk>/", views.station_detail, name="detail"),
]
