"""Each messy thing real spreadsheets contain, with the exact error or the cleaned value."""

import datetime

import pytest

from households.models import Household, Person
from imports import cleaning
from imports.planner import build_plan
from tests.imports.helpers import HEADER, csv_bytes, row, spouse, xlsx

pytestmark = pytest.mark.django_db


def plan_of(rows, **kwargs):
    return build_plan("data.xlsx", xlsx(rows, **kwargs))


def only_error(plan):
    assert len(plan.errors) == 1, plan.errors
    error = plan.errors[0]
    return error.row, error.column, error.message


def first_person(plan):
    group = next(iter(plan.groups.values()))
    return group, group.persons[0].fields


def test_a_nik_typed_as_a_number_by_excel_is_an_error_and_never_stored():
    plan = plan_of([row(nik=6271040506800001)])
    assert only_error(plan)[:2] == (2, "nik")
    assert "tersimpan sebagai angka oleh Excel" in plan.errors[0].message
    assert not plan.ok_groups


@pytest.mark.parametrize("value", ["6.27104E+15", "6,27104E+15", "6271040506800000.0"])
def test_a_nik_in_scientific_or_float_notation_is_an_error(value):
    plan = build_plan("data.csv", csv_bytes([row(nik=value)]))
    number, column, message = only_error(plan)
    assert (number, column) == (2, "nik") and "angka Excel" in message


def test_a_kk_that_excel_turned_into_a_float_is_an_error():
    plan = plan_of([row(no_kk=6.27104200100000e15)])
    assert only_error(plan)[1] == "no_kk"


@pytest.mark.parametrize(
    "value", ["'6271040506800001", " 6271 0405 0680 0001 ", "6271.0405.0680.0001", "6271-0405-0680-0001"]
)
def test_apostrophes_spaces_and_dots_in_numbers_are_cleaned(value):
    plan = plan_of([row(nik=value)])
    assert not plan.errors
    assert first_person(plan)[1]["nik"] == "6271040506800001"


@pytest.mark.parametrize(
    "value",
    [
        "05/06/1980",
        "5-6-1980",
        "1980-06-05",
        datetime.datetime(1980, 6, 5),
        29377,
    ],  # 29377 = Excel serial of 05/06/1980
)
def test_dates_in_every_common_form_including_excel_serials(value):
    plan = plan_of([row(tanggal_lahir=value)])
    assert not plan.errors, plan.errors
    assert first_person(plan)[1]["birth_date"] == datetime.date(1980, 6, 5)


def test_an_impossible_date_is_an_error():
    plan = plan_of([row(tanggal_lahir="31/02/1980", nik="")])
    assert only_error(plan) == (2, "tanggal_lahir", "Tanggal 31/02/1980 tidak ada di kalender.")


@pytest.mark.parametrize(
    ("kecamatan", "kelurahan", "expected"),
    [
        ("SABANGAU", "KAMELOH BARU", "Kameloh Baru"),
        ("Kec. Sabangau", "Kel. Kameloh Baru", "Kameloh Baru"),
        ("Kecamatan Sabangau", "Kelurahan Kereng Bengkirai", "Kereng Bangkirai"),
        ("Rangkumpit", "Petuk Berunai", "Petuk Barunai"),
        ("", "penjehang", "Panjehang"),
        ("Sabangau", "Kelampangan", "Kalampangan"),
        ("Jekan Raya", "Petuk Ketimpun", "Petuk Katimpun"),
    ],
)
def test_places_in_any_case_with_prefixes_and_known_misspellings(kecamatan, kelurahan, expected):
    from households.models import Kelurahan

    plan = plan_of([row(kecamatan=kecamatan, kelurahan=kelurahan)])
    assert not plan.errors, plan.errors
    group, _fields = first_person(plan)
    assert Kelurahan.objects.get(pk=group.fields["kelurahan_id"]).name == expected


def test_rangkumpit_as_a_kelurahan_says_it_is_a_kecamatan():
    plan = plan_of([row(kecamatan="", kelurahan="Rangkumpit")])
    assert only_error(plan) == (2, "kelurahan", "Rangkumpit adalah kecamatan, bukan kelurahan; isi nama kelurahannya.")


def test_a_kelurahan_of_another_kecamatan_is_an_error():
    plan = plan_of([row(kecamatan="Pahandut", kelurahan="Kameloh Baru")])
    assert only_error(plan) == (2, "kecamatan", "Kelurahan Kameloh Baru tidak berada di Kecamatan Pahandut.")


def test_a_kelurahan_outside_the_city_is_an_error():
    plan = plan_of([row(kecamatan="", kelurahan="Menteng Dalam")])
    assert only_error(plan) == (2, "kelurahan", "Kelurahan Menteng Dalam tidak ada di Kota Palangka Raya.")


