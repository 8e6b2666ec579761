from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/read/", views.inbox_mark_read, name="inbox_mark_read"),
]
