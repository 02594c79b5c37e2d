"""Every kind of edit form saves in a real browser, through the page as rendered: households, members,
status, visits, interventions; a form sent twice creates one record; a stale edit is refused with the
reason while what was typed stays. (The first version's household and member edits never saved in
Chromium: the page left out the hidden version field, and the tests posted it by hand.)"""

import pytest
from django.utils import timezone

from households.models import Household, Person, Visit
from households.services import visit_log
from interventions.models import Program
from interventions.services import intervention_record
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.factories import TEST_PASSWORD, HouseholdFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def family(supervisor, dinsos_caseworker, disnaker_caseworker):
    person = PersonFactory(household=HouseholdFactory(address="Jl. Lama No. 1"), full_name="Rahmat Hidayat")
    return person.household, person


def open_as(new_page, user, viewport=DESKTOP):
    page = new_page(viewport)
    sign_in(page, user.username, TEST_PASSWORD)
    page.wait_for_url("**/")
    return page


def saved(page, household_id: int, message: str) -> None:
    """Back on the case file, with the confirmation shown."""
    page.wait_for_url(f"**/households/{household_id}/**")
    page.get_by_role("alert").filter(has_text=message).wait_for()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_supervisor_edits_the_address_and_it_is_saved(new_page, family, supervisor, viewport):
    household, _person = family
    page = open_as(new_page, supervisor, viewport)
    page.goto(f"/households/{household.pk}/edit/")
    page.locator("#id_address").fill("Jl. Mahir Mahar Gg. Baru No. 7")
    page.get_by_role("button", name="Simpan perubahan").click()
    saved(page, household.pk, "Data rumah tangga disimpan.")
    household.refresh_from_db()
    assert household.address == "Jl. Mahir Mahar Gg. Baru No. 7"
    assert household.no_kk  # the masked number left empty is kept
    screenshot(page, f"edit-household-saved-{'phone' if viewport is PHONE else 'desktop'}")


def test_a_member_edit_is_saved(new_page, family, supervisor):
    household, person = family
    page = open_as(new_page, supervisor)
    page.goto(f"/members/{person.pk}/edit/")
    page.get_by_label("Pekerjaan").fill("Nelayan")
    page.get_by_role("button", name="Simpan").click()
    saved(page, household.pk, "Data anggota disimpan.")
    person.refresh_from_db()
    assert person.occupation == "Nelayan" and person.nik


def test_a_status_change_is_saved(new_page, family, dinsos_caseworker):
    household, _person = family
    page = open_as(new_page, dinsos_caseworker)
    page.goto(f"/households/{household.pk}/status/")
    page.get_by_label("Status baru").select_option(label="Miskin")
    page.get_by_label("Alasan").fill("Sudah bekerja sebagai buruh harian")
    page.get_by_role("button", name="Ubah status").click()
    saved(page, household.pk, "Status rumah tangga diubah.")
    household.refresh_from_db()
    assert household.status == "poor"


def test_a_visit_edit_is_saved(new_page, family, dinsos_caseworker):
    household, _person = family
    visit = visit_log(household=household, caseworker=dinsos_caseworker, purpose="monitoring", findings="Awal")
    page = open_as(new_page, dinsos_caseworker)
    page.goto(f"/visits/{visit.pk}/edit/")
    page.get_by_label("Temuan").fill("Atap bocor, perlu RTLH")
    page.get_by_role("button", name="Simpan kunjungan").click()
    saved(page, household.pk, "Kunjungan disimpan.")
    assert Visit.objects.get(pk=visit.pk).findings == "Atap bocor, perlu RTLH"


def test_an_intervention_edit_and_its_delivery_are_saved(new_page, family, disnaker_caseworker):
    household, person = family
    intervention = intervention_record(
        program=Program.objects.get(name="Pelatihan kerja"), person=person, recorded_by=disnaker_caseworker
    )
    page = open_as(new_page, disnaker_caseworker)
    page.goto(f"/interventions/{intervention.pk}/edit/")
    page.get_by_label("Catatan").fill("Angkatan II")
    page.get_by_role("button", name="Simpan").click()
    saved(page, household.pk, "Intervensi disimpan.")
    page.goto(f"/interventions/{intervention.pk}/status/")
    page.get_by_role("radio", name="Tersalurkan").check()
    page.get_by_role("button", name="Simpan status").click()
    saved(page, household.pk, "Status intervensi diubah.")
    intervention.refresh_from_db()
    assert (intervention.notes, intervention.status) == ("Angkatan II", "delivered")
    assert intervention.delivered_on == timezone.localdate()


def send_twice(route) -> None:
    """A POST reaches the server twice, as when a weak connection makes the phone send it again."""
    if route.request.method == "POST":
        route.fetch()
    route.continue_()


