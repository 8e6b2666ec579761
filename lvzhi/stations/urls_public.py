"""The public calendar of reception days, mounted at /public/reception/ (no sign-in)."""

from django.urls import path

from . import views_public

app_name = "reception_public"
urlpatterns = [path("", views_public.calendar, name="calendar")]
