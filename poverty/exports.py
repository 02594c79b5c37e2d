"""Streaming exports in constant memory: CSV row by row, XLSX through openpyxl's write-only mode."""

import csv
import tempfile
from collections.abc import Iterable, Iterator

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django_filters import FilterSet
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    """UTF-8 with BOM and semicolons: what Excel in an Indonesian locale opens as columns."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines() -> Iterator[str]:
        yield "\ufeff"
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(rows: Iterable[list], filename: str, sheet_title: str = "Data") -> FileResponse:
    """Rows are streamed to a temporary file by openpyxl's write-only mode, then the file is sent."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    for row in rows:
        sheet.append(row)
    return workbook_response(workbook, filename)


def workbook_response(workbook: Workbook, filename: str) -> FileResponse:
    """Send a (write-only) workbook: saved to a temporary file, then streamed from it."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
    response["Cache-Control"] = "no-store"
    return response


def stamped(name: str, extension: str) -> str:
    return f"{name}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def filters_for_log(filterset: FilterSet) -> dict:
    """The filters of an export, as the access log keeps them: the list's own (validated) filters, never the
    search words (personal data) nor whatever else the URL carries."""
    return {k: v for k, v in filterset.data.items() if k in filterset.filters and k != "q"}


def export_response(request: HttpRequest, rows_for, queryset, name: str, title: str, detail: dict) -> HttpResponse:
    """CSV or XLSX of a filtered list. Full identity numbers only for supervisors; every export is recorded."""
    from audit.models import AccessLog
    from audit.services import log_access
    from households.models import Household
    from poverty import permissions

    full = request.GET.get("full") == "1"
    if full and not permissions.has_perm(request.user, permissions.EXPORT_FULL, Household):
        raise PermissionDenied
    kind = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    log_access(
        request=request,
        kind=AccessLog.Kind.EXPORT,
        field="nik" if full else "",
        detail={**detail, "format": kind, "full_numbers": full, "rows": queryset.count()},
    )
    rows = rows_for(queryset, full_numbers=full)
    filename = stamped(name, kind)
    return xlsx_response(rows, filename, title) if kind == "xlsx" else csv_response(rows, filename)
