"""Needs, who is responsible for them, referrals to each OPD, and graduation decided by Dinsos."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd
from audit.casework import CaseQuerySet, CaseRecord
from core.dates import validate_happened
from households.models import Household, Person, Sex, Visit
from interventions.models import Intervention, Program

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Need(models.TextChoices):
    """Dimensions of extreme poverty, aligned with the three national strategies."""

    NO_DOCUMENTS = "no_documents", _("Belum punya KTP/KK/akta kelahiran")
    NO_HEALTH_INSURANCE = "no_health_insurance", _("Belum punya jaminan kesehatan (JKN/PBI)")
    CHILD_OUT_OF_SCHOOL = "child_out_of_school", _("Anak 7–18 tahun tidak sekolah")
    NO_WORK = "no_work", _("Usia kerja tanpa pekerjaan/penghasilan")
    NO_FOOD_AID = "no_food_aid", _("Belum menerima bantuan pangan")
    UNINHABITABLE_HOUSE = "uninhabitable_house", _("Rumah tidak layak huni (RTLH)")
    NO_CLEAN_WATER = "no_clean_water", _("Tidak ada air bersih")
    NO_TOILET = "no_toilet", _("Tidak ada jamban layak")
    NO_ELECTRICITY = "no_electricity", _("Tidak ada listrik")
    DISABILITY_UNSUPPORTED = "disability_unsupported", _("Disabilitas/penyakit kronis tanpa dukungan")
    STUNTING_RISK = "stunting_risk", _("Risiko stunting")


@dataclass(frozen=True)
class NeedScope:
    """To whom one need applies: the household as a whole, or members of an age range (and sex).

    Ages are whole years, both ends included; `None` leaves that end open. `sexes` empty means either sex.
    A member whose birth date (or sex) is not recorded is offered every member need: a need is never hidden
    because data is missing. No need in `NEED_SCOPE` is narrowed by sex yet: stunting risk would apply to
    pregnant women too, but pregnancy is not recorded on a member, so it is offered to under-fives only.
    """

    who: "StrOrPromise"  # says to whom it applies, for the page and for a refusal ("anak usia 7–18 tahun")
    household: bool = False  # offered once for the household, never per member
    min_age: int | None = None
    max_age: int | None = None
    sexes: frozenset[str] = frozenset()

    def fits(self, *, age: int | None, sex: str) -> bool:
        """Whether a member of this age and sex may have the need (always False for a household need)."""
        if self.household:
            return False
        if self.sexes and sex in Sex.values and sex not in self.sexes:
            return False
        if age is None:
            return True
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)


# To whom each need applies: the one table the assessment form, its page and `assessment_record` read.
# - Stunting risk: under-fives. Pregnant women are at risk too, but pregnancy is not recorded on a member,
#   so they are not offered it; record pregnancy on Person first, then add the women here.
# - Out of school: 7–18, the ages of compulsory (wajib belajar 12 tahun) schooling, as the label says.
# - No work: working age 15–64 (BPS); there is no separate need for the elderly (60+) in the catalogue.
# - Documents, health insurance, disability or chronic illness: any age — a baby needs an akta kelahiran and
#   JKN. Disability is not narrowed to members recorded with one: the assessment is where it is found.
NEED_SCOPE: dict[Need, NeedScope] = {
    Need.NO_DOCUMENTS: NeedScope(who=_("semua umur")),
    Need.NO_HEALTH_INSURANCE: NeedScope(who=_("semua umur")),
    Need.CHILD_OUT_OF_SCHOOL: NeedScope(who=_("anak usia 7–18 tahun"), min_age=7, max_age=18),
    Need.NO_WORK: NeedScope(who=_("usia kerja 15–64 tahun"), min_age=15, max_age=64),
    Need.NO_FOOD_AID: NeedScope(who=_("rumah tangga"), household=True),
    Need.UNINHABITABLE_HOUSE: NeedScope(who=_("rumah tangga"), household=True),
    Need.NO_CLEAN_WATER: NeedScope(who=_("rumah tangga"), household=True),
    Need.NO_TOILET: NeedScope(who=_("rumah tangga"), household=True),
    Need.NO_ELECTRICITY: NeedScope(who=_("rumah tangga"), household=True),
    Need.DISABILITY_UNSUPPORTED: NeedScope(who=_("semua umur")),
    Need.STUNTING_RISK: NeedScope(who=_("anak di bawah 5 tahun"), max_age=4),
}

HOUSEHOLD_NEEDS = [need for need in Need if NEED_SCOPE[need].household]
# Needs that belong to one member; the others belong to the whole household.
PERSON_NEEDS = [need for need in Need if not NEED_SCOPE[need].household]


def needs_for(person: Person, on: datetime.date) -> list[Need]:
    """The member needs that apply to `person` on the day `on` (their age that day), in catalogue order."""
    age = person.age_on(on)
    return [need for need in PERSON_NEEDS if NEED_SCOPE[need].fits(age=age, sex=person.sex)]


def need_refusal(need: str, person: Person | None, on: datetime.date) -> str | None:
    """Why `need` cannot be recorded for `person` (None: for the household) on `on`, or None if it can."""
    if need not in Need.values:
        return gettext("Kebutuhan tidak dikenal.")
    label, scope = Need(need).label, NEED_SCOPE[Need(need)]
    if person is None:
        if scope.household:
            return None
        return gettext("Kebutuhan “%(need)s” dicatat untuk anggota, bukan untuk rumah tangga.") % {"need": label}
    if scope.household:
        return gettext("Kebutuhan “%(need)s” dicatat untuk rumah tangga, bukan untuk anggota.") % {"need": label}
    age = person.age_on(on)
    if scope.fits(age=age, sex=person.sex):
        return None
    return gettext(
        "Kebutuhan “%(need)s” tidak berlaku untuk %(name)s (%(age)s tahun pada %(date)s): hanya untuk %(who)s."
    ) % {"need": label, "name": person.full_name, "age": age, "date": on.strftime("%d/%m/%Y"), "who": scope.who}


class ResponsibilityRule(models.Model):
    """Which OPD answers a need, with the programmes it usually uses and how long it may take."""

    need = models.CharField(_("kebutuhan"), max_length=30, choices=Need.choices, unique=True)
    opd = models.ForeignKey(Opd, verbose_name=_("OPD penanggung jawab"), on_delete=models.PROTECT, related_name="+")
    programs = models.ManyToManyField(Program, verbose_name=_("program yang disarankan"), blank=True, related_name="+")
    due_days = models.PositiveSmallIntegerField(_("batas waktu (hari)"), default=60)

    class Meta:
        verbose_name = _("aturan tanggung jawab")
        verbose_name_plural = _("aturan tanggung jawab")
        ordering = ["need"]

    def __str__(self) -> str:
        return f"{self.get_need_display()} → {self.opd}"


class Assessment(models.Model):
    """A needs assessment of a household, at a visit or from the case file."""

    household = models.ForeignKey(
        Household, verbose_name=_("rumah tangga"), on_delete=models.PROTECT, related_name="assessments"
    )
    visit = models.ForeignKey(
        Visit, verbose_name=_("kunjungan"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField(_("tanggal asesmen"), default=timezone.localdate, validators=[validate_happened])
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("asesmen kebutuhan")
        verbose_name_plural = _("asesmen kebutuhan")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["household", "assessed_on"], name="coord_assessment_hh_idx")]

    def __str__(self) -> str:
        return _("Asesmen %(date)s") % {"date": self.assessed_on.strftime("%d/%m/%Y")}


class ReferralQuerySet(CaseQuerySet):
    def open(self) -> "ReferralQuerySet":
        return self.filter(status__in=[Referral.Status.SENT, Referral.Status.ACCEPTED])

    def overdue(self, today=None) -> "ReferralQuerySet":
        return self.open().filter(due_on__lt=today or timezone.localdate())


class Referral(CaseRecord):
    """A need of a household (or one member) addressed to an OPD, from sent to fulfilled."""

    class Status(models.TextChoices):
        SENT = "sent", _("Dirujuk")
        ACCEPTED = "accepted", _("Diterima")
        DECLINED = "declined", _("Ditolak")
        FULFILLED = "fulfilled", _("Terpenuhi")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.SENT: {Status.ACCEPTED, Status.DECLINED, Status.FULFILLED},
        Status.ACCEPTED: {Status.FULFILLED, Status.DECLINED},
        Status.DECLINED: {Status.SENT},  # reassigned by Dinsos
        Status.FULFILLED: set(),
    }

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("rumah tangga"), on_delete=models.PROTECT, related_name="referrals"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("anggota"), on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    need = models.CharField(_("kebutuhan"), max_length=30, choices=Need.choices)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    opd = models.ForeignKey(Opd, verbose_name=_("OPD tujuan"), on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    due_on = models.DateField(_("batas waktu"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dikirim oleh"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("dikirim"), default=timezone.now)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditangani oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_referrals",
    )
    decline_reason = models.TextField(_("alasan penolakan"), blank=True)
    intervention = models.ForeignKey(
        Intervention,
        verbose_name=_("intervensi yang memenuhi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    status_changed_at = models.DateTimeField(_("status berubah"), default=timezone.now)
    fulfilled_at = models.DateTimeField(_("terpenuhi"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("rujukan")
        verbose_name_plural = _("rujukan")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["sent", "accepted", "declined", "fulfilled"]),
                name="coord_referral_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="coord_referral_declined_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="fulfilled") | Q(fulfilled_at__isnull=False),
                name="coord_referral_fulfilled_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["opd", "status", "due_on"], name="coord_referral_inbox_idx"),
            models.Index(fields=["household", "need"], name="coord_referral_hh_need_idx"),
            models.Index(fields=["status", "due_on"], name="coord_referral_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_need_display()} → {self.opd}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.ACCEPTED)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def awaits_acceptance(self) -> bool:
        """Sent and not yet accepted or declined by the OPD."""
        return self.status == self.Status.SENT

    @property
    def is_declined(self) -> bool:
        """Declined by the OPD: Dinsos may send it to another OPD."""
        return self.status == self.Status.DECLINED


class ReferralEvent(models.Model):
    """Every step of a referral: who moved it, when, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(_("dari"), max_length=10, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(_("menjadi"), max_length=10, choices=Referral.Status.choices)
    opd = models.ForeignKey(Opd, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="coord_event_referral_idx")]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status} → {self.to_status}"