def test_blank_rows_and_a_title_row_above_the_header_are_skipped():
    rows = [row(), {}, spouse()]
    plan = plan_of(rows, title_rows=[["Daftar P3KE Kelurahan Kameloh Baru"], []])
    assert not plan.errors
    assert plan.rows_read == 2
    assert [p.row for p in next(iter(plan.groups.values())).persons] == [4, 6]


def test_a_nik_whose_birth_date_disagrees_with_the_row_is_an_error():
    plan = plan_of([row(tanggal_lahir="06/06/1980")])
    number, column, message = only_error(plan)
    assert (number, column) == (2, "nik") and "tidak sama dengan tanggal lahir" in message


def test_a_nik_whose_sex_disagrees_with_the_row_is_an_error():
    plan = plan_of([row(jenis_kelamin="P")])
    number, column, message = only_error(plan)
    assert (number, column) == (2, "nik") and "Jenis kelamin dalam NIK" in message


def test_the_same_nik_twice_in_one_file_is_an_error_on_the_second_row():
    plan = plan_of([row(), row(id_keluarga_p3ke="P3KE-T-002", no_kk="6271042001000002")])
    assert only_error(plan) == (3, "nik", "NIK yang sama sudah ada di baris 2.")


def test_a_nik_already_in_another_household_is_an_error(supervisor):
    from tests.factories import HouseholdFactory, PersonFactory

    PersonFactory(
        nik="6271040506800001", birth_date=datetime.date(1980, 6, 5), household=HouseholdFactory(p3ke_id="LAIN")
    )
    plan = plan_of([row()])
    number, column, message = only_error(plan)
    assert (number, column) == (2, "nik") and "sudah terdaftar di rumah tangga lain" in message


def test_headers_match_any_case_spacing_and_common_aliases_and_unknown_columns_are_listed():
    header = ["ID Keluarga", "No KK", "NIK", "Nama Lengkap", "JK", "Tgl Lahir", "Hubungan", "Kec", "Desa/Kelurahan",
              "ALAMAT", "RT", "RW", "Desil", "Miskin Ekstrem", "Catatan petugas"]  # fmt: skip
    values = dict(zip(header, [row()[name] for name in HEADER] + ["—"], strict=True))
    plan = plan_of([values], header=header)
    assert not plan.errors, plan.errors
    assert plan.unknown_columns == ["Catatan petugas"]
    assert first_person(plan)[1]["full_name"] == "Rudi Hartono"


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"), [(",", "utf-8", False), (";", "utf-8", True), (";", "cp1252", False)]
)
def test_csv_with_comma_or_semicolon_utf8_with_or_without_bom_or_windows_1252(delimiter, encoding, bom):
    plan = build_plan("data.csv", csv_bytes([row(nama="José Ñoño")], delimiter=delimiter, encoding=encoding, bom=bom))
    assert not plan.errors, plan.errors
    assert first_person(plan)[1]["full_name"] == "José Ñoño"


def test_a_broken_file_is_refused_with_a_message():
    plan = build_plan("data.xlsx", b"this is not a spreadsheet")
    assert "tidak dapat dibaca sebagai .xlsx" in plan.fatal
    plan = build_plan("data.pdf", b"%PDF")
    assert "pakai .xlsx atau .csv" in plan.fatal


def test_a_file_without_the_header_is_refused():
    plan = build_plan("data.csv", b"a,b,c\n1,2,3\n")
    assert "Baris judul kolom tidak ditemukan" in plan.fatal


def test_too_many_rows_is_refused(settings):
    plan = build_plan("data.xlsx", xlsx([row(), spouse()]), max_rows=1)
    assert "lebih dari 1 baris" in plan.fatal


def test_a_family_with_one_bad_row_is_skipped_whole():
    plan = plan_of([row(), {**spouse(), "tanggal_lahir": "99/99/1985"}])
    assert not plan.ok_groups
    assert plan.skipped_rows() == [2]
    assert plan.counts()["persons"]["skipped"] == 2
    assert not Household.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("3", 3), ("Desil 3", 3), (3.0, 3), ("3.0", 3), ("3,0", 3), (" 10 ", 10), ("", None), (None, None)],
)
def test_desil_as_offices_write_it(cell, expected):
    """3.0 is what Excel writes into a CSV for a number cell (a new user's DTSEN file was refused for it)."""
    assert cleaning.desil(cell) == expected


@pytest.mark.parametrize("cell", ["2.5", "tiga", "1e999", "nan", True])
def test_a_desil_that_is_not_a_whole_number_is_refused(cell):
    with pytest.raises(cleaning.CellError, match="bukan angka"):
        cleaning.desil(cell)
