"""The supervisor dashboard: where the city stands, by place, by OPD, over time, and the baseline cohort."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import permissions
from core.exports import stamped, workbook_response
from core.http import AuthenticatedHttpRequest
from core.permissions import is_supervisor, oversight, role_required, signed_in
from core.urls import fixed_path
from dashboard import quarterly, selectors
from dashboard.exports import dashboard_workbook
from dashboard.forms import DashboardFilterForm, OfficialAtForm
from dashboard.jobs import official_at_start, quarterly_start, recount_start
from dashboard.models import QuarterlyReport
from dashboard.quarterly import Quarter
from jobs.services import job_start


def _filters(request: AuthenticatedHttpRequest) -> tuple[DashboardFilterForm, selectors.Filters | None]:
    """The chosen filters; None when one is invalid: the page then says what is wrong and shows no numbers."""
    form = DashboardFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    filters = selectors.Filters(
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


def _link(name: str, **params: str | int | None) -> str:
    query = {k: v for k, v in params.items() if v not in (None, "")}
    path = fixed_path(name)
    return f"{path}?{urlencode(query, doseq=True)}" if query else path


@signed_in
@require_GET
@transaction.non_atomic_requests  # read-only: no transaction or savepoints needed
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form, filters = _filters(request)
    kelurahan_map = selectors.kelurahan_map()
    if filters is None:
        context = {"form": form, "filters": selectors.Filters(), "kelurahan_map": kelurahan_map}
        return render(request, "dashboard/dashboard.html", context)
    exporting = request.GET.get("format") == "xlsx" or bool(request.GET.get("print"))
    data = selectors.dashboard(filters, kelurahan_map, with_cohort=exporting)
    if request.GET.get("format") == "xlsx":
        return workbook_response(dashboard_workbook(filters, data), stamped("dasbor", "xlsx"))
    context = {
        "form": form,
        "filters": filters,
        "links": _links(filters, data, may_open_inbox=permissions.casework(request.user)),  # as the inbox decides
        "kelurahan_map": kelurahan_map,
        "headline": data.headline,
        "places": data.places,
        "opds": data.opds,
        "trend": data.trend,
        "cohort": data.cohort,
    }
    template = "dashboard/print.html" if request.GET.get("print") else "dashboard/dashboard.html"
    return render(request, template, context)


def _links(filters: selectors.Filters, data: selectors.Dashboard, *, may_open_inbox: bool) -> dict[str, str]:
    """Every number opens the list it counts: the headline's links, returned, and each table row's, added to it.
    Referral numbers link to the inbox only for who may open it (casework); others read the number."""
    place = filters.registry_query()

    def inbox(**query: Any) -> str:
        return _link("coordination:inbox", **query) if may_open_inbox else ""

    links = {
        "ep": _link("cases:registry", status="extreme_poor", **place),
        "served": _link("cases:registry", status="extreme_poor", served="1", **place),
        "graduated": _link("cases:registry", status="graduated", **place),
        "pending": _link("cases:registry", status="proposed", **place),
        "fell_back": _link("cases:registry", status="extreme_poor", fell_back="1", **place),
        "needs_fulfilled": _link("cases:registry", status="extreme_poor", needs="fulfilled", **place),
        "visited": _link("cases:registry", status="extreme_poor", visited="1", **place),
        "overdue_follow_ups": _link("cases:registry", overdue="1", **place),
        "overdue_referrals": inbox(status="open", overdue="1", opd=filters.opd.pk if filters.opd else None, **place),
    }
    # Each kelurahan row's lists differ only by the kelurahan, which comes last: the rest is encoded once.
    by_place = {
        "ep": _link("cases:registry", status="extreme_poor"),
        "served": _link("cases:registry", status="extreme_poor", served="1"),
        "graduated": _link("cases:registry", status="graduated"),
        "fell_back": _link("cases:registry", status="extreme_poor", fell_back="1"),
        "needs_fulfilled": _link("cases:registry", status="extreme_poor", needs="fulfilled"),
        "visited": _link("cases:registry", status="extreme_poor", visited="1"),
        "overdue_follow_ups": _link("cases:registry", overdue="1"),
    }
    for place_row in data.places:
        kelurahan = int(place_row["kelurahan"].pk)
        place_row["links"] = {key: f"{start}&kelurahan={kelurahan}" for key, start in by_place.items()}
    for opd_row in data.opds:
        opd = opd_row["opd"].pk
        opd_row["links"] = (
            {
                status: _link(
                    "interventions:list",
                    opd=opd,
                    status=status,
                    **place,
                    **(filters.delivered_query() if status == "delivered" else {}),
                )
                for status in ("planned", "in_progress", "delivered", "cancelled")
            }
            | {
                f"referral_{status}": _link("coordination:inbox", opd=opd, status=status, **place)
                if may_open_inbox
                else ""
                for status in ("all", "accepted", "fulfilled", "declined")
            }
            | {
                "referral_overdue": _link("coordination:inbox", opd=opd, status="open", overdue="1", **place)
                if may_open_inbox
                else ""
            }
        )
    return links


@signed_in
@require_GET
@transaction.non_atomic_requests
def cohort(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Of the persons extreme-poor at the baseline: served, graduated, still waiting, fell back — per kelurahan."""
    form, filters = _filters(request)
    kelurahan_map = selectors.kelurahan_map()
    report = selectors.cohort_report(filters, kelurahan_map)
    context = {
        "form": form,
        "filters": filters,
        "cohort": report.rows,
        "kelurahan_map": kelurahan_map,
        "baseline": report.baseline,
    }
    return render(request, "dashboard/cohort.html", context)


