"""The Django admin for the site administrator, and the two admin shapes every app uses.

- `ReadOnlyAdmin`: records that only services may write (events, notifications, role assignments, API
  tokens, the sign-in attempt tables). No add, change or delete, not even for a superuser, so no step
  bypasses the services and no history is rewritten.
- `RecordedAdmin`: plain reference data the administrator may correct by hand; every add, change and
  delete made in the admin is recorded as an event (`admin.<model>.<action>`), naming the fields changed
  but not their values (they may be personal).

The calendar's admin goes through the calendar services, so admin edits are checked and recorded like
edits on the calendar page.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import events, services_calendar
from .audit import record_event
from .errors import ServiceError
from .models import CalendarDay, Event, Notification


def _column(field, label):
    """A list column / read-only field showing a model field under a translated label."""
    name = field.name

    def column(obj):
        value = getattr(obj, name)
        if value is None or value == "":
            return "—"
        if isinstance(value, dt.datetime):
            return formats.localize(timezone.template_localtime(value))
        return value

    column.short_description = label
    column.admin_order_field = name
    column.boolean = isinstance(field, models.BooleanField)
    column.__name__ = f"{name}_shown"
    return column


class LabelledAdmin(admin.ModelAdmin):
    """Labels every column and form field in the reader's language.

    A foreign key declared without a verbose name would show its bare English field name ("congress");
    here it takes the related model's translated name instead. `field_labels` names any other field
    whose model declaration lacks a translated label.
    """

    field_labels: dict = {}

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self._labels: dict[str, object] = {}
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or field.auto_created or field.many_to_many:
                continue
            if field.is_relation and not isinstance(field.verbose_name, Promise):
                self._labels[field.name] = field.related_model._meta.verbose_name
        self._labels.update(self.field_labels)
        for name, label in self._labels.items():
            setattr(self, f"{name}_shown", _column(model._meta.get_field(name), label))

    def _shown(self, names):
        return [f"{n}_shown" if isinstance(n, str) and n in self._labels else n for n in names]

    def get_list_display(self, request):
        return self._shown(super().get_list_display(request))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self._labels:
            formfield.label = capfirst(self._labels[db_field.name])
        return formfield


class ReadOnlyAdmin(LabelledAdmin):
    """Shown, searchable, never written through the admin."""

    # Fields never shown (e.g. a token's hash).
    exclude_shown: tuple = ()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}

    def get_fields(self, request, obj=None):
        if self.fields:
            names = list(self.fields)
        else:
            names = [
                f.name
                for f in self.model._meta.fields
                if not f.auto_created and f.name not in self.exclude_shown
            ]
        return self._shown(names)

    def get_readonly_fields(self, request, obj=None):
        # Every field is shown; none is a form input.
        if self.fieldsets:
            return [f for line in self.fieldsets for f in line[1]["fields"]]
        return self.get_fields(request, obj)


def _changed_field_names(message) -> list[str]:
    names: list[str] = []
    if isinstance(message, list):
        for item in message:
            if isinstance(item, dict):
                names += list(item.get("changed", {}).get("fields", []))
    return [str(n) for n in names]


class RecordedAdmin(LabelledAdmin):
    """Admin edits leave an event on the record's timeline, like any service step."""

    # Admin edits of these models are security events (accounts).
    security_events = False

    def _record(self, request, obj, action: str, fields: list[str] | None = None) -> None:
        payload = {"via": "admin"}
        if fields:
            payload["fields"] = fields
        record_event(
            actor=request.user,
            kind=f"admin.{obj._meta.model_name}.{action}",
            target=obj,
            payload=payload,
            is_security=self.security_events,
            request=request,
        )

    def log_addition(self, request, obj, message):
        self._record(request, obj, "created")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._record(request, obj, "changed", _changed_field_names(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._record(request, obj, "deleted")
        return super().log_deletions(request, queryset)


def record_personal_data_view(request, obj) -> None:
    """Opening a record's admin page shows its personal data unmasked: a security event."""
    record_event(
        actor=request.user,
        kind=events.PERSONAL_DATA_VIEWED,
        target=obj,
        payload={"via": "admin"},
        is_security=True,
        request=request,
    )


class SecurityFilter(admin.SimpleListFilter):
    title = _("security event")
    parameter_name = "security"

    def lookups(self, request, model_admin):
        return [("1", _("Yes")), ("0", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(is_security=self.value() == "1")
        return queryset


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "kind", "actor", "target", "congress", "is_security")
    list_filter = (SecurityFilter, "occurred_at")
    search_fields = ("kind", "actor__username", "target_id", "note")
    date_hierarchy = "occurred_at"
    list_select_related = ("actor", "congress", "target_type")
    fields = (
        "occurred_at",
        "actor",
        "kind",
        "target",
        "congress",
        "from_state",
        "to_state",
        "note",
        "payload",
        "is_security",
        "ip_address",
    )
    field_labels = {
        "payload": _("details"),
        "is_security": _("security event"),
        "ip_address": _("IP address"),
    }

    @admin.display(description=_("record"))
    def target(self, obj):
        if obj.target_type_id is None:
            return "—"
        return f"{obj.target_type.name} #{obj.target_id}"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "recipient",
        "channel",
        "subject",
        "state",
        "attempts",
        "sent_at",
        "read_at",
    )
    list_filter = ("channel", "state", "created_at")
    search_fields = ("subject", "cause", "recipient__username")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    field_labels = {"url": _("link"), "attempts": _("attempts"), "error": _("error")}


class CalendarDayAdminForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ("date", "kind", "name", "provisional")

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("kind"):
            try:
                services_calendar._check_day(date=data["date"], kind=data["kind"], name=data.get("name", ""))
            except ServiceError as exc:
                raise ValidationError(exc.message) from None
        return data


@admin.register(CalendarDay)
class CalendarDayAdmin(LabelledAdmin):
    """Writes go through the calendar services, which check the day and record the event."""

    form = CalendarDayAdminForm
    list_display = ("date", "kind", "name", "provisional")
    list_filter = ("kind", "provisional", "date")
    search_fields = ("name", "date")
    date_hierarchy = "date"
    actions = None  # no bulk delete: each deletion goes through the service

    def _data(self, form) -> dict:
        return {key: form.cleaned_data[key] for key in ("date", "kind", "name", "provisional")}

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services_calendar.calendar_day_update(actor=request.user, day=obj, **self._data(form))
            else:
                created = services_calendar.calendar_day_create(actor=request.user, **self._data(form))
                obj.pk = created.pk
                obj._state.adding = False
        except ServiceError as exc:
            raise PermissionDenied(exc.message) from None

    def delete_model(self, request, obj):
        try:
            services_calendar.calendar_day_delete(actor=request.user, day=obj)
        except ServiceError as exc:
            raise PermissionDenied(exc.message) from None

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


def _readonly_axes_admin() -> None:
    """django-axes registers its tables with delete rights; here they are shown read-only."""
    from axes import admin as axes_admin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    pairs = [
        (AccessAttempt, axes_admin.AccessAttemptAdmin),
        (AccessLog, axes_admin.AccessLogAdmin),
        (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
    ]
    for model, base in pairs:
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, type(f"ReadOnly{base.__name__}", (ReadOnlyAdmin, base), {}))


_readonly_axes_admin()
