"""Issue walk-through in a real browser: an admin creates Dinas Kesehatan with one caseworker, who must
change the password and sees masked NIKs; a supervisor reveals one NIK and finds it in the audit trail."""

import pytest

from audit.models import AccessLog
from households.models import Household
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_admin_creates_dinkes_and_a_caseworker_who_changes_password_and_sees_masked_niks(demo, new_page):
    admin = new_page(DESKTOP)
    sign_in(admin, "admin", "demo-palangka")
    admin.get_by_role("link", name="Administrasi").click()
    admin.get_by_role("link", name="OPD").first.click()
    admin.get_by_role("link", name="+ Tambah OPD").click()
    admin.locator("#id_name").fill("Dinas Kesehatan")
    admin.locator("#id_short_name").fill("Dinkes")
    admin.get_by_role("button", name="Simpan").click()
    admin.get_by_text("OPD disimpan.").wait_for()
    admin.goto("/accounts/manage/users/new/")
    admin.locator("#id_username").fill("nakes")
    admin.locator("#id_first_name").fill("Rina")
    admin.locator("#id_opd").select_option(label="Dinkes")
    admin.locator("#id_role").select_option("caseworker")
    admin.locator("#id_password").fill("Sementara-2026!")
    screenshot(admin, "admin-create-user-desktop")
    admin.get_by_role("button", name="Simpan").click()
    admin.get_by_text("Akun nakes dibuat").wait_for()

    nakes = new_page(PHONE)
    sign_in(nakes, "nakes", "Sementara-2026!")
    nakes.wait_for_url("**/accounts/password/")
    assert "Silakan ganti kata sandi sementara" in nakes.content()
    nakes.locator("#id_old_password").fill("Sementara-2026!")
    nakes.locator("#id_new_password1").fill("Kameloh-Sehat-2026")
    nakes.locator("#id_new_password2").fill("Kameloh-Sehat-2026")
    nakes.get_by_role("button", name="Simpan kata sandi baru").click()
    household = Household.objects.filter(kelurahan__name="Kameloh Baru").exclude(members__nik="").first()
    person = household.members.exclude(nik="").first()
    nakes.goto(f"/households/{household.pk}/")
    text = nakes.content()
    assert person.nik not in text
    assert f"{person.nik[:4]}••••••••{person.nik[-4:]}" in text
    screenshot(nakes, "caseworker-masked-nik-phone")


def test_supervisor_reveals_a_nik_and_finds_it_in_the_audit_trail(demo, new_page):
    household = Household.objects.filter(kelurahan__name="Kameloh Baru").exclude(members__nik="").first()
    person = household.members.exclude(nik="").order_by("id").first()
    page = new_page(DESKTOP)
    sign_in(page, "supervisor", "demo-palangka")
    page.goto(f"/households/{household.pk}/")
    card = page.get_by_test_id(f"member-{person.pk}")
    assert person.nik not in card.inner_text()
    card.get_by_role("button", name="tampilkan").click()
    card.get_by_test_id("revealed-number").wait_for()
    assert card.get_by_test_id("revealed-number").inner_text() == person.nik
    assert AccessLog.objects.filter(kind="reveal", object_id=person.pk).count() == 1
    page.get_by_role("link", name="Jejak audit").click()
    page.get_by_role("link", name="Pembukaan NIK dan ekspor").click()
    row = page.get_by_test_id(f"access-{AccessLog.objects.get().pk}")
    assert person.full_name in row.inner_text() and "Supervisor" in row.inner_text()
    screenshot(page, "audit-access-desktop")
