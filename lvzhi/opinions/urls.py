"""The citizen's addresses: short, because they are printed in QR codes (/c/<token>/) and typed by hand."""

from django.urls import path

from . import views

app_name = "opinions"
urlpatterns = [
    path("c/<str:token>/", views.reach, name="reach"),
    path("o/", views.lookup, name="lookup"),
    path("o/<str:key>/", views.status, name="status"),
    path("o/<str:key>/thanks/", views.thanks, name="thanks"),
    path("o/<str:key>/photos/<int:index>/", views.photo, name="photo"),
]
