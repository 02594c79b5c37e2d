"""Issue walk-through: a Dinsos caseworker assesses a Kameloh Baru household and three referrals go to
Disdukcapil, Disnaker and Disperkimtan; the Disnaker caseworker accepts and fulfils theirs with job
training; the consolidation matrix shows it; a supervisor approves a graduation."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coordination.models import GraduationProposal, Referral
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.factories import HouseholdFactory, PersonFactory, UserFactory, kelurahan, opd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "sandi-uji-12345"


def test_referrals_from_assessment_to_fulfilment_and_graduation(new_page):
    UserFactory(username="dinsos1", opd=opd("Dinsos"), password=PASSWORD)
    UserFactory(
        username="disnaker1", opd=opd("Disnaker"), password=PASSWORD, first_name="Petugas", last_name="Disnaker"
    )
    UserFactory(username="sv", role="supervisor", opd=opd("Dinsos"), password=PASSWORD)
    household = HouseholdFactory(kelurahan=kelurahan("Kameloh Baru"))
    head = PersonFactory(household=household, full_name="Rudi Hartono")

    dinsos = new_page(PHONE)
    sign_in(dinsos, "dinsos1", PASSWORD)
    dinsos.goto(f"/households/{household.pk}/")
    dinsos.get_by_role("link", name="Asesmen kebutuhan").click()
    dinsos.get_by_role("checkbox", name="Belum punya KTP/KK/akta kelahiran").first.check()
    dinsos.get_by_role("checkbox", name="Usia kerja tanpa pekerjaan/penghasilan").first.check()
    dinsos.get_by_role("checkbox", name="Rumah tidak layak huni (RTLH)").check()
    screenshot(dinsos, "assessment-phone")
    dinsos.get_by_role("button", name="Simpan dan kirim rujukan").click()
    dinsos.get_by_text("3 rujukan dikirim ke Disdukcapil, Disnaker, Disperkimtan").wait_for()
    assert set(Referral.objects.values_list("opd__short_name", flat=True)) == {
        "Disdukcapil",
        "Disnaker",
        "Disperkimtan",
    }

    disnaker = new_page(PHONE)
    sign_in(disnaker, "disnaker1", PASSWORD)
    disnaker.goto("/referrals/")
    referral = Referral.objects.get(opd__short_name="Disnaker")
    disnaker.get_by_test_id(f"referral-{referral.pk}").get_by_role("link").first.click()
    disnaker.get_by_role("button", name="Terima").click()
    expect(disnaker.get_by_test_id("referral-status")).to_have_text("Diterima")
    disnaker.get_by_role("link", name="Catat intervensi & penuhi").click()
    assert disnaker.get_by_label("Program").input_value() != ""
    disnaker.get_by_label("Catatan").fill("Pelatihan las angkatan II")
    disnaker.get_by_role("button", name="Simpan dan penuhi").click()
    expect(disnaker.get_by_test_id("referral-status")).to_have_text("Terpenuhi")
    screenshot(disnaker, "referral-fulfilled-phone")
    referral.refresh_from_db()
    assert referral.intervention.program.name == "Pelatihan kerja" and referral.intervention.person == head

    supervisor = new_page(DESKTOP)
    sign_in(supervisor, "sv", PASSWORD)
    supervisor.goto(f"/consolidation/?kelurahan={household.kelurahan_id}")
    assert supervisor.get_by_test_id(f"cell-{household.pk}-no_work").inner_text() == "Terpenuhi"
    assert supervisor.get_by_test_id(f"cell-{household.pk}-no_documents").inner_text() == "Dirujuk"
    screenshot(supervisor, "consolidation-desktop")

    # The caseworker records the measured expenditure on the household's edit form.
    dinsos.goto(f"/households/{household.pk}/edit/")
    # Nothing of the house part is filled in yet, so it starts folded: the caseworker opens it.
    dinsos.get_by_text("Kondisi rumah, lokasi dan pengeluaran").click()
    dinsos.locator("#id_expenditure_per_capita").fill("450000")
    dinsos.locator("#id_expenditure_measured_on").fill(timezone.localdate().isoformat())
    dinsos.get_by_role("button", name="Simpan perubahan").click()
    dinsos.get_by_role("alert").filter(has_text="Data rumah tangga disimpan.").wait_for()
    dinsos.goto(f"/households/{household.pk}/")
    dinsos.get_by_role("link", name="Usulkan graduasi").click()
    dinsos.get_by_label("Pengeluaran per kapita di atas garis kemiskinan ekstrem").check()
    dinsos.get_by_role("button", name="Kirim usulan").click()
    proposal = GraduationProposal.objects.get()
    supervisor.get_by_role("link", name="Graduasi").click()
    card = supervisor.get_by_test_id(f"proposal-{proposal.pk}")
    card.get_by_label("Alasan keputusan").fill("Pengeluaran di atas garis, sudah bekerja tetap")
    card.get_by_role("button", name="Setujui").click()
    supervisor.get_by_text("Keputusan graduasi disimpan.").wait_for()
    household.refresh_from_db()
    assert household.status == "graduated"
