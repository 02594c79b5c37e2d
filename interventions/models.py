from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd
from audit.casework import CaseQuerySet, CaseRecord
from core.dates import validate_happened, validate_planned
from households.models import Household, Person


class Strategy(models.TextChoices):
    """The three national strategies of Inpres 4/2022, plus enabling services such as documents."""

    REDUCE_BURDEN = "reduce_burden", _("Mengurangi beban pengeluaran")
    RAISE_INCOME = "raise_income", _("Meningkatkan pendapatan")
    REDUCE_POCKETS = "reduce_pockets", _("Mengurangi kantong kemiskinan")
    ENABLER = "enabler", _("Pendukung (administrasi kependudukan)")


class Target(models.TextChoices):
    PERSON = "person", _("Perorangan")
    HOUSEHOLD = "household", _("Rumah tangga")


class FundingSource(models.TextChoices):
    APBN = "apbn", _("APBN")
    APBD_PROVINCE = "apbd_provinsi", _("APBD Provinsi")
    APBD_CITY = "apbd_kota", _("APBD Kota")
    OTHER = "lainnya", _("Lainnya (CSR, Baznas, dll)")


class Period(models.TextChoices):
    """How often a person may receive a programme; a second one in the same period needs confirmation."""

    ONCE = "once", _("Sekali (mis. KTP, bedah rumah)")
    YEAR = "year", _("Sekali per tahun")
    QUARTER = "quarter", _("Sekali per triwulan (tahap)")
    MONTH = "month", _("Sekali per bulan")


