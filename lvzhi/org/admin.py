"""The organisation in the Django admin (site administrator only), labelled by the models' Chinese names.

Role assignments and API tokens are read-only here: roles are granted and revoked on the account pages,
whose services record the security events; tokens are shown once at creation. Other records may be
corrected by hand; each admin edit is recorded as an event (see lvzhi.core.admin.RecordedAdmin).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from lvzhi.core.admin import ReadOnlyAdmin, RecordedAdmin, record_personal_data_view
from lvzhi.core.errors import ServiceError

from .models import (
    ApiToken,
    Committee,
    CommitteeMembership,
    Congress,
    CongressSetting,
    DeputyGroup,
    ElectoralUnit,
    GroupActivity,
    GroupAttendance,
    GroupMembership,
    GroupPlanItem,
    Mandate,
    MandateLeave,
    Person,
    RoleAssignment,
    Session,
    Term,
    Unit,
    User,
)
from .services.structure import check_congress_level, congress_create


@admin.register(Congress)
class CongressAdmin(RecordedAdmin):
    list_display = ("name", "short_name", "level", "region_name", "parent", "has_standing_committee")
    list_filter = ("level", "has_standing_committee")
    search_fields = ("name", "short_name", "region_name", "region_code")
    list_select_related = ("parent",)
    readonly_fields = ("path",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class CheckedForm(form):
            def clean(self):
                data = super().clean()
                if obj is None and data.get("level"):
                    try:
                        check_congress_level(level=data["level"], parent=data.get("parent"))
                    except ServiceError as exc:
                        raise forms.ValidationError(exc.message) from None
                return data

        return CheckedForm

    def get_readonly_fields(self, request, obj=None):
        # Moving a congress would leave the materialised paths of everything below it wrong.
        return ("path", "parent") if obj is not None else ("path",)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # A new congress needs its path; the service sets it and records the event.
        data = form.cleaned_data
        created = congress_create(
            actor=request.user,
            name=data["name"],
            short_name=data["short_name"],
            level=data["level"],
            region_name=data["region_name"],
            region_code=data.get("region_code", ""),
            parent=data.get("parent"),
            has_standing_committee=data.get("has_standing_committee", True),
        )
        obj.pk, obj.path = created.pk, created.path
        obj._state.adding = False

    def log_addition(self, request, obj, message):
        # congress_create already recorded "congress.created".
        return admin.ModelAdmin.log_addition(self, request, obj, message)


@admin.register(Term)
class TermAdmin(RecordedAdmin):
    list_display = ("__str__", "congress", "number", "start_date", "end_date")
    list_filter = ("congress__level",)
    search_fields = ("congress__name", "congress__short_name")
    list_select_related = ("congress",)
    autocomplete_fields = ("congress",)


@admin.register(Session)
class SessionAdmin(RecordedAdmin):
    list_display = ("__str__", "number", "start_date", "end_date")
    search_fields = ("term__congress__name", "term__congress__short_name")
    list_select_related = ("term__congress",)
    date_hierarchy = "start_date"


@admin.register(Committee)
class CommitteeAdmin(RecordedAdmin):
    list_display = ("name", "short_name", "kind", "congress")
    list_filter = ("kind", "congress__level")
    search_fields = ("name", "short_name", "congress__name")
    list_select_related = ("congress",)
    autocomplete_fields = ("congress",)


@admin.register(ElectoralUnit)
class ElectoralUnitAdmin(RecordedAdmin):
    list_display = ("name", "kind", "congress", "lower_congress")
    list_filter = ("kind", "congress__level")
    search_fields = ("name", "congress__name")
    list_select_related = ("congress", "lower_congress")
    autocomplete_fields = ("congress", "lower_congress")


class PersonalDataAdmin(RecordedAdmin):
    """Its change page shows personal data unmasked, so opening it is recorded as a security event."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", None) == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                record_personal_data_view(request, obj)
        return response


@admin.register(Person)
class PersonAdmin(PersonalDataAdmin):
    # Mobile numbers stay off the list; they show on the (recorded) change page only.
    list_display = ("name", "gender", "party", "occupation", "congress")
    list_filter = ("gender", "congress__level")
    search_fields = ("name", "occupation", "mobile")
    list_select_related = ("congress",)
    autocomplete_fields = ("congress",)


class MandateLeaveInline(admin.TabularInline):
    model = MandateLeave
    extra = 0


