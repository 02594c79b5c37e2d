import datetime
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.casework import CaseQuerySet, CaseRecord
from core.dates import refusal, validate_birth_date, validate_happened, validate_planned
from households.nik import validate_nik, validate_nik_format, validate_no_kk


def normalize_name(value: str) -> str:
    """Lower case, accents removed, spaces collapsed: what name search compares."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


# Both code systems are kept: below the city level they differ, and a Kemendagri code without its dots can be the
# BPS code of another place (Kemendagri 62.71.01.1001 Pahandut, BPS 6271011001 Kereng Bangkirai; households/data).
KEMENDAGRI_HELP = _("Kepmendagri 300.2.2-2138/2025, dengan titik.")
BPS_HELP = _("Kode wilayah BPS, tanpa titik; berbeda dengan kode Kemendagri di bawah tingkat kota.")


class Kecamatan(models.Model):
    code = models.CharField(
        _("kode Kemendagri"),
        max_length=8,
        unique=True,
        help_text=KEMENDAGRI_HELP,
        validators=[RegexValidator(r"^62\.71\.\d{2}$", _("Tulis seperti 62.71.04."))],
    )
    bps_code = models.CharField(
        _("kode BPS"),
        max_length=7,
        blank=True,
        help_text=BPS_HELP,
        validators=[RegexValidator(r"^6271\d{3}$", _("Tulis 7 digit, seperti 6271011."))],
    )
    name = models.CharField(_("nama"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["bps_code"], condition=~Q(bps_code=""), name="households_kecamatan_bps_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Kelurahan(models.Model):
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.PROTECT, related_name="kelurahan_set"
    )
    code = models.CharField(
        _("kode Kemendagri"),
        max_length=13,
        unique=True,
        help_text=KEMENDAGRI_HELP,
        validators=[RegexValidator(r"^62\.71\.\d{2}\.[12]\d{3}$", _("Tulis seperti 62.71.04.1004."))],
    )
    bps_code = models.CharField(
        _("kode BPS"),
        max_length=10,
        blank=True,
        help_text=BPS_HELP,
        validators=[RegexValidator(r"^6271\d{6}$", _("Tulis 10 digit, seperti 6271011004."))],
    )
    name = models.CharField(_("nama"), max_length=100)
    is_priority_locus = models.BooleanField(
        _("lokus prioritas"), default=False, help_text=_("Kelurahan yang menjadi lokus prioritas penghapusan.")
    )

    class Meta:
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "name"], name="households_kelurahan_name_unique"),
            models.UniqueConstraint(
                fields=["bps_code"], condition=~Q(bps_code=""), name="households_kelurahan_bps_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["is_priority_locus"], name="households_kel_priority_idx"),
            # The registry sorted by kelurahan: kelurahan in name order, each one's households by id (an
            # incremental sort of one kelurahan at a time instead of sorting every household; 340 -> 34 ms at 1M).
            models.Index(fields=["name"], name="households_kel_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Ownership(models.TextChoices):
    OWN = "milik_sendiri", _("Milik sendiri")
    RENT = "kontrak_sewa", _("Kontrak/sewa")
    RENT_FREE = "bebas_sewa", _("Bebas sewa (menumpang)")
    OFFICIAL = "dinas", _("Rumah dinas")
    OTHER = "lainnya", _("Lainnya")


class Floor(models.TextChoices):
    TILE = "keramik", _("Keramik/granit/marmer/ubin/tegel/teraso")
    WOOD = "kayu_papan", _("Kayu/papan")
    CEMENT = "semen", _("Semen/bata merah")
    BAMBOO = "bambu", _("Bambu")
    EARTH = "tanah", _("Tanah")
    OTHER = "lainnya", _("Lainnya")


class Wall(models.TextChoices):
    MASONRY = "tembok", _("Tembok")
    PLASTERED_WOVEN = "plesteran_anyaman", _("Plesteran anyaman bambu/kawat")
    WOOD = "kayu_papan", _("Kayu/papan/gypsum/GRC")
    WOVEN_BAMBOO = "anyaman_bambu", _("Anyaman bambu")
    LOG = "batang_kayu", _("Batang kayu")
    BAMBOO = "bambu", _("Bambu")
    OTHER = "lainnya", _("Lainnya")


class Roof(models.TextChoices):
    CONCRETE = "beton", _("Beton")
    CLAY_TILE = "genteng", _("Genteng")
    ZINC = "seng", _("Seng")
    ASBESTOS = "asbes", _("Asbes")
    SHINGLE = "kayu_sirap", _("Kayu/sirap")
    BAMBOO = "bambu", _("Bambu")
    THATCH = "jerami_ijuk_daun", _("Jerami/ijuk/daun/rumbia")
    OTHER = "lainnya", _("Lainnya")


class Lighting(models.TextChoices):
    PLN_METERED = "pln_meteran", _("Listrik PLN meteran")
    PLN_UNMETERED = "pln_non_meteran", _("Listrik PLN non meteran")
    NON_PLN = "non_pln", _("Listrik non-PLN")
    NONE = "bukan_listrik", _("Bukan listrik")


class CookingFuel(models.TextChoices):
    ELECTRIC = "listrik", _("Listrik")
    LPG_LARGE = "elpiji_besar", _("Elpiji 5,5 kg/12 kg/gas kota")
    LPG_3KG = "elpiji_3kg", _("Elpiji 3 kg")
    KEROSENE = "minyak_tanah", _("Minyak tanah")
    WOOD = "kayu_arang", _("Kayu bakar/arang")
    NONE = "tidak_memasak", _("Tidak memasak di rumah")
    OTHER = "lainnya", _("Lainnya")


class DrinkingWater(models.TextChoices):
    BOTTLED = "kemasan_isi_ulang", _("Air kemasan/isi ulang")
    PIPED = "leding", _("Leding (PDAM)")
    BORED_WELL = "sumur_bor", _("Sumur bor/pompa")
    PROTECTED_WELL = "sumur_terlindung", _("Sumur terlindung")
    UNPROTECTED_WELL = "sumur_tidak_terlindung", _("Sumur tidak terlindung")
    SPRING = "mata_air", _("Mata air")
    RAIN = "air_hujan", _("Air hujan")
    SURFACE = "air_permukaan", _("Air permukaan (sungai, danau, dll)")
    OTHER = "lainnya", _("Lainnya")


class Toilet(models.TextChoices):
    OWN = "sendiri", _("Ada, dipakai sendiri")
    SHARED = "bersama", _("Ada, dipakai bersama")
    PUBLIC = "umum", _("MCK umum")
    NONE = "tidak_ada", _("Tidak ada")


HOUSE_INDICATOR_FIELDS = (
    "ownership",
    "floor",
    "wall",
    "roof",
    "lighting",
    "cooking_fuel",
    "drinking_water",
    "toilet",
)


LATITUDE_RANGE = _(
    "Lintang harus di antara -90 dan 90 (Palangka Raya sekitar -2,2); periksa apakah tertukar dengan bujur."
)
LONGITUDE_RANGE = _(
    "Bujur harus di antara -180 dan 180 (Palangka Raya sekitar 113,9); periksa apakah tertukar dengan lintang."
)
BOTH_COORDINATES = _("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya.")


class HouseholdQuerySet(CaseQuerySet):
    def active(self) -> "HouseholdQuerySet":
        """Not archived: what lists and counts show by default."""
        return self.filter(archived_at__isnull=True)

    def extreme_poor(self) -> "HouseholdQuerySet":
        return self.active().filter(status=Household.Status.EXTREME_POOR)


class RankingSource(models.TextChoices):
    """The national lists a household's desil comes from (../shared/DOMAIN.md, "DTSEN")."""

    DTSEN = "dtsen", "DTSEN"
    P3KE = "p3ke", "P3KE"
    DTKS = "dtks", "DTKS"
    OTHER = "other", _("Lainnya")


