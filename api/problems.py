"""Every refusal as one JSON shape: problem details (RFC 9457), in Bahasa Indonesia, with field errors.

`{"type": "about:blank", "title": "...", "status": 400, "detail": "...", "errors": {"field": ["..."]}}`
with the media type `application/problem+json`. Nothing a caller sends becomes a 500: malformed JSON and wrong
types answer 400, a body over the limit 413, a stale version 409.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.errors import STALE_API_ADVICE, DomainError, StaleEditError

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: gettext_lazy("Permintaan tidak valid"),
    401: gettext_lazy("Belum dikenali"),
    403: gettext_lazy("Tidak diizinkan"),
    404: gettext_lazy("Tidak ditemukan"),
    405: gettext_lazy("Metode tidak diizinkan"),
    406: gettext_lazy("Format jawaban tidak tersedia"),
    409: gettext_lazy("Data sudah berubah"),
    413: gettext_lazy("Permintaan terlalu besar"),
    415: gettext_lazy("Jenis isi tidak didukung"),
    422: gettext_lazy("Kunci idempotensi dipakai untuk permintaan lain"),
    428: gettext_lazy("Versi data wajib disebut"),
    429: gettext_lazy("Terlalu banyak permintaan"),
}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("Isi permintaan terlalu besar.")
    default_code = "too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = gettext_lazy(
        "Sebutkan versi data yang Anda ubah: header If-Match berisi ETag yang diterima saat membaca data ini."
    )
    default_code = "precondition_required"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = 422
    default_detail = gettext_lazy(
        "Idempotency-Key ini sudah dipakai untuk permintaan lain (alamat atau isi berbeda). Buat kunci baru untuk "
        "setiap perubahan."
    )
    default_code = "idempotency_key_reused"


def _flat(value: Any, path: str = "") -> dict[str, list[str]]:
    """Field errors as one level: `{"members": [{}, {"nik": [...]}]}` -> `{"members[1].nik": [...]}`."""
    if isinstance(value, dict):
        found: dict[str, list[str]] = {}
        for key, each in value.items():
            name = f"{path}[{key}]" if path and str(key).isdigit() else f"{path}.{key}" if path else str(key)
            found.update(_flat(each, name))
        return found
    if isinstance(value, list) and any(isinstance(each, dict | list) for each in value):
        found = {}
        for index, each in enumerate(value):
            found.update(_flat(each, f"{path}[{index}]"))
        return found
    messages = value if isinstance(value, list) else [value]
    return {path or "non_field_errors": [strip_tags(str(each)) for each in messages]} if messages else {}


def problem(status_code: int, detail: Any, errors: Any = None, **extra: Any) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": str(TITLES.get(status_code, _("Permintaan ditolak"))),
        "status": status_code,
        "detail": strip_tags(str(detail)),
    }
    if errors:
        body["errors"] = _flat(errors)
    body.update(extra)
    return Response(body, status=status_code, content_type=PROBLEM_JSON)


def handle(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, with the domain's refusals added and every answer as problem details."""
    from rest_framework.views import exception_handler, set_rollback  # rest_framework.views reads the settings

    if isinstance(exc, StaleEditError):
        set_rollback()
        stale = "%s %s" % (exc.summary, STALE_API_ADVICE)  # noqa: UP031 - two translated sentences
        return problem(409, stale, current_version=exc.current_version)
    if isinstance(exc, DomainError):
        set_rollback()
        return problem(400, exc)
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        refused = (
            {"non_field_errors" if k == "__all__" else k: v for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": exc.messages}
        )
        return problem(400, _("Data tidak valid; lihat kesalahan per isian."), refused)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Data tidak ditemukan."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or _("Anda tidak diizinkan melakukan ini."))
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail: Any = getattr(exc, "detail", "")
    errors: Any = None
    if isinstance(detail, dict | list):
        errors = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        detail = _("Data tidak valid; lihat kesalahan per isian.")
    answer = problem(response.status_code, detail, errors)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            answer[header] = response[header]
    return answer
