"""The request a signed-in view receives, for the type checker.

Behind `role_required`/`signed_in` (core.permissions) `request.user` is always an account, but Django's
`HttpRequest.user` is `User | AnonymousUser` to mypy. A view annotated `request: AuthenticatedHttpRequest`
may pass `request.user` to a service's `actor: User`. At run time it is plain `HttpRequest`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User

    class AuthenticatedHttpRequest(HttpRequest):
        user: User

else:
    AuthenticatedHttpRequest = HttpRequest
