"""DTSEN proposals (usulan): proposed by caseworkers, deliberated by the kelurahan meeting (Muskel), decided by a
Dinsos supervisor, exported for SIKS-NG and printed as the meeting's berita acara."""

import re
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import AccessLog
from audit.services import log_access
from coordination import siks_ng
from coordination.filters import DtsenProposalFilter
from coordination.forms import (
    DtsenDecisionForm,
    DtsenProposalForm,
    EnteredForm,
    EnteredUndoForm,
    GroundCheckForm,
    MuskelForm,
    MuskelManyForm,
)
from coordination.models import DtsenProposal
from coordination.services import (
    dtsen_decide,
    dtsen_ground_check,
    dtsen_mark_entered,
    dtsen_propose,
    dtsen_record_muskel,
    dtsen_record_muskel_many,
    dtsen_unmark_entered,
)
from core import permissions
from core.exports import filters_for_log, stamped, xlsx_response
from core.http import AuthenticatedHttpRequest
from core.permissions import ACT, ADD, DECIDE, EXPORT_FULL, VIEW, get_object_for, permission_required, signed_in
from core.submissions import repeated, submit
from households.models import Household, Kelurahan
from households.rules import require_open

PAGE_SIZE = 25


def _proposals() -> Any:
    return DtsenProposal.objects.select_related("household__kelurahan__kecamatan", "person", "proposed_by")


def _detail_url(proposal: DtsenProposal) -> str:
    return reverse("coordination:proposal", args=[proposal.pk])


@signed_in
@require_http_methods(["GET", "POST"])
def proposal_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_object_for(request.user, Household, pk)
    require_open(household)
    permissions.check(request.user, ADD, DtsenProposal)
    if response := repeated(request):
        return response
    form = DtsenProposalForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            proposal = dtsen_propose(
                household=household,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                description=form.cleaned_data["description"],
                person=form.cleaned_data["person"],
            )
            return _detail_url(proposal)

        success = _("Usulan DTSEN dicatat. Langkah berikutnya: bawa ke musyawarah kelurahan, lalu catat hasilnya.")
        if response := submit(request, form, save, success=success, fallback="coordination:proposals"):
            return response
    return render(request, "coordination/proposal_form.html", {"form": form, "household": household})


@permission_required(VIEW, DtsenProposal)
@require_GET
def proposal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = DtsenProposalFilter(request.GET, queryset=_proposals())
    proposals = filterset.qs if filterset.is_valid() else DtsenProposal.objects.none()
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(DtsenProposal.objects.values_list("state").annotate(n=Count("id")).order_by())
    return render(
        request,
        "coordination/proposal_list.html",
        {
            "filter": filterset,
            "page": page,
            "counts": [(value, label, counts.get(value, 0)) for value, label in DtsenProposal.State.choices],
            "may_export": permissions.has_perm(request.user, EXPORT_FULL, DtsenProposal),
            "may_act": permissions.has_perm(request.user, ACT, DtsenProposal),
        },
    )


@signed_in
@require_GET
def proposal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_for(
        request.user,
        _proposals().select_related("muskel_recorded_by", "decided_by", "ground_check__caseworker", "entered_by"),
        pk,
    )
    return render(
        request,
        "coordination/proposal_detail.html",
        {
            "proposal": proposal,
            "household": proposal.household,
            "may_record_muskel": proposal.is_open and permissions.has_perm(request.user, ACT, proposal),
            "may_decide": proposal.is_open and permissions.has_perm(request.user, DECIDE, proposal),
            "may_mark_entered": proposal.state == DtsenProposal.State.APPROVED
            and proposal.entered_at is None
            and permissions.has_perm(request.user, EXPORT_FULL, proposal),
            "may_unmark_entered": proposal.entered_at is not None
            and permissions.has_perm(request.user, EXPORT_FULL, proposal),
        },
    )


