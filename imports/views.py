"""Upload a DTSEN/P3KE/DTKS spreadsheet, see what it would change, confirm; download the template and reports."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import AccessLog
from audit.services import log_access
from core.errors import DomainError
from core.http import AuthenticatedHttpRequest
from core.permissions import ADD, CHANGE, VIEW, get_object_for, has_perm, permission_required
from imports import jobs, selectors
from imports.filters import ReconciliationRowFilter
from imports.forms import DecisionForm, ReconcileForm, UploadForm, decision_help, proposal_choices
from imports.models import Bucket, ImportBatch, Reconciliation, ReconciliationDecision
from imports.reconcile import Decided
from imports.reconcile import reconciliation_decide as decide
from imports.reports import error_workbook, identity_numbers_in, template_workbook
from imports.services import import_apply, import_cancel, import_preview

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 25
ROWS_PAGE_SIZE = 50
ROW_FILTERS = ("kelurahan", "bucket", "decided", "page")  # what a decision takes back to the page it came from


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
    reconciled = None  # the list's reconciliation, once the batch has recorded it
    if batch.status == ImportBatch.Status.APPLIED and batch.list_kind and batch.as_of is not None:
        reconciled = Reconciliation.objects.filter(source=batch.list_kind, as_of=batch.as_of).first()
    return render(request, "imports/detail.html", {"batch": batch, "reconciliation": reconciled, **samples})


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


@permission_required(VIEW, Reconciliation)
@require_GET
def reconciliation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.national_lists(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "form": ReconcileForm(), "may_compute": has_perm(request.user, ADD, Reconciliation)}
    return render(request, "imports/reconciliation_list.html", context)


@permission_required(ADD, Reconciliation)
@require_POST
def reconciliation_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReconcileForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih jenis daftar dan tanggalnya."))
        return redirect("imports:reconciliations")
    try:
        job = jobs.reconcile_start(owner=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("imports:reconciliations")
    return redirect("jobs:detail", job.pk)


@permission_required(ADD, Reconciliation)
@require_POST
def batch_reconcile(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Rekonsiliasi daftar ini" on an import's page: the list the batch recorded."""
    batch = get_object_for(request.user, ImportBatch.objects.defer("content", "plan", "errors"), pk)
    if batch.status != ImportBatch.Status.APPLIED or not batch.list_kind or batch.as_of is None:
        messages.error(
            request, _("Hanya impor yang sudah diimpor, dengan jenis dan tanggal daftarnya, yang bisa direkonsiliasi.")
        )
        return redirect("imports:detail", pk=batch.pk)
    try:
        job = jobs.reconcile_start(owner=request.user, source=batch.list_kind, as_of=batch.as_of)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("imports:detail", pk=batch.pk)
    return redirect("jobs:detail", job.pk)


@permission_required(VIEW, Reconciliation)
@require_GET
def reconciliation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = get_object_for(request.user, Reconciliation.objects.select_related("computed_by"), pk)
    return render(request, "imports/reconciliation.html", _page_context(request, found, request.GET))


@dataclass
class RefusedDecision:
    """A decision the page sent and the form or the service refused: shown again in its row as it was sent."""

    row_id: int
    decision: str
    reason: str
    proposal: str
    errors: list[str]
    invalid: set[str]  # the fields the errors are about (the first one gets the focus)


def _page_context(request: AuthenticatedHttpRequest, found: Reconciliation, query: QueryDict) -> dict[str, Any]:
    """The list's page with these filters (the page's own query string, or the one a decision's form carried)."""
    filterset = ReconciliationRowFilter(query or None, queryset=selectors.reconciliation_row_list(found))
    return {
        "reconciliation": found,
        "summary": selectors.reconciliation_summary(found),
        "buckets": Bucket.choices,
        "decision_help": decision_help(),
        "filter": filterset,
        "page_obj": Paginator(filterset.qs, ROWS_PAGE_SIZE).get_page(query.get("page")),
        "back": _back(query),
        "choices": ReconciliationDecision.Choice.choices,
        "proposal_choices": proposal_choices(),
        "may_decide": has_perm(request.user, CHANGE, found),
        "may_compute": has_perm(request.user, ADD, Reconciliation),
    }


def _back(data: QueryDict) -> str:
    """The page's filters and page number, and nothing else, as a query string."""
    return urlencode([(name, value) for name in ROW_FILTERS for value in data.getlist(name)[:1]])


@permission_required(VIEW, Reconciliation)
@require_POST
def reconciliation_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a decision and go back to the row; a refused one is shown again in its row, with its error next to
    its form and what was chosen and typed kept (nothing saved). The form's action carries the page's filters."""
    found = get_object_for(request.user, Reconciliation.objects.select_related("computed_by"), pk, CHANGE)
    form = DecisionForm(request.POST)
    query = QueryDict(_back(request.GET))
    url = reverse("imports:reconciliation", args=[found.pk]) + (f"?{query.urlencode()}" if query else "")
    if not form.is_valid():
        errors, invalid = [str(error) for errors in form.errors.values() for error in errors], set(form.errors)
    else:
        data = form.cleaned_data
        try:
            decided = decide(
                reconciliation=found,
                bucket=data["bucket"],
                key=data["key"],
                decision=data["decision"],
                reason=data["reason"],
                actor=request.user,
                proposal_kind=data["proposal_kind"],
                proposal_reason=data["proposal_reason"],
            )
        except DomainError as error:
            errors, invalid = [str(error)], set()
        else:
            messages.success(request, _decided_message(decided))
            return redirect(f"{url}#row-{data['bucket']}-{data['key']}")
    context = _page_context(request, found, query)
    bucket, key = request.POST.get("bucket", ""), request.POST.get("key", "")
    row = next((row for row in context["page_obj"] if (row.bucket, row.key) == (bucket, key)), None)
    if row is None:  # not a row of the page it came from (the list was recomputed, or a tampered key)
        messages.error(request, " ".join(errors))
        return redirect(url)
    sent = {name: request.POST.get(name, "") for name in ("decision", "reason", "proposal")}
    context["refused"] = RefusedDecision(row.pk, **sent, errors=errors, invalid=invalid)
    return render(request, "imports/reconciliation.html", context)


def _decided_message(decided: Decided) -> str:
    proposal = decided.decision.proposal
    if proposal is None:
        return _("Keputusan dicatat.")
    if decided.opened:
        return _("Keputusan dicatat; usulan DTSEN #%(id)s dibuka untuk rumah tangga ini.") % {"id": proposal.pk}
    return _(
        "Keputusan dicatat. Rumah tangga ini sudah punya usulan DTSEN yang belum diputuskan (usulan #%(id)s): "
        "keputusan ini ditautkan ke usulan itu, tidak dibuka usulan kedua."
    ) % {"id": proposal.pk}


@permission_required(VIEW, Reconciliation)
@require_POST
def reconciliation_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """All rows with their decisions as a workbook, made in the background (a list may have a hundred thousand)."""
    found = get_object_for(request.user, Reconciliation, pk)
    job = jobs.reconciliation_export_start(owner=request.user, reconciliation=found)
    log_access(
        request=request,
        kind=AccessLog.Kind.EXPORT,
        instance=found,
        detail={"list": "reconciliation", "reconciliation": found.pk, "format": "xlsx", "job": job.pk},
    )
    return redirect("jobs:detail", job.pk)
