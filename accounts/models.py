from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role


class Opd(models.Model):
    """A local government agency (Organisasi Perangkat Daerah) whose staff use the app."""

    name = models.CharField(_("nama"), max_length=150, unique=True)
    short_name = models.CharField(_("singkatan"), max_length=30, unique=True)
    is_active = models.BooleanField(
        _("aktif"),
        default=True,
        help_text=_("Pengguna OPD yang tidak aktif tidak dapat masuk; datanya tetap dapat dibaca."),
    )

    class Meta:
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name


OPD_REQUIRED = _("Pilih OPD akun ini; hanya superuser teknis boleh tanpa OPD.")


class User(AbstractUser):
    opd = models.ForeignKey(
        Opd,
        verbose_name=_("OPD"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        help_text=_("Wajib untuk semua akun kecuali superuser teknis."),
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, default=Role.CASEWORKER)
    must_change_password = models.BooleanField(_("wajib ganti kata sandi"), default=False)

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="accounts_user_role_valid"),
            models.CheckConstraint(
                condition=Q(opd__isnull=False) | Q(is_superuser=True),
                name="accounts_user_opd_required",
                violation_error_message=OPD_REQUIRED,
            ),
        ]
        indexes = [models.Index(fields=["opd", "role"], name="accounts_user_opd_role_idx")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.opd_id is None and not self.is_superuser:
            raise ValidationError({"opd": OPD_REQUIRED})  # on the field, where the user chooses it

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_caseworker(self) -> bool:
        return self.role == Role.CASEWORKER


class PasswordResetRequest(models.Model):
    """A password-reset request that was acted on: where it came from and the account mailed (none when
    the email matched no account). Counted to throttle reset mail per address and per account."""

    requested_at = models.DateTimeField(_("diminta"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    user = models.ForeignKey(
        User, verbose_name=_("pengguna"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("permintaan atur ulang kata sandi")
        verbose_name_plural = _("permintaan atur ulang kata sandi")
        indexes = [
            models.Index(fields=["ip_address", "requested_at"], name="accounts_reset_ip_time_idx"),
            models.Index(fields=["user", "requested_at"], name="accounts_reset_user_time_idx"),
            models.Index(fields=["requested_at"], name="accounts_reset_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.ip_address or '-'}"
