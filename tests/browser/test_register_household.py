"""Registering a household with two members on a phone: the second row is added without reloading."""

import pytest

from households.models import Household
from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.factories import UserFactory, opd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_caseworker_registers_a_household_adding_a_member_row_with_javascript(new_page):
    UserFactory(username="petugas", opd=opd("Dinsos"), password="sandi-uji-12345")
    page = new_page(PHONE)
    sign_in(page, "petugas", "sandi-uji-12345")
    page.goto("/households/new/")
    page.get_by_label("Kelurahan").select_option(label="Kameloh Baru — Sabangau")
    page.get_by_label("Alamat*").fill("Jl. Mahir Mahar No. 9")
    page.locator("#id_members-0-full_name").fill("Rudi Hartono")
    page.locator("#id_members-0-nik").fill("6271 0405 0680 0001")
    page.locator("#id_members-0-sex").select_option("L")
    page.locator("#id_members-0-birth_date").fill("1980-06-05")
    page.locator("#id_members-0-relation").select_option("kepala")
    url_before = page.url
    page.get_by_role("button", name="+ Tambah baris anggota").click()
    assert page.url == url_before  # no reload: the row came from the page's template
    page.locator("#id_members-1-full_name").fill("Ratna Sari")
    page.locator("#id_members-1-sex").select_option("P")
    page.locator("#id_members-1-relation").select_option("pasangan")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "register-household-phone")
    page.get_by_role("button", name="Daftarkan").click()
    page.wait_for_url("**/households/*/")
    household = Household.objects.get()
    assert sorted(household.members.values_list("full_name", flat=True)) == ["Ratna Sari", "Rudi Hartono"]
    assert household.members.get(full_name="Rudi Hartono").nik == "6271040506800001"
