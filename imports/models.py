from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.models import DtsenProposal
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


class Bucket(models.TextChoices):
    """What a reconciliation row says about a household and a national list (imports.reconcile)."""

    ENTERED = "entered", _("Baru masuk desil 1")
    LEFT = "left", _("Keluar dari desil 1")
    MISSING = "missing", _("Di registri, tidak ada di daftar")
    CREATED = "created", _("Di daftar, baru dibuat di registri")
    MISMATCH = "mismatch", _("NIK/KK atau wilayah tidak cocok")


# What a "propose a correction" decision proposes for a household by default, from the row's bucket: (kind, reason)
# of its DTSEN proposal; the supervisor may choose another change or a removal. A family missing from the list has
# no default: removal (died, moved, …) or a change, only the supervisor knows which.
PROPOSAL_DEFAULTS: dict[str, tuple[str, str]] = {
    Bucket.ENTERED: (DtsenProposal.Kind.CHANGE, DtsenProposal.Reason.CIRCUMSTANCES),
    Bucket.LEFT: (DtsenProposal.Kind.CHANGE, DtsenProposal.Reason.CIRCUMSTANCES),
    Bucket.CREATED: (DtsenProposal.Kind.CHANGE, DtsenProposal.Reason.CIRCUMSTANCES),
    Bucket.MISMATCH: (DtsenProposal.Kind.CHANGE, DtsenProposal.Reason.IDENTITY),
}


class Reconciliation(models.Model):
    """One national list — the rankings of one source as of one date — compared with the register and with the
    previous list of the same source. Its rows are replaced each time it is computed; decisions are kept apart."""

    source = models.CharField(_("daftar"), max_length=10, choices=RankingSource.choices)
    as_of = models.DateField(_("per tanggal"))
    # The list it was compared with: the latest of the same source before it, or none (then nobody entered,
    # left or went missing).
    previous_as_of = models.DateField(_("daftar sebelumnya per tanggal"), null=True, blank=True)
    ranked = models.PositiveIntegerField(_("rumah tangga di daftar"), default=0)
    batches = models.JSONField(_("impor daftar ini"), default=list, blank=True)
    computed_at = models.DateTimeField(_("dihitung"), null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dihitung oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rekonsiliasi daftar")
        verbose_name_plural = _("rekonsiliasi daftar")
        ordering = ["-as_of", "source"]
        constraints = [
            models.UniqueConstraint(fields=["source", "as_of"], name="imports_reconciliation_one_per_list"),
            models.CheckConstraint(
                condition=models.Q(source__in=["dtsen", "p3ke", "dtks", "other"]),
                name="imports_reconciliation_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} per {self.as_of:%d/%m/%Y}"


class ReconciliationDecision(models.Model):
    """A supervisor's decision on one row of a list's reconciliation, keyed by the list, the bucket and the row's
    key (the household, or the file's family for a refused row without one), so it outlives recomputing."""

    class Choice(models.TextChoices):
        ACCEPT = "accept", _("Terima")
        KEEP = "keep", _("Pertahankan (dengan alasan)")
        PROPOSE = "propose", _("Usulkan perbaikan")

    reconciliation = models.ForeignKey(
        Reconciliation, verbose_name=_("daftar"), on_delete=models.PROTECT, related_name="decisions"
    )
    bucket = models.CharField(_("kelompok"), max_length=10, choices=Bucket.choices)
    key = models.CharField(_("kunci baris"), max_length=64)
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("rumah tangga"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision = models.CharField(_("keputusan"), max_length=10, choices=Choice.choices)
    reason = models.TextField(_("alasan"), blank=True)
    decided_at = models.DateTimeField(_("diputuskan"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, related_name="+"
    )
    # "Propose a correction": the household's DTSEN proposal the decision opened, or the open one it was linked to.
    proposal = models.ForeignKey(
        "coordination.DtsenProposal",
        verbose_name=_("usulan DTSEN"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reconciliation_decisions",
    )

    class Meta:
        verbose_name = _("keputusan rekonsiliasi")
        verbose_name_plural = _("keputusan rekonsiliasi")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reconciliation", "bucket", "key"], name="imports_reconciliation_decision_one_per_row"
            ),
            models.CheckConstraint(
                condition=models.Q(decision__in=["accept", "keep", "propose"]),
                name="imports_reconciliation_decision_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(bucket__in=["entered", "left", "missing", "created", "mismatch"]),
                name="imports_reconciliation_decision_bucket_valid",
            ),
            # Keeping a row as it is, or proposing a correction, says why.
            models.CheckConstraint(
                condition=models.Q(decision="accept") | ~models.Q(reason=""),
                name="imports_reconciliation_decision_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(proposal__isnull=True) | models.Q(decision="propose"),
                name="imports_reconciliation_decision_proposal_if_proposed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reconciliation}: {self.get_bucket_display()} — {self.get_decision_display()}"


class ReconciliationRow(models.Model):
    """One finding of a list's reconciliation, per kelurahan: stored by the computation (a job), so the page reads a
    page of rows however large the list. `decision` points at the decision kept under the same list, bucket and key
    (set when the rows are computed and when a decision is recorded: imports.reconcile)."""

    reconciliation = models.ForeignKey(
        Reconciliation, verbose_name=_("daftar"), on_delete=models.CASCADE, related_name="rows"
    )
    bucket = models.CharField(_("kelompok"), max_length=10, choices=Bucket.choices)
    kelurahan = models.ForeignKey(
        "households.Kelurahan",
        verbose_name=_("kelurahan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("rumah tangga"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    key = models.CharField(_("kunci baris"), max_length=64)
    desil_before = models.PositiveSmallIntegerField(_("desil daftar sebelumnya"), null=True, blank=True)
    desil_after = models.PositiveSmallIntegerField(_("desil daftar ini"), null=True, blank=True)
    detail = models.CharField(_("keterangan"), max_length=1000, blank=True)
    decision = models.ForeignKey(
        ReconciliationDecision,
        verbose_name=_("keputusan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("baris rekonsiliasi")
        verbose_name_plural = _("baris rekonsiliasi")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["reconciliation", "bucket", "key"], name="imports_reconciliation_row_key"),
            models.CheckConstraint(
                condition=models.Q(bucket__in=["entered", "left", "missing", "created", "mismatch"]),
                name="imports_reconciliation_row_bucket_valid",
            ),
        ]
        indexes = [
            # The page's filters (bucket, kelurahan, both) each read a page of rows in id order from an index.
            models.Index(fields=["reconciliation", "bucket", "kelurahan", "id"], name="imports_recrow_bucket_idx"),
            models.Index(fields=["reconciliation", "kelurahan", "id"], name="imports_recrow_kel_idx"),
            models.Index(fields=["reconciliation", "decision", "id"], name="imports_recrow_decision_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reconciliation}: {self.get_bucket_display()} {self.key}"

    @property
    def created_in_desil_1(self) -> bool:
        """A family the list's import created in desil 1 (counted only in "created", so the row says it)."""
        return self.bucket == Bucket.CREATED and self.desil_after == 1

    @property
    def proposal_choice(self) -> str:
        """The proposal the decision form offers first ("kind:reason"): the one linked to the row's decision, else the
        bucket's default ("" when the supervisor must choose). Reads the decision and proposal the page joined."""
        decision = self.decision
        if decision is not None and decision.proposal is not None:
            return f"{decision.proposal.kind}:{decision.proposal.reason}"
        kind_reason = PROPOSAL_DEFAULTS.get(self.bucket)
        return ":".join(kind_reason) if kind_reason else ""
