"""The import format: one row per person, household fields repeated on every member row.

Header names are matched case- and space-insensitively; common P3KE and DTKS/SIKS-NG spellings are
accepted as aliases. Each column knows how to clean its cell (imports.cleaning).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from households.models import CookingFuel, DrinkingWater, Floor, Lighting, Ownership, Roof, Toilet, Wall
from imports import cleaning

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Column:
    key: str
    description: StrOrPromise
    allowed: StrOrPromise
    level: str  # "household", "person" or "region"
    field: str | None
    clean: Callable[[Any], Any]
    aliases: tuple[str, ...] = ()
    required: bool = False


def _choice(choices, what, extra=None) -> Callable[[Any], str]:
    table = cleaning.choice_table(choices, extra)
    labels = [str(label) for _value, label in choices]
    return partial(cleaning.choice, table=table, what=what, labels=labels)


COLUMNS: list[Column] = [
    Column("id_keluarga_p3ke", _("ID keluarga P3KE"), _("teks, unik per keluarga"), "household", "p3ke_id",
           partial(cleaning.text, max_length=40), ("id_keluarga", "idkeluarga", "id_p3ke", "id_kel", "id_keluarga_p3ke_")),
    Column("no_kk", _("Nomor Kartu Keluarga"), _("16 digit, ketik sebagai Teks"), "household", "no_kk",
           partial(cleaning.identity_number, label="No. KK"), ("nomor_kk", "nokk", "kk", "no_kartu_keluarga", "nomor_kartu_keluarga")),
    Column("nik", _("Nomor Induk Kependudukan"), _("16 digit, ketik sebagai Teks; boleh kosong bila belum punya"), "person", "nik",
           partial(cleaning.identity_number, label="NIK"), ("nik_anggota", "no_nik", "nomor_nik", "nik_art", "nomor_induk_kependudukan")),
    Column("nama", _("Nama lengkap"), _("teks"), "person", "full_name", partial(cleaning.text, max_length=150),
           ("nama_lengkap", "nama_anggota", "nama_art", "nama_penerima", "nama_anggota_keluarga"), required=True),
    Column("jenis_kelamin", _("Jenis kelamin"), _("L / P (Laki-laki / Perempuan); bila kosong atau tidak ada, dibaca dari NIK"),
           "person", "sex", cleaning.sex, ("jk", "kelamin", "l_p", "jns_kelamin")),
    Column("tanggal_lahir", _("Tanggal lahir"), "dd/mm/yyyy", "person", "birth_date", cleaning.date,
           ("tgl_lahir", "tanggal_lahir_", "tgllahir")),
    Column("tempat_lahir", _("Tempat lahir"), _("teks"), "person", "birth_place", partial(cleaning.text, max_length=100),
           ("tmp_lahir", "tempatlahir")),
    Column("hubungan_keluarga", _("Hubungan dengan kepala keluarga"),
           "Kepala Keluarga, Istri/Suami, Anak, Menantu, Cucu, Orang Tua/Mertua, Famili Lain, Lainnya",
           "person", "relation", cleaning.relation,
           ("hubungan", "hub_kk", "shdk", "hubungan_dengan_kepala_keluarga", "hubungan_dengan_krt", "hub_krt"), required=True),
    Column("kecamatan", _("Kecamatan"), _("nama kecamatan di Kota Palangka Raya"), "region", None,
           partial(cleaning.text, max_length=100), ("kec", "nama_kecamatan", "kecamatan_")),
    Column("kelurahan", _("Kelurahan"), _("nama kelurahan di Kota Palangka Raya; wajib bila kode_wilayah kosong"), "region", None,
           partial(cleaning.text, max_length=100), ("kel", "desa_kelurahan", "nama_kelurahan", "kelurahan_desa", "desa", "nama_desa")),
    Column("kode_wilayah", _("Kode wilayah kelurahan"),
           _("kode Kemendagri (62.71.04.1004) atau BPS (6271010004); wajib bila kelurahan kosong"), "region", None,
           partial(cleaning.text, max_length=40),
           ("kode_kelurahan", "kode_desa", "kd_desa", "kode_desa_kelurahan", "kd_kel", "kode_kel", "kode_kemendagri",
            "kode_wilayah_kemendagri", "kode_bps", "kode_wilayah_bps", "kode_desa_bps", "kd_wilayah")),
    Column("alamat", _("Alamat"), _("teks"), "household", "address", partial(cleaning.text, max_length=255),
           ("alamat_lengkap", "alamat_rumah"), required=True),
    Column("rt", "RT", _("angka"), "household", "rt", cleaning.rt_rw, ("no_rt",)),
    Column("rw", "RW", _("angka"), "household", "rw", cleaning.rt_rw, ("no_rw",)),
    Column("desil", _("Desil kesejahteraan (dicatat sebagai peringkat daftar yang diunggah, dengan tanggalnya)"),
           _("DTSEN: 1-10; P3KE: 1-4"), "household", "desil", cleaning.desil,
           ("desil_kesejahteraan", "peringkat_desil", "desil_nasional", "desil_dtsen", "peringkat",
            "kd_peringkat_kesejahteraan_keluarga", "peringkat_kesejahteraan")),
    Column("id_keluarga_daftar", _("ID keluarga di daftar DTSEN/DTKS (disimpan dengan peringkatnya)"), _("teks"),
           "household", "family_id", partial(cleaning.text, max_length=40),
           ("id_keluarga_dtsen", "id_dtsen", "idkeluarga_dtsen", "id_keluarga_dtks", "id_dtks")),
    Column("status_miskin_ekstrem", _("Termasuk miskin ekstrem"), "Ya / Tidak", "person", "is_extreme_poor", cleaning.yes_no,
           ("miskin_ekstrem", "kategori_miskin_ekstrem", "status_kemiskinan_ekstrem", "is_miskin_ekstrem")),
    Column("pekerjaan", _("Pekerjaan"), _("teks"), "person", "occupation", partial(cleaning.text, max_length=100),
           ("pekerjaan_utama", "jenis_pekerjaan")),
    Column("pendidikan", _("Pendidikan terakhir"), "Tidak/belum sekolah, Tidak tamat SD, SD, SMP, SMA, Diploma, S1",
           "person", "education", cleaning.education, ("pendidikan_terakhir", "pendidikan_tertinggi", "ijazah_tertinggi")),
    Column("status_kepemilikan_rumah", _("Status kepemilikan rumah"), ", ".join(str(label) for _v, label in Ownership.choices),
           "household", "ownership", _choice(Ownership.choices, _("Status kepemilikan rumah"), {"sewa": Ownership.RENT, "kontrak": Ownership.RENT, "menumpang": Ownership.RENT_FREE}),
           ("kepemilikan_rumah", "status_rumah", "status_kepemilikan_bangunan")),
    Column("jenis_lantai", _("Jenis lantai terluas"), ", ".join(str(label) for _v, label in Floor.choices), "household", "floor",
           _choice(Floor.choices, _("Jenis lantai"), {"semen": Floor.CEMENT, "bata merah": Floor.CEMENT}), ("lantai", "jenis_lantai_terluas")),
    Column("jenis_dinding", _("Jenis dinding terluas"), ", ".join(str(label) for _v, label in Wall.choices), "household", "wall",
           _choice(Wall.choices, _("Jenis dinding"), {"kayu": Wall.WOOD, "papan": Wall.WOOD}), ("dinding", "jenis_dinding_terluas")),
    Column("jenis_atap", _("Jenis atap terluas"), ", ".join(str(label) for _v, label in Roof.choices), "household", "roof",
           _choice(Roof.choices, _("Jenis atap"), {"daun": Roof.THATCH, "rumbia": Roof.THATCH}), ("atap", "jenis_atap_terluas")),
    Column("sumber_penerangan", _("Sumber penerangan utama"), ", ".join(str(label) for _v, label in Lighting.choices),
           "household", "lighting", _choice(Lighting.choices, _("Sumber penerangan"), {"pln": Lighting.PLN_METERED}),
           ("penerangan", "sumber_penerangan_utama")),
    Column("bahan_bakar_memasak", _("Bahan bakar utama memasak"), ", ".join(str(label) for _v, label in CookingFuel.choices),
           "household", "cooking_fuel", _choice(CookingFuel.choices, _("Bahan bakar memasak"), {"kayu bakar": CookingFuel.WOOD, "gas 3 kg": CookingFuel.LPG_3KG, "elpiji": CookingFuel.LPG_3KG}),
           ("bahan_bakar", "bahan_bakar_utama_memasak")),
    Column("sumber_air_minum", _("Sumber air minum utama"), ", ".join(str(label) for _v, label in DrinkingWater.choices),
           "household", "drinking_water", _choice(DrinkingWater.choices, _("Sumber air minum"), {"sumur bor": DrinkingWater.BORED_WELL, "pdam": DrinkingWater.PIPED, "ledeng": DrinkingWater.PIPED, "sungai": DrinkingWater.SURFACE}),
           ("air_minum", "sumber_air_minum_utama")),
    Column("fasilitas_bab", _("Fasilitas buang air besar"), ", ".join(str(label) for _v, label in Toilet.choices), "household", "toilet",
           _choice(Toilet.choices, _("Fasilitas BAB"), {"sendiri": Toilet.OWN, "bersama": Toilet.SHARED, "umum": Toilet.PUBLIC, "tidak ada": Toilet.NONE}),
           ("bab", "fasilitas_buang_air_besar", "kepemilikan_fasilitas_bab", "jamban")),
]  # fmt: skip

BY_KEY = {column.key: column for column in COLUMNS}


def header_key(value: Any) -> str:
    """`" Tanggal Lahir "` -> `tanggal_lahir`."""
    return cleaning.normalize(value).replace("/", " ").replace(" ", "_")


ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.key, *_column.aliases):
        ALIASES[header_key(_name)] = _column.key


# The two columns the report of rows to fix adds (imports.reports): a fixed report uploaded again is not "unknown".
REPORT_COLUMNS = {"baris_asal", "kesalahan", "source_row", "error"}  # its Indonesian and English headers

# Family-id headers that name no list: a P3KE family id in a P3KE file, the list's own id in any other.
GENERIC_FAMILY_ID = {header_key(name) for name in ("id_keluarga", "idkeluarga", "id_kel")}


def list_family_id(mapping: dict[int, str], header: list[Any], list_kind: str) -> dict[int, str]:
    """The mapping with a generic family-id column read as the list's own family id when the list is not P3KE (its
    id is then no P3KE id: kept with the ranking, neither matched on nor written to the household)."""
    if list_kind in ("", "p3ke") or "id_keluarga_daftar" in mapping.values():
        return mapping
    return {
        index: "id_keluarga_daftar"
        if key == "id_keluarga_p3ke" and header_key(header[index]) in GENERIC_FAMILY_ID
        else key
        for index, key in mapping.items()
    }


def lacks_region(cells: list[Any]) -> bool:
    """This row is a header but for its place: a name and other known columns, neither kelurahan nor its code."""
    keys = {ALIASES.get(header_key(cell)) for cell in cells if not cleaning.is_blank(cell)} - {None}
    return "nama" in keys and not keys & {"kelurahan", "kode_wilayah"} and len(keys) >= 3


def match_header(cells: list[Any]) -> tuple[dict[int, str], list[str]] | None:
    """If this row is the header: {cell index: column key} and the names of unknown columns."""
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        if cleaning.is_blank(cell) or header_key(cell) in REPORT_COLUMNS:
            continue
        key = ALIASES.get(header_key(cell))
        if key and key not in mapping.values():
            mapping[index] = key
        else:
            unknown.append(str(cell).strip())
    keys = set(mapping.values())
    if "nama" in keys and keys & {"kelurahan", "kode_wilayah"} and len(mapping) >= 3:
        return mapping, unknown
    return None
