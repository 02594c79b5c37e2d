"""Upload a DTSEN/P3KE/DTKS spreadsheet, see what it would change, confirm; download the template and reports."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AccessLog
from audit.services import log_access
from core.errors import DomainError
from core.http import AuthenticatedHttpRequest
from core.permissions import ADD, VIEW, get_object_for, permission_required
from imports import jobs, selectors
from imports.forms import UploadForm
from imports.models import ImportBatch
from imports.reports import error_workbook, identity_numbers_in, template_workbook
from imports.services import import_apply, import_cancel, import_preview

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 25


@permission_required(VIEW, ImportBatch)
def batch_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.batches(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/batch_list.html", {"page_obj": page})


@permission_required(ADD, ImportBatch)
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        listed = {name: form.cleaned_data[name] for name in ("source", "list_kind", "as_of")}
        if upload.size > jobs.INLINE_BYTES:  # a big file is checked in the background, with a progress page
            job = jobs.preview_start(owner=request.user, file_name=upload.name, data=upload.read(), **listed)
            return redirect("jobs:detail", job.pk)
        batch = import_preview(file_name=upload.name, data=upload.read(), user=request.user, **listed)
        if batch.status == ImportBatch.Status.REJECTED:
            form.add_error("file", batch.message)
        else:
            return redirect("imports:detail", pk=batch.pk)
    return render(request, "imports/upload.html", {"form": form})


@permission_required(VIEW, ImportBatch)
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = get_object_for(request.user, selectors.batch_details(), pk)
    samples = {
        "error_sample": selectors.error_sample(batch),
        "changed": selectors.changed_sample(batch),
        "desil_changes": selectors.desil_changes(batch),
    }
    return render(request, "imports/detail.html", {"batch": batch, **samples})


@permission_required(ADD, ImportBatch)
@require_POST
def confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = get_object_for(request.user, ImportBatch.objects.defer("content", "plan"), pk)
    if batch.status == ImportBatch.Status.PREVIEW and (batch.summary.get("rows") or 0) > jobs.INLINE_ROWS:
        return redirect("jobs:detail", jobs.apply_start(owner=request.user, batch=batch).pk)
    try:
        batch = import_apply(batch=batch, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        counts = batch.summary
        messages.success(
            request,
            _("Impor selesai: %(hh)d rumah tangga baru, %(hu)d diperbarui; %(pn)d anggota baru, %(pu)d diperbarui.")
            % {
                "hh": counts["households"]["new"],
                "hu": counts["households"]["updated"],
                "pn": counts["persons"]["new"],
                "pu": counts["persons"]["updated"],
            },
        )
    return redirect("imports:detail", pk=pk)


@permission_required(ADD, ImportBatch)
@require_POST
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = get_object_for(request.user, ImportBatch.objects.defer("content", "plan"), pk)
    try:
        import_cancel(batch=batch, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.info(request, _("Impor dibatalkan; tidak ada data yang diubah."))
    return redirect("imports:list")


@permission_required(VIEW, ImportBatch)
def error_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    batch = get_object_for(request.user, ImportBatch.objects.defer("content", "plan"), pk)
    name = f"perbaikan-impor-{batch.pk}.xlsx"
    # The rows come back as they were in the file, full NIK / No. KK included, so the source spreadsheet
    # can be corrected: every download is recorded like an export with full numbers.
    log_access(
        request=request,
        kind=AccessLog.Kind.EXPORT,
        instance=batch,
        field="nik",
        detail={
            "list": "import_errors",
            "file": name,
            "batch": batch.pk,
            "rows": len(batch.errors),
            "full_numbers": True,
            "identity_numbers": identity_numbers_in(batch),
        },
    )
    return FileResponse(error_workbook(batch), as_attachment=True, filename=name, content_type=XLSX)


@permission_required(VIEW, ImportBatch)
def template(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    return FileResponse(template_workbook(), as_attachment=True, filename="templat-impor.xlsx", content_type=XLSX)
