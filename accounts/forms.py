from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd, User
from accounts.services import password_reset_recipients
from audit.forms import EditedFromMixin
from core.forms import form_helper
from core.submissions import SubmitOnceMixin


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil pada kata sandi."),
        "inactive": _("Akun ini tidak aktif. Hubungi admin."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Nama pengguna")
        self.fields["password"].label = _("Kata sandi")
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "autocomplete": "username"})


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, mailing nobody past the per-address and per-account limits. The page that
    follows is the same either way, so it tells no one whether an email has an account."""

    def __init__(self, *args, client_address: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client_address = client_address

    def get_users(self, email):
        return password_reset_recipients(users=list(super().get_users(email)), ip_address=self.client_address)


class OpdForm(EditedFromMixin, forms.ModelForm):
    class Meta:
        model = Opd
        fields = ["name", "short_name", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class _UserFields(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "opd", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opd"].required = True
        active, current = Opd.objects.filter(is_active=True), getattr(self.instance, "opd_id", None)
        # django-stubs types `self.fields` as plain Fields; this one is a ModelChoiceField.
        self.fields["opd"].queryset = active if current is None else active | Opd.objects.filter(pk=current)  # type: ignore[attr-defined]
        self.fields["email"].help_text = _("Untuk tautan atur ulang kata sandi.")
        self.helper = form_helper()


class UserCreateForm(SubmitOnceMixin, _UserFields):
    password = forms.CharField(
        label=_("Kata sandi sementara"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Minimal 10 karakter. Pengguna wajib menggantinya saat pertama masuk."),
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("password"):
            candidate = User(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(data["password"], candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return data


class UserEditForm(EditedFromMixin, _UserFields):
    class Meta(_UserFields.Meta):
        fields = ["first_name", "last_name", "email", "opd", "role", "is_active", "must_change_password"]
