"""Recording interventions and moving them from plan to delivery: thin views over interventions.services."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import ChangeLog
from core import permissions
from core.exports import filters_for_log
from core.forms import add_refusal
from core.http import AuthenticatedHttpRequest
from core.permissions import ADD, CHANGE, get_object_for, role_required, signed_in
from core.submissions import DUPLICATE_MESSAGE, AlreadySubmitted, claim_ahead, release, repeated, submit
from households.models import Household
from households.rules import require_open
from interventions import selectors
from interventions.filters import InterventionFilter
from interventions.forms import (
    BulkInterventionForm,
    DeliveredInterventionForm,
    InterventionEditForm,
    InterventionForm,
    ProgramForm,
    TransitionForm,
)
from interventions.jobs import INTERVENTION_EXPORT
from interventions.models import Intervention, Program
from interventions.rules import programs_for
from interventions.services import (
    BulkRecord,
    intervention_record,
    intervention_record_delivered,
    intervention_record_many,
    intervention_transition,
    intervention_update,
    program_save,
)
from jobs.exports import export_response

BULK_PAGE_SIZE = 50


def _may_record(user) -> bool:
    return programs_for(user).exists()


def _no_programs(request: AuthenticatedHttpRequest, household: Household | None = None) -> HttpResponse:
    """Refused: nothing to record. A caseworker is told why (their OPD has no programme yet) and where to go."""
    if not permissions.is_caseworker(request.user):
        raise PermissionDenied
    return render(request, "interventions/no_programs.html", {"household": household}, status=403)


def _case_url(household_id: int) -> str:
    return reverse("cases:detail", args=[household_id]) + "#intervensi"


@signed_in
@require_http_methods(["GET", "POST"])
def intervention_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a programme as a plan; its status moves on later (`intervention_status`)."""
    return _record(request, pk, delivered=False)