class Program(models.Model):
    opd = models.ForeignKey(Opd, verbose_name=_("OPD pelaksana"), on_delete=models.PROTECT, related_name="programs")
    name = models.CharField(_("nama program"), max_length=150)
    description = models.TextField(_("keterangan"), blank=True)
    strategy = models.CharField(_("strategi"), max_length=20, choices=Strategy.choices)
    target = models.CharField(_("sasaran"), max_length=10, choices=Target.choices, default=Target.PERSON)
    unit = models.CharField(_("satuan"), max_length=30, blank=True, help_text=_("Mis. paket, orang, rumah, bulan."))
    funding_source = models.CharField(_("sumber dana"), max_length=20, choices=FundingSource.choices)
    period = models.CharField(_("periode"), max_length=10, choices=Period.choices, default=Period.YEAR)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")
        ordering = ["opd__short_name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["opd", "name"], name="interventions_program_opd_name_unique"),
            models.CheckConstraint(
                condition=Q(strategy__in=["reduce_burden", "raise_income", "reduce_pockets", "enabler"]),
                name="interventions_program_strategy_valid",
            ),
            models.CheckConstraint(
                condition=Q(target__in=["person", "household"]), name="interventions_program_target_valid"
            ),
        ]
        indexes = [models.Index(fields=["opd", "is_active"], name="program_opd_active_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.opd.short_name})"


def delivered_reaching_person(person_ref=None) -> models.Exists:
    """True for a person with a delivered intervention of their own or one given to their whole household."""
    person_ref = person_ref or models.OuterRef("pk")
    household_ref = models.OuterRef("household_id")
    return models.Exists(
        Intervention.objects.filter(status=Intervention.Status.DELIVERED).filter(
            Q(person=person_ref) | Q(person__isnull=True, household=household_ref)
        )
    )


class InterventionQuerySet(CaseQuerySet):
    def delivered(self) -> "InterventionQuerySet":
        return self.filter(status=Intervention.Status.DELIVERED)

    def open(self) -> "InterventionQuerySet":
        return self.filter(status__in=[Intervention.Status.PLANNED, Intervention.Status.IN_PROGRESS])


class Intervention(CaseRecord):
    """One programme delivered by an OPD to a person (or to a whole household)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Direncanakan")
        IN_PROGRESS = "in_progress", _("Sedang berjalan")
        DELIVERED = "delivered", _("Tersalurkan")
        CANCELLED = "cancelled", _("Dibatalkan")

    # Which status may follow which; anything else is refused by the service.
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PLANNED: {Status.IN_PROGRESS, Status.DELIVERED, Status.CANCELLED},
        Status.IN_PROGRESS: {Status.DELIVERED, Status.CANCELLED},
        Status.DELIVERED: set(),
        Status.CANCELLED: set(),
    }

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="interventions"
    )
    # The OPD that delivers; copied from the programme when recorded, so later ownership changes keep history right.
    opd = models.ForeignKey(Opd, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="interventions")
    household = models.ForeignKey(
        Household, verbose_name=_("rumah tangga"), on_delete=models.PROTECT, related_name="interventions"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("penerima"),
        on_delete=models.PROTECT,
        related_name="interventions",
        null=True,
        blank=True,
        help_text=_("Kosong bila bantuan untuk seluruh rumah tangga."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    planned_on = models.DateField(_("tanggal rencana"), default=timezone.localdate, validators=[validate_planned])
    delivered_on = models.DateField(_("tanggal tersalurkan"), null=True, blank=True, validators=[validate_happened])
    cancel_reason = models.TextField(_("alasan pembatalan"), blank=True)
    amount = models.PositiveBigIntegerField(_("nilai (Rp)"), null=True, blank=True)
    quantity = models.DecimalField(
        _("jumlah"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, _("Jumlah tidak boleh kurang dari 0."))],
    )
    notes = models.TextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dicatat oleh"), on_delete=models.PROTECT, related_name="+"
    )
    status_changed_at = models.DateTimeField(_("status berubah"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = InterventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervensi")
        verbose_name_plural = _("intervensi")
        ordering = ["-planned_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["planned", "in_progress", "delivered", "cancelled"]),
                name="interventions_intervention_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_on__isnull=False),
                name="interventions_intervention_delivered_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="interventions_intervention_cancel_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="interventions_intervention_amount_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="interventions_intervention_quantity_gte_0",
                violation_error_message=_("Jumlah tidak boleh kurang dari 0."),
            ),
            models.CheckConstraint(
                condition=Q(delivered_on__isnull=True) | Q(delivered_on__gte=F("planned_on")),
                name="interventions_intervention_delivered_after_planned",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "id"], name="iv_status_id_idx"),  # a sort by status, ties by id
            models.Index(fields=["opd", "status"], name="iv_opd_status_idx"),
            models.Index(fields=["household", "status"], name="iv_household_status_idx"),
            models.Index(fields=["person", "program"], name="iv_person_program_idx"),
            models.Index(fields=["program", "status"], name="iv_program_status_idx"),
            models.Index(fields=["delivered_on"], name="iv_delivered_on_idx"),
            # Persons reached in a period (the dashboard): the period's deliveries to a person, read from the
            # index alone.
            models.Index(
                fields=["delivered_on", "opd", "person"],
                condition=models.Q(status="delivered", person__isnull=False),
                name="iv_reached_idx",
            ),
            # The list's default sort (newest plan first): a page of rows without sorting the whole table.
            models.Index(fields=["-planned_on", "-id"], name="iv_planned_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.program.name}: {self.person or self.household}"

    # A delivery counts where it was recorded and, for "served", in the recipient's household now.
    @classmethod
    def case_ids_of_rows(cls, queryset: models.QuerySet) -> set[int]:
        pairs = queryset.order_by().values_list("household_id", "person__household_id").distinct()
        return {pk for pair in pairs for pk in pair} - {None}

    def case_ids(self) -> set[int]:
        person_household = self.person.household_id if self.person is not None else None  # no query without one
        return {pk for pk in (self.household_id, person_household) if pk is not None}

    def clean(self) -> None:
        errors = {}
        if self.status == self.Status.DELIVERED and not self.delivered_on:
            errors["delivered_on"] = _("Tanggal tersalurkan wajib diisi untuk intervensi yang tersalurkan.")
        if self.delivered_on and self.planned_on and self.delivered_on < self.planned_on:
            errors["delivered_on"] = _("Tanggal tersalurkan tidak boleh sebelum tanggal rencana.")
        if self.status == self.Status.CANCELLED and not self.cancel_reason.strip():
            errors["cancel_reason"] = _("Alasan pembatalan wajib diisi.")
        if (
            self._state.adding
            and self.person_id
            and self.household_id
            and self.person is not None
            and self.person.household_id != self.household_id
        ):
            errors["person"] = _("Penerima bukan anggota rumah tangga ini.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS)
