from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("suggestions/", views.disclosure_list, name="list"),
    path("suggestions/<int:pk>/", views.disclosure_detail, name="detail"),
]
