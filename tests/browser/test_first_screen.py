"""A caseworker on a 360 px phone and a supervisor at a desk sign in and see where the city stands."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_caseworker_on_a_phone_sees_their_opd_role_and_the_city_count(demo, new_page):
    page = new_page(PHONE)
    sign_in(page, "disnaker", "demo-palangka")
    assert page.get_by_test_id("extreme-poor-persons").inner_text() == "69"
    assert "Dinas Tenaga Kerja" in page.content()
    assert "Peran: Pendamping" in page.locator("main").inner_text()
    # The page fits a 360 px screen: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The menu collapses behind the toggler and opens on tap.
    toggler = page.get_by_role("button", name="Buka menu")
    assert toggler.is_visible()
    toggler.click()
    page.locator("#mainnav.collapse.show").wait_for()  # opened (its animation over), as a thumb would wait
    page.get_by_role("button", name="Petugas Disnaker · Disnaker").click()
    page.get_by_role("button", name="Keluar").wait_for(state="visible")
    screenshot(page, "home-caseworker-phone")


def test_supervisor_at_a_desk_sees_the_spread_by_kelurahan(demo, new_page):
    page = new_page(DESKTOP)
    sign_in(page, "supervisor", "demo-palangka")
    assert page.get_by_test_id("extreme-poor-persons").inner_text() == "69"
    table = page.locator("table").first.inner_text()
    assert "Kameloh Baru" in table and "33" in table
    page.get_by_role("button", name="Supervisor Dinsos · Dinsos").click()
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/accounts/login/")
    screenshot(page, "home-supervisor-desktop")


def test_wrong_password_stays_on_the_login_page_with_a_message(demo, new_page):
    page = new_page(PHONE)
    sign_in(page, "disnaker", "bukan-sandinya")
    assert "Nama pengguna atau kata sandi salah" in page.content()
    screenshot(page, "login-error-phone")
