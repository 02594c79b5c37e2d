"""Issue 15's journey: a caseworker proposes a family on a phone; a supervisor records the kelurahan meeting,
approves, and downloads the SIKS-NG workbook — and the official count moves only at the approval."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from coordination.models import DtsenProposal
from coordination.siks_ng import COLUMNS
from households.models import Household
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_accessibility import axe_problems
from tests.factories import PersonFactory, UserFactory, opd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "sandi-uji-12345"


def official(page) -> str:
    page.goto("/dashboard/")
    return page.get_by_test_id("headline-ep-persons").inner_text()


def test_a_family_proposed_on_a_phone_is_deliberated_approved_and_exported(new_page):
    UserFactory(username="petugas", opd=opd("Dinsos"), password=PASSWORD)
    UserFactory(username="supervisor", opd=opd("Dinsos"), role="supervisor", password=PASSWORD)
    PersonFactory(full_name="Keluarga dari daftar")  # one extreme-poor person from a national list

    phone = new_page(PHONE)
    sign_in(phone, "petugas", PASSWORD)
    assert official(phone) == "1"
    phone.goto("/households/new/")
    phone.get_by_label("Kelurahan").select_option(label="Kameloh Baru — Sabangau")
    phone.get_by_label("Alamat*").fill("Jl. Mahir Mahar No. 9")
    phone.locator("#id_members-0-full_name").fill("Rudi Hartono")
    phone.locator("#id_members-0-nik").fill("6271 0405 0680 0001")
    phone.locator("#id_members-0-sex").select_option("L")
    phone.locator("#id_members-0-birth_date").fill("1980-06-05")
    phone.locator("#id_members-0-relation").select_option("kepala")
    phone.get_by_role("button", name="Daftarkan").click()
    phone.wait_for_url("**/households/*/")
    expect(phone.get_by_text("sebagai usulan DTSEN")).to_be_visible()
    proposals = phone.get_by_test_id("dtsen-proposals")
    expect(proposals).to_contain_text("Keluarga baru")
    expect(proposals).to_contain_text("Menunggu musyawarah kelurahan")
    screenshot(phone, "dtsen-proposal-registered-phone")
    assert official(phone) == "1"  # waiting, not counted
    expect(phone.get_by_test_id("headline-pending")).to_contain_text("1")

    # The proposal's page on the phone: one step done, two to go; axe finds nothing serious.
    proposal = DtsenProposal.objects.get(household__address="Jl. Mahir Mahar No. 9")
    phone.goto(f"/proposals/{proposal.pk}/")
    expect(phone.get_by_test_id("proposal-state")).to_have_text("Menunggu musyawarah kelurahan")
    assert axe_problems(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "dtsen-proposal-detail-phone")

    # The supervisor records the meeting's berita acara, then approves.
    desk = new_page(DESKTOP)
    sign_in(desk, "supervisor", PASSWORD)
    desk.goto("/proposals/")
    desk.get_by_test_id(f"proposal-{proposal.pk}").get_by_role("link").first.click()
    desk.get_by_role("link", name="Catat hasil musyawarah").click()
    desk.get_by_label("Tanggal musyawarah").fill(timezone.localdate().isoformat())  # not before the proposal
    desk.get_by_label("Nomor berita acara").fill("BA-07/KMB/XI/2026")
    desk.get_by_label("Jumlah peserta hadir").fill("23")
    desk.get_by_label("Setuju diusulkan").check()
    desk.get_by_role("button", name="Simpan hasil musyawarah").click()
    expect(desk.get_by_test_id("proposal-state")).to_have_text("Sudah dimusyawarahkan, menunggu keputusan")
    desk.get_by_role("link", name="Cetak berita acara").click()
    desk.wait_for_url("**/berita-acara/")
    expect(desk.get_by_test_id("minutes-row")).to_have_count(1)
    expect(desk.get_by_test_id("minutes-number")).to_contain_text("BA-07/KMB/XI/2026")
    screenshot(desk, "dtsen-berita-acara-desktop")
    desk.go_back()
    desk.get_by_role("link", name="Putuskan").click()
    desk.get_by_label("Setujui").check()
    desk.get_by_label("Catatan keputusan").fill("Sesuai berita acara")
    desk.get_by_role("button", name="Simpan keputusan").click()
    expect(desk.get_by_test_id("proposal-state")).to_have_text("Disetujui")
    assert Household.objects.get(pk=proposal.household_id).status == Household.Status.EXTREME_POOR
    assert official(desk) == "2"  # counted now

    desk.goto("/proposals/?state=approved")
    screenshot(desk, "dtsen-proposals-list-desktop")
    with desk.expect_download() as download:
        desk.get_by_test_id("siks-ng-download").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert [(row[COLUMNS.index("NIK")], row[COLUMNS.index("Nomor berita acara")]) for row in rows[1:]] == [
        ("6271040506800001", "BA-07/KMB/XI/2026")
    ]
