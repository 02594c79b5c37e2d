"""The API's plumbing: body limits, JSON parsing, rate limits, paging, access, versions (ETag/If-Match) and
the provenance of a write recorded offline (X-Recorded-Offline-At)."""

import datetime
import json
import re
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken
from api.problems import PayloadTooLarge, PreconditionRequired
from cases.selectors import OFFLINE_SOURCE
from core.permissions import has_role


def body_limit() -> int:
    return int(getattr(settings, "API_MAX_BODY_BYTES", 1024 * 1024))


def check_body_size(request: Request) -> None:
    """Refuse a body over the limit from its declared length, before reading any of it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise exceptions.ParseError(_("Content-Length tidak valid.")) from None
    if length > body_limit():
        raise PayloadTooLarge(_("Isi permintaan lebih dari %(limit)s byte.") % {"limit": body_limit()})


class LimitedJSONParser(JSONParser):
    """JSON only, at most API_MAX_BODY_BYTES, strict (no NaN/Infinity); nesting too deep is a 400, not a 500."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        raw = stream.read(body_limit() + 1) if stream is not None else b""
        if len(raw) > body_limit():
            raise PayloadTooLarge
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
        except (ValueError, RecursionError) as error:
            raise exceptions.ParseError(
                _("Isi permintaan bukan JSON yang valid: %(error)s") % {"error": error}
            ) from None


def _no_constant(name: str) -> Any:
    raise ValueError(_("%(name)s bukan angka JSON") % {"name": name})


class ApiAccess(BasePermission):
    """A signed-in, active account with a role; a read-only token only reads. What each record allows is the
    rule table's (core.permissions), asked by the views."""

    message: Any = gettext_lazy("Akun ini tidak boleh memakai API.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not has_role(request.user):
            return False
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None and token.scope == ApiToken.Scope.READ and request.method not in SAFE_METHODS:
            self.message = _("Token ini hanya untuk membaca; minta admin membuat token baca-tulis.")
            return False
        return True


class PerCallerRateThrottle(SimpleRateThrottle):
    """Requests per minute, per token (its own limit) or per signed-in account (API_SESSION_RATE_PER_MINUTE)."""

    scope = "api"

    def __init__(self) -> None:  # the rate is the caller's, read in allow_request
        self.history: list[float] = []
        self.rate: str | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        per_minute = token.rate_per_minute if token else int(getattr(settings, "API_SESSION_RATE_PER_MINUTE", 600))
        self.rate, self.num_requests, self.duration = f"{per_minute}/min", per_minute, 60
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        token = request.auth if isinstance(request.auth, ApiToken) else None
        ident = f"token-{token.pk}" if token else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class NewestFirst(CursorPagination):
    """Stable pages over large tables: a cursor on the id, newest first; `page_size` up to 200."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,10})"?\s*$')


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(request: Request) -> int:
    """The version the caller read (If-Match: the ETag it got); 428 without it."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired
    match = ETAG.match(header)
    if match is None:
        raise exceptions.ValidationError({"If-Match": [_('If-Match harus berisi ETag yang diterima, mis. "3".')]})
    version = int(match.group(1))
    if version > 2**31 - 1:
        raise exceptions.ValidationError({"If-Match": [_("Versi ini tidak ada.")]})
    return version


OFFLINE_HEADER = "X-Recorded-Offline-At"
# How old an entry saved on a phone may be when it arrives, and how far ahead of the server a phone's clock may
# run (a few minutes is common; more is a wrong clock, whose times the change log must not show as facts).
OFFLINE_MAX_AGE = datetime.timedelta(days=30)
OFFLINE_CLOCK_SKEW = datetime.timedelta(minutes=5)


def recorded_offline_at(request: Request) -> datetime.datetime | None:
    """When the caseworker saved this write on the phone (the header, ISO 8601 with its offset), or None for a
    write made online. A time without an offset, in the future or older than 30 days answers 400."""
    value = request.headers.get(OFFLINE_HEADER)
    if value is None:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.strip()) if len(value) <= 64 else None
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise exceptions.ValidationError(
            {OFFLINE_HEADER: [_("Isi dengan waktu ISO 8601 beserta zona waktunya, mis. 2026-11-29T10:02:00+07:00.")]}
        )
    now = timezone.now()
    if moment > now + OFFLINE_CLOCK_SKEW:
        raise exceptions.ValidationError(
            {OFFLINE_HEADER: [_("Waktu pencatatan ada di masa depan; periksa jam dan tanggal di ponsel.")]}
        )
    if moment < now - OFFLINE_MAX_AGE:
        raise exceptions.ValidationError(
            {
                OFFLINE_HEADER: [
                    _("Catatan ini dibuat lebih dari %(days)d hari lalu; catat ulang di aplikasi.")
                    % {"days": OFFLINE_MAX_AGE.days}
                ]
            }
        )
    return moment


def offline_source(recorded: datetime.datetime, sent: datetime.datetime) -> str:
    """The change log's `source` of a write recorded offline, e.g. "offline · dicatat 29/11/2026 10:02 · dikirim
    29/11/2026 14:31" (the city's time). Stored as data in the app's language, whatever the sender's language."""
    zone = timezone.get_default_timezone()

    def shown(moment: datetime.datetime) -> str:
        return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M")

    return f"{OFFLINE_SOURCE}dicatat {shown(recorded)} · dikirim {shown(sent)}"
