from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
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


# Django's own wording ("Sandi lama", "Sandi anda tidak dapat ...") replaced by the app's: "kata sandi", "Anda".
PASSWORD_HELP = _(
    "Minimal 10 karakter, tidak hanya angka, bukan kata sandi yang umum dipakai, dan tidak mirip nama pengguna, "
    "nama atau email Anda."
)
PASSWORD_ERRORS = {
    "password_too_similar": _("Kata sandi terlalu mirip dengan nama pengguna, nama atau email Anda."),
    "password_too_short": _("Kata sandi terlalu pendek: minimal 10 karakter."),
    "password_too_common": _("Kata sandi ini terlalu umum dipakai; pilih yang lain."),
    "password_entirely_numeric": _("Kata sandi tidak boleh hanya angka."),
}


def validate_password_in_our_words(password: str, user: User | None) -> None:
    """Django's password validators, their refusals said in the app's words."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as refused:
        raise ValidationError(
            [ValidationError(PASSWORD_ERRORS.get(e.code or "", e.messages[0]), code=e.code) for e in refused.error_list]
        ) from None


class NewPasswordForm(SetPasswordForm):
    """Choosing a new password (after a reset link, or one's own change), labelled in the app's words."""

    error_messages = {"password_mismatch": _("Kedua isian kata sandi baru tidak sama; ketik ulang.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Kata sandi baru")
        self.fields["new_password1"].help_text = PASSWORD_HELP
        self.fields["new_password2"].label = _("Ulangi kata sandi baru")
        self.fields["new_password2"].help_text = _("Ketik sekali lagi kata sandi baru yang sama.")

    def validate_password_for_user(self, user, password_field_name="new_password2"):  # noqa: S107 - a field name
        password = self.cleaned_data.get(password_field_name)
        if password:
            try:
                validate_password_in_our_words(password, user)
            except ValidationError as error:
                self.add_error(password_field_name, error)


class OwnPasswordChangeForm(NewPasswordForm, PasswordChangeForm):
    error_messages = {
        **NewPasswordForm.error_messages,
        "password_incorrect": _("Kata sandi lama salah. Ketik sekali lagi."),
    }
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Kata sandi lama")


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
        if "username" in self.fields:
            self.fields["username"].help_text = _(
                "Paling banyak 150 karakter: huruf, angka dan tanda @ . + - _ saja, tanpa spasi."
            )
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
                validate_password_in_our_words(data["password"], candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return data


class UserEditForm(EditedFromMixin, _UserFields):
    class Meta(_UserFields.Meta):
        fields = ["first_name", "last_name", "email", "opd", "role", "is_active", "must_change_password"]
