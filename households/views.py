"""Writes to households, members and visits: thin views over households.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from households.forms import (
    PERSON_FIELDS,
    HouseholdEditForm,
    HouseholdRegisterForm,
    MoveForm,
    PersonAddForm,
    PersonEditForm,
    StatusForm,
    VisitForm,
    member_formset,
)
from households.models import Household, Person, Visit
from households.services import (
    household_change_status,
    household_register,
    household_update,
    person_add,
    person_move,
    person_update,
    visit_log,
    visit_update,
)
from poverty import permissions
from poverty.errors import DomainError
from poverty.permissions import ADD, CHANGE, CHANGE_STATUS, get_object_for, permission_required, signed_in
from poverty.submissions import DUPLICATE_MESSAGE, AlreadySubmitted, repeated, run_once


def _case_url(household_id: int, anchor: str = "") -> str:
    return reverse("cases:detail", args=[household_id]) + (f"#{anchor}" if anchor else "")


def _fields(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


def _save(request: HttpRequest, form, save, success: str) -> HttpResponse | None:
    """Run a create once per form token; on a domain or validation error, put it on the form."""
    try:
        url = run_once(request.user, form.cleaned_data.get("submission_token"), save)
    except AlreadySubmitted as done:
        messages.info(request, DUPLICATE_MESSAGE)
        return redirect(done.redirect_to or "cases:registry")
    except ValidationError as error:
        for field, errors in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        return None
    except DomainError as error:
        form.add_error(None, str(error))
        return None
    messages.success(request, success)
    return redirect(url)


@permission_required(ADD, Household)
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest) -> HttpResponse:
    if response := repeated(request):
        return response
    adding_row = "add_member" in request.POST
    form = HouseholdRegisterForm(request.POST or None)
    formset = member_formset(request.POST or None, add_row=adding_row)
    if request.method == "POST" and not adding_row and form.is_valid() and formset.is_valid():
        fields = _fields(form, form.Meta.fields)

        def save() -> str:
            household = household_register(actor=request.user, members=formset.kept_members(), **fields)
            return _case_url(household.pk)

        response = _save(request, form, save, _("Rumah tangga berhasil didaftarkan."))
        if response:
            return response
    return render(request, "households/household_form.html", {"form": form, "formset": formset, "creating": True})


@signed_in
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_for(request.user, Household, pk, action=CHANGE)
    form = HouseholdEditForm(request.POST or None, instance=household, initial={"version": household.version})
    if request.method == "POST" and form.is_valid():
        try:
            household_update(
                household=household,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **_fields(form, form.Meta.fields),
            )
        except (DomainError, ValidationError) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("Data rumah tangga disimpan."))
            return redirect(_case_url(household.pk))
    return render(request, "households/household_form.html", {"form": form, "household": household})


@signed_in
@require_http_methods(["GET", "POST"])
def household_status(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_for(request.user, Household, pk, action=CHANGE_STATUS)
    statuses = permissions.household_statuses_for(request.user, household)
    if not statuses:
        raise PermissionDenied
    if response := repeated(request):
        return response
    form = StatusForm(request.POST or None, statuses=statuses)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            household_change_status(
                household=household,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
            return _case_url(household.pk)

        response = _save(request, form, save, _("Status rumah tangga diubah."))
        if response:
            return response
    return render(request, "households/status_form.html", {"form": form, "household": household})


@signed_in
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_for(request.user, Household, pk)
    if not permissions.has_perm(request.user, ADD, Person):
        raise PermissionDenied
    if response := repeated(request):
        return response
    form = PersonAddForm(
        request.POST or None, initial={"relation": "anak", "is_extreme_poor": household.is_extreme_poor}
    )
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            person_add(household=household, actor=request.user, **_fields(form, PERSON_FIELDS))
            return _case_url(household.pk, "anggota")

        response = _save(request, form, save, _("Anggota ditambahkan."))
        if response:
            return response
    return render(request, "households/member_form.html", {"form": form, "household": household})


@signed_in
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_for(request.user, Person.objects.select_related("household"), pk, action=CHANGE)
    form = PersonEditForm(request.POST or None, instance=person, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        try:
            person_update(
                person=person,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **_fields(form, form.Meta.fields),
            )
        except (DomainError, ValidationError) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("Data anggota disimpan."))
            return redirect(_case_url(person.household_id, "anggota"))
    return render(
        request, "households/member_form.html", {"form": form, "household": person.household, "person": person}
    )


@signed_in
@require_http_methods(["GET", "POST"])
def member_move(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_for(request.user, Person.objects.select_related("household"), pk, action=CHANGE)
    form = MoveForm(request.POST or None, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            person_move(
                person=person,
                to_household=target,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s dipindahkan ke rumah tangga #%(id)s.") % {"name": person.full_name, "id": target.pk},
            )
            return redirect(_case_url(target.pk, "anggota"))
    return render(
        request, "households/member_move.html", {"form": form, "person": person, "household": person.household}
    )


@signed_in
@require_http_methods(["GET", "POST"])
def visit_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_for(request.user, Household, pk)
    if not permissions.has_perm(request.user, ADD, Visit):
        raise PermissionDenied
    if response := repeated(request):
        return response
    form = VisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            visit_log(household=household, caseworker=request.user, **_fields(form, VisitForm.Meta.fields))
            return _case_url(household.pk, "kunjungan")

        response = _save(request, form, save, _("Kunjungan dicatat."))
        if response:
            return response
    return render(request, "households/visit_form.html", {"form": form, "household": household})


@signed_in
@require_http_methods(["GET", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_for(request.user, Visit.objects.select_related("household"), pk, action=CHANGE)
    form = VisitForm(request.POST or None, instance=Visit.objects.get(pk=visit.pk))
    if request.method == "POST" and form.is_valid():
        try:
            visit_update(visit=visit, actor=request.user, **_fields(form, VisitForm.Meta.fields))
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Kunjungan disimpan."))
            return redirect(_case_url(visit.household_id, "kunjungan"))
    return render(request, "households/visit_form.html", {"form": form, "household": visit.household, "visit": visit})
