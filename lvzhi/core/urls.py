from django.urls import path

from . import views, views_calendar, views_events

app_name = "core"
urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("calendar/", views_calendar.calendar_year, name="calendar"),
    path("calendar/add/", views_calendar.calendar_day_add, name="calendar_day_add"),
    path("calendar/<int:pk>/edit/", views_calendar.calendar_day_edit, name="calendar_day_edit"),
    path("calendar/<int:pk>/delete/", views_calendar.calendar_day_delete, name="calendar_day_delete"),
    path("calendar/import/", views_calendar.calendar_import, name="calendar_import"),
    path("calendar/export/", views_calendar.calendar_export, name="calendar_export"),
    path("events/", views_events.event_list, name="event_list"),
]