def fill_registration(page) -> None:
    page.goto("/households/new/")
    page.get_by_label("Kelurahan").select_option(label="Kameloh Baru — Sabangau")
    page.locator("#id_address").fill("Jl. Kameloh Ujung")
    page.locator("#id_members-0-full_name").fill("Maria Ulfah")
    page.locator("#id_members-0-sex").select_option("P")
    page.locator("#id_members-0-relation").select_option("kepala")


def test_a_registration_that_reaches_the_server_twice_registers_one_household(new_page, dinsos_caseworker):
    page = open_as(new_page, dinsos_caseworker)
    fill_registration(page)
    page.route("**/households/new/", send_twice)
    page.get_by_role("button", name="Daftarkan").click()
    page.wait_for_url("**/households/*/")
    assert Household.objects.filter(address="Jl. Kameloh Ujung").count() == 1


def test_a_registration_sent_again_from_the_back_button_is_refused_with_a_link(new_page, dinsos_caseworker):
    page = open_as(new_page, dinsos_caseworker)
    fill_registration(page)
    page.get_by_role("button", name="Daftarkan").click()
    page.wait_for_url("**/households/*/")
    first = Household.objects.get(address="Jl. Kameloh Ujung")
    page.go_back()
    page.wait_for_url("**/households/new/")
    fill_registration(page)  # whatever the browser restored, the same family again
    page.get_by_role("button", name="Daftarkan").click()
    alert = page.locator("[data-form-errors]")
    alert.wait_for()
    assert "sudah terdaftar" in alert.inner_text()
    assert alert.get_by_role("link").get_attribute("href") == f"/households/{first.pk}/"
    assert Household.objects.filter(address="Jl. Kameloh Ujung").count() == 1


def test_an_added_member_sent_twice_is_added_once(new_page, family, dinsos_caseworker):
    household, _person = family
    page = open_as(new_page, dinsos_caseworker)
    page.goto(f"/households/{household.pk}/members/new/")
    page.get_by_label("Nama lengkap").fill("Siti Rahmah")
    page.get_by_label("Jenis kelamin").select_option("P")
    page.route("**/members/new/", send_twice)
    page.get_by_role("button", name="Simpan").click()
    saved(page, household.pk, "sudah terkirim sebelumnya")  # what the second copy's answer says
    assert Person.objects.filter(household=household, full_name="Siti Rahmah").count() == 1
    page.unroute("**/members/new/")
    page.go_back()
    page.wait_for_url("**/members/new/")
    page.get_by_label("Nama lengkap").fill("Siti Rahmah")
    page.get_by_label("Jenis kelamin").select_option("P")
    page.get_by_role("button", name="Simpan").click()
    page.locator("[data-form-errors]").filter(has_text="sudah tercatat di rumah tangga ini").wait_for()
    assert Person.objects.filter(household=household, full_name="Siti Rahmah").count() == 1


def test_a_stale_edit_says_who_changed_what_and_keeps_the_typing(new_page, family, supervisor, dinsos_caseworker):
    household, _person = family
    mine, theirs = open_as(new_page, dinsos_caseworker), open_as(new_page, supervisor)
    for page in (mine, theirs):
        page.goto(f"/households/{household.pk}/edit/")
    mine.locator("#id_rt").fill("2")
    mine.get_by_role("button", name="Simpan perubahan").click()
    saved(mine, household.pk, "Data rumah tangga disimpan.")
    theirs.locator("#id_rt").fill("9")
    theirs.get_by_role("button", name="Simpan perubahan").click()
    alert = theirs.locator("[data-form-errors]")
    alert.wait_for()
    assert f"Data ini sudah diubah oleh {dinsos_caseworker}" in alert.inner_text()
    assert theirs.locator("#id_rt").input_value() == "9"
    assert theirs.evaluate("document.activeElement.id") == "form-errors"  # read out first, not two screens down
    screenshot(theirs, "edit-household-stale")
    household.refresh_from_db()
    assert household.rt == "002"


def test_an_archived_household_cannot_be_made_extreme_poor_again_without_unarchiving(new_page, family, supervisor):
    from households.services import household_archive, household_change_status

    household, _person = family
    household_change_status(household=household, status="moved", reason="Pindah", actor=supervisor)
    household_archive(household=household, actor=supervisor, reason="Keluar program")
    page = open_as(new_page, supervisor)
    page.goto(f"/households/{household.pk}/")
    assert page.get_by_role("link", name="Ubah status").count() == 0
    page.goto(f"/households/{household.pk}/status/")
    assert "diarsipkan" in page.content()
    page.goto(f"/households/{household.pk}/archive/")
    page.get_by_label("Alasan dikeluarkan dari arsip").fill("Kembali ke Kameloh Baru")
    page.get_by_role("button", name="Keluarkan dari arsip").click()
    saved(page, household.pk, "Rumah tangga dikeluarkan dari arsip.")
    household.refresh_from_db()
    assert household.archived_at is None
    page.get_by_role("link", name="Ubah status").wait_for()  # case work is possible again
