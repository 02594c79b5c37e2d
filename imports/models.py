from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import RankingSource


class ImportBatch(models.Model):
    """One uploaded spreadsheet: its dry run, and (once confirmed) what it changed.

    The file itself (and what was read from it) is kept only until it is imported or cancelled (data
    minimisation); the report of the rows in error stays, so it can be downloaded later.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Pratinjau, menunggu konfirmasi")
        APPLIED = "applied", _("Sudah diimpor")
        CANCELLED = "cancelled", _("Dibatalkan")
        REJECTED = "rejected", _("Ditolak (berkas tidak dapat dibaca)")

    file_name = models.CharField(_("nama berkas"), max_length=255)
    source = models.CharField(
        _("sumber data"), max_length=100, blank=True, help_text=_("Mis. P3KE 2024, DTKS Maret 2025.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diunggah oleh"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("diunggah"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    content = models.BinaryField(_("isi berkas"), null=True, editable=False)
    # The file as the dry run read and cleaned it (Plan.freeze), so that applying need not read it again.
    plan = models.BinaryField(_("hasil baca berkas"), null=True, editable=False)
    size = models.PositiveIntegerField(_("ukuran (byte)"), default=0)
    # Which national list the file is, and its date: the desil column is kept as that list's ranking (Ranking).
    list_kind = models.CharField(_("jenis daftar"), max_length=10, choices=RankingSource.choices, blank=True)
    as_of = models.DateField(_("daftar per tanggal"), null=True, blank=True)
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    errors = models.JSONField(_("baris bermasalah"), default=list, blank=True)
    message = models.TextField(_("pesan"), blank=True)
    applied_at = models.DateTimeField(_("diimpor"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikonfirmasi oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("impor")
        verbose_name_plural = _("impor")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["preview", "applied", "cancelled", "rejected"]),
                name="imports_importbatch_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["uploaded_at"], name="imports_batch_uploaded_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def source_label(self) -> str:
        """How the change log names this import."""
        return f"impor #{self.pk}: {self.file_name}"[:100]