@role_required(is_supervisor)
@require_POST
def check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start the recount check in the background (it reads every household: never in a request)."""
    job = job_start(owner=request.user, kind="dashboard_check", title=_("Pemeriksaan angka dasbor"), params={})
    return redirect("jobs:detail", job.pk)


@role_required(oversight)
@require_POST
def recount(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start the repair in the background (supervisors from a failed check, admins from their page): it
    changes no case data, only brings the numbers derived from it back in line."""
    job, new = recount_start(owner=request.user)
    if not new:
        messages.info(request, _("Hitung ulang angka dasbor sudah berjalan; ini kemajuannya."))
    return redirect("jobs:detail", job.pk)


QUARTERS_LISTED = 8


def _quarter(year: int, number: int) -> Quarter:
    if not 1 <= number <= 4 or not 2000 <= year <= timezone.localdate().year:
        raise Http404
    quarter = Quarter(year, number)
    if quarter.first_day > timezone.localdate():
        raise Http404  # a quarter that has not begun has nothing to report
    return quarter


@role_required(oversight)
@require_GET
def quarterly_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The quarterly reports (Inpres 8/2025): the current quarter and the seven before it, made or not."""
    return _quarterly_page(request, OfficialAtForm(initial={"day": timezone.localdate()}))


def _quarterly_page(request: AuthenticatedHttpRequest, form: OfficialAtForm) -> HttpResponse:
    quarter = Quarter.of(timezone.localdate())
    quarters = [quarter]
    for _each in range(QUARTERS_LISTED - 1):
        quarters.append(quarters[-1].previous())
    stored = {
        (r.year, r.quarter): r
        for r in QuarterlyReport.objects.filter(year__gte=quarters[-1].year).select_related("generated_by")
    }
    rows = [(q, stored.get((q.year, q.number))) for q in quarters]
    return render(request, "dashboard/quarterly_list.html", {"rows": rows, "form": form})


@role_required(oversight)
@require_POST
def official_at(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The official count at the end of a chosen day (the history is read whole: in the background)."""
    form = OfficialAtForm(request.POST)
    if not form.is_valid():  # the page again, with what was typed and each error on its field; nothing computed
        return _quarterly_page(request, form)
    data = form.cleaned_data
    job = official_at_start(owner=request.user, day=data["day"], source=data["source"], as_of=data["as_of"])
    return redirect("jobs:detail", job.pk)


@role_required(oversight)
@require_POST
def quarterly_make(request: AuthenticatedHttpRequest, year: int, number: int) -> HttpResponse:
    """Make the quarter's report and workbook in the background (it reads the whole history)."""
    job = quarterly_start(owner=request.user, quarter=_quarter(year, number))
    return redirect("jobs:detail", job.pk)


@role_required(oversight)
@require_GET
def quarterly_print(request: AuthenticatedHttpRequest, year: int, number: int) -> HttpResponse:
    """The stored report on A4, as made (frozen once its quarter ended)."""
    quarter = _quarter(year, number)
    report = get_object_or_404(QuarterlyReport, year=quarter.year, quarter=quarter.number)
    data = report.data
    totals = quarterly.totals(data)
    context = {
        "report": report,
        "quarter": quarter,
        "data": data,
        "summary": [(key, label, totals[key]) for key, label in quarterly.PLACE_COLUMNS],
        "totals": totals,
        "transitions": [
            (quarterly.STATUS_LABELS.get(a, a), quarterly.STATUS_LABELS.get(b, b), n) for a, b, n in data["transitions"]
        ],
        "proposals": [(quarterly.KIND_LABELS.get(kind, kind), *counts) for kind, *counts in data["proposals"]],
        "note": quarterly.NOTE,
    }
    return render(request, "dashboard/quarterly_print.html", context)
