"""The registry and intervention lists as spreadsheets: one row per person (the import format, so an
office can work on it in Excel), identity numbers masked unless a supervisor asks for them."""

from collections.abc import Iterator

from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.db.models.functions import Cast, NullIf
from django.utils.translation import gettext as _

from core.exports import labels, sql_date, sql_label, sql_mask, sql_safe
from core.identity import mask
from households.models import HOUSE_INDICATOR_FIELDS, Household, Person

REGISTRY_HEADER = [
    "id_rumah_tangga", "id_keluarga_p3ke", "no_kk", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "tempat_lahir",
    "hubungan_keluarga", "kecamatan", "kelurahan", "alamat", "rt", "rw", "desil", "daftar_desil", "desil_per_tanggal",
    "status_rumah_tangga",
    "status_miskin_ekstrem", "pekerjaan", "pendidikan", "disabilitas", "jkn", "status_rumah", "jenis_lantai", "jenis_dinding",
    "jenis_atap", "sumber_penerangan", "bahan_bakar_memasak", "sumber_air_minum", "fasilitas_bab",
    "intervensi_tersalurkan_rumah_tangga", "kunjungan_terakhir",
]  # fmt: skip

CHUNK = 2000


def _date(value) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""  # strftime is 4x slower


PERSON_CHOICES = ("relation", "education", "disability", "health_insurance")
HOUSEHOLD_CHOICES = ("status", *HOUSE_INDICATOR_FIELDS)
COLUMNS = (
    "household_id", "household__p3ke_id", "household__no_kk", "nik", "full_name", "sex", "birth_date", "birth_place",
    "relation", "household__kelurahan__kecamatan__name", "household__kelurahan__name", "household__address",
    "household__rt", "household__rw", "household__desil", "household__desil_source", "household__desil_as_of",
    "household__status", "is_extreme_poor", "occupation",
    "education", "disability", "health_insurance", *(f"household__{name}" for name in HOUSE_INDICATOR_FIELDS),
    "household__delivered_count", "household__last_visit_on",
)  # fmt: skip


def registry_rows(households: QuerySet[Household], *, full_numbers: bool) -> Iterator[list]:
    """One row per member of the households, in household order: plain values from one joined query (no model
    instances), choice labels from dictionaries built once."""
    show = (lambda number: number) if full_numbers else mask
    person = {name: labels(Person, name) for name in PERSON_CHOICES}
    house = [labels(Household, name) for name in HOUSE_INDICATOR_FIELDS]
    status = labels(Household, "status")
    lists = labels(Household, "desil_source")
    relation, education, disability, insurance = (person[name] for name in PERSON_CHOICES)
    yes, no = _("Ya"), _("Tidak")
    rows = (
        Person.objects.filter(household__in=households.values("pk"))
        .order_by("household_id", "id")
        .values_list(*COLUMNS)
    )
    yield REGISTRY_HEADER
    for row in rows.iterator(chunk_size=CHUNK):
        (household, p3ke, kk, nik, name, sex, born, place, rel, kecamatan, kelurahan, address, rt, rw, desil, listed,
         listed_on, state, extreme_poor, occupation, edu, dis, jkn) = row[:23]  # fmt: skip
        delivered, visited = row[-2:]
        yield [
            household, p3ke, show(kk), show(nik), name, sex, _date(born), place, relation.get(rel, rel), kecamatan,
            kelurahan, address, rt, rw, desil or "", lists.get(listed, listed), _date(listed_on), status.get(state, state),
            yes if extreme_poor else no,
            occupation, education.get(edu, edu), disability.get(dis, dis), insurance.get(jkn, jkn),
            *(choices.get(value, value) for choices, value in zip(house, row[23:-2], strict=True)),
            delivered, _date(visited),
        ]  # fmt: skip


def registry_cells(households: QuerySet[Household], *, full_numbers: bool) -> QuerySet[Person]:
    """`registry_rows` without its header, every cell computed by the database as the text `registry_rows`
    writes (labels, dd/mm/yyyy, masking, formula safety): what PostgreSQL's COPY writes for a large export."""
    numbers = F if full_numbers else sql_mask
    person = {name: labels(Person, name) for name in PERSON_CHOICES}

    def number(field: str):
        return NullIf(Cast(F(field), CharField()), Value("0"))

    cells = [
        Cast(F("household_id"), CharField()),
        sql_safe(F("household__p3ke_id")),
        sql_safe(numbers("household__no_kk")),
        sql_safe(numbers("nik")),
        sql_safe(F("full_name")),
        sql_safe(F("sex")),
        sql_date("birth_date"),
        sql_safe(F("birth_place")),
        sql_label("relation", person["relation"]),
        sql_safe(F("household__kelurahan__kecamatan__name")),
        sql_safe(F("household__kelurahan__name")),
        sql_safe(F("household__address")),
        sql_safe(F("household__rt")),
        sql_safe(F("household__rw")),
        number("household__desil"),
        sql_label("household__desil_source", labels(Household, "desil_source")),
        sql_date("household__desil_as_of"),
        sql_label("household__status", labels(Household, "status")),
        Case(When(is_extreme_poor=True, then=Value(_("Ya"))), default=Value(_("Tidak")), output_field=CharField()),
        sql_safe(F("occupation")),
        *(sql_label(name, person[name]) for name in ("education", "disability", "health_insurance")),
        *(sql_label(f"household__{name}", labels(Household, name)) for name in HOUSE_INDICATOR_FIELDS),
        Cast(F("household__delivered_count"), CharField()),
        sql_date("household__last_visit_on"),
    ]
    named = {f"c{i}": cell for i, cell in enumerate(cells)}
    return (
        Person.objects.filter(household__in=households.values("pk"))
        .order_by("household_id", "id")
        .annotate(**named)
        .values_list(*named)
    )
