"""The registry and intervention lists as spreadsheets: one row per person (the import format, so an
office can work on it in Excel), identity numbers masked unless a supervisor asks for them."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.identity import mask
from households.models import Household, Person

REGISTRY_HEADER = [
    "id_rumah_tangga", "id_keluarga_p3ke", "no_kk", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "tempat_lahir",
    "hubungan_keluarga", "kecamatan", "kelurahan", "alamat", "rt", "rw", "desil", "status_rumah_tangga",
    "status_miskin_ekstrem", "pekerjaan", "pendidikan", "disabilitas", "jkn", "status_rumah", "jenis_lantai", "jenis_dinding",
    "jenis_atap", "sumber_penerangan", "bahan_bakar_memasak", "sumber_air_minum", "fasilitas_bab",
    "intervensi_tersalurkan_rumah_tangga", "kunjungan_terakhir",
]  # fmt: skip

CHUNK = 2000


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def registry_rows(households: QuerySet[Household], *, full_numbers: bool) -> Iterator[list]:
    show = (lambda number: number) if full_numbers else mask
    persons = (
        Person.objects.filter(household__in=households.values("pk"))
        .select_related("household__kelurahan__kecamatan")
        .order_by("household_id", "id")
    )
    yield REGISTRY_HEADER
    for person in persons.iterator(chunk_size=CHUNK):
        household = person.household
        yield [
            household.pk,
            household.p3ke_id,
            show(household.no_kk),
            show(person.nik),
            person.full_name,
            person.sex,
            _date(person.birth_date),
            person.birth_place,
            person.get_relation_display(),
            household.kelurahan.kecamatan.name,
            household.kelurahan.name,
            household.address,
            household.rt,
            household.rw,
            household.desil or "",
            household.get_status_display(),
            _("Ya") if person.is_extreme_poor else _("Tidak"),
            person.occupation,
            person.get_education_display(),
            person.get_disability_display(),
            person.get_health_insurance_display(),
            household.get_ownership_display(),
            household.get_floor_display(),
            household.get_wall_display(),
            household.get_roof_display(),
            household.get_lighting_display(),
            household.get_cooking_fuel_display(),
            household.get_drinking_water_display(),
            household.get_toilet_display(),
            household.delivered_count,
            _date(household.last_visit_on),
        ]