DESIL_CHOICES = [(d, f"Desil {d}") for d in range(1, 11)]


class Household(CaseRecord):
    class Status(models.TextChoices):
        EXTREME_POOR = "extreme_poor", _("Miskin ekstrem")
        # Registered in the app as extreme poor, not yet verified: a DTSEN proposal (coordination.DtsenProposal)
        # waits for its Muskel and a supervisor's approval, which makes it extreme poor. Not in official counts.
        PROPOSED = "proposed", _("Diusulkan, menunggu verifikasi")
        POOR = "poor", _("Miskin")
        VULNERABLE = "vulnerable", _("Rentan miskin")
        GRADUATED = "graduated", _("Graduasi")
        MOVED = "moved", _("Pindah")
        DISSOLVED = "dissolved", _("Meninggal/bubar")

    case_field = "pk"

    no_kk = models.CharField(_("No. KK"), max_length=16, blank=True, validators=[validate_no_kk])
    p3ke_id = models.CharField(_("ID keluarga P3KE"), max_length=40, blank=True)
    kelurahan = models.ForeignKey(
        Kelurahan, verbose_name=_("kelurahan"), on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField(_("alamat"), max_length=255)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    latitude = models.DecimalField(
        _("lintang"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90, LATITUDE_RANGE), MaxValueValidator(90, LATITUDE_RANGE)],
    )
    longitude = models.DecimalField(
        _("bujur"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180, LONGITUDE_RANGE), MaxValueValidator(180, LONGITUDE_RANGE)],
    )
    # The latest national ranking (Ranking, by its "as of" date): written only by households.rankings.
    desil = models.PositiveSmallIntegerField(
        _("desil kesejahteraan"),
        null=True,
        blank=True,
        editable=False,
        choices=DESIL_CHOICES,
        help_text=_("Desil terakhir dari daftar nasional (DTSEN 1-10, P3KE 1-4): 1 = paling miskin."),
    )
    desil_source = models.CharField(
        _("sumber desil"), max_length=10, blank=True, editable=False, choices=RankingSource.choices
    )
    desil_as_of = models.DateField(_("desil per tanggal"), null=True, blank=True, editable=False)
    ownership = models.CharField(_("status kepemilikan rumah"), max_length=20, blank=True, choices=Ownership.choices)
    floor = models.CharField(_("jenis lantai"), max_length=20, blank=True, choices=Floor.choices)
    wall = models.CharField(_("jenis dinding"), max_length=20, blank=True, choices=Wall.choices)
    roof = models.CharField(_("jenis atap"), max_length=20, blank=True, choices=Roof.choices)
    lighting = models.CharField(_("sumber penerangan"), max_length=20, blank=True, choices=Lighting.choices)
    cooking_fuel = models.CharField(_("bahan bakar memasak"), max_length=20, blank=True, choices=CookingFuel.choices)
    drinking_water = models.CharField(_("sumber air minum"), max_length=25, blank=True, choices=DrinkingWater.choices)
    toilet = models.CharField(_("fasilitas BAB"), max_length=20, blank=True, choices=Toilet.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.EXTREME_POOR)
    status_changed_at = models.DateTimeField(_("status berubah"), default=timezone.now)
    expenditure_per_capita = models.PositiveBigIntegerField(
        _("pengeluaran per kapita per bulan (Rp)"), null=True, blank=True
    )
    expenditure_measured_on = models.DateField(
        _("tanggal pengukuran pengeluaran"), null=True, blank=True, validators=[validate_happened]
    )
    # Summary of the case, derived from its rows by dashboard.derived (the one definition, refreshed in
    # every transaction that changes them), so the registry lists, sorts and filters a province without joins.
    head_name = models.CharField(_("kepala keluarga"), max_length=150, blank=True, editable=False)
    member_count = models.PositiveIntegerField(_("jumlah anggota"), default=0, editable=False)
    extreme_poor_count = models.PositiveIntegerField(_("jiwa miskin ekstrem"), default=0, editable=False)
    last_visit_on = models.DateField(_("kunjungan terakhir"), null=True, blank=True, editable=False)
    next_follow_up_on = models.DateField(_("tindak lanjut berikutnya"), null=True, blank=True, editable=False)
    delivered_count = models.PositiveIntegerField(_("intervensi tersalurkan"), default=0, editable=False)
    # Active extreme-poor members reached by a delivered intervention (their own or the household's).
    served_count = models.PositiveIntegerField(_("jiwa terlayani"), default=0, editable=False)
    referral_count = models.PositiveIntegerField(_("jumlah rujukan"), default=0, editable=False)
    unfulfilled_referrals = models.PositiveIntegerField(_("rujukan belum terpenuhi"), default=0, editable=False)
    # When a graduated household fell back into extreme poverty (the latest time).
    fell_back_at = models.DateTimeField(_("kembali miskin ekstrem"), null=True, blank=True, editable=False)
    # Retention: a household that left the programme can be archived by a supervisor: hidden from
    # default lists and active counts, still readable by direct link and in the audit trail.
    archived_at = models.DateTimeField(_("diarsipkan"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diarsipkan oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    archive_reason = models.TextField(_("alasan arsip"), blank=True, editable=False)
    # Optimistic locking: a save must name the version it was edited from.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("didaftarkan oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("rumah tangga")
        verbose_name_plural = _("rumah tangga")
        ordering = ["-id"]
        constraints = [
            # The forms name the household that has the number, with a link; these messages are for other paths.
            models.UniqueConstraint(
                fields=["no_kk"],
                condition=~Q(no_kk=""),
                name="households_household_kk_unique",
                violation_error_code="unique",
                violation_error_message=_("No. KK ini sudah dipakai rumah tangga lain; periksa nomornya."),
            ),
            models.UniqueConstraint(
                fields=["p3ke_id"],
                condition=~Q(p3ke_id=""),
                name="households_household_p3ke_unique",
                violation_error_code="unique",
                violation_error_message=_("ID keluarga P3KE ini sudah dipakai rumah tangga lain; periksa ID-nya."),
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["extreme_poor", "proposed", "poor", "vulnerable", "graduated", "moved", "dissolved"]
                ),
                name="households_household_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(desil__isnull=True) | Q(desil__gte=1, desil__lte=10), name="households_household_desil_1_10"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="households_household_coordinates_valid",
                violation_error_message=BOTH_COORDINATES,
            ),
        ]
        indexes = [
            # Sorted and filtered columns carry the id: the registry sorts by (column, id), so an index serves a
            # page of a sort without sorting every household sharing a value.
            models.Index(fields=["status", "id"], name="households_hh_status_id_idx"),
            models.Index(fields=["kelurahan", "status"], name="households_hh_kel_status_idx"),
            models.Index(fields=["desil", "id"], name="households_hh_desil_id_idx"),
            models.Index(fields=["status_changed_at"], name="households_hh_status_at_idx"),
            models.Index(fields=["head_name"], name="households_hh_head_idx"),
            models.Index(fields=["last_visit_on", "id"], name="households_hh_visit_id_idx"),
            models.Index(fields=["next_follow_up_on"], name="households_hh_follow_up_idx"),
            models.Index(fields=["delivered_count"], name="households_hh_delivered_idx"),
            # The registry's sort by members (with the id as tie-breaker): 167 -> 2 ms at 1M persons.
            models.Index(fields=["member_count", "id"], name="households_hh_members_idx"),
            models.Index(fields=["archived_at"], name="households_hh_archived_idx"),
            models.Index(fields=["kelurahan", "status", "archived_at"], name="households_hh_dashboard_idx"),
        ]

    def __str__(self) -> str:
        return _("Rumah tangga #%(id)s") % {"id": self.pk}

    @property
    def is_extreme_poor(self) -> bool:
        return self.status == self.Status.EXTREME_POOR

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def has_left_programme(self) -> bool:
        return self.status in (self.Status.GRADUATED, self.Status.MOVED, self.Status.DISSOLVED)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_follow_up_overdue(self) -> bool:
        """The follow-up the latest visit planned is past (the stored summary, as the registry shows it)."""
        return self.next_follow_up_on is not None and self.next_follow_up_on < timezone.localdate()

    def clean(self) -> None:
        # On the empty one of the pair, so the message sits where the user types (and is not repeated).
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude" if self.longitude is None else "latitude": BOTH_COORDINATES})


class HouseholdStatusChange(CaseRecord):
    """Every change of a household's status, with who, when and why."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("dari"), max_length=20, choices=Household.Status.choices, blank=True)
    to_status = models.CharField(_("menjadi"), max_length=20, choices=Household.Status.choices)
    changed_at = models.DateTimeField(_("waktu"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField(_("alasan"))

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("perubahan status")
        verbose_name_plural = _("perubahan status")
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["household", "changed_at"], name="households_hsc_hh_at_idx"),
            models.Index(fields=["to_status", "changed_at"], name="households_hsc_to_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class Ranking(CaseRecord):
    """A household's place in one national list: its desil, which list, as of which date. Kept as history, never
    overwritten by a later list; the household shows the latest (by the list's date)."""

    household = models.ForeignKey(
        Household, verbose_name=_("rumah tangga"), on_delete=models.PROTECT, related_name="rankings"
    )
    source = models.CharField(_("daftar"), max_length=10, choices=RankingSource.choices)
    as_of = models.DateField(_("per tanggal"))
    desil = models.PositiveSmallIntegerField(_("desil"), choices=DESIL_CHOICES)
    family_id = models.CharField(_("ID keluarga di daftar"), max_length=40, blank=True)
    recorded_at = models.DateTimeField(_("dicatat"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    via = models.CharField(_("dicatat lewat"), max_length=100, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("peringkat nasional")
        verbose_name_plural = _("peringkat nasional")
        ordering = ["-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "source", "as_of"], name="households_ranking_one_per_list"),
            models.CheckConstraint(condition=Q(desil__gte=1, desil__lte=10), name="households_ranking_desil_1_10"),
            models.CheckConstraint(
                condition=Q(source__in=["dtsen", "p3ke", "dtks", "other"]), name="households_ranking_source_valid"
            ),
            # P3KE ranks the poorest 40 %: desil 1-4 (households.rankings refuses more with a message).
            models.CheckConstraint(condition=~Q(source="p3ke") | Q(desil__lte=4), name="households_ranking_p3ke_1_4"),
        ]
        indexes = [
            models.Index(fields=["household", "as_of"], name="households_rank_hh_asof_idx"),
            models.Index(fields=["source", "as_of", "desil"], name="households_rank_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household}: {self.get_source_display()} {self.as_of:%d/%m/%Y} desil {self.desil}"


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Relation(models.TextChoices):
    HEAD = "kepala", _("Kepala keluarga")
    SPOUSE = "pasangan", _("Istri/suami")
    CHILD = "anak", _("Anak")
    CHILD_IN_LAW = "menantu", _("Menantu")
    GRANDCHILD = "cucu", _("Cucu")
    PARENT = "orang_tua", _("Orang tua/mertua")
    RELATIVE = "famili", _("Famili lain")
    OTHER = "lainnya", _("Lainnya")


class MaritalStatus(models.TextChoices):
    SINGLE = "belum_kawin", _("Belum kawin")
    MARRIED = "kawin", _("Kawin")
    DIVORCED = "cerai_hidup", _("Cerai hidup")
    WIDOWED = "cerai_mati", _("Cerai mati")


class Education(models.TextChoices):
    NONE = "tidak_sekolah", _("Tidak/belum sekolah")
    PRIMARY_INCOMPLETE = "tidak_tamat_sd", _("Tidak tamat SD")
    PRIMARY = "sd", _("SD/sederajat")
    JUNIOR = "smp", _("SMP/sederajat")
    SENIOR = "sma", _("SMA/sederajat")
    DIPLOMA = "diploma", _("Diploma")
    DEGREE = "sarjana", _("S1 atau lebih")


class Disability(models.TextChoices):
    NONE = "tidak_ada", _("Tidak ada")
    PHYSICAL = "fisik", _("Disabilitas fisik")
    SENSORY = "sensorik", _("Disabilitas sensorik (netra/rungu/wicara)")
    INTELLECTUAL = "intelektual", _("Disabilitas intelektual")
    MENTAL = "mental", _("Disabilitas mental")
    MULTIPLE = "ganda", _("Disabilitas ganda")


class HealthInsurance(models.TextChoices):
    UNKNOWN = "tidak_diketahui", _("Belum diketahui")
    NONE = "tidak_punya", _("Tidak punya JKN")
    PBI = "pbi", _("PBI-JK (iuran dibayar pemerintah)")
    SELF_PAID = "mandiri", _("JKN mandiri (PBPU)")
    EMPLOYEE = "pekerja", _("JKN pekerja (PPU)")


class PersonQuerySet(CaseQuerySet):
    def active(self) -> "PersonQuerySet":
        return self.filter(status=Person.Status.ACTIVE)

    def heads(self) -> "PersonQuerySet":
        """Active heads of household: a household has at most one."""
        return self.active().filter(relation=Relation.HEAD).order_by("id")

    def workable(self) -> "PersonQuerySet":
        """Active members of households that are not archived: those case work may be recorded for."""
        return self.active().filter(household__archived_at__isnull=True)

    def extreme_poor(self) -> "PersonQuerySet":
        """Persons counted as extreme-poor: flagged, still in their household, household still extreme-poor
        and not archived."""
        return self.active().filter(
            is_extreme_poor=True, household__status=Household.Status.EXTREME_POOR, household__archived_at__isnull=True
        )


class Person(CaseRecord):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Anggota aktif")
        MOVED_OUT = "moved_out", _("Pindah keluar")
        DECEASED = "deceased", _("Meninggal")

    household = models.ForeignKey(
        Household, verbose_name=_("rumah tangga"), on_delete=models.PROTECT, related_name="members"
    )
    nik = models.CharField(
        _("NIK"),
        max_length=16,
        blank=True,
        validators=[validate_nik_format],
        help_text=_("16 digit. Boleh kosong bila belum punya NIK."),
    )
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    # Lower-case, accent-free copy of the name for search ("Sitï" finds "siti").
    search_name = models.CharField(max_length=150, blank=True, editable=False)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True, validators=[validate_birth_date])
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    relation = models.CharField(_("hubungan dengan kepala keluarga"), max_length=20, choices=Relation.choices)
    marital_status = models.CharField(_("status perkawinan"), max_length=20, blank=True, choices=MaritalStatus.choices)
    education = models.CharField(_("pendidikan terakhir"), max_length=20, blank=True, choices=Education.choices)
    occupation = models.CharField(_("pekerjaan"), max_length=100, blank=True)
    disability = models.CharField(_("disabilitas"), max_length=20, choices=Disability.choices, default=Disability.NONE)
    chronic_illness = models.CharField(
        _("penyakit kronis"), max_length=200, blank=True, help_text=_("Kosongkan bila tidak ada.")
    )
    health_insurance = models.CharField(
        _("kepesertaan JKN"), max_length=20, choices=HealthInsurance.choices, default=HealthInsurance.UNKNOWN
    )
    is_extreme_poor = models.BooleanField(_("miskin ekstrem"), default=True)
    # Reached by a delivered intervention, of their own or for their whole household (derived by dashboard.derived).
    is_served = models.BooleanField(_("terlayani"), default=False, editable=False)
    status = models.CharField(_("status keanggotaan"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("anggota rumah tangga")
        verbose_name_plural = _("anggota rumah tangga")
        ordering = ["household_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nik"],
                condition=~Q(nik=""),
                name="households_person_nik_unique",
                violation_error_code="unique",
                violation_error_message=_("NIK ini sudah terdaftar untuk orang lain; periksa nomornya."),
            ),
            models.CheckConstraint(condition=Q(sex__in=["L", "P"]), name="households_person_sex_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["active", "moved_out", "deceased"]), name="households_person_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["household", "status"], name="households_person_hh_idx"),
            models.Index(fields=["is_extreme_poor", "status"], name="households_person_ep_idx"),
            models.Index(fields=["search_name"], name="households_person_search_idx"),
            models.Index(fields=["birth_date"], name="households_person_birth_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        # A derived column, kept in step on every save path (services, admin, factories).
        self.search_name = normalize_name(self.full_name)
        if kwargs.get("update_fields") is not None and "full_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)

    def age_on(self, day: datetime.date) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    @property
    def is_head(self) -> bool:
        return self.relation == Relation.HEAD

    @property
    def is_active(self) -> bool:
        """Still a member of the household (not moved out or deceased); case work is recorded for these."""
        return self.status == self.Status.ACTIVE

    @property
    def has_disability(self) -> bool:
        return self.disability != Disability.NONE

    def clean(self) -> None:
        errors: dict[str, str | list[str]] = {}
        # A NIK the field's own validator refuses is reported there once; here only whether it agrees.
        if self.nik and refusal(validate_nik_format, self.nik) is None:
            try:
                validate_nik(self.nik, birth_date=self.birth_date, sex=self.sex)
            except ValidationError as error:
                errors["nik"] = error.messages
        if self.relation == Relation.HEAD and self.status == self.Status.ACTIVE and self.household_id:
            head = Person.objects.heads().filter(household_id=self.household_id).exclude(pk=self.pk).first()
            if head is not None:
                errors["relation"] = _(
                    "%(name)s sudah menjadi kepala keluarga di rumah tangga ini; satu rumah tangga hanya punya satu "
                    "kepala keluarga. Pilih hubungan lain, atau ubah dulu hubungan %(name)s."
                ) % {"name": head.full_name}
        if errors:
            raise ValidationError(errors)


class Visit(CaseRecord):
    """A home visit by a caseworker, with what was found and when to come back."""

    class Purpose(models.TextChoices):
        ASSESSMENT = "assessment", _("Pendataan/asesmen")
        VERIFICATION = "verification", _("Verifikasi data")
        GROUND_CHECK = "ground_check", _("Cek lapangan usulan DTSEN")
        MONITORING = "monitoring", _("Pemantauan")
        DELIVERY = "delivery", _("Penyaluran bantuan")
        FOLLOW_UP = "follow_up", _("Tindak lanjut")
        OTHER = "other", _("Lainnya")

    household = models.ForeignKey(
        Household, verbose_name=_("rumah tangga"), on_delete=models.PROTECT, related_name="visits"
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("petugas"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("tanggal kunjungan"), default=timezone.localdate, validators=[validate_happened])
    purpose = models.CharField(_("tujuan"), max_length=20, choices=Purpose.choices)
    findings = models.TextField(_("temuan"), blank=True)
    next_follow_up_on = models.DateField(
        _("tindak lanjut berikutnya"), null=True, blank=True, validators=[validate_planned]
    )
    # Optimistic locking: an edit must name the version it was made from.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("kunjungan")
        verbose_name_plural = _("kunjungan")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_follow_up_on__isnull=True) | Q(next_follow_up_on__gte=models.F("visited_on")),
                name="households_visit_follow_up_after_visit",
            ),
            models.CheckConstraint(
                condition=Q(
                    purpose__in=[
                        "assessment",
                        "verification",
                        "ground_check",
                        "monitoring",
                        "delivery",
                        "follow_up",
                        "other",
                    ]
                ),
                name="households_visit_purpose_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "visited_on"], name="households_visit_hh_idx"),
            models.Index(fields=["caseworker", "visited_on"], name="households_visit_cw_idx"),
            models.Index(fields=["next_follow_up_on"], name="households_visit_follow_idx"),
            models.Index(fields=["-visited_on", "-id"], name="households_visit_recent_idx"),  # default order
        ]

    def __str__(self) -> str:
        return _("Kunjungan %(date)s") % {"date": self.visited_on.strftime("%d/%m/%Y")}

    def clean(self) -> None:
        errors = {}
        if self.visited_on and self.next_follow_up_on and self.next_follow_up_on < self.visited_on:
            errors["next_follow_up_on"] = _("Tindak lanjut tidak boleh sebelum tanggal kunjungan.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_follow_up_overdue(self) -> bool:
        return self.next_follow_up_on is not None and self.next_follow_up_on < timezone.localdate()


class PovertyLineQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None) -> "PovertyLine | None":
        return self.filter(valid_from__lte=on or timezone.localdate()).order_by("-valid_from").first()


class PovertyLine(models.Model):
    """The extreme-poverty line (Rupiah per person per month) in force from a date; admins keep it current."""

    valid_from = models.DateField(_("berlaku mulai"), unique=True)
    amount = models.PositiveIntegerField(
        _("garis kemiskinan ekstrem (Rp/kapita/bulan)"),
        validators=[MinValueValidator(1, _("Garis kemiskinan harus lebih dari Rp 0."))],
    )
    source = models.CharField(_("sumber"), max_length=255, blank=True)

    objects = PovertyLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("garis kemiskinan ekstrem")
        verbose_name_plural = _("garis kemiskinan ekstrem")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="households_povertyline_amount_gt_0",
                violation_error_message=_("Garis kemiskinan harus lebih dari Rp 0."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.valid_from:%d/%m/%Y}: Rp {self.amount:,}".replace(",", ".")
