from django.urls import path

from . import views, views_observers

app_name = "meetings"

# Names with an id: "meetings:<name>" takes a meeting's id, "meetings:invitation_<name>" an invitation's and
# "meetings:application_<name>" an observer's application's (tests/test_scope_walk.py maps them by name).
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("mine/", views.mine, name="mine"),
    path("coverage/", views.coverage_report, name="coverage"),
    path("applications/", views_observers.application_list, name="applications"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_update, name="update"),
    path("<int:pk>/export/", views.meeting_export, name="export"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/remove/", views.agenda_remove, name="agenda_remove"),
    path("<int:pk>/propose/", views.meeting_propose, name="propose"),
    path("<int:pk>/send/", views.send_all, name="send_all"),
    path("<int:pk>/attendance/", views.meeting_attendance, name="attendance"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/conclude/", views.meeting_conclude, name="conclude"),
    path("<int:pk>/observers/print/", views_observers.observers_print, name="observers_print"),
    path("<int:pk>/observers.pdf", views_observers.observers_pdf_download, name="observers_pdf"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation_detail"),
    path("invitations/<int:pk>/answer/", views.invitation_answer, name="invitation_answer"),
    path("invitations/<int:pk>/send/", views.invitation_send, name="invitation_send"),
    path("invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("invitations/<int:pk>/attendance/", views.invitation_attendance, name="invitation_attendance"),
    path("invitations/<int:pk>/speech/", views.invitation_speech, name="invitation_speech"),
    path("applications/<int:pk>/", views_observers.application_detail, name="application_detail"),
    path("applications/<int:pk>/decide/", views_observers.application_decide, name="application_decide"),
    path("applications/<int:pk>/reveal/", views_observers.application_reveal, name="application_reveal"),
]
