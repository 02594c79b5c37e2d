from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import Household, Kelurahan, Person


class Baseline(models.Model):
    """The count when the programme started, kept as it was: never recomputed from today's data."""

    taken_at = models.DateTimeField(_("diambil"), default=timezone.now)
    label = models.CharField(_("nama"), max_length=100, help_text=_("Mis. P3KE Januari 2024."))
    persons = models.PositiveIntegerField(_("jiwa miskin ekstrem"))
    households = models.PositiveIntegerField(_("rumah tangga miskin ekstrem"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("data dasar")
        verbose_name_plural = _("data dasar")
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return self.label


class BaselinePerson(models.Model):
    """Who was extreme-poor at the baseline, and where: the cohort the dashboard follows."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    household_id = models.PositiveBigIntegerField()
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["baseline", "person"], name="dashboard_baseline_person_unique")]
        indexes = [models.Index(fields=["baseline", "kelurahan"], name="dashboard_bp_kel_idx")]

    def __str__(self) -> str:
        return f"{self.baseline_id}:{self.person_id}"


class Tally(models.Model):
    """A running total the dashboard sums instead of scanning millions of case rows.

    One row per measure, kelurahan, OPD (0 for measures of places), day (for measures a period or
    "overdue" filters on; `UNDATED` otherwise) and bucket (days to fulfil a referral). Kept exact by
    `dashboard.derived.refresh`, in the same transaction as the change it counts.
    """

    measure = models.CharField(max_length=20)
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.PROTECT, related_name="+")
    opd = models.PositiveIntegerField(default=0)
    day = models.DateField()
    bucket = models.IntegerField(default=0)
    n = models.BigIntegerField(default=0)
    amount = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "kelurahan", "opd", "day", "bucket"], name="dashboard_tally_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.kelurahan_id}/{self.opd} {self.day}: {self.n}"


class Contribution(models.Model):
    """What one household adds to the tallies right now: the ledger `refresh` compares against, so a
    change applies only its difference. Survives a deleted household so its share can be taken back."""

    household = models.OneToOneField(
        Household, on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True, related_name="+"
    )
    tallies = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.household_id}"


class QuarterlyReport(models.Model):
    """The quarterly report of one quarter as it was made (`dashboard.quarterly.compute`). Made after its
    quarter ended, it is final: asking for it again gives these numbers, whatever is corrected later."""

    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"))
    data = models.JSONField(_("isi laporan"))
    final = models.BooleanField(_("dibekukan"), default=False)
    generated_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("laporan triwulan")
        verbose_name_plural = _("laporan triwulan")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="dashboard_quarterly_one_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="dashboard_quarterly_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter}"
