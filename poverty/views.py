from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dashboard.queries import overview
from poverty.permissions import is_caseworker, signed_in


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    """The first screen: who I am, and where the city stands — the dashboard's own numbers (its tallies),
    so the two screens always agree, in a few queries at any size."""
    scope = request.user.opd if is_caseworker(request.user) else None
    return render(request, "home.html", {**overview(opd=scope), "work_scope_opd": scope})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with an expired security token (its page was opened before signing out, or before signing
    in again, in another tab): say that in plain words, that nothing was saved, and what to do. Never the
    technical reason."""
    return render(request, "csrf_failure.html", status=403)
