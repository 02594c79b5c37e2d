"""Region codes in imports (issue 15, item 7): Kemendagri's and BPS's, mixed in one file, never confused."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from households.models import Kecamatan, Kelurahan
from imports.planner import build_plan
from tests.imports.helpers import HEADER, row, xlsx

pytestmark = pytest.mark.django_db

WITH_CODE = [*HEADER, "kode_wilayah"]


def family(n: int, **overrides) -> dict:
    """A one-person family of its own (its own P3KE id, KK and NIK) with the given place."""
    return row(id_keluarga_p3ke=f"P3KE-R-{n:03d}", no_kk=f"62710420010{n:05d}", nik=f"62710405068{n:05d}", **overrides)


def places(rows: list[dict], header: list[str] = WITH_CODE) -> tuple[dict[int, str], dict[int, list[str]]]:
    """{row: kelurahan name} of the households planned, and {row: messages} of the rows refused."""
    plan = build_plan("dtsen.xlsx", xlsx(rows, header=header))
    assert not plan.fatal, plan.fatal
    names = dict(Kelurahan.objects.values_list("id", "name"))
    planned = {group.first_row: names[group.fields["kelurahan_id"]] for group in plan.ok_groups}
    refused: dict[int, list[str]] = {}
    for error in plan.errors:
        refused.setdefault(error.row, []).append(f"{error.column}: {error.message}")
    return planned, refused


def test_every_kelurahan_keeps_both_codes_and_they_collide_as_the_sources_warn():
    assert Kelurahan.objects.exclude(bps_code="").count() == 30
    assert Kecamatan.objects.get(name="Sabangau").bps_code == "6271011"
    assert Kelurahan.objects.get(name="Kereng Bangkirai").bps_code == "6271011001"
    # Pahandut's Kemendagri code without its dots is Kereng Bangkirai's BPS code (households/data/SOURCES.md)
    assert Kelurahan.objects.get(name="Pahandut").code.replace(".", "") == "6271011001"


def test_kemendagri_and_bps_codes_mixed_in_one_file():
    rows = [
        family(1, kecamatan="", kelurahan="", kode_wilayah="62.71.04.1004"),  # Kemendagri, dotted
        family(2, kecamatan="", kelurahan="", kode_wilayah=6271010004),  # BPS, an Excel number: Pahandut
        family(3, kecamatan="", kelurahan="", kode_wilayah="6271041005"),  # Kemendagri without dots: Danau Tundai
        family(4, kecamatan="Sabangau", kelurahan="Kameloh Baru", kode_wilayah=" 6271011004 "),  # BPS, named
        family(5, kode_wilayah=""),  # no code: the names, as before
    ]
    planned, refused = places(rows)
    assert refused == {}
    assert planned == {2: "Kameloh Baru", 3: "Pahandut", 4: "Danau Tundai", 5: "Kameloh Baru", 6: "Kameloh Baru"}


def test_a_code_of_two_places_needs_the_name():
    planned, refused = places(
        [
            family(1, kecamatan="", kelurahan="", kode_wilayah="6271011004"),
            family(2, kecamatan="", kelurahan="Tumbang Rungan", kode_wilayah="6271011004"),
        ]
    )
    assert planned == {3: "Tumbang Rungan"}  # Kemendagri 62.71.01.1004 without dots, as the name says
    (message,) = refused[2]
    assert message.startswith("kode_wilayah: Kode wilayah 6271011004 bisa berarti")
    assert "Tumbang Rungan (Kemendagri)" in message and "Kameloh Baru (BPS)" in message


UNKNOWN = "tidak dikenal: tulis kode kelurahan Kemendagri (mis. 62.71.04.1004) atau BPS (mis. 6271010004)."


@pytest.mark.parametrize(
    ("code", "kelurahan", "expected"),
    [
        ("62.71.04.1004", "Pahandut",
         "kode_wilayah: Kode wilayah 62.71.04.1004 (Kemendagri) adalah Kelurahan Kameloh Baru, bukan Pahandut."),
        ("62.71.04", "", "kode_wilayah: Kode wilayah 62.71.04 adalah kode kecamatan; isi kode kelurahannya."),
        ("6271011", "", "kode_wilayah: Kode wilayah 6271011 adalah kode kecamatan; isi kode kelurahannya."),
        ("3201011001", "", "kode_wilayah: Kode wilayah 3201011001 bukan wilayah Kota Palangka Raya."),
        ("62.71.04.9999", "", f"kode_wilayah: Kode wilayah 62.71.04.9999 {UNKNOWN}"),
        ("kel-04", "", f"kode_wilayah: Kode wilayah kel-04 {UNKNOWN}"),
        ("6271041004", "Kameloh Baru", None),
    ],
)  # fmt: skip
def test_a_code_that_does_not_fit_is_refused_with_its_reason(code, kelurahan, expected):
    planned, refused = places([family(1, kecamatan="", kelurahan=kelurahan, kode_wilayah=code)])
    if expected is None:
        assert planned == {2: "Kameloh Baru"} and refused == {}
    else:
        assert planned == {} and refused == {2: [expected]}


def test_the_kecamatan_still_has_to_fit_the_coded_kelurahan():
    planned, refused = places([family(1, kecamatan="Rakumpit", kelurahan="", kode_wilayah="62.71.04.1004")])
    assert refused == {2: ["kecamatan: Kelurahan Kameloh Baru tidak berada di Kecamatan Rakumpit."]}


def test_a_list_with_codes_and_no_kelurahan_column_is_read():
    header = [name for name in WITH_CODE if name not in ("kecamatan", "kelurahan")]
    planned, refused = places([family(1, kode_wilayah=6271011004)], header=header)
    assert refused == {2: [refused[2][0]]} and "bisa berarti" in refused[2][0]  # ambiguous, and no name to settle it
    planned, refused = places([family(2, kode_wilayah="62.71.05.1007")], header=header)
    assert planned == {2: "Bukit Sua"} and refused == {}


def test_the_template_explains_both_code_systems(client_as):
    response = client_as("supervisor").get(reverse("imports:template"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(str(cell) for line in workbook["Petunjuk"].iter_rows(values_only=True) for cell in line if cell)
    assert "kode_wilayah" in text and "62.71.04.1004" in text and "6271010004" in text
    assert "kode_desa" in text  # an alias the office's files use
    header = [cell.value for cell in workbook["Data"][1]]
    example = dict(zip(header, [cell.value for cell in workbook["Data"][2]], strict=True))
    assert (example["kelurahan"], example["kode_wilayah"]) == ("Kameloh Baru", "62.71.04.1004")


def test_a_list_without_any_place_column_says_so():
    header = [name for name in HEADER if name not in ("kecamatan", "kelurahan")]
    plan = build_plan("dtsen.xlsx", xlsx([family(1)], header=header))
    assert plan.fatal == (
        "Baris judul (baris 1) tidak punya kolom wilayah: tambahkan kolom kelurahan (nama kelurahan) atau "
        "kode_wilayah (kode Kemendagri atau BPS)."
    )


def test_a_near_miss_kelurahan_name_gets_a_suggestion():
    planned, refused = places([family(1, kecamatan="", kelurahan="Kalampangn", kode_wilayah="")])
    assert refused == {2: ["kelurahan: Kelurahan Kalampangn tidak ada di Kota Palangka Raya. Maksud Anda Kalampangan?"]}
    planned, refused = places([family(1, kecamatan="", kelurahan="Jakarta", kode_wilayah="")])
    assert refused == {2: ["kelurahan: Kelurahan Jakarta tidak ada di Kota Palangka Raya."]}
