"""Needs assessment, referrals to each OPD's inbox, the consolidation matrix, graduation decisions."""

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Opd
from coordination import selectors
from coordination.filters import ReferralFilter
from coordination.forms import (
    AssessmentForm,
    AssignForm,
    ConsolidationFilterForm,
    DecisionForm,
    DeclineForm,
    FulfilForm,
    ProposalForm,
    ReassignForm,
    RuleForm,
)
from coordination.models import Assessment, GraduationProposal, Need, Referral, ResponsibilityRule
from coordination.services import (
    assessment_record,
    graduation_decide,
    graduation_grounds,
    graduation_propose,
    referral_accept,
    referral_assign,
    referral_decline,
    referral_fulfil,
    referral_reassign,
    rule_save,
)
from core import permissions
from core.errors import DomainError
from core.exports import stamped, xlsx_response
from core.http import AuthenticatedHttpRequest
from core.permissions import (
    ACT,
    ADD,
    CHANGE,
    DECIDE,
    REASSIGN,
    get_object_for,
    role_required,
    signed_in,
)
from core.submissions import repeated, submit
from households.models import Household, Kelurahan
from households.rules import require_open


def _case_url(household_id: int) -> str:
    return reverse("cases:detail", args=[household_id]) + "#kebutuhan"


@signed_in
@require_http_methods(["GET", "POST"])
def assess(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_object_for(request.user, Household, pk)
    require_open(household)
    if not permissions.has_perm(request.user, ADD, Assessment):
        raise PermissionDenied
    if response := repeated(request):
        return response
    form = AssessmentForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        outcome: dict[str, list[Any]] = {}

        def save() -> str:
            _assessment, created, skipped = assessment_record(
                household=household,
                actor=request.user,
                needs=form.ticked(),
                assessed_on=form.cleaned_data["assessed_on"],
            )
            outcome.update(created=created, skipped=skipped)
            return _case_url(household.pk)

        if response := submit(
            request,
            form,
            save,
            success=lambda: _report_assessment(request, outcome["created"], outcome["skipped"]),
            fallback=_case_url(household.pk),
        ):
            return response
    return render(request, "coordination/assess.html", {"form": form, "household": household})


def _report_assessment(request: AuthenticatedHttpRequest, created: list[Referral], skipped: list) -> None:
    """What the assessment sent, and what it did not send again because a referral is still open."""
    skipped_needs = ", ".join(
        Need(need).label + (f" ({person.full_name})" if person is not None else "") for need, person in skipped
    )
    if not created:
        messages.info(
            request,
            _(
                "Asesmen dicatat, tetapi tidak ada rujukan baru yang dikirim: semua kebutuhan yang dicentang sudah "
                "punya rujukan terbuka (%(needs)s). Pantau rujukan itu di bagian Kebutuhan dan rujukan."
            )
            % {"needs": skipped_needs},
        )
        return
    opds = sorted({r.opd.short_name for r in created})
    messages.success(request, _("%(n)d rujukan dikirim ke %(opds)s.") % {"n": len(created), "opds": ", ".join(opds)})
    if skipped:
        messages.info(
            request,
            _("%(n)d kebutuhan sudah punya rujukan terbuka dan tidak dikirim ulang: %(needs)s.")
            % {"n": len(skipped), "needs": skipped_needs},
        )


@signed_in
@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Referrals addressed to my OPD (supervisors: any OPD), overdue first."""
    user = request.user
    supervisor = permissions.is_supervisor(user)
    if not supervisor and not permissions.is_caseworker(user):
        raise PermissionDenied
    filterset = ReferralFilter(request.GET, may_choose_opd=supervisor)
    found = selectors.inbox(user=user, filters=filterset, page_number=request.GET.get("page"))
    return render(
        request,
        "coordination/inbox.html",
        {
            "filter": filterset,
            "page_obj": found.page,
            "counts": found.counts,
            "status": found.tab,
            "opd": found.opd,
            "opds": Opd.objects.filter(is_active=True),
        },
    )


@signed_in
@require_GET
def referral_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _referral_page(request, pk)


def _referral_page(
    request: AuthenticatedHttpRequest, pk: int, reassign_form: ReassignForm | None = None
) -> HttpResponse:
    """The referral with its history and the actions the user may take (a refused reassignment shown again)."""
    referral = get_object_for(
        request.user,
        Referral.objects.select_related(
            "household__kelurahan", "person", "opd", "assigned_to", "intervention__program"
        ),
        pk,
    )
    return render(
        request,
        "coordination/referral_detail.html",
        {
            "referral": referral,
            "events": referral.events.select_related("by", "opd"),
            "may_act": permissions.has_perm(request.user, ACT, referral),
            "may_reassign": permissions.has_perm(request.user, REASSIGN, referral),
            "may_open_inbox": permissions.casework(request.user),  # as the inbox decides
            "decline_form": DeclineForm(),
            "assign_form": AssignForm(opd=referral.opd, initial={"assignee": referral.assigned_to_id}),
            "reassign_form": reassign_form
            or ReassignForm(initial={"due_on": timezone.localdate() + datetime.timedelta(days=30)}),
        },
    )


def _act(request: AuthenticatedHttpRequest, pk: int, action: str) -> Referral:
    return get_object_for(request.user, Referral.objects.select_related("opd"), pk, action=action)


def _done(request: AuthenticatedHttpRequest, referral: Referral, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("coordination:referral", pk=referral.pk)


@signed_in
@require_POST
def referral_accept_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = _act(request, pk, ACT)
    try:
        referral_accept(referral=referral, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("coordination:referral", pk=pk)
    return _done(request, referral, _("Rujukan diterima."))


@signed_in
@require_POST
def referral_decline_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = _act(request, pk, ACT)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Alasan penolakan wajib diisi."))
        return redirect("coordination:referral", pk=pk)
    try:
        referral_decline(referral=referral, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("coordination:referral", pk=pk)
    return _done(request, referral, _("Rujukan ditolak dan dikembalikan ke Dinas Sosial untuk dialihkan."))


@signed_in
@require_POST
def referral_assign_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = _act(request, pk, ACT)
    form = AssignForm(request.POST, opd=referral.opd)
    if not form.is_valid():
        messages.error(request, _("Pilih petugas dari OPD tujuan."))
        return redirect("coordination:referral", pk=pk)
    try:
        referral_assign(referral=referral, actor=request.user, assignee=form.cleaned_data["assignee"])
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("coordination:referral", pk=pk)
    return _done(request, referral, _("Petugas ditetapkan."))


@signed_in
@require_POST
def referral_reassign_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = _act(request, pk, REASSIGN)
    form = ReassignForm(request.POST)
    if not form.is_valid():  # shown on the referral's page, on the fields, with what was chosen
        return _referral_page(request, pk, reassign_form=form)
    try:
        referral_reassign(
            referral=referral, actor=request.user, opd=form.cleaned_data["opd"], due_on=form.cleaned_data["due_on"]
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("coordination:referral", pk=pk)
    return _done(request, referral, _("Rujukan dialihkan."))


@signed_in
@require_http_methods(["GET", "POST"])
def referral_fulfil_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Accept (if needed) and fulfil in one flow: record the delivered intervention that met the need."""
    referral = _act(request, pk, ACT)
    if not referral.is_open:
        messages.info(request, _("Rujukan ini sudah tidak terbuka."))
        return redirect("coordination:referral", pk=pk)
    if response := repeated(request):
        return response
    form = FulfilForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save() -> str:
            referral_fulfil(
                referral=referral,
                actor=request.user,
                program=data["program"],
                delivered_on=data["delivered_on"],
                amount=data["amount"],
                notes=data["notes"],
            )
            return reverse("coordination:referral", args=[referral.pk])

        if response := submit(
            request,
            form,
            save,
            success=_("Rujukan terpenuhi dan intervensi dicatat sebagai tersalurkan."),
            fallback="coordination:inbox",
        ):
            return response
    return render(
        request, "coordination/fulfil.html", {"form": form, "referral": referral, "household": referral.household}
    )


@signed_in
@require_GET
def consolidation(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Households × needs for a kelurahan: what is referred, accepted, fulfilled or declined."""
    form = ConsolidationFilterForm(request.GET)
    if form.is_valid():
        kelurahan = form.cleaned_data["kelurahan"] or selectors.default_kelurahan()
        opd = form.cleaned_data["opd"]
    else:  # the page shows what is wrong, and no households
        kelurahan, opd = None, None
    if request.GET.get("format") == "xlsx" and kelurahan is not None:
        return _consolidation_workbook(kelurahan, opd)
    found = selectors.consolidation(kelurahan=kelurahan, opd=opd, page_number=request.GET.get("page"))
    return render(
        request,
        "coordination/consolidation.html",
        {
            "form": form,
            "kelurahan": kelurahan,
            "opd": opd,
            "needs": list(Need),
            "matrix": found.matrix,
            "page_obj": found.page,
            "kelurahan_list": Kelurahan.objects.order_by("name"),
            "opds": Opd.objects.filter(is_active=True),
        },
    )


def _consolidation_workbook(kelurahan: Kelurahan, opd: Opd | None) -> FileResponse:
    """The whole kelurahan's matrix, a row per household and a column per need."""
    matrix = selectors.consolidation_matrix(list(selectors.consolidation_households(kelurahan, opd)), opd)
    rows: list[list[object]] = [
        [_("No. rumah tangga"), _("Kepala keluarga"), _("Status"), *[str(n.label) for n in Need]]
    ]
    for household, cells in matrix:
        row: list[object] = [household.pk, household.head_name, household.get_status_display()]
        row += [f"{cell.label} ({cell.count})" if cell else "" for _need, cell in cells]
        rows.append(row)
    name = stamped(f"konsolidasi-{kelurahan.name.lower().replace(' ', '-')}", "xlsx")
    return xlsx_response(rows, name, "Konsolidasi")


@signed_in
@require_http_methods(["GET", "POST"])
def graduation_propose_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_object_for(request.user, Household, pk)
    require_open(household)
    if not permissions.has_perm(request.user, ADD, GraduationProposal):
        raise PermissionDenied
    if response := repeated(request):
        return response
    grounds = graduation_grounds(household)
    initial = {
        "basis": GraduationProposal.Basis.NEEDS_FULFILLED
        if grounds["needs_fulfilled"]
        else GraduationProposal.Basis.EXPENDITURE
    }
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            graduation_propose(
                household=household,
                actor=request.user,
                basis=form.cleaned_data["basis"],
                note=form.cleaned_data["note"],
            )
            return reverse("cases:detail", args=[household.pk])

        if response := submit(
            request,
            form,
            save,
            success=_("Usulan graduasi dikirim ke supervisor Dinas Sosial."),
            fallback="cases:registry",
        ):
            return response
    return render(request, "coordination/propose.html", {"form": form, "household": household, "grounds": grounds})


@role_required(lambda user: permissions.has_perm(user, DECIDE, GraduationProposal))
@require_GET
def graduation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    queue = selectors.graduation_queue()
    return render(
        request,
        "coordination/graduations.html",
        {"pending": queue.pending, "decided": queue.decided, "form": DecisionForm()},
    )


@signed_in
@require_POST
def graduation_decide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_for(request.user, GraduationProposal, pk, action=DECIDE)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Alasan keputusan wajib diisi."))
        return redirect("coordination:graduations")
    try:
        graduation_decide(
            proposal=proposal,
            actor=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Keputusan graduasi disimpan."))
    return redirect("coordination:graduations")


@role_required(permissions.is_admin)
def rule_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rules = ResponsibilityRule.objects.select_related("opd").prefetch_related("programs")
    return render(request, "coordination/rules.html", {"rules": rules})


@role_required(permissions.is_admin)
@require_http_methods(["GET", "POST"])
def rule_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rule = get_object_for(request.user, ResponsibilityRule, pk, action=CHANGE)
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            rule_save(actor=request.user, rule=rule, form=form)
            return reverse("coordination:rules")

        if response := submit(request, form, save, success=_("Aturan disimpan.")):
            return response
    return render(request, "coordination/rule_form.html", {"form": form, "rule": rule})
