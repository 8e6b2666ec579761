from django.urls import path

from . import views, views_reception

app_name = "stations"
urlpatterns = [
    path("", views.station_list, name="list"),
    path("<int:pk>/", views.station_detail, name="detail"),
    path("new/", views.station_create, name="create"),
    path("<int:pk>/edit/", views.station_edit, name="edit"),
    path("<int:pk>/active/", views.station_set_active, name="set_active"),
    path("<int:pk>/assign/", views.station_assign, name="assign"),
    path("<int:pk>/unassign/", views.station_unassign, name="unassign"),
    # Reception days (接待日): the list, scheduling a month, coverage; a station's month and rules.
    path("reception/", views_reception.reception_list, name="reception_list"),
    path("reception/schedule/", views_reception.schedule_month, name="reception_schedule"),
    path("reception/new/", views_reception.day_add, name="reception_day_add"),
    path(
        "reception/coverage/deputies/", views_reception.coverage_deputies, name="reception_coverage_deputies"
    ),
    path(
        "reception/coverage/stations/", views_reception.coverage_stations, name="reception_coverage_stations"
    ),
    path("<int:pk>/reception/", views_reception.station_month, name="station_reception"),
    path("<int:pk>/rules/new/", views_reception.rule_add, name="reception_rule_add"),
    path("reception-days/<int:pk>/", views_reception.day_detail, name="reception_day"),
    path("reception-days/<int:pk>/edit/", views_reception.day_edit, name="reception_day_edit"),
    path("reception-days/<int:pk>/cancel/", views_reception.day_cancel, name="reception_day_cancel"),
    path("reception-days/<int:pk>/record/", views_reception.day_record, name="reception_day_record"),
    path("reception-days/<int:pk>/opinion/", views_reception.day_opinion, name="reception_day_opinion"),
    path("reception-days/<int:pk>/link/", views_reception.day_link_opinion, name="reception_day_link"),
    path("reception-rules/<int:pk>/edit/", views_reception.rule_edit, name="reception_rule_edit"),
    path("reception-rules/<int:pk>/end/", views_reception.rule_end, name="reception_rule_end"),
    path(
        "reception-rules/<int:pk>/exceptions/new/",
        views_reception.exception_add,
        name="reception_exception_add",
    ),
    path(
        "reception-exceptions/<int:pk>/delete/",
        views_reception.exception_delete,
        name="reception_exception_delete",
    ),
]
