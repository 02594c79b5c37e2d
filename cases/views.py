"""Screens that read across households and interventions: the registry, the case file, my work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases import offline as field
from cases import selectors
from cases.filters import HouseholdFilter
from cases.jobs import REGISTRY_EXPORT
from core import permissions, search
from core.exports import filters_for_log
from core.http import AuthenticatedHttpRequest
from core.permissions import ADD, get_object_for, is_caseworker, role_required, signed_in
from dashboard.selectors import overview
from households.models import Household
from jobs.exports import export_response

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


@signed_in
@require_http_methods(["GET", "POST"])
def registry(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":  # a search: its words go to the session, not the URL
        return search.redirect_with_search(request)
    filterset = selectors.registry_filter(search.filter_data(request))
    result = selectors.registry_page(filterset, request.GET.get("page"))
    context = {
        "persons": result.totals,
        "filter": filterset,
        "page_obj": result.page,
        "sort": request.GET.get("sort", ""),
        "can_register": permissions.has_perm(request.user, ADD, Household),
        "search_text": filterset.data.get("q", "") if filterset.data else "",
        "today": timezone.localdate(),
        # The dashboard's "served persons" opens this list: it then counts persons first and says who per row.
        "served_view": bool(filterset.form.is_valid() and filterset.form.cleaned_data.get("served")),
        # The dashboard's "menunggu verifikasi" opens this list: it counts the persons waiting, not the official ones.
        "pending_view": filterset.form.is_valid()
        and list(filterset.form.cleaned_data.get("status") or []) == [Household.Status.PROPOSED],
    }
    return render(request, "cases/registry.html", context)


@signed_in
@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The case file: what every OPD has done for this family, and what is still missing."""
    household = get_object_for(request.user, selectors.case_file_households(), pk)
    case = selectors.case_file(household, request.user)
    context = {**vars(case), "casework_open": not household.is_archived, "today": timezone.localdate()}
    return render(request, "cases/detail.html", context)


def _casework(user: User | AnonymousUser) -> bool:
    return permissions.is_caseworker(user) or permissions.is_supervisor(user)


@role_required(_casework)
@require_GET
def my_work(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A caseworker's day: follow-ups due, my OPD's open interventions, households I visited."""
    today = timezone.localdate()
    return render(request, "cases/my_work.html", {**vars(selectors.my_work(request.user, today)), "today": today})


@role_required(_casework)
@require_GET
def offline(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Field work without signal: take households onto the phone, record there, send when back in range. The
    service worker keeps a copy of this page (no personal data in it) for when there is no signal."""
    context = {
        "config": field.page_config(request.user),
        "kelurahan_groups": field.kelurahan_choices(),
        "today": timezone.localdate(),
        # This page is stored for offline use: it must not take the flash messages meant for the next page.
        "messages": (),
    }
    return render(request, "cases/offline.html", context)


def offline_session(request: HttpRequest) -> HttpResponse:
    """The field page asks before sending: may this browser still send casework, and with which CSRF token
    (the one in a page cached hours ago may be stale)? Signed out: to the sign-in page, as every page. A
    session whose account can no longer do casework (deactivated, its OPD closed, no longer a caseworker):
    403 `ended`, and the phone wipes what it carries."""
    if not _casework(request.user):
        if not request.user.is_authenticated and request.session.get(SESSION_KEY) is None:
            return redirect_to_login(request.get_full_path())
        return JsonResponse({"state": "ended"}, status=403)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    response = JsonResponse({"state": "ok", "user": request.user.pk, "csrf": get_token(request)})
    response["Cache-Control"] = "no-store"
    return response


@signed_in
@require_GET
def registry_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    data = search.filter_data(request)
    filterset = HouseholdFilter(data, queryset=Household.objects.none())
    detail = {"list": "registry", "filters": filters_for_log(filterset), "search": bool(data.get("q"))}
    # Invalid filters: back to the list, which says what is wrong.
    back = f"{reverse('cases:registry')}?{request.GET.urlencode()}"
    return export_response(request, REGISTRY_EXPORT, data, detail, back)


@signed_in
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The first screen: who I am, and where the city stands — the dashboard's own numbers (its tallies),
    so the two screens always agree, in a few queries at any size."""
    scope = request.user.opd if is_caseworker(request.user) else None
    return render(request, "home.html", {**overview(opd=scope), "work_scope_opd": scope})
