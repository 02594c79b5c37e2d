"""Account administration for the admin role, and the signed-in user's own password screens."""

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors
from accounts.filters import UserFilter
from accounts.forms import (
    NewPasswordForm,
    OpdForm,
    OwnPasswordChangeForm,
    ThrottledPasswordResetForm,
    UserCreateForm,
    UserEditForm,
)
from accounts.models import Opd, Role, User
from accounts.services import opd_save, user_create, user_password_reset_path, user_unlock, user_update
from audit.services import client_ip
from core.http import AuthenticatedHttpRequest
from core.permissions import get_object_for, is_admin, is_caseworker, is_supervisor, role_required
from core.submissions import repeated, submit

admin_only = role_required(is_admin)


@admin_only
def admin_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    links = [
        (reverse("accounts:opd_list"), _("OPD"), _("Tambah, ganti nama, nonaktifkan OPD.")),
        (reverse("accounts:user_list"), _("Pengguna"), _("Akun, peran, kata sandi, kunci masuk.")),
        (reverse("interventions:program_list"), _("Program"), _("Program tiap OPD dan periodenya.")),
        (
            reverse("households:poverty_lines"),
            _("Garis kemiskinan ekstrem"),
            _("Rupiah per kapita per bulan, per tanggal berlaku."),
        ),
        (
            reverse("households:kelurahan_list"),
            _("Kelurahan dan lokus prioritas"),
            _("Tandai kelurahan lokus prioritas."),
        ),
        (reverse("coordination:rules"), _("Aturan tanggung jawab"), _("Kebutuhan mana dijawab OPD mana.")),
        (
            reverse("api:token_list"),
            _("Token API"),
            _("Akses sistem OPD lain ke data lewat API: buat, lihat pemakaian, cabut."),
        ),
        (reverse("audit:changes"), _("Jejak audit"), _("Semua perubahan data, pembukaan NIK dan ekspor.")),
    ]
    if request.user.is_superuser:  # the same name as in the menu, so the two admin pages are not confused
        links.append(
            (
                reverse("admin:index"),
                _("Data mentah (Django admin)"),
                _("Tabel data apa adanya, hanya untuk superuser. Pekerjaan sehari-hari lewat menu aplikasi."),
            )
        )
    return render(request, "accounts/admin_home.html", {"admin_links": links})


@admin_only
def opd_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "accounts/opd_list.html", {"opds": selectors.opds()})


@admin_only
@require_http_methods(["GET", "POST"])
def opd_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    opd = get_object_for(request.user, Opd, pk, action="change") if pk else None
    form = OpdForm(request.POST or None, instance=Opd.objects.get(pk=pk) if pk else None)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            opd_save(actor=request.user, opd=opd, **form.cleaned_data)
            return reverse("accounts:opd_list")

        if response := submit(request, form, save, success=_("OPD disimpan.")):
            return response
    has_programs = opd is not None and opd.programs.filter(is_active=True).exists()  # else: told to add one
    return render(request, "accounts/opd_form.html", {"form": form, "opd": opd, "has_programs": has_programs})


@admin_only
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = UserFilter(request.GET)
    found = selectors.users(filters=filterset, page_number=request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "filter": filterset,
            "page_obj": found.page,
            "locked": found.locked,
            "opds": Opd.objects.all(),
            "roles": Role.choices,
        },
    )


@admin_only
@require_http_methods(["GET", "POST"])
def user_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if response := repeated(request):
        return response
    form = UserCreateForm(request.POST or None, initial={"role": Role.CASEWORKER})
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in UserCreateForm.Meta.fields}

        def save() -> str:
            user_create(actor=request.user, password=form.cleaned_data["password"], **data)
            return reverse("accounts:user_list")

        created = _(
            "Akun %(username)s dibuat. Berikan kata sandi sementara kepada pengguna; ia wajib menggantinya saat masuk."
        ) % {"username": data["username"]}
        if response := submit(request, form, save, success=created):
            return response
    return render(request, "accounts/user_form.html", {"form": form})


@admin_only
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = get_object_for(request.user, User.objects.select_related("opd"), pk, action="change")
    form = UserEditForm(request.POST or None, instance=User.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        if account == request.user and not form.cleaned_data["is_active"]:
            form.add_error("is_active", _("Anda tidak dapat menonaktifkan akun Anda sendiri."))
        else:

            def save() -> str:
                user_update(actor=request.user, user=account, **form.cleaned_data)
                return reverse("accounts:user_list")

            if response := submit(request, form, save, success=_("Akun disimpan.")):
                return response
    locked = AccessAttempt.objects.filter(
        username=account.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()
    return render(request, "accounts/user_form.html", {"form": form, "account": account, "locked": locked})


@admin_only
@require_POST
def user_reset_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = get_object_for(request.user, User, pk, action="change")
    link = request.build_absolute_uri(user_password_reset_path(account))
    return render(request, "accounts/user_reset_link.html", {"account": account, "link": link})


@admin_only
@require_POST
def user_unlock_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = get_object_for(request.user, User, pk, action="change")
    user_unlock(actor=request.user, user=account)
    messages.success(request, _("Kunci masuk %(username)s dibuka.") % {"username": account.username})
    return redirect("accounts:user_edit", pk=account.pk)


class LogoutView(auth_views.LogoutView):
    """Signing out also empties this browser of what the field app keeps (issue 17): the households taken
    offline and unsent entries (IndexedDB), the stored app shell (Cache Storage) and its service worker. The
    page's script clears them too, after asking about unsent entries; this header covers every other way out."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


# Session key: the password just replaced was a temporary one.
FIRST_PASSWORD = "accounts.first_password"  # noqa: S105 - a key, not a password


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view in the app's words; choosing one's own password also lifts the "change at first sign-in"
    demand."""

    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        user = self.request.user
        if isinstance(user, User) and user.must_change_password:
            User.objects.filter(pk=user.pk).update(must_change_password=False)
            self.request.session[FIRST_PASSWORD] = True
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    """Not a dead end: says what next, with a button to where the user's work starts."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        works = is_caseworker(user) or is_supervisor(user)
        context["first_password"] = self.request.session.pop(FIRST_PASSWORD, False)
        context["next_url"] = reverse("cases:my_work") if works else reverse("home")
        context["next_label"] = _("Buka Pekerjaan saya") if works else _("Ke beranda")
        return context


@method_decorator(require_http_methods(["GET", "POST"]), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Django's view; reset mail is throttled per address and per account (ThrottledPasswordResetForm)."""

    form_class = ThrottledPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "client_address": client_ip(self.request)}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        User.objects.filter(pk=form.user.pk).update(must_change_password=False)
        return response
