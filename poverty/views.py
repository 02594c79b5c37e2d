import datetime

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from households.models import Household, Person, Visit
from interventions.models import Intervention, delivered_reaching_person
from poverty.permissions import is_caseworker, signed_in


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    """The first screen: who I am, and where the city stands."""
    persons = Person.objects.extreme_poor().aggregate(
        total=Count("id"),
        in_priority_locus=Count("id", filter=Q(household__kelurahan__is_priority_locus=True)),
        served=Count("id", filter=Q(delivered_reaching_person())),
    )
    households = Household.objects.active().aggregate(
        extreme_poor=Count("id", filter=Q(status=Household.Status.EXTREME_POOR)),
        graduated=Count("id", filter=Q(status=Household.Status.GRADUATED)),
    )
    by_kelurahan = (
        Person.objects.extreme_poor()
        .values(
            "household__kelurahan__name",
            "household__kelurahan__kecamatan__name",
            "household__kelurahan__is_priority_locus",
        )
        .annotate(persons=Count("id"))
        .order_by("-persons", "household__kelurahan__name")
    )
    interventions = Intervention.objects.all()
    if is_caseworker(request.user):
        interventions = interventions.filter(opd_id=request.user.opd_id)
    work = interventions.aggregate(
        planned=Count("id", filter=Q(status__in=[Intervention.Status.PLANNED, Intervention.Status.IN_PROGRESS])),
        delivered=Count("id", filter=Q(status=Intervention.Status.DELIVERED)),
        delivered_amount=Sum("amount", filter=Q(status=Intervention.Status.DELIVERED)),
    )
    since = timezone.localdate() - datetime.timedelta(days=30)
    visited_recently = (
        Household.objects.extreme_poor()
        .filter(Exists(Visit.objects.filter(household=OuterRef("pk"), visited_on__gte=since)))
        .count()
    )
    return render(
        request,
        "home.html",
        {
            "persons": persons,
            "not_served": persons["total"] - persons["served"],
            "households": households,
            "by_kelurahan": by_kelurahan,
            "work": work,
            "work_scope_opd": request.user.opd if is_caseworker(request.user) else None,
            "visited_recently": visited_recently,
        },
    )
