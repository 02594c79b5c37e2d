"""Search words stay out of URLs: names and NIKs are personal data, and URLs end up in logs and history.

A search is POSTed; its words are kept in the user's session under a short random key, and the
list's URL carries only that key (`?cari=k3Xq9a`) next to the ordinary filters, which stay shareable.
"""

import secrets

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

SESSION_KEY = "searches"
PARAM = "cari"
KEEP = 20


def stash(request: HttpRequest, text: str) -> str:
    searches = request.session.get(SESSION_KEY, {})
    key = secrets.token_urlsafe(6)
    searches[key] = text[:200]
    request.session[SESSION_KEY] = dict(list(searches.items())[-KEEP:])
    return key


def recall(request: HttpRequest, key: str | None) -> str:
    text: str = request.session.get(SESSION_KEY, {}).get(key or "", "")
    return text


def filter_data(request: HttpRequest) -> QueryDict:
    """The list's GET filters with the stashed search words as `q` (a `q` typed into the URL is ignored)."""
    data = request.GET.copy()
    data.pop("q", None)
    text = recall(request, data.get(PARAM))
    if text:
        data["q"] = text
    return data


def redirect_with_search(request: HttpRequest) -> HttpResponse:
    """Answer a search POST: back to the same list with the filters kept and the new search key."""
    query = request.GET.copy()
    for name in ("page", PARAM, "q"):
        query.pop(name, None)
    text = request.POST.get("q", "").strip()
    if text:
        query[PARAM] = stash(request, text)
    return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
