from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from audit.casework import case_scope
from audit.models import ChangeLog
from audit.services import case_id_of, log_change, snapshot
from core.case_admin import CaseAdminMixin, IndexedSortChangeList
from core.templatetags.core_tags import change_rows


class AuditedModelAdmin(admin.ModelAdmin):
    """Django admin that writes the same change log as the app's services, and shows it as "History".

    At a million rows a changelist counts once (the filtered count), not also the whole table."""

    show_full_result_count = False

    def get_changelist(self, request: HttpRequest, **kwargs):
        return IndexedSortChangeList

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        content_type = ContentType.objects.get_for_model(self.model)
        url = reverse("admin:audit_changelog_changelist")
        return redirect(f"{url}?{urlencode({'content_type__id__exact': content_type.pk, 'object_id': object_id})}")

    # Case records edited here count on the dashboard at once, like those changed through the services.
    def changeform_view(self, *args, **kwargs):
        with case_scope():
            return super().changeform_view(*args, **kwargs)

    def changelist_view(self, *args, **kwargs):
        with case_scope():
            return super().changelist_view(*args, **kwargs)

    def delete_view(self, *args, **kwargs):
        with case_scope():
            return super().delete_view(*args, **kwargs)

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        log_change(
            actor=request.user,
            instance=obj,
            action=ChangeLog.Action.UPDATE if change else ChangeLog.Action.CREATE,
            before=before,
            case_id=case_id_of(obj),
            source="admin",
        )

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        befores = {
            obj.pk: snapshot(type(obj).objects.get(pk=obj.pk))
            for obj in formset.save(commit=False)
            if obj.pk is not None
        }
        instances = formset.save()
        for obj in instances:
            log_change(
                actor=request.user,
                instance=obj,
                action=ChangeLog.Action.UPDATE if obj.pk in befores else ChangeLog.Action.CREATE,
                before=befores.get(obj.pk),
                case_id=case_id_of(obj),
                source="admin",
            )
        for obj in formset.deleted_objects:
            log_change(
                actor=request.user,
                instance=obj,
                action=ChangeLog.Action.DELETE,
                case_id=case_id_of(obj),
                source="admin",
            )

    def delete_model(self, request: HttpRequest, obj) -> None:
        log_change(
            actor=request.user, instance=obj, action=ChangeLog.Action.DELETE, case_id=case_id_of(obj), source="admin"
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(ChangeLog)
class ChangeLogAdmin(CaseAdminMixin, admin.ModelAdmin):
    """Read-only: the history is evidence and nobody edits it. Case history: superusers only, numbers masked."""

    list_display = ["at", "actor", "action", "content_type", "object_repr", "case_id", "source"]
    list_filter = ["at", "action", "content_type", "source"]
    search_fields = ["object_repr", "actor__username", "note"]
    search_help_text = _("Cari nama data, nama pengguna atau catatan.")
    # No date_hierarchy: a DISTINCT over the whole log per page; the date filter does the same job.
    list_select_related = ["actor", "content_type"]
    show_full_result_count = False
    sortable_by = ["at"]  # indexed; a sort by another column reads the whole log (CaseAdminMixin's changelist)

    fields = [
        "at",
        "actor",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "case_id",
        "masked_changes",
        "note",
        "source",
    ]
    readonly_fields = ["masked_changes"]

    @admin.display(description=_("perubahan"))
    def masked_changes(self, obj: ChangeLog) -> str:
        rows = [
            (label, "—" if old is None else old, "—" if new is None else new) for label, old, new in change_rows(obj)
        ]
        return format_html_join("\n", "<div>{}: {} → {}</div>", rows) or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReferenceDataAdmin(AuditedModelAdmin):
    """Reference data that case records point to (users, OPDs, places, programmes) is deactivated or corrected,
    never deleted: the history and the case rows keep pointing to it (and the database protects it), and the
    delete page would list every row that refers to it — minutes at province scale."""

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
