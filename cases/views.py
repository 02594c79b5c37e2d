"""Screens that read across households and interventions: the registry, the case file, my work."""

import datetime
from itertools import groupby

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit.exports import export_response
from audit.models import ChangeLog
from cases.exports import registry_rows
from cases.filters import HouseholdFilter
from core import permissions, search
from core.exports import filters_for_log
from core.permissions import ADD, get_object_for, is_caseworker, role_required, signed_in
from dashboard.selectors import overview
from households.models import Household, Person, Relation, Visit
from interventions.models import Intervention
from interventions.rules import programs_for

PAGE_SIZE = 25


@signed_in
@require_http_methods(["GET", "POST"])
def registry(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":  # a search: its words go to the session, not the URL
        return search.redirect_with_search(request)
    households = Household.objects.select_related("kelurahan__kecamatan").order_by("-id")
    filterset = HouseholdFilter(search.filter_data(request), queryset=households)
    # The totals from the dashboard's tallies when they can answer; else one pass over the list's rows.
    persons = filterset.tallied_totals() or filterset.qs.order_by().aggregate(
        households=Count("id"),
        extreme_poor=Coalesce(Sum("extreme_poor_count", filter=Q(status=Household.Status.EXTREME_POOR)), 0),
        served=Coalesce(Sum("served_count", filter=Q(status=Household.Status.EXTREME_POOR)), 0),
    )
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    paginator.count = persons["households"]
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "persons": persons,
        "filter": filterset,
        "page_obj": page,
        "sort": request.GET.get("sort", ""),
        "can_register": permissions.has_perm(request.user, ADD, Household),
        "search_text": filterset.data.get("q", "") if filterset.data else "",
        "today": timezone.localdate(),
    }
    return render(request, "cases/registry.html", context)


RELATION_ORDER = {value: rank for rank, value in enumerate(Relation.values)}


def _member_order(person: Person) -> tuple:
    """Active members first, the head first, then by relation and age."""
    return (
        person.status != Person.Status.ACTIVE,
        RELATION_ORDER.get(person.relation, 99),
        person.birth_date or datetime.date.max,
    )


@signed_in
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case file: what every OPD has done for this family, and what is still missing."""
    household = get_object_for(request.user, Household.objects.select_related("kelurahan__kecamatan", "created_by"), pk)
    interventions = Intervention.objects.select_related("program", "opd", "recorded_by").order_by(
        "opd__short_name", "program__name", "-planned_on"
    )
    members = sorted(
        household.members.prefetch_related(Prefetch("interventions", queryset=interventions)),
        key=_member_order,
    )
    member_rows = []
    for member in members:
        member_interventions = list(member.interventions.all())
        member_rows.append(
            {
                "person": member,
                "by_opd": [(opd, list(items)) for opd, items in groupby(member_interventions, key=lambda i: i.opd)],
                "delivered": any(i.status == Intervention.Status.DELIVERED for i in member_interventions),
            }
        )
    household_interventions = list(interventions.filter(household=household, person__isnull=True))
    household_delivered = any(i.status == Intervention.Status.DELIVERED for i in household_interventions)
    context = {
        "household": household,
        "member_rows": member_rows,
        "active_member_count": sum(1 for m in members if m.status == Person.Status.ACTIVE),
        "waiting_count": sum(
            1 for row in member_rows if row["person"].status == Person.Status.ACTIVE and not row["delivered"]
        )
        if not household_delivered
        else 0,
        "household_interventions": household_interventions,
        "visits": household.visits.select_related("caseworker__opd").order_by("-visited_on", "-id"),
        "status_changes": household.status_changes.select_related("changed_by"),
        "history": ChangeLog.objects.for_case(household.pk).select_related("actor", "content_type")[:100],
        "referrals": household.referrals.select_related("opd", "person").order_by("status", "due_on"),
        "pending_proposal": household.graduation_proposals.filter(status="pending").first(),
        # An archived household is read-only: no case-work action is offered (its views refuse them too).
        "casework_open": not household.is_archived,
        "can_record": not household.is_archived and programs_for(request.user).exists(),
        "today": timezone.localdate(),
    }
    return render(request, "cases/detail.html", context)


def _casework(user) -> bool:
    return permissions.is_caseworker(user) or permissions.is_supervisor(user)


@role_required(_casework)
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    """A caseworker's day: follow-ups due, my OPD's open interventions, households I visited."""
    today = timezone.localdate()
    later_visit = Visit.objects.filter(household=OuterRef("household"), visited_on__gt=OuterRef("visited_on"))
    follow_ups = (
        Visit.objects.filter(caseworker=request.user, next_follow_up_on__lte=today + datetime.timedelta(days=7))
        .exclude(Exists(later_visit))
        .select_related("household__kelurahan")
        .order_by("next_follow_up_on")[:100]
    )
    open_interventions = (
        Intervention.objects.open()
        .filter(opd_id=request.user.opd_id)
        .select_related("program", "person", "household__kelurahan")
        .order_by("planned_on", "id")[:100]
    )
    recent_visits = (
        Visit.objects.filter(caseworker=request.user, visited_on__gte=today - datetime.timedelta(days=30))
        .select_related("household__kelurahan")
        .order_by("-visited_on", "-id")[:50]
    )
    return render(
        request,
        "cases/my_work.html",
        {
            "follow_ups": follow_ups,
            "open_interventions": open_interventions,
            "recent_visits": recent_visits,
            "today": today,
        },
    )


@signed_in
@require_GET
def registry_export(request: HttpRequest) -> HttpResponse:
    households = Household.objects.all()
    filterset = HouseholdFilter(search.filter_data(request), queryset=households)
    if not filterset.is_valid():  # the list shows what is wrong
        return redirect(f"{reverse('cases:registry')}?{request.GET.urlencode()}")
    detail = {"list": "registry", "filters": filters_for_log(filterset), "search": bool(filterset.data.get("q"))}
    return export_response(
        request, registry_rows, filterset.qs.order_by(), "registri", "Registri", detail, full_numbers_of=Household
    )


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    """The first screen: who I am, and where the city stands — the dashboard's own numbers (its tallies),
    so the two screens always agree, in a few queries at any size."""
    scope = request.user.opd if is_caseworker(request.user) else None
    return render(request, "home.html", {**overview(opd=scope), "work_scope_opd": scope})
