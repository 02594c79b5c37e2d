"""The audit trail for supervisors and admins: every change, every look at and export of personal data.

Read-only: nothing here edits or deletes an entry.
"""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_filters import FilterSet

from audit import selectors
from audit.filters import AccessLogFilter, ChangeLogFilter
from audit.models import AccessLog, ChangeLog
from audit.services import log_access
from core.exports import csv_response, filters_for_log
from core.http import AuthenticatedHttpRequest
from core.permissions import VIEW, permission_required
from core.templatetags.core_tags import change_rows

PAGE_SIZE = 50


def _audit_page(
    request: AuthenticatedHttpRequest, filterset: FilterSet, entries: QuerySet[Any], template: str, tab: str
) -> HttpResponse:
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"filter": filterset, "page_obj": page, "tab": tab})


@permission_required(VIEW, ChangeLog)
@require_GET
def changes(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    filterset = ChangeLogFilter(request.GET or None)
    entries = selectors.changes(filters=filterset)
    if request.GET.get("format") == "csv" and filterset.is_valid():  # else the page shows what is wrong
        return _export(request, filterset, entries, "changes")
    return _audit_page(request, filterset, entries, "audit/changes.html", "changes")


@permission_required(VIEW, AccessLog)
@require_GET
def access(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    filterset = AccessLogFilter(request.GET or None)
    entries = selectors.accesses(filters=filterset)
    if request.GET.get("format") == "csv" and filterset.is_valid():
        return _export(request, filterset, entries, "access")
    return _audit_page(request, filterset, entries, "audit/access.html", "access")


def _export(
    request: AuthenticatedHttpRequest, filterset: FilterSet, queryset: QuerySet[Any], kind: str
) -> HttpResponseBase:
    log_access(
        request=request,
        kind=AccessLog.Kind.EXPORT,
        detail={
            "list": f"audit_{kind}",
            "filters": filters_for_log(filterset),
            "rows": queryset.count(),
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if kind == "changes":
        header = [
            _("Waktu"),
            _("Oleh"),
            _("Aksi"),
            _("Jenis data"),
            _("ID data"),
            _("Data"),
            _("No. rumah tangga"),
            _("Perubahan"),
            _("Catatan"),
            _("Sumber"),
        ]

        def rows():
            yield header
            for entry in queryset.iterator(chunk_size=2000):
                changes_text = "; ".join(
                    f"{label}: {_dash(old)} → {_dash(new)}" for label, old, new in change_rows(entry)
                )
                yield [
                    timezone.localtime(entry.at).strftime("%d/%m/%Y %H:%M:%S"),
                    entry.actor.username if entry.actor else "",
                    entry.get_action_display(),
                    entry.content_type.name,
                    entry.object_id,
                    entry.object_repr,
                    entry.case_id or "",
                    changes_text,
                    entry.note,
                    entry.source,
                ]

        return csv_response(rows(), f"jejak-perubahan-{stamp}.csv")

    header = [
        _("Waktu"),
        _("Oleh"),
        _("Jenis akses"),
        _("Data"),
        _("Kolom"),
        _("No. rumah tangga"),
        _("Alamat IP"),
        _("Rincian"),
    ]

    def access_rows():
        yield header
        for entry in queryset.iterator(chunk_size=2000):
            yield [
                timezone.localtime(entry.at).strftime("%d/%m/%Y %H:%M:%S"),
                entry.actor.username if entry.actor else "",
                entry.get_kind_display(),
                entry.object_repr,
                entry.field,
                entry.case_id or "",
                entry.ip_address or "",
                entry.detail,
            ]

    return csv_response(access_rows(), f"jejak-akses-{stamp}.csv")


def _dash(value: object) -> object:
    return "—" if value is None else value
