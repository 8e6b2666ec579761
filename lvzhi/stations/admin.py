"""Stations in the Django admin (site administrator only); each admin edit is recorded as an event."""

from django.contrib import admin

from lvzhi.core.admin import RecordedAdmin

from .models import (
    ReceptionAttendance,
    ReceptionDay,
    ReceptionException,
    ReceptionOpinion,
    ReceptionRule,
    Station,
    StationDeputy,
)


class StationDeputyInline(admin.TabularInline):
    model = StationDeputy
    extra = 0
    autocomplete_fields = ("mandate",)


@admin.register(Station)
class StationAdmin(RecordedAdmin):
    list_display = ("name", "kind", "congress", "address", "opening_hours", "is_active")
    list_filter = ("kind", "is_active", "congress__level")
    search_fields = ("name", "address", "congress__name")
    list_select_related = ("congress",)
    autocomplete_fields = ("congress",)
    inlines = (StationDeputyInline,)


@admin.register(StationDeputy)
class StationDeputyAdmin(RecordedAdmin):
    list_display = ("station", "mandate", "assigned_on")
    list_filter = ("station__kind",)
    search_fields = ("station__name", "mandate__person__name")
    list_select_related = ("station", "mandate__person", "mandate__congress")
    autocomplete_fields = ("station", "mandate")


# Reception rules and days are written through services_reception (each step checked and audited); the site
# administrator may correct a row here, and each correction is recorded as an event like any admin edit.
class ReceptionExceptionInline(admin.TabularInline):
    model = ReceptionException
    extra = 0


class ReceptionAttendanceInline(admin.TabularInline):
    model = ReceptionAttendance
    extra = 0
    autocomplete_fields = ("mandate",)


@admin.register(ReceptionRule)
class ReceptionRuleAdmin(RecordedAdmin):
    list_display = (
        "station",
        "kind",
        "day",
        "nth",
        "weekday",
        "months",
        "start_time",
        "valid_from",
        "valid_to",
    )
    list_filter = ("kind", "day_off_policy")
    search_fields = ("station__name",)
    list_select_related = ("station",)
    autocomplete_fields = ("station", "deputies")
    inlines = (ReceptionExceptionInline,)


@admin.register(ReceptionException)
class ReceptionExceptionAdmin(RecordedAdmin):
    list_display = ("rule", "date", "action", "new_date", "reason")
    list_filter = ("action",)
    search_fields = ("rule__station__name", "reason")
    list_select_related = ("rule__station",)


@admin.register(ReceptionDay)
class ReceptionDayAdmin(RecordedAdmin):
    list_display = ("date", "station", "start_time", "status", "citizens_count")
    list_filter = ("status",)
    search_fields = ("station__name", "theme")
    date_hierarchy = "date"
    list_select_related = ("station",)
    autocomplete_fields = ("station", "congress", "rule")
    inlines = (ReceptionAttendanceInline,)


@admin.register(ReceptionAttendance)
class ReceptionAttendanceAdmin(RecordedAdmin):
    list_display = ("day", "mandate", "scheduled", "attended")
    list_filter = ("scheduled", "attended")
    search_fields = ("day__station__name", "mandate__person__name")
    list_select_related = ("day__station", "mandate__person", "mandate__congress")
    autocomplete_fields = ("day", "mandate")


@admin.register(ReceptionOpinion)
class ReceptionOpinionAdmin(RecordedAdmin):
    list_display = ("day", "opinion", "linked_at")
    search_fields = ("day__station__name", "opinion__number")
    list_select_related = ("day__station", "opinion")
    autocomplete_fields = ("day",)
    raw_id_fields = ("opinion",)
