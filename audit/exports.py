"""Exports that carry case data: recorded in the access log (who, what, which filters, how many rows)."""

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse

from audit.models import AccessLog
from audit.services import log_access
from core.exports import csv_response, stamped, xlsx_response
from core.permissions import EXPORT_FULL, has_perm


def export_response(
    request: HttpRequest,
    rows_for: Callable[..., Iterable[list]],
    queryset: QuerySet,
    name: str,
    title: str,
    detail: dict,
    *,
    full_numbers_of: type[Model],
) -> StreamingHttpResponse | FileResponse:
    """CSV or XLSX of a filtered list; every export is recorded in the access log. Full identity numbers only for
    who may `EXPORT_FULL` the model whose numbers the list carries (`full_numbers_of`)."""
    full = request.GET.get("full") == "1"
    if full and not has_perm(request.user, EXPORT_FULL, full_numbers_of):
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