@admin.register(Mandate)
class MandateAdmin(RecordedAdmin):
    list_display = (
        "person",
        "congress",
        "term__number",
        "electoral_unit",
        "start_date",
        "end_date",
        "is_grassroots",
    )
    list_filter = ("congress__level", "is_grassroots", "end_reason")
    search_fields = ("person__name", "congress__name")
    list_select_related = ("person", "congress", "term__congress", "electoral_unit")
    autocomplete_fields = ("person", "congress", "term", "electoral_unit")
    inlines = (MandateLeaveInline,)


@admin.register(MandateLeave)
class MandateLeaveAdmin(RecordedAdmin):
    list_display = ("mandate", "start_date", "end_date", "reason")
    search_fields = ("mandate__person__name", "reason")
    list_select_related = ("mandate__person", "mandate__congress")
    autocomplete_fields = ("mandate",)


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(RecordedAdmin):
    list_display = ("person", "committee", "position", "start_date", "end_date")
    list_filter = ("position", "committee__kind")
    search_fields = ("person__name", "committee__name")
    list_select_related = ("person", "committee__congress")
    autocomplete_fields = ("person", "committee")


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    autocomplete_fields = ("mandate",)


@admin.register(DeputyGroup)
class DeputyGroupAdmin(RecordedAdmin):
    list_display = ("name", "kind", "congress", "leader")
    list_filter = ("kind", "congress__level")
    search_fields = ("name", "congress__name")
    list_select_related = ("congress", "leader__person", "leader__congress")
    autocomplete_fields = ("congress", "leader")
    inlines = (GroupMembershipInline,)


@admin.register(GroupMembership)
class GroupMembershipAdmin(RecordedAdmin):
    list_display = ("group", "mandate", "joined_on")
    search_fields = ("group__name", "mandate__person__name")
    list_select_related = ("group", "mandate__person", "mandate__congress")
    autocomplete_fields = ("group", "mandate")


# A group's year of work is written through lvzhi.org.services.group_work (attendance counts as activities).
@admin.register(GroupPlanItem)
class GroupPlanItemAdmin(ReadOnlyAdmin):
    list_display = ("group", "year", "month", "kind", "topic")
    list_filter = ("year", "kind")
    search_fields = ("topic", "group__name")
    list_select_related = ("group",)


@admin.register(GroupActivity)
class GroupActivityAdmin(ReadOnlyAdmin):
    list_display = ("group", "date", "topic")
    list_filter = ("date",)
    search_fields = ("topic", "group__name")
    list_select_related = ("group",)


@admin.register(GroupAttendance)
class GroupAttendanceAdmin(ReadOnlyAdmin):
    list_display = ("activity", "mandate", "status")
    list_filter = ("status",)
    list_select_related = ("activity", "mandate__person")


@admin.register(Unit)
class UnitAdmin(RecordedAdmin):
    list_display = ("name", "short_name", "kind", "congress", "is_active")
    list_filter = ("kind", "is_active", "congress__level")
    search_fields = ("name", "short_name")
    list_select_related = ("congress",)
    autocomplete_fields = ("congress",)


@admin.register(CongressSetting)
class CongressSettingAdmin(RecordedAdmin):
    list_display = ("congress", "key", "value", "updated_at")
    field_labels = {"updated_at": _("updated")}
    list_filter = ("key",)
    search_fields = ("key", "congress__name")
    list_select_related = ("congress",)
    autocomplete_fields = ("congress",)


class AccountCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "mobile", "congress")


class AccountChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class AccountAdmin(PersonalDataAdmin, UserAdmin):
    """Django's account admin with lvzhi's fields; every edit here is a security event."""

    security_events = True
    form = AccountChangeForm
    add_form = AccountCreationForm
    list_display = ("username", "full_name", "congress", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser", "must_change_password", "congress__level")
    search_fields = ("username", "full_name", "mobile", "email")
    list_select_related = ("congress", "person")
    autocomplete_fields = ("person", "congress")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "mobile", "email", "person", "congress")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "must_change_password", "groups")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "mobile",
                    "congress",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ("groups",)

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted: their history stays attributable.
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "congress", "committee", "station", "unit", "is_active", "granted_at")
    list_filter = ("role", "is_active", "congress__level")
    search_fields = ("user__username", "user__full_name", "congress__name")
    list_select_related = ("user", "congress", "committee", "station", "unit")
    field_labels = {"granted_at": _("granted")}


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("created_at", "revoked_at")
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    exclude_shown = ("key_hash",)
    field_labels = {
        "prefix": _("prefix"),
        "created_at": _("created"),
        "last_used_at": _("last used"),
        "revoked_at": _("revoked"),
    }
