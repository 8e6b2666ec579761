"""The inbox of deputies and station staff (views_inbox), mounted at /opinions/inbox/ by lvzhi/urls.py."""

from django.urls import path

from . import views_inbox

app_name = "opinion_inbox"
urlpatterns = [
    path("", views_inbox.inbox_page, name="list"),
    path("<int:pk>/", views_inbox.item, name="item"),
    path("<int:pk>/photos/<int:index>/", views_inbox.photo, name="photo"),
    path("<int:pk>/acknowledge/", views_inbox.acknowledge, name="acknowledge"),
    path("<int:pk>/reply/", views_inbox.reply, name="reply"),
    path("<int:pk>/meeting/", views_inbox.meeting, name="meeting"),
    path("<int:pk>/meeting/confirm/", views_inbox.meeting_confirm, name="meeting_confirm"),
    path("<int:pk>/pass/", views_inbox.pass_to_station, name="pass"),
    path("<int:pk>/suggestion/", views_inbox.to_suggestion, name="suggestion"),
    path("<int:pk>/solve/", views_inbox.solve, name="solve"),
    path("<int:pk>/close/", views_inbox.close, name="close"),
]