@signed_in
@require_http_methods(["GET", "POST"])
def proposal_muskel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_for(request.user, _proposals(), pk, action=ACT)
    initial = {}
    if proposal.muskel_agreed is not None:
        initial = {
            "held_on": proposal.muskel_held_on,
            "minutes_number": proposal.muskel_minutes_number,
            "attendees": proposal.muskel_attendees,
            "agreed": "1" if proposal.muskel_agreed else "0",
            "note": proposal.muskel_note,
        }
    form = MuskelForm(request.POST or None, initial=initial, proposal=proposal)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            data = form.cleaned_data
            dtsen_record_muskel(
                proposal=proposal,
                actor=request.user,
                held_on=data["held_on"],
                minutes_number=data["minutes_number"],
                attendees=data["attendees"],
                agreed=data["agreed"],
                note=data["note"],
            )
            return _detail_url(proposal)

        success = _("Hasil musyawarah kelurahan dicatat; usulan menunggu keputusan supervisor Dinas Sosial.")
        if response := submit(request, form, save, success=success, fallback="coordination:proposals"):
            return response
    return render(
        request,
        "coordination/proposal_step.html",
        {"form": form, "proposal": proposal, "household": proposal.household, "step": "muskel"},
    )


@signed_in
@require_http_methods(["GET", "POST"])
def proposal_ground_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_for(request.user, _proposals(), pk, action=ACT)
    form = GroundCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            data = form.cleaned_data
            dtsen_ground_check(proposal=proposal, actor=request.user, **data)
            return _detail_url(proposal)

        success = _("Cek lapangan dicatat sebagai kunjungan di berkas kasus.")
        if response := submit(request, form, save, success=success, fallback="coordination:proposals"):
            return response
    return render(
        request,
        "coordination/proposal_step.html",
        {"form": form, "proposal": proposal, "household": proposal.household, "step": "ground_check"},
    )


@signed_in
@require_http_methods(["GET", "POST"])
def proposal_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_for(request.user, _proposals(), pk, action=DECIDE)
    form = DtsenDecisionForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            data = form.cleaned_data
            dtsen_decide(
                proposal=proposal,
                actor=request.user,
                approve=data["decision"] == "approve",
                note=data["note"],
                resulting_status=data.get("resulting_status", ""),
            )
            return _detail_url(proposal)

        if response := submit(
            request, form, save, success=_("Keputusan usulan disimpan."), fallback="coordination:proposals"
        ):
            return response
    return render(
        request,
        "coordination/proposal_step.html",
        {"form": form, "proposal": proposal, "household": proposal.household, "step": "decide"},
    )


