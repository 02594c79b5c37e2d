"""The OpenAPI schema (drf-spectacular) with what every operation may answer: the refusals as problem details,
the Idempotency-Key and If-Match headers, and the ETag of a versioned record."""

from typing import Any, Literal

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from api.http import OFFLINE_HEADER
from api.problems import PROBLEM_JSON, TITLES


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
    current_version = serializers.IntegerField(required=False, allow_null=True)


READ_ERRORS = (400, 401, 403, 404, 406, 429)
WRITE_ERRORS = (*READ_ERRORS, 409, 413, 415, 422, 428)


class ApiSchema(AutoSchema):
    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    str,
                    OpenApiParameter.HEADER,
                    description="Kunci unik per perubahan (mis. UUID). Permintaan ulang dengan kunci yang sama "
                    "mendapat jawaban pertama dan tidak mengubah apa pun.",
                )
            )
            parameters.append(
                OpenApiParameter(
                    OFFLINE_HEADER,
                    OpenApiTypes.DATETIME,
                    OpenApiParameter.HEADER,
                    description="Untuk catatan dari ponsel tanpa sinyal: saat petugas menyimpannya di ponsel "
                    "(ISO 8601 dengan zona waktu, tidak di masa depan, paling lama 30 hari lalu). Riwayat perubahan "
                    "mencatat sumber 'offline · dicatat … · dikirim …' sebagai ganti 'api'.",
                )
            )
        if getattr(self.view, "needs_version", None) and self.view.needs_version(self.method, self.view.action):
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    required=True,
                    description='ETag data yang dibaca (mis. "3"); ditolak 409 bila data sudah berubah sejak itu.',
                )
            )
        return parameters

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = dict(super()._get_response_bodies(direction))
        problem = self.resolve_serializer(ProblemSerializer, "response").ref
        codes = READ_ERRORS if self.method == "GET" else WRITE_ERRORS
        for code in codes:
            responses.setdefault(
                str(code),
                {"content": {PROBLEM_JSON: {"schema": problem}}, "description": str(TITLES[code])},
            )
        return responses


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Token dari admin (Administrasi → Token API): Authorization: Bearer pkr_…",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.BrowserSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "Sesi aplikasi yang sudah masuk; penulisan butuh header X-CSRFToken.",
        }
