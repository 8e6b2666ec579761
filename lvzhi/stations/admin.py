"""Stations in the Django admin (site administrator only); each admin edit is recorded as an event."""

from django.contrib import admin

from lvzhi.core.admin import RecordedAdmin

from .models import Station, StationDeputy


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