@signed_in
@require_GET
def proposal_minutes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The berita acara of the meeting that deliberated this proposal: every proposal of the same kelurahan
    recorded under the same berita acara number, to print and sign."""
    proposal = get_object_for(request.user, _proposals(), pk)
    if proposal.muskel_agreed is None:
        proposals = [proposal]
    else:
        proposals = list(
            _proposals()
            .filter(
                household__kelurahan_id=proposal.household.kelurahan_id,
                muskel_minutes_number=proposal.muskel_minutes_number,
            )
            .order_by("id")
        )
    return render(
        request,
        "coordination/proposal_minutes.html",
        {"proposal": proposal, "proposals": proposals, "kelurahan": proposal.household.kelurahan},
    )


@permission_required(EXPORT_FULL, DtsenProposal)
@require_GET
def proposal_workbook(request: AuthenticatedHttpRequest) -> FileResponse | HttpResponse:
    """Approved proposals as the SIKS-NG upload workbook (docs/SIKS_NG_WORKBOOK.md): one row per person."""
    filterset = DtsenProposalFilter(request.GET, queryset=_proposals())
    if not filterset.is_valid():
        return proposal_list(request)
    proposals = filterset.qs.filter(state=DtsenProposal.State.APPROVED)
    rows = siks_ng.rows(proposals)
    log_access(
        request=request,
        kind=AccessLog.Kind.EXPORT,
        detail={"list": "siks_ng", "filters": filters_for_log(filterset), "rows": len(rows) - 1},
    )
    return xlsx_response(rows, stamped("usulan-siks-ng", "xlsx"), siks_ng.SHEET, table_head=True, widths=siks_ng.WIDTHS)


@signed_in
@require_http_methods(["GET", "POST"])
def proposal_mark_entered(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The operator typed this approved proposal into SIKS-NG: confirmed on a page of its own, not by one click."""
    proposal = get_object_for(request.user, _proposals(), pk, action=EXPORT_FULL)
    if proposal.state != DtsenProposal.State.APPROVED or proposal.entered_at is not None:
        messages.error(
            request,
            _("Usulan ini sudah ditandai diinput ke SIKS-NG.")
            if proposal.entered_at
            else _("Hanya usulan yang disetujui yang diinput ke SIKS-NG."),
        )
        return redirect("coordination:proposal", proposal.pk)
    form = EnteredForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            dtsen_mark_entered(proposal=proposal, actor=request.user)
            return _detail_url(proposal)

        success = _("Usulan #%(id)s ditandai sudah diinput ke SIKS-NG.") % {"id": proposal.pk}
        if response := submit(request, form, save, success=success, fallback="coordination:proposals"):
            return response
    return render(
        request,
        "coordination/proposal_entered.html",
        {"form": form, "proposal": proposal, "household": proposal.household, "undo": False},
    )


@signed_in
@require_http_methods(["GET", "POST"])
def proposal_unmark_entered(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A supervisor takes back a SIKS-NG mark set by mistake, with the reason (kept in the change log)."""
    proposal = get_object_for(request.user, _proposals().select_related("entered_by"), pk, action=EXPORT_FULL)
    if proposal.entered_at is None:
        messages.error(request, _("Usulan ini belum ditandai diinput ke SIKS-NG."))
        return redirect("coordination:proposal", proposal.pk)
    form = EnteredUndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            dtsen_unmark_entered(proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"])
            return _detail_url(proposal)

        success = _("Tanda SIKS-NG usulan #%(id)s dibatalkan; usulan kembali ke daftar yang belum diinput.") % {
            "id": proposal.pk
        }
        if response := submit(request, form, save, success=success, fallback="coordination:proposals"):
            return response
    return render(
        request,
        "coordination/proposal_entered.html",
        {"form": form, "proposal": proposal, "household": proposal.household, "undo": True},
    )


@permission_required(ACT, DtsenProposal)
@require_http_methods(["GET", "POST"])
def proposal_muskel_many(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One kelurahan meeting for several of its proposals waiting for one (`?kelurahan=<id>`)."""
    places = Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__code", "code")
    chosen = request.GET.get("kelurahan", "")
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    kelurahan = places.filter(pk=int(chosen)).first() if re.fullmatch(r"[0-9]{1,9}", chosen) else None
    if kelurahan is None:
        return render(request, "coordination/proposal_muskel_many.html", {"places": places, "form": None})
    if response := repeated(request):
        return response
    form = MuskelManyForm(request.POST or None, kelurahan=kelurahan)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            data = form.cleaned_data
            dtsen_record_muskel_many(
                proposals=list(data["proposals"]),
                actor=request.user,
                held_on=data["held_on"],
                minutes_number=data["minutes_number"],
                attendees=data["attendees"],
                agreed=data["agreed"],
                note=data["note"],
            )
            return reverse("coordination:proposals") + f"?kelurahan={kelurahan.pk}"

        success = _("Hasil musyawarah kelurahan dicatat untuk usulan yang dipilih.")
        if response := submit(request, form, save, success=success, fallback="coordination:proposals"):
            return response
    return render(
        request, "coordination/proposal_muskel_many.html", {"places": places, "form": form, "kelurahan": kelurahan}
    )
