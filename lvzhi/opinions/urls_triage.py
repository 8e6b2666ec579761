"""The office's triage of citizens' opinions and the unit's page (views_triage), mounted at /opinions/triage/."""

from django.urls import path

from . import views_triage as views

app_name = "opinion_triage"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("enter/", views.enter, name="enter"),
    path("unit/", views.unit_list, name="unit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/photos/<int:index>/", views.photo, name="photo"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/tags/", views.tags, name="tags"),
    path("<int:pk>/urgent/", views.urgent, name="urgent"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/supervise/", views.supervise, name="supervise"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/solve/", views.solve, name="solve"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/contact/", views.contact, name="contact"),
    path("<int:pk>/unit-reply/", views.unit_reply, name="unit_reply"),
    path("<int:pk>/unit-solve/", views.unit_solve, name="unit_solve"),
]
