from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd, User
from audit.admin import ReferenceDataAdmin


@admin.register(Opd)
class OpdAdmin(ReferenceDataAdmin):
    list_display = ["short_name", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "short_name"]


@admin.register(User)
class UserAdmin(ReferenceDataAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "opd", "role", "is_active", "last_login"]
    list_filter = ["role", "opd", "is_active", "is_superuser"]
    list_select_related = ["opd"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["opd"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),  # Django's own, always set (the stubs allow None)
        (_("OPD dan peran"), {"fields": ("opd", "role", "must_change_password")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("OPD dan peran"), {"fields": ("opd", "role", "must_change_password")}),
    )
