from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.class_list, name="list"),
    path("new/", views.class_create, name="create"),
    path("mine/", views.mine, name="mine"),
    path("report/", views.report, name="report"),
    path("classes/<int:pk>/", views.class_detail, name="detail"),
    path("classes/<int:pk>/edit/", views.class_edit, name="edit"),
    path("classes/<int:pk>/cancel/", views.class_cancel, name="cancel"),
    path("classes/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("classes/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("classes/<int:pk>/enrolments/add/", views.enrol_deputy, name="enrol_deputy"),
    path("classes/<int:pk>/enrolments/withdraw/", views.withdraw_deputy, name="withdraw_deputy"),
    path("classes/<int:pk>/enrolments.xlsx", views.roster_export, name="roster_export"),
    path("classes/<int:pk>/attendance/", views.attendance, name="attendance"),
]
