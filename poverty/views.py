from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with an expired security token (its page was opened before signing out, or before signing
    in again, in another tab): say that in plain words, that nothing was saved, and what to do. Never the
    technical reason."""
    return render(request, "csrf_failure.html", status=403)
