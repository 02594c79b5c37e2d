from django.contrib import admin

from audit.admin import AuditedModelAdmin
from interventions.models import Intervention, Program


@admin.register(Program)
class ProgramAdmin(AuditedModelAdmin):
    list_display = ["name", "opd", "strategy", "target", "unit", "funding_source", "is_active"]
    list_filter = ["opd", "strategy", "target", "funding_source", "is_active"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["opd"]
    list_select_related = ["opd"]


@admin.register(Intervention)
class InterventionAdmin(AuditedModelAdmin):
    list_display = ["program", "person", "household", "opd", "status", "planned_on", "delivered_on", "amount"]
    list_filter = ["status", "opd", "program__strategy", "program"]
    search_fields = ["program__name", "person__full_name", "person__nik", "household__no_kk"]
    autocomplete_fields = ["program", "person", "household", "recorded_by"]
    list_select_related = ["program__opd", "person", "household", "opd"]
    readonly_fields = ["status_changed_at", "created_at", "updated_at"]
    date_hierarchy = "planned_on"
