"""Writes to households, members and visits: thin views over households.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AccessLog
from audit.services import log_access
from core import permissions
from core.http import AuthenticatedHttpRequest
from core.permissions import (
    ADD,
    ARCHIVE,
    CHANGE,
    CHANGE_STATUS,
    REVEAL,
    get_object_for,
    permission_required,
    role_required,
    signed_in,
)
from core.submissions import repeated, submit
from households.forms import (
    PERSON_FIELDS,
    ArchiveForm,
    HouseholdEditForm,
    HouseholdRegisterForm,
    MoveForm,
    PersonAddForm,
    PersonEditForm,
    PovertyLineForm,
    StatusForm,
    UnarchiveForm,
    VisitEditForm,
    VisitForm,
    already_registered_message,
    member_formset,
    registered_already,
)
from households.models import Household, Kelurahan, Person, PovertyLine, Relation, Visit
from households.rules import household_statuses_for, require_open
from households.services import (
    household_archive,
    household_change_status,
    household_register_proposed,
    household_unarchive,
    household_update,
    kelurahan_set_priority,
    person_add,
    person_move,
    person_update,
    poverty_line_save,
    visit_log,
    visit_update,
)


def _case_url(household_id: int, anchor: str = "") -> str:
    return reverse("cases:detail", args=[household_id]) + (f"#{anchor}" if anchor else "")


def _fields(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


@permission_required(ADD, Household)
@require_http_methods(["GET", "POST"])
def household_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if response := repeated(request):
        return response
    adding_row = "add_member" in request.POST
    form = HouseholdRegisterForm(request.POST or None)
    formset = member_formset(request.POST or None, add_row=adding_row)
    if request.method == "POST" and not adding_row and form.is_valid() and formset.is_valid():
        fields = _fields(form, form.Meta.fields)
        head = next((m["full_name"] for m in formset.kept_members() if m["relation"] == Relation.HEAD), "")
        if same := registered_already(kelurahan=fields["kelurahan"], address=fields["address"], head_name=head):
            form.add_error(None, already_registered_message(same))
            return render(
                request, "households/household_form.html", {"form": form, "formset": formset, "creating": True}
            )

        def save() -> str:
            household = household_register_proposed(actor=request.user, members=formset.kept_members(), **fields)
            return _case_url(household.pk)

        registered = _(
            "Rumah tangga berhasil didaftarkan sebagai usulan DTSEN: belum dihitung sebagai miskin ekstrem resmi "
            "sampai disetujui musyawarah kelurahan dan supervisor Dinas Sosial."
        )
        if response := submit(request, form, save, success=registered):
            return response
    return render(request, "households/household_form.html", {"form": form, "formset": formset, "creating": True})


@signed_in
@require_http_methods(["GET", "POST"])
def household_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_object_for(request.user, Household, pk, action=CHANGE)
    form = HouseholdEditForm(request.POST or None, instance=household, initial={"version": household.version})
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            household_update(
                household=household,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **_fields(form, form.Meta.fields),
            )
            return _case_url(household.pk)

        if response := submit(request, form, save, success=_("Data rumah tangga disimpan.")):
            return response
    return render(request, "households/household_form.html", {"form": form, "household": household})


@signed_in
@require_http_methods(["GET", "POST"])
def household_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_object_for(request.user, Household, pk, action=CHANGE_STATUS)
    statuses = household_statuses_for(request.user, household)
    if not statuses:
        raise PermissionDenied
    if response := repeated(request):
        return response
    form = StatusForm(request.POST or None, statuses=statuses, initial={"version": household.version})
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            household_change_status(
                household=household,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                expected_version=form.cleaned_data["version"],
            )
            return _case_url(household.pk)

        if response := submit(request, form, save, success=_("Status rumah tangga diubah.")):
            return response
    return render(request, "households/status_form.html", {"form": form, "household": household})


@signed_in
@require_http_methods(["GET", "POST"])
def member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_object_for(request.user, Household, pk)
    require_open(household)
    if not permissions.has_perm(request.user, ADD, Person):
        raise PermissionDenied
    if response := repeated(request):
        return response
    form = PersonAddForm(
        request.POST or None,
        household=household,
        initial={"relation": "anak", "is_extreme_poor": household.is_extreme_poor},
    )
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            person_add(household=household, actor=request.user, **_fields(form, PERSON_FIELDS))
            return _case_url(household.pk, "anggota")

        if response := submit(request, form, save, success=_("Anggota ditambahkan.")):
            return response
    return render(request, "households/member_form.html", {"form": form, "household": household})


@signed_in
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_for(request.user, Person.objects.select_related("household"), pk, action=CHANGE)
    require_open(person.household)
    form = PersonEditForm(request.POST or None, instance=person, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            person_update(
                person=person,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **_fields(form, form.Meta.fields),
            )
            return _case_url(person.household_id, "anggota")

        if response := submit(request, form, save, success=_("Data anggota disimpan.")):
            return response
    return render(
        request, "households/member_form.html", {"form": form, "household": person.household, "person": person}
    )


@signed_in
@require_http_methods(["GET", "POST"])
def member_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_for(request.user, Person.objects.select_related("household"), pk, action=CHANGE)
    require_open(person.household)
    form = MoveForm(request.POST or None, person=person, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]

        def save() -> str:
            person_move(
                person=person,
                to_household=target,
                relation=form.cleaned_data["relation"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
            return _case_url(target.pk, "anggota")

        moved = _("%(name)s dipindahkan ke rumah tangga #%(id)s.") % {"name": person.full_name, "id": target.pk}
        if response := submit(request, form, save, success=moved):
            return response
    return render(
        request, "households/member_move.html", {"form": form, "person": person, "household": person.household}
    )


@signed_in
@require_http_methods(["GET", "POST"])
def visit_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_object_for(request.user, Household, pk)
    require_open(household)
    if not permissions.has_perm(request.user, ADD, Visit):
        raise PermissionDenied
    if response := repeated(request):
        return response
    form = VisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            visit_log(household=household, caseworker=request.user, **_fields(form, VisitForm.Meta.fields))
            return _case_url(household.pk, "kunjungan")

        if response := submit(request, form, save, success=_("Kunjungan dicatat.")):
            return response
    return render(request, "households/visit_form.html", {"form": form, "household": household})


@signed_in
@require_http_methods(["GET", "POST"])
def visit_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = get_object_for(request.user, Visit.objects.select_related("household"), pk, action=CHANGE)
    require_open(visit.household)
    form = VisitEditForm(
        request.POST or None, instance=Visit.objects.get(pk=visit.pk), initial={"version": visit.version}
    )
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            visit_update(
                visit=visit,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **_fields(form, VisitForm.Meta.fields),
            )
            return _case_url(visit.household_id, "kunjungan")

        if response := submit(request, form, save, success=_("Kunjungan disimpan.")):
            return response
    return render(request, "households/visit_form.html", {"form": form, "household": visit.household, "visit": visit})


# Personal data: the full NIK / No. KK only on an explicit request, and every look is recorded.


@signed_in
@require_POST
def person_reveal_nik(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_for(request.user, Person, pk, action=REVEAL)
    if person.nik:
        log_access(request=request, kind=AccessLog.Kind.REVEAL, instance=person, field="nik")
    return _revealed(request, person.nik, _("NIK %(name)s") % {"name": person.full_name}, person.household_id)


@signed_in
@require_POST
def household_reveal_kk(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_object_for(request.user, Household, pk, action=REVEAL)
    if household.no_kk:
        log_access(request=request, kind=AccessLog.Kind.REVEAL, instance=household, field="no_kk")
    return _revealed(request, household.no_kk, _("No. KK rumah tangga #%(id)s") % {"id": household.pk}, household.pk)


def _revealed(request: AuthenticatedHttpRequest, number: str, label: str, household_id: int) -> HttpResponse:
    context = {"number": number, "label": label, "household_id": household_id}
    # The case file's reveal button asks for the number alone (static/js/app.js); without JavaScript, a page.
    template = (
        "households/_revealed.html" if request.headers.get("X-Reveal") == "inline" else "households/revealed.html"
    )
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@signed_in
@require_http_methods(["GET", "POST"])
def household_archive_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_object_for(request.user, Household, pk, action=ARCHIVE)
    if household.is_archived:
        form = UnarchiveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():

            def unarchive() -> str:
                household_unarchive(household=household, actor=request.user, reason=form.cleaned_data["reason"])
                return _case_url(household.pk)

            if response := submit(request, form, unarchive, success=_("Rumah tangga dikeluarkan dari arsip.")):
                return response
        return render(request, "households/archive_form.html", {"form": form, "household": household})
    archive_form = ArchiveForm(request.POST or None)
    if request.method == "POST" and archive_form.is_valid():

        def archive() -> str:
            household_archive(household=household, actor=request.user, reason=archive_form.cleaned_data["reason"])
            return _case_url(household.pk)

        if response := submit(request, archive_form, archive, success=_("Rumah tangga diarsipkan.")):
            return response
    return render(request, "households/archive_form.html", {"form": archive_form, "household": household})


# Reference data kept by admins.


@role_required(permissions.is_admin)
def poverty_lines(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "households/poverty_lines.html",
        {"lines": PovertyLine.objects.all(), "in_force": PovertyLine.objects.in_force()},
    )


@role_required(permissions.is_admin)
@require_http_methods(["GET", "POST"])
def poverty_line_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    line = get_object_for(request.user, PovertyLine, pk, action=CHANGE) if pk else None
    form = PovertyLineForm(request.POST or None, instance=PovertyLine.objects.get(pk=pk) if pk else None)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            poverty_line_save(actor=request.user, line=line, **_fields(form, PovertyLineForm.Meta.fields))
            return reverse("households:poverty_lines")

        if response := submit(request, form, save, success=_("Garis kemiskinan ekstrem disimpan.")):
            return response
    return render(request, "households/poverty_line_form.html", {"form": form, "line": line})


@role_required(permissions.is_admin)
@require_http_methods(["GET", "POST"])
def kelurahan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        kelurahan = get_object_for(request.user, Kelurahan, request.POST.get("kelurahan"), action=CHANGE)
        kelurahan_set_priority(
            kelurahan=kelurahan, is_priority_locus=request.POST.get("priority") == "1", actor=request.user
        )
        messages.success(request, _("Lokus prioritas %(name)s disimpan.") % {"name": kelurahan.name})
        return redirect("households:kelurahan_list")
    return render(
        request, "households/kelurahan_list.html", {"kelurahan_list": Kelurahan.objects.select_related("kecamatan")}
    )