@signed_in
@require_http_methods(["GET", "POST"])
def intervention_create_delivered(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a programme already handed over, in one form."""
    return _record(request, pk, delivered=True)


def _record(request: AuthenticatedHttpRequest, pk: int, *, delivered: bool) -> HttpResponse:
    household = get_object_for(request.user, Household.objects.select_related("kelurahan"), pk)
    require_open(household)
    programs = programs_for(request.user)
    if not programs.exists():
        return _no_programs(request, household)
    if response := repeated(request):
        return response
    initial = {"recipient": request.GET.get("person", "")}
    form_class = DeliveredInterventionForm if delivered else InterventionForm
    form = form_class(request.POST or None, household=household, programs=programs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not permissions.has_perm(request.user, ADD, Intervention, obj=data["program"]):
            raise PermissionDenied
        common = {
            "program": data["program"],
            "person": data["person"],
            "household": household,
            "amount": data["amount"],
            "quantity": data["quantity"],
            "notes": data["notes"],
            "recorded_by": request.user,
        }

        def save() -> str:
            if delivered:
                intervention_record_delivered(delivered_on=data["delivered_on"], **common)
            else:
                intervention_record(planned_on=data["planned_on"], **common)
            return _case_url(household.pk)

        success = _("Intervensi dicatat sebagai tersalurkan.") if delivered else _("Intervensi dicatat.")
        if response := submit(request, form, save, success=success, fallback=_case_url(household.pk)):
            return response
    context = {"form": form, "household": household, "delivered": delivered, "preset_person": initial["recipient"]}
    return render(request, "interventions/intervention_form.html", context)


@signed_in
@require_http_methods(["GET", "POST"])
def intervention_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    queryset = Intervention.objects.select_related("program", "person", "household")
    intervention = get_object_for(request.user, queryset, pk, action=CHANGE)
    require_open(intervention.household)
    form = InterventionEditForm(
        request.POST or None, instance=queryset.get(pk=pk), initial={"version": intervention.version}
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in InterventionEditForm.Meta.fields}

        def save() -> str:
            intervention_update(
                intervention=intervention,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **changes,
            )
            return _case_url(intervention.household_id)

        if response := submit(request, form, save, success=_("Intervensi disimpan.")):
            return response
    return render(
        request,
        "interventions/intervention_edit.html",
        {"form": form, "intervention": intervention, "household": intervention.household},
    )


@signed_in
@require_http_methods(["GET", "POST"])
def intervention_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    queryset = Intervention.objects.select_related("program", "person", "household", "opd")
    intervention = get_object_for(request.user, queryset, pk, action=CHANGE)
    require_open(intervention.household)
    if not intervention.is_open:
        return _already_closed(request, intervention)
    form = TransitionForm(request.POST or None, intervention=intervention)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save() -> str:
            intervention_transition(
                intervention=intervention,
                status=data["status"],
                delivered_on=data.get("delivered_on"),
                amount=data.get("amount"),
                cancel_reason=data.get("cancel_reason") or "",
                actor=request.user,
                expected_version=data["version"],
            )
            return _case_url(intervention.household_id)

        if response := submit(request, form, save, success=_("Status intervensi diubah.")):
            return response
    return render(
        request,
        "interventions/intervention_status.html",
        {"form": form, "intervention": intervention, "household": intervention.household},
    )


def _already_closed(request: AuthenticatedHttpRequest, intervention: Intervention) -> HttpResponse:
    """A delivered or cancelled intervention moves no further. A status sent from a form opened before someone
    else closed it is not saved: say so, who closed it and when, and what the user had typed."""
    status = intervention.get_status_display().lower()
    if request.method != "POST":
        messages.info(request, _("Intervensi ini sudah %(status)s.") % {"status": status})
        return redirect(_case_url(intervention.household_id))
    latest = (
        ChangeLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Intervention), object_id=intervention.pk
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if latest is not None:
        said = _(
            "Perubahan status Anda tidak disimpan: %(who)s sudah mengubah intervensi ini menjadi %(status)s pada "
            "%(when)s, sebelum Anda menyimpan."
        ) % {
            "who": latest.actor or _("sistem"),
            "status": status,
            "when": timezone.localtime(latest.at).strftime("%d/%m/%Y %H:%M"),
        }
    else:
        said = _("Perubahan status Anda tidak disimpan: intervensi ini sudah %(status)s.") % {"status": status}
    reason = (request.POST.get("cancel_reason") or "").strip()
    if reason:
        said += " " + _("Alasan pembatalan yang Anda ketik: “%(reason)s”.") % {"reason": reason[:500]}
    said += " " + _("Periksa statusnya di berkas kasus; bila status itu sudah benar, tidak ada yang perlu diulang.")
    messages.error(request, said)
    return redirect(_case_url(intervention.household_id))


@transaction.non_atomic_requests  # each chunk of recipients commits on its own (intervention_record_many)
@signed_in
@require_http_methods(["GET", "POST"])
def intervention_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One programme for many persons at once, chosen from a filtered list."""
    if not _may_record(request.user):
        return _no_programs(request)
    if response := repeated(request):
        return response
    programs = programs_for(request.user)
    filterset = selectors.bulk_candidates(request.GET)
    page, too_many = selectors.bulk_page(filterset, request.GET.get("page"), BULK_PAGE_SIZE)
    form = BulkInterventionForm(request.POST or None, programs=programs)
    selected = {str(pk) for pk in request.POST.getlist("persons")}
    partial: BulkRecord | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not permissions.has_perm(request.user, ADD, Intervention, obj=data["program"]):
            raise PermissionDenied
        try:
            submission = claim_ahead(request.user, data.get("submission_token"), request.get_full_path())
        except AlreadySubmitted as done:
            messages.info(request, DUPLICATE_MESSAGE)
            return redirect(done.redirect_to or "interventions:bulk")
        result = intervention_record_many(
            program=data["program"],
            persons=data["persons"],
            recorded_by=request.user,
            planned_on=data["planned_on"],
            delivered=data["already_delivered"],
            amount=data["amount"],
            notes=data["notes"],
        )
        if result.refusal is None:
            messages.success(
                request,
                _("%(count)d intervensi %(program)s dicatat.")
                % {"count": len(result.recorded), "program": data["program"].name},
            )
            return redirect(request.get_full_path())
        if not result.recorded:
            release(submission)  # nothing saved: the same form, corrected, may be sent again
            add_refusal(form, result.refusal)
        else:
            # Part saved: say who is recorded and who is not, with a fresh form for the rest.
            partial = result
            fields = ("program", "planned_on", "amount", "notes", "already_delivered")
            form = BulkInterventionForm(programs=programs, initial={name: data[name] for name in fields})
            selected = set()
    return render(
        request,
        "interventions/bulk.html",
        {
            "filter": filterset,
            "page_obj": page,
            "too_many": too_many,
            "form": form,
            "selected": selected,
            "partial": partial,
        },
    )


@role_required(permissions.is_admin)
def program_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "interventions/program_list.html", {"programs": selectors.program_list()})


@role_required(permissions.is_admin)
@require_http_methods(["GET", "POST"])
def program_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    program = get_object_for(request.user, Program, pk, action=CHANGE) if pk else None
    # "Tambah program" from an OPD without one comes with that OPD chosen.
    initial = {} if pk else {"opd": request.GET.get("opd", "")}
    form = ProgramForm(request.POST or None, instance=Program.objects.get(pk=pk) if pk else None, initial=initial)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            fields = {name: form.cleaned_data[name] for name in ProgramForm.Meta.fields}
            program_save(actor=request.user, program=program, **fields)
            return reverse("interventions:program_list")

        if response := submit(request, form, save, success=_("Program disimpan.")):
            return response
    return render(request, "interventions/program_form.html", {"form": form, "program": program})


@signed_in
@require_GET
def intervention_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every OPD's interventions, filterable; what each office has planned and delivered."""
    filterset = selectors.intervention_filter(request.GET)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    may_record = _may_record(request.user)
    context = {
        "filter": filterset,
        "page_obj": page,
        "may_record": may_record,
        "lacks_programs": not may_record and permissions.is_caseworker(request.user),
    }
    return render(request, "interventions/intervention_list.html", context)


@signed_in
@require_GET
def intervention_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    filterset = InterventionFilter(request.GET, queryset=Intervention.objects.none())
    detail = {"list": "interventions", "filters": filters_for_log(filterset)}
    back = f"{reverse('interventions:list')}?{request.GET.urlencode()}"  # invalid filters: the list says why
    return export_response(request, INTERVENTION_EXPORT, request.GET, detail, back)
