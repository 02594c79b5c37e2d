"""Machine access to the API: tokens of the OPDs' own systems, and the first answer to each idempotent write."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd

TOKEN_PREFIX = "pkr_"  # noqa: S105 - the visible start of every token, not a secret


def digest(raw: str) -> str:
    """What is stored of a token: its SHA-256. A token is 256 random bits, so a fast hash is enough."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    """A token one OPD's system signs in with. It acts as its own account (a caseworker of that OPD), so the
    app's rules and change log treat its work as that OPD's; only the hash of the token is kept."""

    class Scope(models.TextChoices):
        READ = "read", _("Baca saja")
        WRITE = "write", _("Baca dan tulis")

    name = models.CharField(_("nama integrasi"), max_length=100, help_text=_("Mis. SIMPUS Dinkes, Dapodik Disdik."))
    opd = models.ForeignKey(Opd, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="api_tokens")
    scope = models.CharField(_("hak akses"), max_length=10, choices=Scope.choices, default=Scope.READ)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("akun integrasi"), on_delete=models.PROTECT, related_name="api_token"
    )
    prefix = models.CharField(_("awal token"), max_length=12, unique=True, editable=False)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    rate_per_minute = models.PositiveIntegerField(
        _("batas permintaan per menit"), default=120, help_text=_("Permintaan lebih dari ini dijawab 429.")
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dibuat oleh"), on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicabut oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an `Idempotency-Key`: a repeat gets it again and changes nothing.
    Claimed in the write's own transaction, so a write that fails leaves no claim and may be sent again."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="api_idempotency_once")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code or '-'})"