class GraduationProposal(models.Model):
    """A caseworker proposes that a household has left extreme poverty; a Dinsos supervisor decides."""

    class Basis(models.TextChoices):
        NEEDS_FULFILLED = "needs_fulfilled", _("Semua kebutuhan terpenuhi")
        EXPENDITURE = "expenditure", _("Pengeluaran per kapita di atas garis kemiskinan ekstrem")

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu keputusan")
        APPROVED = "approved", _("Disetujui")
        REJECTED = "rejected", _("Ditolak")

    household = models.ForeignKey(
        Household, verbose_name=_("rumah tangga"), on_delete=models.PROTECT, related_name="graduation_proposals"
    )
    basis = models.CharField(_("dasar"), max_length=20, choices=Basis.choices)
    expenditure = models.PositiveBigIntegerField(_("pengeluaran per kapita (Rp)"), null=True, blank=True)
    expenditure_measured_on = models.DateField(_("tanggal pengukuran pengeluaran"), null=True, blank=True)
    poverty_line = models.PositiveIntegerField(_("garis kemiskinan berlaku (Rp)"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diusulkan oleh"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("diusulkan"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decision_reason = models.TextField(_("alasan keputusan"), blank=True)

    class Meta:
        verbose_name = _("usulan graduasi")
        verbose_name_plural = _("usulan graduasi")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]), name="coord_graduation_status_valid"
            ),
            models.UniqueConstraint(
                fields=["household"], condition=Q(status="pending"), name="coord_graduation_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | ~Q(decision_reason=""), name="coord_graduation_decision_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["status", "proposed_at"], name="coord_graduation_status_idx")]

    def __str__(self) -> str:
        return _("Usulan graduasi rumah tangga #%(id)s") % {"id": self.household_id}


