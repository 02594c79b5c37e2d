"""How API callers are known: an OPD system's token (`Authorization: Bearer pkr_…`), or the signed-in browser
session with its CSRF token (the offline client). Either way the caller is an account, and the app's one rule
table (core.permissions) decides what it may do."""

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.request import Request

from api.models import ApiToken, digest
from core.roles import Role

# The token's "last used" time is written at most this often, not on every request.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


class TokenAuthentication(BaseAuthentication):
    keyword = "bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Header Authorization harus berbentuk: Bearer <token>."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Token tidak dikenal atau sudah dicabut.")) from None
        token = (
            ApiToken.objects.select_related("account", "account__opd")
            .filter(key_digest=digest(secret), revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Token tidak dikenal atau sudah dicabut."))
        account = token.account
        # A token is a caseworker of its OPD: an account changed since (another role or OPD, deactivated) is refused.
        if not account.is_active or account.opd_id != token.opd_id or account.role != Role.CASEWORKER:
            raise exceptions.AuthenticationFailed(_("Token tidak dikenal atau sudah dicabut."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
            ).update(last_used_at=now)
        return token.account, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class BrowserSessionAuthentication(SessionAuthentication):
    """The signed-in session, for the app's own pages and the offline client; writes need the CSRF token."""
