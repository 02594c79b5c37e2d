"""List exports (registry, interventions): small ones stream at once, anything over INLINE_ROWS rows becomes a
background job with a progress bar. Either way the export is recorded in the access log (who, which filters,
how many rows), full identity numbers only for who may `EXPORT_FULL`, every cell formula-safe."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpResponseRedirect, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from audit.models import AccessLog
from audit.services import log_access
from core.exports import csv_response, stamped, xlsx_response
from core.http import AuthenticatedHttpRequest
from core.permissions import EXPORT_FULL, has_perm, has_role
from jobs import files
from jobs.models import Job
from jobs.progress import Progress
from jobs.registry import register
from jobs.services import JobRefused, job_owner, job_publish, job_start

# Above this many rows an export runs in the background (a request must answer in seconds, whatever the size).
INLINE_ROWS = 10_000


@dataclass(frozen=True)
class ListExport:
    kind: str  # the job kind, e.g. "export_registry"
    name: str  # the file name's stem
    title: str  # the sheet's title
    # The list's filter data (a QueryDict) -> the queryset the rows are made from, or None if the filters are
    # invalid (the list page says why).
    queryset_for: Callable[[QueryDict], QuerySet | None]
    # That queryset -> the rows of the file (the header first).
    rows_for: Callable[..., Iterable[list]]
    # That queryset -> the records counted as the file's data rows (e.g. the persons of the households).
    counted: Callable[[QuerySet], QuerySet]
    full_numbers_of: type[Model]
    # Optionally, that queryset -> the data rows as text cells the database computes (see `core.exports.sql_safe`
    # and its neighbours): a large CSV is then written by PostgreSQL's COPY. The header comes from `rows_for`.
    cells_for: Callable[..., QuerySet] | None = None


EXPORTS: dict[str, ListExport] = {}


def register_export(export: ListExport) -> None:
    EXPORTS[export.kind] = export
    register(export.kind, export_run)


def _pairs(data: QueryDict) -> list[list[str]]:
    return [[key, value] for key, values in data.lists() for value in values]


def _query(pairs: list[list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in pairs:
        data.appendlist(key, value)
    return data


def export_response(
    request: AuthenticatedHttpRequest, export: ListExport, data: QueryDict, detail: dict[str, Any], on_invalid: str
) -> StreamingHttpResponse | FileResponse | HttpResponseRedirect:
    full = request.GET.get("full") == "1"
    if full and not has_perm(request.user, EXPORT_FULL, export.full_numbers_of):
        raise PermissionDenied
    kind = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    queryset = export.queryset_for(data)
    if queryset is None:
        return redirect(on_invalid)
    rows = export.counted(queryset)[: INLINE_ROWS + 1].count()  # stops counting past the limit
    log = {**detail, "format": kind, "full_numbers": full}
    if rows > INLINE_ROWS:
        title = _("%(list)s (%(format)s)") % {"list": export.title, "format": kind.upper()}
        params = {"data": _pairs(data), "format": kind, "full": full}
        job = job_start(owner=request.user, kind=export.kind, title=title, params=params)
        log_access(
            request=request, kind=AccessLog.Kind.EXPORT, field="nik" if full else "", detail={**log, "job": job.pk}
        )
        return redirect("jobs:detail", job.pk)
    log_access(request=request, kind=AccessLog.Kind.EXPORT, field="nik" if full else "", detail={**log, "rows": rows})
    stream = export.rows_for(queryset, full_numbers=full)
    filename = stamped(export.name, kind)
    return xlsx_response(stream, filename, export.title) if kind == "xlsx" else csv_response(stream, filename)


def export_run(job: Job, progress: Progress) -> None:
    """The job behind a large export: the same filters, rows and masking as the list's own download."""
    export = EXPORTS[job.kind]
    full = bool(job.params.get("full"))
    owner = job_owner(job)
    if not has_role(owner) or (full and not has_perm(owner, EXPORT_FULL, export.full_numbers_of)):
        raise JobRefused(_("Akun ini tidak lagi berhak atas unduhan ini."))
    queryset = export.queryset_for(_query(job.params.get("data", [])))
    if queryset is None:
        raise JobRefused(_("Saringan daftar ini tidak berlaku lagi. Buka daftarnya dan unduh lagi."))
    progress.set_total(export.counted(queryset).count())
    kind = job.params.get("format", "csv")
    rows = export.rows_for(queryset, full_numbers=full)
    with files.publishing(job, kind) as (path, written):
        if kind == "csv" and export.cells_for is not None:
            header = next(iter(rows))
            files.copy_csv(path, header, export.cells_for(queryset, full_numbers=full), written, progress.advance)
        elif kind == "xlsx":
            files.write_xlsx(path, rows, written, progress.advance, export.title)
        else:
            files.write_csv(path, rows, written, progress.advance)
    job_publish(job, written, stamped(export.name, kind))
