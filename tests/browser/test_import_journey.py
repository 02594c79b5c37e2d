"""A supervisor uploads a messy 200-row file, sees the preview with its errors, downloads the report,
fixes the rows, uploads again and confirms; the households are in the registry with correct NIKs."""

import io
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from households.models import Household, Person
from tests.browser.conftest import DESKTOP, screenshot, sign_in
from tests.factories import UserFactory, opd

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from generate_import import HEADER, rows  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def workbook_bytes(data: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Daftar P3KE Kota Palangka Raya — hasil musyawarah kelurahan"])
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_supervisor_imports_a_messy_file_fixes_it_and_confirms(new_page, tmp_path):
    UserFactory(username="sv", role="supervisor", opd=opd("Dinsos"), password="sandi-uji-12345")
    clean = list(rows(200, seed=11))
    messy = [list(r) for r in clean]
    nik_column, kk_column, kelurahan_column, birth_column = (
        HEADER.index(n) for n in ("nik", "no_kk", "kelurahan", "tanggal_lahir")
    )
    messy[3][nik_column] = int(messy[3][nik_column])  # Excel turned it into a number
    messy[10][kelurahan_column] = "Rangkumpit"
    messy[20][birth_column] = "31/02/1980"
    messy[30][kk_column] = "6.27104E+15"
    (tmp_path / "p3ke.xlsx").write_bytes(workbook_bytes(messy))
    (tmp_path / "p3ke-diperbaiki.xlsx").write_bytes(workbook_bytes(clean))

    page = new_page(DESKTOP)
    sign_in(page, "sv", "sandi-uji-12345")
    page.get_by_role("link", name="Impor").click()
    page.get_by_role("link", name="+ Unggah berkas").click()
    page.get_by_label("Berkas .xlsx atau .csv").set_input_files(str(tmp_path / "p3ke.xlsx"))
    page.get_by_label("Jenis daftar").select_option(label="P3KE")
    page.get_by_label("Daftar per tanggal").fill("2024-01-15")
    page.get_by_label("Sumber data").fill("P3KE Januari 2024")
    page.get_by_role("button", name="Unggah dan lihat pratinjau").click()
    page.get_by_test_id("error-table").wait_for()
    errors = page.get_by_test_id("error-table").inner_text()
    assert "Excel" in errors and "kecamatan, bukan kelurahan" in errors and "tidak ada di kalender" in errors
    assert not Household.objects.exists()
    screenshot(page, "import-preview-desktop")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh laporan perbaikan (.xlsx)").click()
    report = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True).active
    report_rows = list(report.iter_rows(values_only=True))
    assert report_rows[0][-1] == "kesalahan" and len(report_rows) > 4

    page.get_by_role("button", name="Batalkan").click()
    page.get_by_role("link", name="+ Unggah berkas").click()
    page.get_by_label("Berkas .xlsx atau .csv").set_input_files(str(tmp_path / "p3ke-diperbaiki.xlsx"))
    page.get_by_label("Jenis daftar").select_option(label="P3KE")
    page.get_by_label("Daftar per tanggal").fill("2024-01-15")
    page.get_by_role("button", name="Unggah dan lihat pratinjau").click()
    page.get_by_role("button", name="Konfirmasi impor").click()
    page.get_by_text("Impor selesai").wait_for()
    screenshot(page, "import-done-desktop")

    assert Person.objects.count() == 200
    expected = {r[nik_column] for r in clean}
    assert set(Person.objects.values_list("nik", flat=True)) == expected
    page.get_by_role("link", name="Registri").click()
    expect(page.get_by_test_id("registry-total")).to_have_text(str(Household.objects.count()))
