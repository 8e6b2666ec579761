from django.urls import path

from . import views

app_name = "briefings"
urlpatterns = [
    path("", views.briefing_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.briefing_new, name="new"),
    path("<int:pk>/", views.briefing_detail, name="detail"),
    path("<int:pk>/edit/", views.briefing_edit, name="edit"),
    path("<int:pk>/files/", views.file_add, name="file_add"),
    path("<int:pk>/publish/", views.briefing_publish, name="publish"),
    path("<int:pk>/withdraw/", views.briefing_withdraw, name="withdraw"),
    path("<int:pk>/remind/", views.briefing_remind, name="remind"),
    # A briefing's attachment: downloaded by its readers, taken off a draft by its office.
    path("files/<int:pk>/", views.file_download, name="file_download"),
    path("files/<int:pk>/remove/", views.file_remove, name="file_remove"),
]