class DtsenProposal(models.Model):
    """A proposal (usulan) to change the national register DTSEN for one household: add a family not yet in it,
    change what it says (moved, died, NIK/KK corrected, circumstances changed) or remove a family.

    A city changes DTSEN only through proposals: a kelurahan meeting (musyawarah kelurahan, Muskel) agrees on it
    and signs a berita acara; Dinsos checks it and may check it in the field (ground check); the operator then
    enters it in SIKS-NG. In this app a proposal counts nowhere official until its Muskel agreed *and* a Dinsos
    supervisor approved it (constraint `coord_dtsen_approved_after_muskel`). A household registered in the
    browser starts as status "proposed" (`Household.Status.PROPOSED`) with a proposal for a new family; only the
    approval makes it extreme poor, so it enters the official count (see `dashboard.derived`)."""

    class Kind(models.TextChoices):
        NEW = "new", _("Keluarga baru")
        CHANGE = "change", _("Perubahan data")
        REMOVAL = "removal", _("Penghapusan")

    class Reason(models.TextChoices):
        NOT_LISTED = "not_listed", _("Belum terdaftar di DTSEN")
        CIRCUMSTANCES = "circumstances", _("Kondisi ekonomi berubah")
        MOVED = "moved", _("Pindah domisili")
        DIED = "died", _("Meninggal dunia")
        IDENTITY = "identity", _("NIK/No. KK diperbaiki")
        NOT_ELIGIBLE = "not_eligible", _("Sudah mampu / tidak layak")
        DUPLICATE = "duplicate", _("Data ganda")
        OTHER = "other", _("Lainnya")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Menunggu musyawarah kelurahan")
        DELIBERATED = "deliberated", _("Sudah dimusyawarahkan, menunggu keputusan")
        APPROVED = "approved", _("Disetujui")
        REJECTED = "rejected", _("Ditolak")

    OPEN_STATES: ClassVar[tuple[str, ...]] = (State.SUBMITTED, State.DELIBERATED)

    household = models.ForeignKey(
        Household, verbose_name=_("rumah tangga"), on_delete=models.PROTECT, related_name="dtsen_proposals"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("anggota yang diusulkan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dtsen_proposals",
        help_text=_("Kosongkan bila usulan untuk seluruh keluarga."),
    )
    kind = models.CharField(_("jenis usulan"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("alasan"), max_length=20, choices=Reason.choices)
    description = models.TextField(_("keterangan"))
    state = models.CharField(_("tahap"), max_length=12, choices=State.choices, default=State.SUBMITTED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diusulkan oleh"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("diusulkan"), default=timezone.now)
    # Musyawarah kelurahan (Muskel / Musdesus): the meeting that agreed or did not agree, with its berita acara.
    muskel_held_on = models.DateField(_("tanggal musyawarah"), null=True, blank=True, validators=[validate_happened])
    muskel_minutes_number = models.CharField(_("nomor berita acara"), max_length=60, blank=True)
    muskel_attendees = models.PositiveSmallIntegerField(_("jumlah peserta hadir"), null=True, blank=True)
    muskel_agreed = models.BooleanField(_("musyawarah menyetujui"), null=True, blank=True)
    muskel_note = models.TextField(_("catatan musyawarah"), blank=True)
    muskel_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The field check (ground check) of the proposal, a visit with its checklist.
    ground_check = models.ForeignKey(
        Visit,
        verbose_name=_("cek lapangan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checked_proposals",
    )
    ground_check_ok = models.BooleanField(_("hasil cek lapangan sesuai"), null=True, blank=True)
    # Its checklist: what the caseworker saw at the house.
    ground_house_matches = models.BooleanField(_("kondisi rumah sesuai data"), null=True, blank=True)
    ground_members_present = models.PositiveSmallIntegerField(_("anggota keluarga dijumpai"), null=True, blank=True)
    ground_documents_seen = models.BooleanField(_("KK/KTP asli diperlihatkan"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decision_note = models.TextField(_("catatan keputusan"), blank=True)
    # The operator has typed the approved proposal into SIKS-NG (the national system): it leaves the to-do list.
    entered_at = models.DateTimeField(_("diinput ke SIKS-NG"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diinput oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("usulan DTSEN")
        verbose_name_plural = _("usulan DTSEN")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["submitted", "deliberated", "approved", "rejected"]),
                name="coord_dtsen_state_valid",
            ),
            models.CheckConstraint(condition=Q(kind__in=["new", "change", "removal"]), name="coord_dtsen_kind_valid"),
            models.CheckConstraint(condition=~Q(description=""), name="coord_dtsen_has_description"),
            # A Muskel result is complete: its date, its berita acara number, who attended, what it decided.
            models.CheckConstraint(
                condition=Q(muskel_agreed__isnull=True)
                | (Q(muskel_held_on__isnull=False, muskel_attendees__gt=0) & ~Q(muskel_minutes_number="")),
                name="coord_dtsen_muskel_complete",
            ),
            models.CheckConstraint(
                condition=Q(state="submitted") | Q(muskel_agreed__isnull=False) | Q(state="rejected"),
                name="coord_dtsen_deliberated_has_muskel",
            ),
            # The rule of the issue: nothing is approved without a Muskel that agreed and a supervisor's decision.
            models.CheckConstraint(
                condition=~Q(state="approved") | Q(muskel_agreed=True, decided_by__isnull=False),
                name="coord_dtsen_approved_after_muskel",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["approved", "rejected"])
                | (Q(decided_by__isnull=False, decided_at__isnull=False) & ~Q(decision_note="")),
                name="coord_dtsen_decision_complete",
            ),
            models.CheckConstraint(
                condition=Q(entered_at__isnull=True) | Q(state="approved", entered_by__isnull=False),
                name="coord_dtsen_entered_when_approved",
            ),
            # A ground check has its result and its whole checklist, with the visit it was made on.
            models.CheckConstraint(
                condition=Q(ground_check_ok__isnull=True)
                | Q(
                    ground_check__isnull=False,
                    ground_house_matches__isnull=False,
                    ground_members_present__isnull=False,
                    ground_documents_seen__isnull=False,
                ),
                name="coord_dtsen_ground_check_complete",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(state__in=["submitted", "deliberated"]),
                name="coord_dtsen_one_open_per_household",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-proposed_at", "-id"], name="coord_dtsen_state_idx"),
            models.Index(fields=["-proposed_at", "-id"], name="coord_dtsen_recent_idx"),
        ]

    def __str__(self) -> str:
        return gettext("Usulan DTSEN #%(id)s") % {"id": self.pk}

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def submitted_on(self) -> datetime.date:
        """The day (Asia/Jakarta) the proposal was entered."""
        return timezone.localdate(self.proposed_at)

    @classmethod
    def kind_refusal(cls, kind: str, household: Household) -> str | None:
        """Why a proposal of `kind` cannot be opened for `household`, or None: a family already counted as extreme
        poor came from a national list or a supervisor's decision, so it is not proposed as a new family (a change
        of its data is)."""
        if kind == cls.Kind.NEW and household.status == Household.Status.EXTREME_POOR:
            return gettext(
                "Rumah tangga ini sudah berstatus miskin ekstrem (sudah dihitung dalam angka resmi), jadi tidak "
                "diusulkan sebagai keluarga baru. Pilih “Perubahan data” bila data atau kondisinya berubah."
            )
        return None

    def needs_resulting_status(self, *, approve: bool, household_status: str) -> bool:
        """Whether this decision leaves the household's status to the supervisor: an approved removal of the family
        takes it out of the register, and a rejected proposal leaves a household that waited as "proposed" without
        one. (An approved removal of one member changes that member, not the household: `dtsen_decide`.)"""
        return (approve and self.kind == self.Kind.REMOVAL and self.person_id is None) or (
            not approve and household_status == Household.Status.PROPOSED
        )

    def muskel_date_refusal(self, held_on: datetime.date) -> str | None:
        """Why a Muskel on `held_on` cannot be recorded for this proposal, or None: the meeting deliberates a
        proposal already entered, so it is not dated before that day (nor in the future: `validate_happened`)."""
        if held_on < self.submitted_on:
            return gettext(
                "Tanggal musyawarah %(held_on)s lebih awal dari tanggal usulan #%(id)s diajukan (%(submitted_on)s); "
                "isi tanggal musyawarah yang membahas usulan ini."
            ) % {
                "held_on": date_format(held_on, "SHORT_DATE_FORMAT"),
                "id": self.pk,
                "submitted_on": date_format(self.submitted_on, "SHORT_DATE_FORMAT"),
            }
        return None
