"""Django admin: for the ITU secretariat only, signed in through allauth (so with the same
rate limits and two-factor rule as the portal). Roles, invitations and the audit log are
not editable here: they change only through the portal's services."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from copgirls.models import MemberState, Region, User
from copgirls.permissions import is_secretariat
from copgirls.services import user_deactivate, user_reactivate


def _secretariat_only(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and is_secretariat(user))


admin.site.has_permission = _secretariat_only
admin.site.login = secure_admin_login(admin.site.login)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["full_name"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal: list[str] = []

    def save_model(self, request, obj, form, change):
        # Deactivation goes through the service: it ends the sessions and is audited.
        if change and "is_active" in form.changed_data:
            wanted = obj.is_active
            obj.is_active = not wanted
            super().save_model(request, obj, form, change)
            if wanted:
                user_reactivate(user=obj, reactivated_by=request.user)
            else:
                user_deactivate(user=obj, deactivated_by=request.user)
            return
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MemberState)
class MemberStateAdmin(admin.ModelAdmin):
    list_display = ["name", "iso2", "iso3", "region", "is_member"]
    list_filter = ["region", "is_member"]
    search_fields = ["name", "iso2", "iso3"]

    def has_delete_permission(self, request, obj=None):
        return False
