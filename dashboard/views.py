"""The supervisor dashboard: where the city stands, by place, by OPD, over time, and the baseline cohort."""

from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core import permissions
from core.exports import stamped, workbook_response
from core.permissions import signed_in
from dashboard import queries
from dashboard.exports import dashboard_workbook
from dashboard.forms import DashboardFilterForm
from dashboard.models import Baseline


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, queries.Filters | None]:
    """The chosen filters; None when one is invalid: the page then says what is wrong and shows no numbers."""
    form = DashboardFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    filters = queries.Filters(
        kecamatan=data.get("kecamatan"),
        kelurahan=data.get("kelurahan"),
        opd=data.get("opd"),
        period_from=data.get("period_from"),
        period_to=data.get("period_to"),
    )
    if filters.kelurahan and filters.kecamatan and filters.kelurahan.kecamatan_id != filters.kecamatan.pk:
        filters.kecamatan = None
    # A caseworker sees the same page, limited to their own OPD's measures.
    if permissions.is_caseworker(request.user):
        filters.opd = request.user.opd
    return form, filters


def _link(name: str, **params) -> str:
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{reverse(name)}?{urlencode(query, doseq=True)}" if query else reverse(name)


def _data(filters: queries.Filters, kelurahan_map: dict, *, with_cohort: bool = False) -> dict:
    places = queries.by_place(filters, kelurahan_map)
    opds = queries.by_opd(filters)
    baseline = Baseline.objects.first()
    return {
        "headline": queries.headline(filters, places, opds, baseline),
        "places": places,
        "opds": opds,
        "trend": queries.trend(filters),
        # The cohort follows every baseline person: its own page (and the workbook), not the summary page.
        "cohort": queries.cohort(filters, baseline, kelurahan_map) if with_cohort else None,
    }


@signed_in
@require_GET
@transaction.non_atomic_requests  # read-only: no transaction or savepoints needed
def dashboard(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    kelurahan_map = queries.kelurahan_map()
    if filters is None:
        context = {"form": form, "filters": queries.Filters(), "kelurahan_map": kelurahan_map}
        return render(request, "dashboard/dashboard.html", context)
    exporting = request.GET.get("format") == "xlsx" or bool(request.GET.get("print"))
    data = _data(filters, kelurahan_map, with_cohort=exporting)
    place = filters.registry_query()
    links = {
        "ep": _link("cases:registry", status="extreme_poor", **place),
        "graduated": _link("cases:registry", status="graduated", **place),
        "fell_back": _link("cases:registry", status="extreme_poor", fell_back="1", **place),
        "needs_fulfilled": _link("cases:registry", status="extreme_poor", needs="fulfilled", **place),
        "visited": _link("cases:registry", status="extreme_poor", visited="1", **place),
        "overdue_follow_ups": _link("cases:registry", overdue="1", **place),
        "overdue_referrals": _link(
            "coordination:inbox", status="open", overdue="1", opd=filters.opd.pk if filters.opd else None, **place
        ),
    }
    for row in data["places"]:
        row["links"] = {
            "ep": _link("cases:registry", status="extreme_poor", kelurahan=row["kelurahan"].pk),
            "graduated": _link("cases:registry", status="graduated", kelurahan=row["kelurahan"].pk),
            "fell_back": _link("cases:registry", status="extreme_poor", fell_back="1", kelurahan=row["kelurahan"].pk),
            "needs_fulfilled": _link(
                "cases:registry", status="extreme_poor", needs="fulfilled", kelurahan=row["kelurahan"].pk
            ),
            "visited": _link("cases:registry", status="extreme_poor", visited="1", kelurahan=row["kelurahan"].pk),
            "overdue_follow_ups": _link("cases:registry", overdue="1", kelurahan=row["kelurahan"].pk),
        }
    for row in data["opds"]:
        row["links"] = (
            {
                status: _link(
                    "interventions:list",
                    opd=row["opd"].pk,
                    status=status,
                    **place,
                    **(_delivered_period(filters) if status == "delivered" else {}),
                )
                for status in ("planned", "in_progress", "delivered", "cancelled")
            }
            | {
                f"referral_{status}": _link("coordination:inbox", opd=row["opd"].pk, status=status, **place)
                for status in ("all", "accepted", "fulfilled", "declined")
            }
            | {"referral_overdue": _link("coordination:inbox", opd=row["opd"].pk, status="open", overdue="1", **place)}
        )
    context = {"form": form, "filters": filters, "links": links, "kelurahan_map": kelurahan_map, **data}
    template = "dashboard/print.html" if request.GET.get("print") else "dashboard/dashboard.html"
    if request.GET.get("format") == "xlsx":
        return workbook_response(dashboard_workbook(filters, data), stamped("dasbor", "xlsx"))
    return render(request, template, context)


def _delivered_period(filters: queries.Filters) -> dict:
    """The dashboard counts deliveries in the chosen period; so does the list it links to."""
    return {
        "delivered_from": filters.period_from.isoformat() if filters.period_from else None,
        "delivered_to": filters.period_to.isoformat() if filters.period_to else None,
    }


@signed_in
@require_GET
@transaction.non_atomic_requests
def cohort(request: HttpRequest) -> HttpResponse:
    """Of the persons extreme-poor at the baseline: served, graduated, still waiting, fell back — per kelurahan."""
    form, filters = _filters(request)
    kelurahan_map = queries.kelurahan_map()
    rows = queries.cohort(filters, Baseline.objects.first(), kelurahan_map) if filters else []
    context = {
        "form": form,
        "filters": filters,
        "cohort": rows,
        "kelurahan_map": kelurahan_map,
        "baseline": Baseline.objects.first(),
    }
    return render(request, "dashboard/cohort.html", context)
